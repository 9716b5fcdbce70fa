"""The board: checks, figures, pages, change log, screen data, search index."""
