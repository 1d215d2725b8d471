"""Test helpers: factories for rows and fixtures for real Redis and worker processes."""
