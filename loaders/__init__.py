"""Turn sources into triples and build the store."""
