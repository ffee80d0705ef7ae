"""The end-to-end answer benchmark: what a user would see when asking Reverie about a LoCoMo or
LongMemEval conversation.

Each case is ingested once (``runner.ingest_case``: every turn through ``add_message`` with its
date and speaker) and embedded by the app's embedding job; then each question is asked, on each
line, in a fresh copy of that vault (so no answer, citation or reinforcement of one question
changes what the next one finds), in a new conversation, with the clock at the question's date:

- ``reverie``: the real ``Companion`` with the model's tier and its reply gate;
- ``quote``: no model: the top relevant memory (as the Companion picks them), quoted with its marker;
- ``raw``: the model given the memories with no gate (``tier="capable", gate=False``).

Each visible reply is scored against the labels afterwards: whether a gold evidence turn is among
the memories it cites, gold-answer token recall and F1 (``answer_scores``), whether the gate
replaced it or Reverie composed it, and whether what is shown loops, recites the rules, stops
mid-sentence or claims what neither the question nor the memories given say (``core.gate``).
The memories given count with what the reply may say about them: who said them and when.
"""

from __future__ import annotations

import inspect
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reverie.core import conversations, embedding, gate, retrieval, sources
from reverie.core.answer import Companion
from reverie.core.citations import MARKER
from reverie.core.clock import FixedClock, local_date
from reverie.core.errors import InputError
from reverie.core.evaluation import runner
from reverie.core.evaluation.answer_scores import gold_for, score_reply
from reverie.core.evaluation.loaders import Case, Question
from reverie.core.paths import vault_paths
from reverie.core.prompt import RULES, GivenMemory
from reverie.core.vault import Vault

LINES = ("reverie", "quote", "raw")
NO_RELEVANT = "I have no memory of that: nothing in your notes or our conversations mentions it."
FLAGS = ("loop", "leak", "truncated", "unsupported")


@dataclass
class AnswerRecord:
    """One visible reply on one line, with what it is scored on."""

    line: str
    qid: str
    category: str
    question: str
    gold: str
    reply: str
    evidence: list[str]  # the benchmark's evidence turn ids
    given: list[str]  # turn ids of the memories given (in order)
    cited: list[str]  # turn ids of the memories the reply cites or quotes
    recall: float
    f1: float
    replaced: bool = False
    composed: bool = False
    flags: dict[str, bool] = field(default_factory=dict)
    unsupported: list[str] = field(default_factory=list)
    gate_reasons: list[str] = field(default_factory=list)
    mode: str = ""
    status: str = "complete"
    first_token_s: float = 0.0
    total_s: float = 0.0

    @property
    def evidence_shown(self) -> bool:
        return bool(set(self.evidence) & set(self.cited))

    @property
    def evidence_given(self) -> bool:
        return bool(set(self.evidence) & set(self.given))


@dataclass
class AnswersRun:
    benchmark: str
    lines: list[str]
    tier: str
    records: list[AnswerRecord] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    cases: int = 0
    questions: int = 0
    available: int = 0  # the questions a run without --max-questions would ask of these cases
    wall_s: float = 0.0
    notes: list[str] = field(default_factory=list)


# -- gold answers ----------------------------------------------------------------------------------
def load_gold(path: Path, benchmark: str) -> dict[str, str]:
    """Question id -> gold answer, read from the benchmark file (the loaders keep only the labels
    retrieval needs). Ids are the loaders' own: LoCoMo ``<sample id>#<index>``, LongMemEval's."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"Reverie cannot read the gold answers in {path}: {exc}.") from exc
    out: dict[str, str] = {}
    if benchmark == "locomo":
        for n, sample in enumerate(data):
            cid = str(sample.get("sample_id") or f"locomo-{n}")
            for i, qa in enumerate(sample.get("qa") or []):
                if "answer" in qa:
                    out[f"{cid}#{i}"] = str(qa["answer"])
    else:
        for item in data:
            out[str(item["question_id"])] = str(item.get("answer", ""))
    return out


def evenly(items: Sequence[Question], n: int | None) -> list[Question]:
    """At most ``n`` items spread evenly over ``items`` (all of them when ``n`` is None)."""
    if not n or n >= len(items):
        return list(items)
    return [items[int((i + 0.5) * len(items) / n)] for i in range(n)]


# -- what a reply may say about its memories ---------------------------------------------------------
def memory_source(g: GivenMemory) -> str:
    """A given memory as a source of claims: its text, who said it, its source, and its date
    written the ways a reply may write it."""
    m = g.memory
    dates = set()
    for dt in (datetime.fromtimestamp(m.happened_at), datetime.fromtimestamp(m.happened_at, UTC)):
        dates.add(f"{dt.strftime('%A')} {dt.day} {dt.strftime('%B')} {dt.year} {dt.strftime('%H:%M')}")
    return "\n".join([m.text, m.speaker or "", g.source_title, local_date(m.happened_at), *sorted(dates)])


def visible_flags(reply: str, question: str, given: Sequence[GivenMemory]) -> tuple[dict[str, bool], list[str]]:
    """What the gate's checks find in a visible reply: loop, leak (the rules recited), truncated,
    unsupported (claims in neither the question nor the memories given)."""
    missing = gate.unsupported_claims(reply, [question, *(memory_source(g) for g in given)])
    flags = {
        "loop": gate.is_looping(reply),
        "leak": gate.echoes(reply, [RULES]),
        "truncated": gate.is_truncated(reply),
        "unsupported": bool(missing),
    }
    return flags, missing


# -- one question on one line ------------------------------------------------------------------------
class _NoModel:
    """The quote line's stand-in: it never writes."""

    name = "none"
    context_size = 4096
    tier = "tiny"

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, *a: Any, **kw: Any) -> Any:
        raise AssertionError("the quote line runs no model")


