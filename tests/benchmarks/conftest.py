"""Benchmarks are scripts, run by hand (see bench_search.py); pytest never collects them."""

collect_ignore_glob = ["bench_*.py"]
