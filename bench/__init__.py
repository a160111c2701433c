"""Benchmarks of Accords: a synthetic corpus generator, build timings, a query bench and a load test."""
