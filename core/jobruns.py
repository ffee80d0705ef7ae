"""Job runs: every scheduled or manual run (start, end, counts, errors, log) is a row of
``job_runs`` in the vault."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from reverie.core.sqltypes import inserted_id
from reverie.core.vault import Vault

RunStatus = Literal["running", "ok", "failed", "cancelled", "skipped"]

MAX_LOG_LINES = 2000


@dataclass
class RunRecord:
    id: int
    job: str
    scheduled_for: float | None
    started_at: float
    finished_at: float | None
    status: RunStatus
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    log: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float | None:
        return None if self.finished_at is None else max(0.0, self.finished_at - self.started_at)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_COLS = "id, job, scheduled_for, started_at, finished_at, status, counts, error, log"


def _record(r: Any) -> RunRecord:
    return RunRecord(int(r[0]), r[1], r[2], r[3], r[4], r[5], json.loads(r[6] or "{}"), r[7], json.loads(r[8] or "[]"))


def start_run(vault: Vault, job: str, now: float, scheduled_for: float | None = None) -> int:
    with vault.tx() as conn:
        cur = conn.execute(
            "INSERT INTO job_runs(job, scheduled_for, started_at, status) VALUES (?, ?, ?, 'running')",
            (job, scheduled_for, now),
        )
        return inserted_id(cur)


def finish_run(
    vault: Vault,
    run_id: int,
    now: float,
    status: RunStatus,
    *,
    counts: dict[str, Any],
    log: list[str],
    error: str | None = None,
) -> None:
    if len(log) > MAX_LOG_LINES:
        log = [*log[: MAX_LOG_LINES - 1], f"... {len(log) - MAX_LOG_LINES + 1} more lines"]
    with vault.tx() as conn:
        conn.execute(
            "UPDATE job_runs SET finished_at = ?, status = ?, counts = ?, error = ?, log = ? WHERE id = ?",
            (now, status, json.dumps(counts, sort_keys=True), error, json.dumps(log, ensure_ascii=False), run_id),
        )


def recent_runs(vault: Vault, job: str | None = None, limit: int = 20) -> list[RunRecord]:
    where, params = ("WHERE job = ?", [job]) if job else ("", [])
    with vault.read() as conn:
        rows = conn.execute(
            f"SELECT {_COLS} FROM job_runs {where} ORDER BY started_at DESC, id DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
    return [_record(r) for r in rows]


def last_covering_start(vault: Vault, job: str) -> float | None:
    """When the latest run that covers its night began (or was scheduled for): only a run that
    finished ok counts, so a failed, cancelled or interrupted night is caught up on next start."""
    with vault.read() as conn:
        row = conn.execute(
            "SELECT max(max(started_at, coalesce(scheduled_for, started_at))) FROM job_runs "
            "WHERE job = ? AND status = 'ok'",
            (job,),
        ).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def close_interrupted(vault: Vault, job: str, now: float) -> int:
    """Runs left 'running' by a process that ended (crash, power off) are marked failed."""
    with vault.tx() as conn:
        cur = conn.execute(
            "UPDATE job_runs SET status = 'failed', finished_at = ?, "
            "error = 'Reverie stopped before the run finished.' WHERE job = ? AND status = 'running'",
            (now, job),
        )
        return int(cur.rowcount)


# -- reading, for the window ---------------------------------------------------------------------

JobRun = RunRecord


def list_job_runs(vault: Vault, limit: int = 20, job: str | None = None) -> list[RunRecord]:
    """The most recent runs first, of one job or of all."""
    return recent_runs(vault, job, limit)
