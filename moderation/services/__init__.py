"""Use cases: the web views and the CLI call these; they know nothing about HTTP."""
