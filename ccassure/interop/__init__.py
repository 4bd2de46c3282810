"""Exchange formats: axe-core results, CSV/XLSX, review packages."""
