"""Fact extraction measured on LoCoMo's ``observation`` labels.

LoCoMo (CC BY-NC: tests and evaluation only, never shipped) labels each session with facts about
each speaker ("Caroline attended an LGBTQ support group ...") and the turns they rest on. Each
conversation is consolidated once per speaker: that speaker's turns are the user's own words
(role ``user``), the other speaker's turns are the other side of the chat (role ``assistant``),
which is how Reverie sees its own user. The facts come from the code nightly consolidation runs
(``gather`` over a real vault, then ``plan_facts``, with or without the chat model); the new ones
(not NOOP) are scored:

- a fact is *supported* when its source turn passes ``check_fact`` (a statement, grounded in the
  turn, same negation);
- it *matches* when the MiniLM cosine with one of its speaker's labels of the same session (the
  session its source turn is in: LoCoMo labels what each session says) reaches a threshold.
  Facts are in the user's voice ("I went to a support group"), labels in the third person
  ("Caroline went ..."), so labels are put in the first person before embedding (``first_person``;
  with the name left in, every label of a speaker looks alike to the embedder);
- precision = supported and matching facts / facts; recall = observations matched by a
  supported fact / observations. The table also gives precision when a fact may match a label of
  any session (a fact restated later is judged against where it was first labelled), for
  comparison: the best of a speaker's ~100 labels is often close by chance alone.

The threshold is read off the labels, not tuned on the extraction (``calibrate``): a fact matches
a label when it is closer to it than nine in ten of the speaker's sentences that no label rests on.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import numpy as np

from reverie.core import conversations
from reverie.core.clock import FixedClock
from reverie.core.consolidation.facts import check_fact, model_may_extract, plan_facts
from reverie.core.consolidation.llm import ModelSession
from reverie.core.consolidation.planner import gather
from reverie.core.consolidation.statements import prose_sentences, statement_problem
from reverie.core.errors import InputError
from reverie.core.evaluation.loaders import Case, _read_json, load_locomo, normalise_locomo_evidence
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.records import Role
from reverie.core.vault import Vault

THRESHOLDS = (0.5, 0.6, 0.7)
_SESSION_OBS = re.compile(r"session_(\d+)_observation")


@dataclass(frozen=True)
class Observation:
    speaker: str
    text: str
    session: str  # "D3"
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class FactsCase:
    case: Case
    speakers: tuple[str, ...]
    observations: tuple[Observation, ...]


@dataclass
class Extracted:
    speaker: str
    text: str
    origin: str  # "rule" | "model"
    turn_id: str
    turn_text: str
    supported: bool
    best: float = 0.0  # cosine with the nearest label of the speaker in the same session
    nearest: str = ""
    best_any: float = 0.0  # ... in any session (for comparison: the max over ~100 labels flatters)


@dataclass
class SpeakerRun:
    case_id: str
    speaker: str
    facts: list[Extracted]
    observations: list[Observation]
    obs_best: list[float] = field(default_factory=list)  # per observation: best cosine with a supported fact
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def load_locomo_facts(path: Path, *, limit: int | None = None, sessions: int | None = None) -> list[FactsCase]:
    """LoCoMo conversations with their per-speaker observations (the first ``sessions`` sessions
    of each, when given)."""
    raw = _read_json(path)
    cases = load_locomo(path)
    by_id = {str(s.get("sample_id") or f"locomo-{n}"): s for n, s in enumerate(raw)}
    out: list[FactsCase] = []
    for case in cases[: limit or None]:
        kept = case.sessions[: sessions or None]
        case = Case(case.case_id, kept, (), case.meta)
        existing = case.turn_ids()
        obs: list[Observation] = []
        for key, per_speaker in (by_id[case.case_id].get("observation") or {}).items():
            m = _SESSION_OBS.fullmatch(key)
            if not m or not isinstance(per_speaker, dict):
                continue
            sid = f"D{int(m.group(1))}"
            if sid not in {s.session_id for s in kept}:
                continue
            for speaker, items in per_speaker.items():
                for item in items or []:
                    if isinstance(item, list | tuple) and item and isinstance(item[0], str):
                        ev = normalise_locomo_evidence(item[1] if len(item) > 1 else [], existing)
                        obs.append(Observation(str(speaker), item[0].strip(), sid, ev))
        speakers = tuple(s for s in case.meta.get("speakers", []) if s)
        if not obs:
            raise InputError(
                f"{path} has no 'observation' labels for {case.case_id}; it is not a LoCoMo file with observations."
            )
        out.append(FactsCase(case, speakers, tuple(obs)))
    return out


_VERB_AFTER_NAME = (("is", "am"), ("was", "was"), ("has", "have"), ("does", "do"))


def first_person(text: str, name: str) -> str:
    """A label about ``name`` in their own voice ("Caroline's mom gave her ..." -> "my mom gave
    my ..."), to compare with facts the user stated about themselves. The name itself would
    otherwise make every label of a speaker look alike to the embedder."""
    n = re.escape(name)
    text = re.sub(rf"\b{n}['\u2019]s\b", "my", text)
    for third, first in _VERB_AFTER_NAME:
        text = re.sub(rf"\b{n} {third}\b", f"I {first}", text)
    text = re.sub(rf"\b{n}\b", "I", text)
    text = re.sub(r"\b(?:[Hh]er|[Hh]is|[Tt]heir)\b", "my", text)
    return re.sub(r"\b(?:[Ss]he|[Hh]e)\b", "I", text)


def fact_voice(text: str) -> str:
    """A fact the model wrote about "the user" in the user's own voice."""
    text = re.sub(r"\b[Tt]he user['\u2019]s\b", "my", text)
    text = re.sub(r"\b[Tt]he user is\b", "I am", text)
    return re.sub(r"\b[Tt]he user\b", "I", text)


def supported_by(fact: str, turn: str) -> bool:
    """Whether a sentence of ``turn`` supports ``fact`` (``check_fact``: a statement, grounded,
    same negation)."""
    return any(check_fact(fact, s) is None for s in [*prose_sentences(turn), turn])


def extract_for_speaker(
    fc: FactsCase,
    speaker: str,
    model: Any = None,
    *,
    max_calls: int = 10**6,
    folder: Path | None = None,
    tier: str = "auto",
) -> SpeakerRun:
    """Consolidation's fact step over one conversation, with ``speaker`` as the user. ``tier``
    as the ``chat_tier`` setting: ``auto`` uses the model's facts only when it is capable, as
    nightly consolidation does; ``capable`` uses them whatever the model."""
    import time

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        first = fc.case.sessions[0].happened_at
        clock = FixedClock(first)
        vault = Vault.create(vault_paths(Path(tmp) / "vault"), KeyMode.NONE, clock=clock)
        try:
            turn_of: dict[str, tuple[str, str]] = {}
            conv = conversations.create_conversation(vault, fc.case.case_id)
            for session in fc.case.sessions:
                for i, turn in enumerate(session.turns):
                    if not turn.text.strip():
                        continue
                    role: Role = "user" if turn.speaker == speaker else "assistant"
                    msg = conversations.add_message(
                        vault, conv.id, role, turn.text, happened_at=session.happened_at + i, speaker=turn.speaker
                    )
                    turn_of[msg.id] = (turn.turn_id, turn.text)
            now = fc.case.sessions[-1].happened_at + 86400
            with vault.read() as conn:
                inputs = gather(conn, now, UTC, max_units=10**7)
                source_msg = dict(conn.execute("SELECT id, source_id FROM memories WHERE source_kind = 'message'"))
            session_model = ModelSession(model, max_calls=max_calls)
            rejections: list[str] = []
            items = plan_facts(
                inputs,
                session_model,
                rejections,
                embedder=None,
                counts=session_model.counts,
                use_model=model is not None and model_may_extract(model, tier),
            )
        finally:
            vault.close()
    facts = []
    for item in items:
        if item.action == "noop":
            continue
        turn_id, turn_text = turn_of[source_msg[item.sources[0]]]
        facts.append(Extracted(speaker, item.text, item.origin, turn_id, turn_text, supported_by(item.text, turn_text)))
    obs = [o for o in fc.observations if o.speaker == speaker]
    return SpeakerRun(
        fc.case.case_id, speaker, facts, obs, counts=dict(session_model.counts), seconds=time.perf_counter() - start
    )


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(n == 0, 1, n)


def _embed(embedder: Any, texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    return _unit(np.asarray(embedder.embed(list(texts)), dtype=np.float32))


def _session(turn_id: str) -> str:
    return turn_id.split(":")[0]


def score(run: SpeakerRun, embedder: Any) -> None:
    """Each fact's nearest label among its speaker's labels of the same session (LoCoMo labels
    what each session says about each speaker), and each label's best supported fact."""
    run.obs_best = [0.0] * len(run.observations)
    if not run.facts or not run.observations:
        return
    fv = _embed(embedder, [fact_voice(f.text) for f in run.facts])
    ov = _embed(embedder, [first_person(o.text, run.speaker) for o in run.observations])
    sims = fv @ ov.T
    obs_session = np.array([o.session for o in run.observations])
    for i, f in enumerate(run.facts):
        f.best_any = float(sims[i].max())
        same = np.flatnonzero(obs_session == _session(f.turn_id))
        if same.size == 0:
            continue
        j = int(same[np.argmax(sims[i, same])])
        f.best, f.nearest = float(sims[i, j]), run.observations[j].text
        if f.supported:
            for k in same:
                run.obs_best[k] = max(run.obs_best[k], float(sims[i, k]))


@dataclass(frozen=True)
class Figures:
    threshold: float
    facts: int
    supported: int
    matched: int
    observations: int
    recalled: int
    matched_any: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.facts if self.facts else 0.0

    @property
    def precision_any(self) -> float:
        return self.matched_any / self.facts if self.facts else 0.0

    @property
    def recall(self) -> float:
        return self.recalled / self.observations if self.observations else 0.0


def figures(runs: Sequence[SpeakerRun], threshold: float) -> Figures:
    facts = [f for r in runs for f in r.facts]
    obs = [b for r in runs for b in r.obs_best]
    return Figures(
        threshold,
        len(facts),
        sum(f.supported for f in facts),
        sum(f.supported and f.best >= threshold for f in facts),
        len(obs),
        sum(b >= threshold for b in obs),
        sum(f.supported and f.best_any >= threshold for f in facts),
    )


@dataclass(frozen=True)
class Calibration:
    threshold: float  # 90th percentile of the unlabelled sentences' best cosine
    labelled: int  # statements from turns a label rests on
    unlabelled: int  # statements from turns no label rests on
    labelled_median: float
    unlabelled_median: float
    rates: tuple[tuple[float, float, float], ...]  # (threshold, labelled share above, unlabelled share above)


def _plain_sentence(s: str) -> bool:
    """A sentence of four words or more that is not a question: what any extractor might keep
    (the calibration does not depend on Reverie's own statement check)."""
    return len(s.split()) >= 4 and not s.rstrip().endswith("?")


GRID = tuple(round(0.30 + 0.05 * i, 2) for i in range(11))  # 0.30 .. 0.80, for the calibration line
UNLABELLED_PERCENTILE = 90


def calibrate(cases: Sequence[FactsCase], embedder: Any) -> Calibration:
    """Read the threshold off the labels (no extraction involved): every sentence a speaker
    said (four words or more, not a question) is compared with that speaker's labels of the same
    session. Statements from a turn a
    label rests on should match; statements from turns no label rests on mostly should not.
    The threshold is the 90th percentile of the second: a fact matches a label when it is closer
    to it than nine in ten of the speaker's sentences no label rests on (some of those are about
    a labelled fact too, so this errs on the strict side)."""
    pos: list[float] = []
    neg: list[float] = []
    for fc in cases:
        turns = [t for s in fc.case.sessions for t in s.turns]
        for speaker in fc.speakers:
            obs = [o for o in fc.observations if o.speaker == speaker]
            evidence = {e for o in obs for e in o.evidence}
            cand = [
                (t.turn_id, s)
                for t in turns
                if t.speaker == speaker
                for s in prose_sentences(t.text)
                if _plain_sentence(s)
            ]
            if not obs or not cand:
                continue
            sims = (
                _embed(embedder, [s for _, s in cand])
                @ _embed(embedder, [first_person(o.text, speaker) for o in obs]).T
            )
            obs_session = np.array([o.session for o in obs])
            for i, (tid, _) in enumerate(cand):
                same = obs_session == _session(tid)
                best = float(sims[i, same].max()) if same.any() else 0.0
                (pos if tid in evidence else neg).append(best)
    if len(pos) < 20 or len(neg) < 20:
        raise InputError("The file has too few labelled observations to set a threshold; give one with --threshold.")
    p, q = np.array(pos), np.array(neg)
    rates = tuple((t, float((p >= t).mean()), float((q >= t).mean())) for t in GRID)
    threshold = round(float(np.percentile(q, UNLABELLED_PERCENTILE)), 2)
    return Calibration(threshold, len(p), len(q), float(np.median(p)), float(np.median(q)), rates)


def run_facts_benchmark(
    cases: Sequence[FactsCase],
    embedder: Any,
    model: Any = None,
    *,
    max_calls: int = 10**6,
    progress: Callable[[str], None] | None = None,
    tier: str = "auto",
) -> list[SpeakerRun]:
    runs = []
    for fc in cases:
        for speaker in fc.speakers:
            run = extract_for_speaker(fc, speaker, model, max_calls=max_calls, tier=tier)
            score(run, embedder)
            runs.append(run)
            if progress:
                progress(
                    f"{fc.case.case_id} {speaker}: {len(run.facts)} facts from "
                    f"{sum(1 for s in fc.case.sessions for t in s.turns if t.speaker == speaker)} turns "
                    f"in {run.seconds:.0f} s"
                )
    return runs


BASELINES: dict[str, Callable[[str], bool]] = {
    "every statement (Reverie's statement check)": lambda s: statement_problem(s) is None,
    "every sentence of 4+ words, not a question": lambda s: _plain_sentence(s),
}


def baseline_runs(cases: Sequence[FactsCase], embedder: Any, keep: Callable[[str], bool]) -> list[SpeakerRun]:
    """Every sentence of a speaker that ``keep`` accepts, taken as a fact: what an extractor that
    does not choose would score (the labels cover the main points of a session, not all of them)."""
    runs = []
    for fc in cases:
        for speaker in fc.speakers:
            facts = [
                Extracted(speaker, s, "baseline", t.turn_id, t.text, True)
                for session in fc.case.sessions
                for t in session.turns
                if t.speaker == speaker
                for s in prose_sentences(t.text)
                if keep(s)
            ]
            run = SpeakerRun(fc.case.case_id, speaker, facts, [o for o in fc.observations if o.speaker == speaker])
            score(run, embedder)
            runs.append(run)
    return runs


def format_table(runs: Sequence[SpeakerRun], thresholds: Sequence[float], chosen: float) -> str:
    lines = [
        f"{'threshold':>9} {'facts':>6} {'supported':>9} {'matched':>7} {'precision':>9} "
        f"{'observations':>12} {'recalled':>8} {'recall':>6} {'precision(any session)':>22}"
    ]
    for t in sorted(set(thresholds) | {chosen}):
        f = figures(runs, t)
        mark = " <- threshold" if abs(t - chosen) < 1e-9 else ""
        lines.append(
            f"{t:>9.2f} {f.facts:>6} {f.supported:>9} {f.matched:>7} {f.precision:>9.3f} "
            f"{f.observations:>12} {f.recalled:>8} {f.recall:>6.3f} {f.precision_any:>22.3f}{mark}"
        )
    by_origin: dict[str, list[Extracted]] = {}
    for r in runs:
        for x in r.facts:
            by_origin.setdefault(x.origin, []).append(x)
    for origin, xs in sorted(by_origin.items()):
        ok = sum(x.supported and x.best >= chosen for x in xs)
        lines.append(f"  {origin} facts: {len(xs)}, precision {ok / len(xs):.3f} at {chosen:.2f}")
    return "\n".join(lines)


def to_json(runs: Sequence[SpeakerRun], chosen: float) -> dict[str, Any]:
    return {
        "threshold": chosen,
        "runs": [
            {
                "case": r.case_id,
                "speaker": r.speaker,
                "seconds": round(r.seconds, 1),
                "counts": r.counts,
                "facts": [
                    {
                        "text": f.text,
                        "origin": f.origin,
                        "turn": f.turn_id,
                        "supported": f.supported,
                        "cosine": round(f.best, 3),
                        "nearest_observation": f.nearest,
                        "cosine_any_session": round(f.best_any, 3),
                    }
                    for f in r.facts
                ],
                "observations_recalled": sum(b >= chosen for b in r.obs_best),
                "observations": len(r.observations),
            }
            for r in runs
        ],
    }
