"""Persistence: SQLite store, schema migrations, repositories returning domain objects."""
