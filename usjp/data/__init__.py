"""What is stored, read and written: the store, the events file, the importer, refresh, checks, sources/."""
