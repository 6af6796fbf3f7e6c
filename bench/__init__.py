"""Benchmarks: a national data set on the real registry, loaded and queried through HTTP."""
