"""Authoring the graph without Python: country scaffolds and spreadsheet import."""
