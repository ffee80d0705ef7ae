"""Export as Markdown: a readable folder, one file per note and per conversation.

``notes/<title>.md`` holds a note with its front matter (title, id, tags, dates, origin, then its
properties exactly as they came in); a note imported from a file goes back to that file's place:
``Projects/Kyoto/plan.md`` is written as ``notes/Projects/Kyoto/plan.md``. Every folder and file
name is made safe (no ``..``, no absolute paths, no characters or names Windows refuses).
A note's attachments are written beside it as the note refers to them (``photo.png`` next to the
note, ``assets/scan.pdf`` in ``assets/`` next to it), so its links and embeds still find them; the
same bytes are written once per folder, and another file of a name already taken there gets
``name (2).ext``. ``conversations/<date> <title>.md`` holds a conversation, one section per message. The folder is
written in a private work folder inside the vault folder (``scratch.Job``) and renamed into place
when complete, so a failed or killed export never leaves a half-written folder (what a killed one
left is swept at the next start); an existing non-empty folder is refused. Files are 0600,
folders 0700.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reverie.core.attachments import safe_parts
from reverie.core.clock import iso
from reverie.core.errors import TransferError
from reverie.core.properties import render_properties
from reverie.core.records import CONVERSATION_COLS, MESSAGE_COLS, NOTE_COLS, Message, Note
from reverie.core.transfer.scratch import DIR_MODE, FILE_MODE, Job, sweep_stale_temps
from reverie.core.vault import Vault

_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*\x7f]+')


@dataclass(frozen=True)
class MarkdownExportSummary:
    folder: Path
    notes: int
    conversations: int
    attachments: int = 0


_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(title: str, fallback: str) -> str:
    """A file or folder name any system accepts: no path separators or characters Windows refuses,
    no leading or trailing dots or spaces (so never ``..``), not a name Windows reserves."""
    name = _UNSAFE.sub(" ", title).strip().strip(".")
    name = re.sub(r"\s+", " ", name)[:80].strip().strip(".").strip()
    if name.split(".")[0].strip().upper() in _RESERVED:
        name += "_"
    return name or fallback


def note_relpath(note: Note) -> tuple[tuple[str, ...], str]:
    """(folders, file stem) a note is written to under ``notes/``: the place of the file it was
    imported from (``meta["path"]``), each part made safe; else its title."""
    path = note.meta.get("path")
    if isinstance(path, str) and path.strip():
        pure = PurePosixPath(path.replace("\\", "/"))
        folders = tuple(p for p in (safe_filename(part, "") for part in pure.parent.parts) if p)
        return folders, safe_filename(pure.stem, safe_filename(note.title, note.id[:8]))
    return (), safe_filename(note.title, note.id[:8])


def _unique(folder: Path, stem: str, used: set[str]) -> Path:
    candidate, n = stem, 2
    while str(folder / candidate).casefold() in used:
        candidate, n = f"{stem} ({n})", n + 1
    used.add(str(folder / candidate).casefold())
    return folder / f"{candidate}.md"


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def note_markdown(note: Note) -> str:
    """A note as a Markdown file: front matter (Reverie's fields, then the note's properties as they
    came in; a property wins over a Reverie field of the same name), a blank line, the text."""
    props = note.properties
    taken = {k.casefold() for k in props}
    own = [
        ("id", note.id),
        ("created", iso(note.created_at)),
        ("updated", iso(note.updated_at)),
        ("date", iso(note.happened_at)),
        ("origin", _yaml_str(note.origin) if note.origin else None),
    ]
    lines = ["---", f"title: {_yaml_str(note.title)}"]
    if note.tags:
        lines.append("tags: [" + ", ".join(_yaml_str(t) for t in note.tags) + "]")
    lines += [f"{key}: {value}" for key, value in own if value is not None and key not in taken]
    lines += render_properties(props)
    lines += ["---", "", note.body.rstrip("\n"), ""]
    return "\n".join(lines)


def conversation_markdown(title: str, cid: str, created: float, origin: str | None, messages: list[Message]) -> str:
    lines = [
        f"# {title or 'Conversation'}",
        "",
        f"*Started {iso(created)}; id {cid}" + (f"; from {origin}" if origin else "") + "*",
        "",
    ]
    for m in messages:
        who = m.speaker or {"user": "You", "assistant": "Reverie", "system": "System"}[m.role]
        lines += [f"## {who} · {iso(m.happened_at)}", "", m.content.rstrip("\n"), ""]
    return "\n".join(lines)


def export_markdown(vault: Vault, folder: str | Path) -> MarkdownExportSummary:
    """Write every note and conversation as Markdown files into ``folder`` (new or empty)."""
    folder = Path(folder).expanduser()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise TransferError(
            f"{folder} already exists and is not an empty folder; choose a new folder. Nothing was written."
        )
    parent = folder.parent
    if not parent.is_dir():
        raise TransferError(f"The folder {parent} does not exist; nothing was written.")
    sweep_stale_temps(vault.paths.folder)
    try:
        with Job(vault.paths.folder) as job:
            tmp = job.dir / "markdown"
            tmp.mkdir(mode=DIR_MODE)
            n_notes, n_convs, n_files = _write_all(vault, tmp)
            if folder.exists():
                folder.rmdir()
            job.place(tmp, folder)
    except OSError as exc:
        raise TransferError(f"Reverie could not write {folder}: {exc.strerror or exc}; nothing was written.") from None
    return MarkdownExportSummary(folder, n_notes, n_convs, n_files)


def _write_file(path: Path, text: str | bytes) -> None:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(text.encode("utf-8") if isinstance(text, str) else text)


def _write_attachments(conn: Any, where: Path, note_id: str, written: dict[str, str], used_notes: set[str]) -> int:
    """Write a note's attachments beside its file (``where``); returns how many files were written."""
    n = 0
    for name, sha, data in conn.execute(
        "SELECT name, sha256, data FROM attachments WHERE note_id = ? ORDER BY name", (note_id,)
    ):
        parts = safe_parts(str(name))
        folder = _mkdirs(where, tuple(parts[:-1]))
        stem, dot, suffix = parts[-1].rpartition(".")
        stem, suffix = (stem, dot + suffix) if stem else (parts[-1], "")
        target, k = folder / parts[-1], 2
        while True:
            key = str(target).casefold()
            if written.get(key) == sha:
                break  # the same bytes are already there (another note of the folder refers to them)
            if key not in written and not target.exists():
                _write_file(target, bytes(data))
                written[key] = sha
                if suffix.lower() == ".md":  # a note written later must not take this file's name
                    used_notes.add(str(target.with_suffix("")).casefold())
                n += 1
                break
            target, k = folder / f"{stem} ({k}){suffix}", k + 1
    return n


