"""``reverie import PATH`` for everything but a vault file and a ChatGPT export: a folder (of
documents, an Obsidian vault, a Logseq graph, a Keep Takeout, a Day One export), a Notion zip, an
Evernote .enex or one PDF, DOCX, HTML, Markdown or text file, through the bring-in pipeline
(``core.bring.pipeline``: plan, preview, bring in).

``--dry-run`` prints the preview (new, changed, unchanged, skipped with why); a real run brings it in
in batches, with progress on stderr. Ctrl-C stops after the batch in flight: what was read is kept,
and the same command brings in the rest. A reader whose optional library is missing ends the run
with its one sentence (the pip command) and a non-zero exit, after what could be read came in."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reverie.app.cli.common import print_json
from reverie.core.bring.doc import DOCUMENTS_EXTRA, MissingPart
from reverie.core.bring.pipeline import BringPreview, BringReport, Source, bring_in, plan, preview
from reverie.core.vault import Vault

Progress = Callable[[str, int, int], None]
# What always goes through the pipeline when it is a file (a folder always does).
BRING_SUFFIXES = frozenset(
    {".pdf", ".docx", ".html", ".htm", ".xhtml", ".md", ".markdown", ".mdown", ".txt", ".text", ".enex", ".zip"}
)
SHOWN = 20  # lines per group in the dry run's text


def is_bring_in(path: Path) -> bool:
    """Whether ``path`` is brought in (not a vault file, not a ChatGPT export)."""
    if path.is_dir():
        return True
    suffix = path.suffix.lower()
    if suffix == ".json":
        return not looks_like_chatgpt(path)
    if suffix in BRING_SUFFIXES:
        return True
    from reverie.core.bring.plan import suffix_readers

    return suffix in suffix_readers()


def looks_like_chatgpt(path: Path) -> bool:
    """A ChatGPT ``conversations.json`` is a JSON list; a Day One export's JSON is an object."""
    if path.name.lower() == "conversations.json":
        return True
    try:
        with path.open("rb") as f:
            head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return True  # the ChatGPT importer says why it cannot be read, as before
    return not head.startswith(b"{")


def describe_source(source: Source) -> str:
    n = len(source.units)
    if source.kind not in ("folder", "obsidian", "logseq", "file") and n == 1:
        return source.label
    return f"{source.label}, {_count(n, 'file')}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def missing_parts(sentences: list[str]) -> list[str]:
    """The sentences that name a missing optional library (each once)."""
    return list(dict.fromkeys(s for s in sentences if DOCUMENTS_EXTRA in s or "pip install" in s))


def _raise_missing(sentences: list[str]) -> None:
    missing = missing_parts(sentences)
    if missing:
        raise MissingPart(" ".join(m.replace("; it would be left out.", ".") for m in missing))


def _quiet_parsers() -> None:
    """A parser's own warnings about a damaged file ("EOF marker not found") are not for the terminal:
    the file's one sentence says it."""
    for name in ("pypdf", "docx"):
        logging.getLogger(name).setLevel(logging.ERROR)


def dry_run(vault: Vault, path: Path, *, mine: bool, progress: Progress) -> tuple[dict[str, Any], str]:
    _quiet_parsers()
    source = plan(path)
    p = preview(vault, source, progress, mine=mine)
    data: dict[str, Any] = {
        "kind": "bring",
        "dry_run": True,
        "mine": mine,
        "path": str(path),
        "folder": str(source.root),
        "source": {"kind": source.kind, "label": source.label, "files": len(source.units)},
        **p.counts,
        "files": {
            "new": list(p.new),
            "changed": [{"path": f, "why": w} for f, w in p.changed],
            "unchanged": list(p.unchanged),
            "skipped": [{"path": f, "why": w} for f, w in p.skipped],
        },
    }
    return data, preview_text(path, p)


def preview_text(path: Path, p: BringPreview) -> str:
    c = p.counts
    lines = [
        f"Dry run, nothing was changed. Bringing in {path} ({describe_source(p.source)}) would add "
        f"{_count(c['new'], 'new note')}, update {c['changed']:,}, leave {c['unchanged']:,} unchanged and "
        f"skip {_count(c['skipped'], 'file')}."
    ]
    for head, items in (
        ("New", [(f, "") for f in p.new]),
        ("Changed", list(p.changed)),
        ("Skipped", list(p.skipped)),
    ):
        if not items:
            continue
        lines.append(f"{head}:")
        for key, why in items[:SHOWN]:
            if head == "Skipped":
                lines.append(f"  {why}" if key in why else f"  {key}: {why}")
            else:
                lines.append(f"  {key}" + (f" ({why})" if why else ""))
        if len(items) > SHOWN:
            lines.append(f"  … and {len(items) - SHOWN:,} more (--json lists them all)")
    return "\n".join(lines)


@contextmanager
def _ctrl_c_stops(cancel: threading.Event) -> Iterator[None]:
    """The first Ctrl-C stops after the batch in flight; a second one interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run(vault: Vault, path: Path, *, mine: bool, progress: Progress) -> tuple[dict[str, Any], str, list[str]]:
    """Bring ``path`` in; returns the JSON data, the text, and the sentences of what was left out."""
    _quiet_parsers()
    source = plan(path)
    cancel = threading.Event()
    with _ctrl_c_stops(cancel):
        r: BringReport = bring_in(vault, source, progress, cancel, mine=mine)
    data: dict[str, Any] = {
        "kind": "bring",
        "mine": mine,
        "path": str(path),
        "source": {"kind": source.kind, "label": source.label, "files": len(source.units)},
        "added": r.added,
        "updated": r.updated,
        "unchanged": r.unchanged,
        "files": r.files,
        "passages": r.passages,
        "attachments": r.attachments,
        "stopped": r.stopped,
        "problems": list(r.problems),
    }
    text = (
        f"Brought in {path} ({describe_source(source)}): {_count(r.added, 'new note')}, {r.updated:,} updated, "
        f"{r.unchanged:,} unchanged."
    )
    if r.attachments:
        text += f" Kept {_count(r.attachments, 'attachment')}."
    text += (
        " Marked as your own writing: Reverie learns facts about you from them."
        if mine
        else " Read as documents: searchable, but not a source of facts about you (add --mine if you wrote them)."
    )
    if r.passages:
        text += (
            f" The window embeds {_count(r.passages, 'passage')} in the background when it opens; search finds "
            "them by words meanwhile."
        )
    if r.stopped:
        text += (
            f"\nStopped after {_count(r.files, 'file')} of {len(source.units):,}: what was read is kept. "
            "Run the same command again to bring in the rest."
        )
    if r.problems:
        text += f"\nLeft out ({len(r.problems):,}):" + "".join(f"\n  {p}" for p in r.problems)
    return data, text, list(r.problems)


def finish(data: dict[str, Any], text: str, problems: list[str], *, as_json: bool) -> int:
    """Print the outcome; a missing optional library ends in its sentence and a non-zero exit."""
    print_json(data) if as_json else print(text)
    _raise_missing(problems)
    return 1 if data.get("stopped") else 0
