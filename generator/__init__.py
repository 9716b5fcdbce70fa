"""The disclosure board: content (YAML) → model → figures → Markdown pages → MkDocs site."""

__version__ = "0.1.0"
