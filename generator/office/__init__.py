"""The office's spreadsheets: import, export, round-trip edits of branch files."""