def build_companion(
    vault: Vault,
    model: Any,
    memories: Any,
    clock: Any,
    *,
    tier: str,
    use_gate: bool,
    companion_cls: Callable[..., Any] = Companion,
) -> tuple[Any, bool]:
    """A Companion with ``tier`` and ``gate`` when it takes them; also whether it does."""
    params = inspect.signature(companion_cls).parameters
    kw: dict[str, Any] = {}
    if "tier" in params:
        kw["tier"] = tier
    if "gate" in params:
        kw["gate"] = use_gate
    return companion_cls(vault, model, memories, clock, None, **kw), "gate" in params


def _turns(
    memory_ids: Sequence[int], given: Sequence[GivenMemory], vault: Vault, turn_of_source: Mapping[str, str]
) -> list[str]:
    """Benchmark turn ids of memories (memory -> its source message -> the turn it recorded)."""
    source = {g.memory.id: g.memory.source_id for g in given}
    missing = [i for i in memory_ids if i not in source]
    if missing:
        rows = vault.query(f"SELECT id, source_id FROM memories WHERE id IN ({','.join('?' * len(missing))})", missing)
        source.update({int(r[0]): r[1] for r in rows})
    out: list[str] = []
    for i in memory_ids:
        turn = turn_of_source.get(source.get(i) or "")
        if turn and turn not in out:
            out.append(turn)
    return out


def ask_quote(vault: Vault, retriever: Any, q: Question) -> dict[str, Any]:
    """The quote baseline: the Companion's best relevant memory, verbatim with its marker."""
    t0 = time.perf_counter()
    picker, _ = build_companion(vault, _NoModel(), retriever, vault.clock, tier="tiny", use_gate=True)
    cands = picker.candidates(q.text, q.asked_at, set())
    if cands:
        top = GivenMemory(1, cands[0].memory, cands[0].source_title, cands[0].score)
        reply, given = f"“{' '.join(top.memory.text.split())}” [1]", [top]
    else:
        reply, given = NO_RELEVANT, []
    total = time.perf_counter() - t0
    return {
        "reply": reply,
        "given": given,
        "cited_ids": [g.memory.id for g in given],
        "meta": {},
        "mode": "quote" if given else "no_memory",
        "status": "complete",
        "first_token_s": total,
        "total_s": total,
    }


def ask_companion(
    vault: Vault,
    model: Any,
    retriever: Any,
    q: Question,
    *,
    line: str,
    tier: str,
    companion_cls: Callable[..., Any] = Companion,
) -> dict[str, Any]:
    """Ask on the ``reverie`` (model's tier, gate on) or ``raw`` (capable, gate off) line."""
    use_gate = line == "reverie"
    companion, _ = build_companion(
        vault,
        model,
        retriever,
        vault.clock,
        tier=tier if use_gate else "capable",
        use_gate=use_gate,
        companion_cls=companion_cls,
    )
    conv = conversations.create_conversation(vault, sources.first_line_title(q.text))
    result = companion.answer(conv.id, q.text)
    reply = result.assistant_message.content
    meta = dict(result.assistant_message.meta or {})
    cited = [c.memory_id for c in result.citations]
    timings = result.timings or {}
    total = float(timings.get("total_s", 0.0))
    return {
        "reply": reply,
        "given": list(result.given),
        "cited_ids": cited,
        "meta": meta,
        "mode": result.mode,
        "status": result.status,
        "first_token_s": float(timings.get("first_token_s", total)),
        "total_s": total,
    }


