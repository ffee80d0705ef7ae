"""Readers for the public memory benchmarks, into one plain shape.

A benchmark file becomes a list of ``Case``: a haystack of sessions (each with its date and its
turns, in order) and the questions asked about it, each with its date and its labelled evidence
(turn ids). LoCoMo has one case per conversation; LongMemEval has one case per question.

The labels stay in ``Question.evidence`` and ``Question.evidence_sessions``; the runner never
hands them to a searcher.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reverie.core.errors import InputError
from reverie.core.records import Role

LOCOMO_CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}
_LOCOMO_ID = re.compile(r"D\s*:?\s*(\d+)\s*:\s*(\d+)", re.IGNORECASE)
_SESSION_KEY = re.compile(r"session_(\d+)")


@dataclass(frozen=True)
class Turn:
    turn_id: str  # LoCoMo "D3:7"; LongMemEval "<session id>_<1-based index>"
    role: Role
    speaker: str | None
    text: str


@dataclass(frozen=True)
class Session:
    session_id: str
    happened_at: float
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Question:
    qid: str
    text: str
    asked_at: float
    category: str
    evidence: tuple[str, ...]  # turn ids; empty when there is nothing to recall
    evidence_sessions: tuple[str, ...] = ()
    skip_reason: str | None = None  # set when the official evaluation leaves it out


@dataclass(frozen=True)
class Case:
    case_id: str
    sessions: tuple[Session, ...]
    questions: tuple[Question, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    def turn_ids(self) -> set[str]:
        return {t.turn_id for s in self.sessions for t in s.turns}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"Reverie cannot read {path}: {exc.strerror or exc}.") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON (line {exc.lineno}).") from exc


def _utc(dt: datetime) -> float:
    return dt.replace(tzinfo=UTC).timestamp()


def parse_locomo_date(text: str) -> float:
    """'1:56 pm on 8 May, 2023' -> Unix seconds (read as UTC)."""
    cleaned = " ".join(text.replace(",", " ").split())
    for fmt in ("%I:%M %p on %d %B %Y", "%I:%M%p on %d %B %Y", "%d %B %Y"):
        try:
            return _utc(datetime.strptime(cleaned, fmt))
        except ValueError:
            continue
    raise InputError(f"The date {text!r} is not in LoCoMo's format (e.g. '1:56 pm on 8 May, 2023').")


def parse_longmemeval_date(text: str) -> float:
    """'2023/05/20 (Sat) 02:21' -> Unix seconds (read as UTC)."""
    cleaned = re.sub(r"\(\w+\)", " ", text)
    cleaned = " ".join(cleaned.split())
    for fmt in ("%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return _utc(datetime.strptime(cleaned, fmt))
        except ValueError:
            continue
    raise InputError(f"The date {text!r} is not in LongMemEval's format (e.g. '2023/05/20 (Sat) 02:21').")


def normalise_locomo_evidence(raw: Any, existing: set[str]) -> tuple[str, ...]:
    """Evidence ids as ``D<session>:<turn>``: split lists written in one string ('D8:6; D9:17'),
    strip zero padding and stray spaces, and drop ids that point at turns that do not exist."""
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        for m in _LOCOMO_ID.finditer(str(item)):
            tid = f"D{int(m.group(1))}:{int(m.group(2))}"
            if tid in existing and tid not in out:
                out.append(tid)
    return tuple(out)


def _locomo_turn_text(turn: dict[str, Any]) -> str:
    """A turn as a chat import would keep it: the text, and a shared photo as its caption."""
    text = str(turn.get("text", "")).strip()
    caption = turn.get("blip_caption")
    if caption:
        text = f"{text} [shared a photo: {str(caption).strip()}]".strip()
    return text


def load_locomo(path: Path) -> list[Case]:
    data = _read_json(path)
    if not isinstance(data, list) or not all(isinstance(x, dict) and "conversation" in x for x in data):
        raise InputError(f"{path} is not a LoCoMo file (a list of samples with a 'conversation').")
    cases: list[Case] = []
    for n, sample in enumerate(data):
        conv = sample["conversation"]
        keys = sorted((int(m.group(1)), k) for k in conv if (m := _SESSION_KEY.fullmatch(k)))
        sessions: list[Session] = []
        for num, key in keys:
            turns = conv.get(key) or []
            when = conv.get(f"{key}_date_time")
            if not turns or not when:
                continue
            sessions.append(
                Session(
                    f"D{num}",
                    parse_locomo_date(str(when)),
                    tuple(
                        Turn(
                            str(t["dia_id"]).strip(), "user", str(t.get("speaker") or "") or None, _locomo_turn_text(t)
                        )
                        for t in turns
                    ),
                )
            )
        if not sessions:
            continue
        existing = {t.turn_id for s in sessions for t in s.turns}
        asked_at = max(s.happened_at for s in sessions)
        cid = str(sample.get("sample_id") or f"locomo-{n}")
        questions = []
        for i, qa in enumerate(sample.get("qa") or []):
            cat = int(qa.get("category", 0))
            evidence = normalise_locomo_evidence(qa.get("evidence") or [], existing)
            skip = None
            if cat not in (1, 2, 3, 4):
                skip = "adversarial" if cat == 5 else "unknown category"
            elif not evidence:
                skip = "no evidence"
            questions.append(
                Question(
                    f"{cid}#{i}",
                    str(qa.get("question", "")),
                    asked_at,
                    LOCOMO_CATEGORIES.get(cat, str(cat)),
                    evidence,
                    tuple(sorted({e.split(":")[0] for e in evidence})),
                    skip,
                )
            )
        cases.append(
            Case(cid, tuple(sessions), tuple(questions), {"speakers": [conv.get("speaker_a"), conv.get("speaker_b")]})
        )
    return cases


def load_longmemeval(path: Path) -> list[Case]:
    data = _read_json(path)
    if not isinstance(data, list) or not all(isinstance(x, dict) and "haystack_sessions" in x for x in data):
        raise InputError(f"{path} is not a LongMemEval file (a list of questions with 'haystack_sessions').")
    cases: list[Case] = []
    for item in data:
        qid = str(item["question_id"])
        sessions: list[Session] = []
        evidence: list[str] = []
        evidence_in_assistant = False
        for sid, sess, when in zip(
            item["haystack_session_ids"], item["haystack_sessions"], item["haystack_dates"], strict=True
        ):
            turns = []
            for j, t in enumerate(sess):
                tid = f"{sid}_{j + 1}"  # the official ids: 1-based over all turns of the session
                role: Role = "assistant" if t.get("role") == "assistant" else "user"
                turns.append(Turn(tid, role, None, str(t.get("content", ""))))
                # Official labels: user turns marked has_answer inside an answer session.
                if "answer" in str(sid) and t.get("has_answer"):
                    if role == "user":
                        evidence.append(tid)
                    else:
                        evidence_in_assistant = True
            sessions.append(Session(str(sid), parse_longmemeval_date(str(when)), tuple(turns)))
        skip = None
        if "_abs" in qid:
            skip = "abstention"
        elif not evidence:
            skip = "evidence only in assistant turns" if evidence_in_assistant else "no evidence"
        ev_sessions = tuple(sorted({e.rsplit("_", 1)[0] for e in evidence}))
        q = Question(
            qid,
            str(item["question"]),
            parse_longmemeval_date(str(item["question_date"])),
            str(item.get("question_type", "")),
            tuple(evidence),
            ev_sessions,
            skip,
        )
        cases.append(Case(qid, tuple(sessions), (q,)))
    return cases
