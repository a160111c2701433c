"""Benchmarks of Accords: a synthetic corpus generator and build timings (a query bench may sit beside)."""
