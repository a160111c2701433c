"""The Flask application: SPARQL protocol, linked-data pages, UI, limits."""
