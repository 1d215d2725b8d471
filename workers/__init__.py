"""Celery side: the app built from the Flask app, tasks that take ids, and the per-process model."""
