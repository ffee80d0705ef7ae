"""Nightly consolidation: day and session digests, facts (ADD / UPDATE / SUPERSEDE / NOOP),
duplicate merge and the user's profile, then decay.

``planner`` reads and defines the plan; ``summaries``, ``facts``, ``dedup`` and ``profile`` each
plan one part (the chat model is optional: ``llm`` constrains, validates and retries it);
``apply`` writes a plan in one transaction; ``runner.run_consolidation`` does a whole run and
records it in ``job_runs``.
"""

from reverie.core.consolidation.runner import (
    JOB,
    ConsolidationReport,
    JobBusyError,
    build_plan,
    run_consolidation,
)

__all__ = ["JOB", "ConsolidationReport", "JobBusyError", "build_plan", "run_consolidation"]
