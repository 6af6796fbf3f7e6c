"""Rules and SQL: one module per resource; functions take a Session and never commit."""
