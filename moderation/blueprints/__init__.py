"""HTTP blueprints: thin views that parse, call a service, serialize."""
