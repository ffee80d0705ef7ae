"""One consolidation run: read, plan (the model runs here, without the vault lock), apply in one
transaction, then decay; recorded in ``job_runs`` with counts, rejections and errors.

Progress is one fraction that moves with each unit of work: a batch's share of the run is its
share of the units waiting when the run started, and inside a batch each step (facts, chunk by
chunk; summaries, day by day; duplicates; writing) advances its part of that share. The model
works on the user's own words first (facts), then on the day summaries."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from reverie.core import jobruns
from reverie.core.consolidation.apply import apply_plan
from reverie.core.consolidation.dedup import plan_merges
from reverie.core.consolidation.facts import model_may_extract, plan_facts, plan_retractions
from reverie.core.consolidation.llm import CancelledError, ModelSession
from reverie.core.consolidation.planner import ConsolidationPlan, Inputs, count_waiting, gather
from reverie.core.consolidation.profile import plan_profile
from reverie.core.consolidation.summaries import plan_summaries
from reverie.core.decay import DecayParams, apply_decay, plan_decay
from reverie.core.errors import ReverieError
from reverie.core.jobruns import RunStatus
from reverie.core.protocols import ChatModel, Embedder
from reverie.core.settings import Settings
from reverie.core.vault import Vault

JOB = "consolidation"
Progress = Callable[[str, float], None]
BATCH_UNITS = 5000  # units read per batch (a big import is consolidated batch by batch)
MAX_BATCHES = 40
_RUNNING = threading.Lock()  # one consolidation at a time in this process


class JobBusyError(ReverieError):
    """A consolidation is already running."""


@dataclass
class ConsolidationReport:
    run_id: int
    status: RunStatus
    started_at: float
    finished_at: float
    counts: dict[str, int] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for k, v in more.items():
        counts[k] = counts.get(k, 0) + v


# Each step's share of a batch (they add up to 1; writing is the rest).
STEP_SHARES = (("finding facts in your words", 0.6), ("summarising the days", 0.25), ("merging duplicates", 0.1))
WRITING_SHARE = 0.05
READ_START, READ_END = 0.02, 0.92  # the batches' part of the run; decay follows


class Meter:
    """The run's progress: one fraction that never goes back, reported with a plain stage name."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = 0.0

    def report(self, stage: str, fraction: float) -> None:
        self.last = max(self.last, min(1.0, fraction))
        if self.progress is not None:
            self.progress(stage, self.last)

    def step(self, stage: str, start: float, end: float) -> Callable[[int, int], None]:
        """A ``tick(done, total)`` that moves the fraction from ``start`` to ``end``."""

        def tick(done: int, total: int) -> None:
            share = min(1.0, done / total) if total > 0 else 1.0
            self.report(stage, start + (end - start) * share)

        self.report(stage, start)
        return tick


def build_plan(
    inputs: Inputs,
    *,
    session: ModelSession | None,
    embedder: Any = None,
    progress: Progress | None = None,
    span: tuple[float, float] = (0.0, 1.0),
    meter: Meter | None = None,
    model_facts: bool = True,
) -> ConsolidationPlan:
    """The whole plan from what was read; pure apart from asking the model. Progress moves
    through ``span`` as each step does its work."""
    meter = meter or Meter(progress)
    lo, hi = span
    bounds, at = [], lo
    for stage, share in STEP_SHARES:
        bounds.append((stage, at, at + (hi - lo) * share))
        at += (hi - lo) * share
    plan = ConsolidationPlan(now=inputs.now, mark_ids=list(inputs.new_ids))
    plan.retractions = plan_retractions(inputs.facts)
    plan.facts = plan_facts(
        inputs, session, plan.rejections, embedder, tick=meter.step(*bounds[0]), use_model=model_facts
    )
    if session is not None:
        session.check_cancel()
    plan.summaries = plan_summaries(inputs, session, plan.rejections, tick=meter.step(*bounds[1]))
    if session is not None:
        session.check_cancel()
    plan.merges = plan_merges(inputs, embedder, tick=meter.step(*bounds[2]))
    plan.profile, plan.profile_auto = plan_profile(inputs, plan.facts, [r.fact_id for r in plan.retractions])
    meter.report("writing what was learned", at)
    return plan


