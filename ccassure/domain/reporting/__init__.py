"""What each kind of report says: pure builders from an assessment document to a Report."""
