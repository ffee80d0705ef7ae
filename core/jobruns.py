"""Reading the job log (``job_runs``): what background jobs ran, when, and how they ended."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reverie.core.vault import Vault


@dataclass(frozen=True)
class JobRun:
    id: int
    job: str
    scheduled_for: float | None
    started_at: float
    finished_at: float | None
    status: str
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def duration(self) -> float | None:
        return None if self.finished_at is None else max(0.0, self.finished_at - self.started_at)


def list_job_runs(vault: Vault, limit: int = 20, job: str | None = None) -> list[JobRun]:
    """The most recent runs first, of one job or of all."""
    sql = "SELECT id, job, scheduled_for, started_at, finished_at, status, counts, error FROM job_runs"
    params: list[Any] = []
    if job:
        sql += " WHERE job = ?"
        params.append(job)
    sql += " ORDER BY started_at DESC, id DESC LIMIT ?"
    params.append(int(limit))
    out = []
    for r in vault.query(sql, params):
        try:
            counts = json.loads(r[6] or "{}")
        except ValueError:
            counts = {}
        out.append(JobRun(r[0], r[1], r[2], r[3], r[4], r[5], counts if isinstance(counts, dict) else {}, r[7]))
    return out
