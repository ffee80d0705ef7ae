"""The figures as a plain-text table: one line per searcher, overall, then per category."""

from __future__ import annotations

from reverie.core.evaluation.runner import RunResult, summarise


def headline_metrics(benchmark: str, ks: tuple[int, ...]) -> list[tuple[str, str]]:
    """(label, metric key) pairs shown for a benchmark."""
    if benchmark == "locomo":
        return [(f"R@{k}", f"recall@{k}") for k in ks] + [(f"Hit@{max(ks)}", f"hit@{max(ks)}")]
    small, big = min(ks), max(ks)
    return [
        (f"S.any@{small}", f"session_recall_any@{small}"),
        (f"S.all@{small}", f"session_recall_all@{small}"),
        (f"S.ndcg@{big}", f"session_ndcg_any@{big}"),
        (f"T.any@{big}", f"turn_recall_any@{big}"),
    ]


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


def format_table(run: RunResult) -> str:
    summary = summarise(run)
    cols = headline_metrics(run.benchmark, run.ks)
    lines: list[str] = []
    header = ["line", "n"] + [c for c, _ in cols]
    body = [[name, str(int(g["all"]["n"]))] + [f"{g['all'][m]:.3f}" for _, m in cols] for name, g in summary.items()]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines += [_row(header, widths), _row(["-" * w for w in widths], widths)]
    lines += [_row(r, widths) for r in body]
    cats = sorted({c for g in summary.values() for c in g if c != "all"})
    if cats:
        label, key = (f"R@{max(run.ks)}", f"recall@{max(run.ks)}") if run.benchmark == "locomo" else cols[3]
        lines.append("")
        lines.append(f"{label} per category (n):")
        header = ["line"] + [f"{c} ({int(next(iter(summary.values())).get(c, {}).get('n', 0))})" for c in cats]
        body = [[name] + [f"{g[c][key]:.3f}" if c in g else "-" for c in cats] for name, g in summary.items()]
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        lines += [_row(header, widths), _row(["-" * w for w in widths], widths)]
        lines += [_row(r, widths) for r in body]
    if run.skipped:
        lines.append("")
        lines.append("skipped: " + ", ".join(f"{v} {k}" for k, v in sorted(run.skipped.items())))
    return "\n".join(lines)
