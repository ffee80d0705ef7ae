"""Drills: real processes killed or racing on a real vault; each module's ``run*`` returns counts.

The bounded tests call them with a few trials; ``tests/benchmarks/bench_drills.py`` runs them at scale.
"""
