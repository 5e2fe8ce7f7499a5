"""Benchmarks that print numbers: `python -m benchmarks [NAME...]` (`make bench` runs them all).

Each `bench_<name>.py` module exposes `main() -> int`; speed and memory are measured here, never in tests.
"""