def score(
    line: str,
    q: Question,
    gold: str,
    benchmark: str,
    asked: Mapping[str, Any],
    *,
    vault: Vault,
    turn_of_source: Mapping[str, str],
) -> AnswerRecord:
    given: list[GivenMemory] = asked["given"]
    reply: str = asked["reply"]
    meta: Mapping[str, Any] = asked["meta"]
    flags, missing = visible_flags(reply, q.text, given)
    gold_text = gold_for(gold, q.category)
    scores = score_reply(MARKER.sub(" ", reply), gold_text, q.category, benchmark)
    gate_meta = meta.get("gate")
    verdict: Mapping[str, Any] = gate_meta if isinstance(gate_meta, Mapping) else {}
    return AnswerRecord(
        line,
        q.qid,
        q.category,
        q.text,
        gold_text,
        reply,
        list(q.evidence),
        _turns([g.memory.id for g in given], given, vault, turn_of_source),
        _turns(asked["cited_ids"], given, vault, turn_of_source),
        scores["recall"],
        scores["f1"],
        bool(meta.get("replaced")),
        bool(meta.get("composed")),
        flags,
        missing,
        list(verdict.get("reasons") or []),
        asked["mode"],
        asked["status"],
        asked["first_token_s"],
        asked["total_s"],
    )


# -- the run -----------------------------------------------------------------------------------------
def _prepare(
    case: Case, benchmark: str, folder: Path, embedder: Any, config: retrieval.RetrievalConfig
) -> runner.IngestedCase:
    ing = runner.ingest_case(case, folder, index_roles=runner.index_roles_for(benchmark))
    if embedder is not None:
        embedding.embed_pending(ing.vault, embedder, batch_size=256, window=config.turn_window)
    ing.vault.close()
    return ing


def _fresh_copy(base: Path, home: Path, now: float) -> Vault:
    """A copy of the prepared vault (folder ``base``) in ``home``, opened with the clock at ``now``."""
    paths = vault_paths(home)
    if paths.folder.exists():
        shutil.rmtree(paths.folder)
    shutil.copytree(base, paths.folder)
    return Vault.open(paths, clock=FixedClock(now))


def run_answers(
    benchmark: str,
    cases: Sequence[Case],
    gold: Mapping[str, str],
    *,
    model: Any,
    embedder: Any,
    tier: str,
    lines: Sequence[str] = LINES,
    max_questions: int | None = None,
    config: retrieval.RetrievalConfig | None = None,
    progress: Callable[[str], None] | None = None,
    workdir: Path | None = None,
    companion_cls: Callable[..., Any] = Companion,
) -> AnswersRun:
    """Ask every sampled question of every case on every line (see the module doc)."""
    for line in lines:
        if line not in LINES:
            raise InputError(f"Unknown line {line!r}; choose from {', '.join(LINES)}.")
    if model is None and any(line != "quote" for line in lines):
        raise InputError("The reverie and raw lines need a chat model.")
    cfg = config or retrieval.RetrievalConfig()
    out = AnswersRun(benchmark, list(lines), tier)
    if "raw" in lines and "gate" not in inspect.signature(companion_cls).parameters:
        out.notes.append("this Companion has no gate switch: the raw line is the same as the reverie line")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reverie-answers-", dir=workdir) as tmp:
        for n, case in enumerate(cases):
            usable = [q for q in case.questions if q.skip_reason is None]
            for q in case.questions:
                if q.skip_reason is not None:
                    out.skipped[q.skip_reason] = out.skipped.get(q.skip_reason, 0) + 1
            asked = evenly(usable, max_questions)
            out.available += len(usable)
            if not asked:
                continue
            base = Path(tmp) / f"case{n}"
            ing = _prepare(case, benchmark, base, embedder, cfg)
            out.cases += 1
            out.questions += len(asked)
            for j, q in enumerate(asked):
                for line in lines:
                    vault = _fresh_copy(base / "vault", Path(tmp) / "work", q.asked_at)
                    try:
                        retriever = retrieval.Retriever(vault, embedder, cfg)
                        if line == "quote":
                            got = ask_quote(vault, retriever, q)
                        else:
                            got = ask_companion(
                                vault, model, retriever, q, line=line, tier=tier, companion_cls=companion_cls
                            )
                        rec = score(
                            line, q, gold.get(q.qid, ""), benchmark, got, vault=vault, turn_of_source=ing.turn_of_source
                        )
                    finally:
                        vault.close()
                    out.records.append(rec)
                    if progress:
                        progress(
                            f"{case.case_id} {j + 1}/{len(asked)} {line}: {rec.total_s:.1f}s "
                            f"evidence {'shown' if rec.evidence_shown else 'not shown'}"
                        )
    out.wall_s = time.perf_counter() - t0
    return out