def run_consolidation(
    vault: Vault,
    *,
    chat_model: ChatModel | None = None,
    embedder: Embedder | None = None,
    settings: Settings | None = None,
    now: float | None = None,
    tz: tzinfo | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    scheduled_for: float | None = None,
    max_model_calls: int = 60,
) -> ConsolidationReport:
    """Consolidate what is new, then decay. Never raises for a failure inside the run: the
    report (and the ``job_runs`` row) says what happened. Raises ``JobBusyError`` when a run
    is already going."""
    if not _RUNNING.acquire(blocking=False):
        raise JobBusyError("Consolidation is already running; wait for it to finish or cancel it.")
    try:
        return _run(
            vault,
            chat_model,
            embedder,
            settings,
            now=now,
            tz=tz,
            cancel=cancel,
            progress=progress,
            scheduled_for=scheduled_for,
            max_model_calls=max_model_calls,
        )
    finally:
        _RUNNING.release()


def _run(
    vault: Vault,
    chat_model: Any,
    embedder: Any,
    settings: Any,
    *,
    now: float | None,
    tz: tzinfo | None,
    cancel: threading.Event | None,
    progress: Progress | None,
    scheduled_for: float | None,
    max_model_calls: int,
) -> ConsolidationReport:
    now = vault.now() if now is None else now
    params = DecayParams.from_settings(settings) if settings is not None else DecayParams()
    run_id = jobruns.start_run(vault, JOB, now, scheduled_for)
    session = ModelSession(chat_model, cancel, max_calls=max_model_calls)
    counts: dict[str, int] = {}
    log: list[str] = [] if chat_model is not None else ["no chat model: deterministic digests, facts and dedup"]
    model_facts = chat_model is not None and model_may_extract(chat_model, getattr(settings, "chat_tier", "auto"))
    if chat_model is not None and not model_facts:
        log.append(
            "the chat model is tiny: facts come from the deterministic extractor alone, the model names "
            "the day's topics"
        )
    status: RunStatus = "ok"
    error: str | None = None
    meter = Meter(progress)
    try:
        meter.report("reading", 0.0)
        with vault.read() as conn:
            waiting = max(1, count_waiting(conn))
        done = 0
        for batch in range(MAX_BATCHES):
            with vault.read() as conn:
                inputs = gather(conn, now, tz, max_units=BATCH_UNITS)
            if batch and not inputs.new_ids:
                break
            _add(counts, {"units_read": len(inputs.new_ids), "days": len(inputs.days)})
            lo = READ_START + (READ_END - READ_START) * min(1.0, done / waiting)
            done += len(inputs.new_ids)
            hi = READ_START + (READ_END - READ_START) * min(1.0, done / waiting)
            plan = build_plan(
                inputs,
                session=session,
                embedder=embedder,
                span=(lo, hi - (hi - lo) * WRITING_SHARE),
                meter=meter,
                model_facts=model_facts,
            )
            session.check_cancel()
            _add(counts, apply_plan(vault, plan, run_id, inputs.profile))
            meter.report("writing what was learned", hi)
            _add(counts, {"rejected": len(plan.rejections)})
            log += plan.rejections
            log += [f"fact {f.action}: {f.text}" for f in plan.facts if f.action != "noop"]
            log += [f"fact retracted ({r.reason}): {r.text}" for r in plan.retractions]
            if len(inputs.new_ids) < BATCH_UNITS:
                break
        else:
            log.append("more units are waiting; the next run continues with them")
        session.check_cancel()
        meter.report("letting unused memories fade", READ_END)
        with vault.read() as conn:
            decay_plan = plan_decay(conn, now, params)
        counts["archived"] = apply_decay(vault, decay_plan)
        counts["active_memories"] = decay_plan.active
        meter.report("done", 1.0)
    except CancelledError:
        status = "cancelled"
        log.append("cancelled by the user; the steps finished before it were kept, the rest was not written")
    except ReverieError as exc:
        status, error = "failed", str(exc)
    except Exception as exc:  # noqa: BLE001 - recorded in job_runs; the app keeps running
        status, error = "failed", f"Consolidation failed: {type(exc).__name__}: {exc}."
    for k, v in session.counts.items():
        counts[k] = counts.get(k, 0) + v
    log = session.log + log
    finished = vault.now() if vault.now() >= now else now
    jobruns.finish_run(vault, run_id, finished, status, counts=counts, log=log, error=error)
    return ConsolidationReport(run_id, status, now, finished, counts, log, error)
