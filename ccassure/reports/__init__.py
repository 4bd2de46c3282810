"""PDF and HTML reports per assessment kind (reportlab lives only here)."""
