# Benchmarks are scripts (python tests/benchmarks/bench_*.py), never collected by pytest.
collect_ignore_glob = ["bench_*.py"]
