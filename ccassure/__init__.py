"""ccassure: compliance assurance for the Command & Control replacement programme."""

__version__ = "0.1.0"
