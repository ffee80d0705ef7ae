"""Export as Markdown: a readable folder, one file per note and per conversation.

``notes/<title>.md`` holds a note with its front matter (title, id, tags, dates, origin);
``conversations/<date> <title>.md`` holds a conversation, one section per message. The folder is
written under a temporary name and renamed when complete; an existing non-empty folder is refused.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.core.clock import iso
from reverie.core.errors import TransferError
from reverie.core.records import CONVERSATION_COLS, MESSAGE_COLS, NOTE_COLS, Message, Note
from reverie.core.vault import Vault

_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*\x7f]+')


@dataclass(frozen=True)
class MarkdownExportSummary:
    folder: Path
    notes: int
    conversations: int


def safe_filename(title: str, fallback: str) -> str:
    name = _UNSAFE.sub(" ", title).strip().strip(".")
    name = re.sub(r"\s+", " ", name)[:80].strip()
    return name or fallback


def _unique(folder: Path, stem: str, used: set[str]) -> Path:
    candidate, n = stem, 2
    while candidate.casefold() in used:
        candidate, n = f"{stem} ({n})", n + 1
    used.add(candidate.casefold())
    return folder / f"{candidate}.md"


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def note_markdown(note: Note) -> str:
    lines = ["---", f"title: {_yaml_str(note.title)}", f"id: {note.id}"]
    if note.tags:
        lines.append("tags: [" + ", ".join(_yaml_str(t) for t in note.tags) + "]")
    lines += [f"created: {iso(note.created_at)}", f"updated: {iso(note.updated_at)}", f"date: {iso(note.happened_at)}"]
    if note.origin:
        lines.append(f"origin: {_yaml_str(note.origin)}")
    lines += ["---", "", note.body.rstrip("\n"), ""]
    return "\n".join(lines)


def conversation_markdown(title: str, cid: str, created: float, origin: str | None, messages: list[Message]) -> str:
    lines = [f"# {title or 'Conversation'}", "", f"*Started {iso(created)}; id {cid}"
             + (f"; from {origin}" if origin else "") + "*", ""]
    for m in messages:
        who = m.speaker or {"user": "You", "assistant": "Reverie", "system": "System"}[m.role]
        lines += [f"## {who} · {iso(m.happened_at)}", "", m.content.rstrip("\n"), ""]
    return "\n".join(lines)


def export_markdown(vault: Vault, folder: str | Path) -> MarkdownExportSummary:
    """Write every note and conversation as Markdown files into ``folder`` (new or empty)."""
    folder = Path(folder).expanduser()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise TransferError(f"{folder} already exists and is not an empty folder; choose a new folder. "
                            "Nothing was written.")
    parent = folder.parent
    if not parent.is_dir():
        raise TransferError(f"The folder {parent} does not exist; nothing was written.")
    tmp = Path(tempfile.mkdtemp(prefix=".reverie-markdown-", dir=parent))
    try:
        n_notes, n_convs = _write_all(vault, tmp)
        if folder.exists():
            folder.rmdir()
        tmp.rename(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise TransferError(f"Reverie could not write {folder}: {exc.strerror or exc}; nothing was written.") from None
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
    return MarkdownExportSummary(folder, n_notes, n_convs)


def _write_all(vault: Vault, out: Path) -> tuple[int, int]:
    (out / "notes").mkdir()
    (out / "conversations").mkdir()
    used_notes: set[str] = set()
    used_convs: set[str] = set()
    n_notes = n_convs = 0
    with vault.read() as conn:
        conn.execute("BEGIN")
        try:
            for row in conn.execute(f"SELECT {NOTE_COLS} FROM notes ORDER BY created_at, id"):  # noqa: S608
                note = Note.from_row(row)
                path = _unique(out / "notes", safe_filename(note.title, note.id[:8]), used_notes)
                path.write_text(note_markdown(note), encoding="utf-8")
                n_notes += 1
            convs: list[Any] = conn.execute(
                f"SELECT {CONVERSATION_COLS} FROM conversations ORDER BY created_at, id").fetchall()  # noqa: S608
            for cid, title, created, _updated, origin in convs:
                msgs = [Message.from_row(r) for r in conn.execute(
                    f"SELECT {MESSAGE_COLS} FROM messages WHERE conversation_id = ? ORDER BY seq",  # noqa: S608
                    (cid,))]
                stem = f"{(iso(created) or '')[:10]} {safe_filename(title, cid[:8])}".strip()
                path = _unique(out / "conversations", stem, used_convs)
                path.write_text(conversation_markdown(title, cid, created, origin, msgs), encoding="utf-8")
                n_convs += 1
        finally:
            conn.execute("COMMIT")
    return n_notes, n_convs
