"""Run a benchmark: ingest each case into a fresh vault, ask each question, score the ranking.

Each case (a LoCoMo conversation, a LongMemEval question's haystack) goes into a new,
temporary, unencrypted vault through ``conversations.add_message``, the path every chat
message takes, with the session's date as the time each turn happened (one second apart, in
order) and the speaker's name. Each question is asked with ``now`` = its own date. Only the
question's text and date reach the searcher; the labels are used afterwards, to score.

LongMemEval's official retrieval corpus is the user turns: assistant turns are recorded (they
are part of the conversation) but not indexed, so the ranking and its cut-offs are over user
turns, as in the official evaluation.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reverie.core import conversations
from reverie.core.clock import FixedClock
from reverie.core.evaluation import metrics
from reverie.core.evaluation.loaders import Case, Question
from reverie.core.evaluation.searchers import Searcher
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault

BENCHMARKS = ("locomo", "longmemeval")


@dataclass(frozen=True)
class Line:
    """One line of the table: a name, how to build its searcher on a vault, and the mode."""

    name: str
    make: Callable[[Vault], Searcher]
    mode: str = "hybrid"


@dataclass
class QuestionResult:
    line: str
    qid: str
    category: str
    scores: dict[str, float]
    retrieved: list[str]
    evidence: list[str]


@dataclass
class RunResult:
    benchmark: str
    ks: tuple[int, ...]
    results: list[QuestionResult] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    cases: int = 0
    questions: int = 0


@dataclass
class IngestedCase:
    vault: Vault
    turn_of_source: dict[str, str]  # message id -> benchmark turn id
    corpus: list[str]  # indexed turn ids, in order


def ingest_case(case: Case, folder: Path, *, index_roles: Sequence[str] = ("user", "assistant")) -> IngestedCase:
    """Create a vault in ``folder`` and record every turn of ``case`` through ``add_message``."""
    first = min((s.happened_at for s in case.sessions), default=0.0)
    clock = FixedClock(first)
    vault = Vault.create(vault_paths(folder), KeyMode.NONE, clock=clock)
    with vault.read() as conn:
        conn.execute("PRAGMA synchronous = OFF")  # a throw-away vault: no need to survive a power cut
    turn_of_source: dict[str, str] = {}
    corpus: list[str] = []
    for session in sorted(case.sessions, key=lambda s: s.happened_at):
        clock.set(session.happened_at)
        conv = conversations.create_conversation(
            vault,
            f"{case.case_id} {session.session_id}",
            created_at=session.happened_at,
            origin=f"benchmark:{session.session_id}",
            actor="import",
        )
        for i, turn in enumerate(session.turns):
            when = session.happened_at + i
            clock.set(when)
            indexed = turn.role in index_roles and bool(turn.text.strip())
            msg = conversations.add_message(
                vault,
                conv.id,
                turn.role,
                turn.text,
                happened_at=when,
                speaker=turn.speaker,
                origin=f"benchmark:{turn.turn_id}",
                index=indexed,
                actor="import",
            )
            turn_of_source[msg.id] = turn.turn_id
            if indexed:
                corpus.append(turn.turn_id)
    return IngestedCase(vault, turn_of_source, corpus)


def index_roles_for(benchmark: str) -> tuple[str, ...]:
    return ("user",) if benchmark == "longmemeval" else ("user", "assistant")


def score_question(
    benchmark: str, q: Question, ranked: list[str], corpus: list[str], ks: Sequence[int]
) -> dict[str, float]:
    if benchmark == "locomo":
        return metrics.locomo_scores(ranked, q.evidence, ks)
    return metrics.longmemeval_scores(ranked, q.evidence, corpus, ks)


def run_benchmark(
    benchmark: str,
    cases: Sequence[Case],
    lines: Sequence[Line],
    ks: Sequence[int] = (5, 10),
    *,
    max_questions: int | None = None,
    fetch: int | None = None,
    progress: Callable[[str], None] | None = None,
    workdir: Path | None = None,
) -> RunResult:
    """Score every line on every case. ``fetch`` is how many units each search returns
    (default: 5 x the largest k, so session-level cut-offs can look past repeated sessions)."""
    if benchmark not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {benchmark!r}")
    ks = tuple(sorted(set(ks)))
    fetch = fetch or 5 * max(ks)
    out = RunResult(benchmark, ks)
    with tempfile.TemporaryDirectory(prefix="reverie-eval-", dir=workdir) as tmp:
        for n, case in enumerate(cases):
            asked = [q for q in case.questions if q.skip_reason is None][: max_questions or None]
            for q in case.questions:
                if q.skip_reason is not None:
                    out.skipped[q.skip_reason] = out.skipped.get(q.skip_reason, 0) + 1
            if not asked:
                continue
            ing = ingest_case(case, Path(tmp) / f"case{n}", index_roles=index_roles_for(benchmark))
            try:
                out.cases += 1
                out.questions += len(asked)
                for line in lines:
                    searcher = line.make(ing.vault)
                    for q in asked:
                        units = searcher.search(q.text, now=q.asked_at, k=fetch, mode=line.mode)
                        ranked = metrics.dedupe(
                            ing.turn_of_source[u.source_id] for u in units if u.source_id in ing.turn_of_source
                        )
                        out.results.append(
                            QuestionResult(
                                line.name,
                                q.qid,
                                q.category,
                                score_question(benchmark, q, ranked, ing.corpus, ks),
                                ranked[: max(ks)],
                                list(q.evidence),
                            )
                        )
            finally:
                ing.vault.close()
            if progress:
                progress(f"{case.case_id}: {len(asked)} questions, {len(ing.corpus)} turns indexed")
    return out


def summarise(run: RunResult) -> dict[str, dict[str, dict[str, float]]]:
    """line -> group ("all" and each category) -> metric -> mean (and "n")."""
    table: dict[str, dict[str, dict[str, float]]] = {}
    for line in dict.fromkeys(r.line for r in run.results):
        rows = [r for r in run.results if r.line == line]
        groups: dict[str, list[QuestionResult]] = {"all": rows}
        for r in rows:
            groups.setdefault(r.category, []).append(r)
        table[line] = {}
        for g, items in groups.items():
            keys = items[0].scores.keys()
            means: dict[str, float] = {k: sum(i.scores[k] for i in items) / len(items) for k in keys}
            means["n"] = float(len(items))
            table[line][g] = means
    return table


def to_json(run: RunResult) -> dict[str, Any]:
    return {
        "benchmark": run.benchmark,
        "ks": list(run.ks),
        "cases": run.cases,
        "questions": run.questions,
        "skipped": run.skipped,
        "summary": summarise(run),
        "per_question": [r.__dict__ for r in run.results],
    }
