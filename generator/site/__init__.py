"""The site: the MkDocs plugin, publishing, printing, preview support."""
