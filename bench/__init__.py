"""Benchmarks (make bench, make bench-reports); not part of make test."""
