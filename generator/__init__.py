"""The disclosure board: content (YAML) → model → figures → Markdown pages → MkDocs site."""
