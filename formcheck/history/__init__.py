"""The session history (SQLite) and the progress trend read from it."""
