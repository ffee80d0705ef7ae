"""The answer benchmark's figures: one line per answering line, per category, and as JSON."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from reverie.core.evaluation.answers import FLAGS, AnswerRecord, AnswersRun

LABELS = {"reverie": "reverie", "quote": "quote (no model)", "raw": "raw model (no gate)"}


def p95(values: Sequence[float]) -> float:
    """The 95th percentile by nearest rank (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summarise_records(records: Sequence[AnswerRecord]) -> dict[str, float]:
    n = len(records)
    if not n:
        return {"n": 0.0}

    def share(values: Sequence[bool]) -> float:
        return sum(1 for v in values if v) / n

    firsts = [r.first_token_s for r in records]
    totals = [r.total_s for r in records]
    out = {
        "n": float(n),
        "evidence_shown": share([r.evidence_shown for r in records]),
        "evidence_given": share([r.evidence_given for r in records]),
        "recall": sum(r.recall for r in records) / n,
        "f1": sum(r.f1 for r in records) / n,
        "replaced": share([r.replaced for r in records]),
        "composed": share([r.composed for r in records]),
        "errors": float(sum(1 for r in records if r.status != "complete")),
        "first_token_median_s": statistics.median(firsts),
        "first_token_p95_s": p95(firsts),
        "total_median_s": statistics.median(totals),
        "total_p95_s": p95(totals),
    }
    for flag in FLAGS:
        out[flag] = share([r.flags.get(flag, False) for r in records])
    return out


def summarise(run: AnswersRun) -> dict[str, dict[str, dict[str, float]]]:
    """line -> group ("all" and each category) -> figure."""
    table: dict[str, dict[str, dict[str, float]]] = {}
    for line in run.lines:
        rows = [r for r in run.records if r.line == line]
        groups: dict[str, list[AnswerRecord]] = {"all": rows}
        for r in rows:
            groups.setdefault(r.category, []).append(r)
        table[line] = {g: summarise_records(items) for g, items in groups.items()}
    return table


def categories(run: AnswersRun) -> dict[str, int]:
    """The categories asked and how many questions each (on one line)."""
    first = run.lines[0] if run.lines else ""
    out: dict[str, int] = {}
    for r in run.records:
        if r.line == first:
            out[r.category] = out.get(r.category, 0) + 1
    return dict(sorted(out.items()))


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


def _table(header: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    return [_row(header, widths), _row(["-" * w for w in widths], widths), *(_row(r, widths) for r in body)]


def format_table(run: AnswersRun, model_name: str = "") -> str:
    summary = summarise(run)
    cats = categories(run)
    sampled = (
        f"{run.questions} of {run.available} questions"
        if run.questions < run.available
        else f"{run.questions} questions"
    )
    lines = [
        f"{run.benchmark} answers: {run.cases} cases, {sampled}; model {model_name or '-'}, reverie tier {run.tier}",
        "categories: " + (", ".join(f"{c} {n}" for c, n in cats.items()) or "none"),
    ]
    if run.skipped:
        lines.append("skipped: " + ", ".join(f"{v} {k}" for k, v in sorted(run.skipped.items())))
    lines.append("")
    header = [
        "line",
        "n",
        "evid.shown",
        "evid.given",
        "recall",
        "F1",
        "replaced",
        "composed",
        "loop",
        "leak",
        "trunc",
        "unsup",
        "1st tok med/p95 s",
        "full med/p95 s",
    ]
    body = []
    for line, groups in summary.items():
        a = groups["all"]
        if not a.get("n"):
            continue
        body.append(
            [LABELS.get(line, line), str(int(a["n"]))]
            + [
                f"{a[k]:.3f}"
                for k in ("evidence_shown", "evidence_given", "recall", "f1", "replaced", "composed", *FLAGS)
            ]
            + [
                f"{a['first_token_median_s']:.2f}/{a['first_token_p95_s']:.2f}",
                f"{a['total_median_s']:.2f}/{a['total_p95_s']:.2f}",
            ]
        )
    lines += _table(header, body)
    if len(cats) > 1:
        lines += ["", "evidence shown / token recall per category (n):"]
        header = ["line"] + [f"{c} ({n})" for c, n in cats.items()]
        body = [
            [LABELS.get(line, line)]
            + [f"{g[c]['evidence_shown']:.2f} / {g[c]['recall']:.2f}" if c in g else "-" for c in cats]
            for line, g in summary.items()
        ]
        lines += _table(header, body)
    errors = {line: int(g["all"].get("errors", 0)) for line, g in summary.items() if g["all"].get("errors")}
    if errors:
        lines += ["", "replies with an error status: " + ", ".join(f"{k} {v}" for k, v in errors.items())]
    lines.append("")
    per_q = run.wall_s / run.questions if run.questions else 0.0
    lines.append(
        f"wall time {run.wall_s:.0f} s ({per_q:.1f} s a question, all lines)"
        + (
            f"; all {run.available} questions would take about {per_q * run.available / 60:.0f} min"
            if run.questions < run.available
            else ""
        )
    )
    lines += [f"note: {n}" for n in run.notes]
    return "\n".join(lines)


def to_json(run: AnswersRun, model_name: str = "") -> dict[str, Any]:
    return {
        "benchmark": run.benchmark,
        "model": model_name,
        "tier": run.tier,
        "lines": run.lines,
        "cases": run.cases,
        "questions": run.questions,
        "available": run.available,
        "skipped": run.skipped,
        "categories": categories(run),
        "wall_s": run.wall_s,
        "notes": run.notes,
        "summary": summarise(run),
        "per_question": [
            dict(asdict(r), evidence_shown=r.evidence_shown, evidence_given=r.evidence_given) for r in run.records
        ],
    }
