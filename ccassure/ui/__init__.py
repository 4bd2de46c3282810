"""Desktop app: the only package that imports Qt (main window arrives with issue #3)."""
