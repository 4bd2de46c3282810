"""Use cases: the only API the desktop app and the command line call."""