def _mkdirs(root: Path, parts: tuple[str, ...]) -> Path:
    where = root
    for part in parts:
        where = where / part
        if not where.is_dir():
            where.mkdir(mode=DIR_MODE)
    return where


def _write_all(vault: Vault, out: Path) -> tuple[int, int, int]:
    (out / "notes").mkdir(mode=DIR_MODE)
    (out / "conversations").mkdir(mode=DIR_MODE)
    used_notes: set[str] = set()
    used_convs: set[str] = set()
    written: dict[str, str] = {}  # attachment files written: path (casefolded) -> sha256
    n_notes = n_convs = n_files = 0
    with vault.read() as conn:
        conn.execute("BEGIN")
        try:
            for row in conn.execute(f"SELECT {NOTE_COLS} FROM notes ORDER BY created_at, id"):
                note = Note.from_row(row)
                folders, stem = note_relpath(note)
                where = _mkdirs(out / "notes", folders)
                path = _unique(where, stem, used_notes)
                _write_file(path, note_markdown(note))
                n_files += _write_attachments(conn, where, note.id, written, used_notes)
                n_notes += 1
            convs: list[Any] = conn.execute(
                f"SELECT {CONVERSATION_COLS} FROM conversations ORDER BY created_at, id"
            ).fetchall()
            for cid, title, created, _updated, origin in convs:
                msgs = [
                    Message.from_row(r)
                    for r in conn.execute(
                        f"SELECT {MESSAGE_COLS} FROM messages WHERE conversation_id = ? ORDER BY seq", (cid,)
                    )
                ]
                stem = f"{(iso(created) or '')[:10]} {safe_filename(title, cid[:8])}".strip()
                path = _unique(out / "conversations", stem, used_convs)
                _write_file(path, conversation_markdown(title, cid, created, origin, msgs))
                n_convs += 1
        finally:
            conn.execute("COMMIT")
    return n_notes, n_convs, n_files
