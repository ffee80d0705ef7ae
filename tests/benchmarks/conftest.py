"""Benchmarks are scripts (python tests/benchmarks/bench_*.py), run by hand; pytest never collects them."""

collect_ignore_glob = ["bench_*.py"]
