"""Retrieval evaluation on public memory benchmarks (LoCoMo, LongMemEval-S): loaders, the
official metrics, searchers to compare and the runner that ingests and asks."""
