"""What the window asks of the bring-in pipeline (``core.bring.pipeline``), as one small object the
dialogs take, so a test can hand them a fake; and the words the window uses about a source."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.app.ui.uikit import counted

PIPELINE = "reverie.core.bring.pipeline"

# What File → Bring in… can read, for the chooser (the pipeline detects which it is).
WHAT_COMES_IN = (
    ("A folder of documents", "PDF, Word (.docx), web pages (.html), Markdown and text files, in its subfolders too"),
    ("An Obsidian vault or a Logseq graph", "its folder: notes keep their links, tags, properties and dates"),
    ("A Google Keep Takeout or a Day One export", "the Takeout's Keep folder, the Day One folder or .zip"),
    ("A Notion or Evernote export", "Notion's export .zip, an Evernote .enex file"),
    ("One file", "a PDF, .docx, .html, Markdown or text file"),
)
FILE_FILTER = (
    "Documents and exports (*.pdf *.docx *.html *.htm *.md *.markdown *.txt *.enex *.zip *.json);;All files (*)"
)


@dataclass(frozen=True)
class BringApi:
    """The pipeline's functions (see /core/bring/pipeline.py): ``plan(path)``, ``preview(vault,
    source, progress, cancel, mine=)``, ``bring_in(vault, source, progress, cancel, mine=)``,
    ``pending_jobs(vault)`` and ``forget_job(vault, path)``."""

    plan: Callable[..., Any]
    preview: Callable[..., Any]
    bring_in: Callable[..., Any]
    pending_jobs: Callable[..., list[Any]]
    forget_job: Callable[..., None]


def real_api() -> BringApi:
    """The pipeline itself (imported when first needed: the window starts without it)."""
    module = importlib.import_module(PIPELINE)
    return BringApi(module.plan, module.preview, module.bring_in, module.pending_jobs, module.forget_job)


def home_path(path: str | Path) -> str:
    """``/home/ana/Documents`` as ``~/Documents``: how a path reads in a sentence."""
    text, home = str(path), str(Path.home())
    if text == home:
        return "~"
    if text.startswith(home + "/"):
        return "~" + text[len(home) :]
    return text


def source_name(path: str | Path) -> str:
    """The short name of what is brought in: the folder's or the file's name."""
    p = Path(path)
    return p.name or str(p)


FILE_KINDS = ("folder", "obsidian", "file")  # a source of files, one note each; any other kind is an export


def describe(source: Any, preview: Any = None) -> str:
    """ "Folder of documents, 1,204 files": what the source is and how much of it there is. An export
    (a Logseq graph, an Evernote file: one unit that yields many notes) is counted in notes, once the
    ``preview`` has read it: "Logseq graph, 4 notes"; before that, its name alone."""
    label = str(source.label)
    if source.kind in FILE_KINDS:
        return f"{label}, {counted(len(source.units), 'file')}"
    if preview is None:
        return label
    c = preview.counts
    return f"{label}, {counted(c['new'] + c['changed'] + c['unchanged'], 'note')}"


def row_reason(key: str, why: str) -> str:
    """A reason as the preview's list shows it beside its file: without a leading copy of the file's
    name ("mystery.html is not UTF-8 text…" reads "is not UTF-8 text…"); the whole sentence is shown
    under the list and copied."""
    for name in (key, key.rpartition("/")[2]):
        if name and why.startswith(name + " ") and len(why) > len(name) + 1:
            return why[len(name) + 1 :]
    return why


def counts_sentence(preview: Any) -> str:
    c = preview.counts
    text = f"{c['new']:,} new, {c['changed']:,} changed, {c['unchanged']:,} unchanged"
    if c["skipped"]:
        text += f", {c['skipped']:,} skipped"
    text += "."
    if not preview.changes_anything:
        text += " Nothing to bring in: the vault already holds all of it."
    return text


def progress_words(stage: str, done: int, total: int) -> str:
    """ "Reading files: 1,234 of 10,000"."""
    stage = stage[:1].upper() + stage[1:]
    return f"{stage}: {done:,} of {total:,}" if total else f"{stage}…"


def report_sentence(report: Any, mine: bool) -> str:
    """What a bring-in did, in a sentence or two (the left-out files are listed apart)."""
    text = (
        f"Brought in {counted(report.added, 'new note')}, updated {report.updated:,}, {report.unchanged:,} unchanged."
    )
    attachments = getattr(report, "attachments", 0)
    if attachments:
        text += f" {counted(attachments, 'attachment')} kept."
    if getattr(report, "stopped", False):
        files = getattr(report, "files", 0)
        text = (
            f"Stopped after {counted(files, 'file')}. What was read is saved: {text[len('Brought in ') :]}"
            " The rest comes in when you bring this in again, or when Reverie offers to continue at start."
        )
    text += " Marked as your own notes." if mine else " Kept as documents (not a source of facts about you)."
    left = len(getattr(report, "skipped", ()) or ())
    if left:
        text += f" {counted(left, 'file was', 'files were')} left out (listed below)."
    elif report.problems:
        text += " Some parts were set aside (listed below)."
    return text


def stopped_sentence(job: Any) -> str:
    """ "Bringing in ~/Documents stopped at 3,200 of 10,000 files."."""
    return f"Bringing in {home_path(job.path)} stopped at {job.done:,} of {counted(job.total, 'file')}."
