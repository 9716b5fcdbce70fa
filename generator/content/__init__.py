"""The content: reading YAML safely, the one schema, the typed model, dates."""
