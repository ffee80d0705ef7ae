"""Bring in a folder of Markdown notes (an Obsidian vault too) or plain text files.

Front matter (title, tags, dates), inline ``#tags`` and ``[[wikilinks]]`` are kept: the text is
stored as written, links are listed in the note's meta (and resolved to note ids when the target
was imported too). File dates become the note's dates unless the front matter says otherwise.
Every note records the file it came from (``origin = file:<path>``); a re-import skips files
whose SHA-256 did not change and updates the note of a file that did.

Imported files are documents, not the user's own words, unless the import says they are
(``mine=True``: ``reverie import PATH --mine``, "These are my own notes" in the window). The mark
is kept in the note's meta (``own_words``, see ``consolidation.planner.own_words_sql``); only
notes so marked (and notes written in Reverie) are read for facts about the user. A later import
with the mark adds it to notes already imported; one without it leaves an earlier mark alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from reverie.core import history, ingest
from reverie.core.consolidation.planner import OWN_NOTE_KEY
from reverie.core.errors import TransferCancelledError, TransferError
from reverie.core.records import MAX_TEXT_BYTES
from reverie.core.textutil import clean_text, human_size
from reverie.core.transfer.bringin import BringInSummary, ledger_hash, ledger_record, sha256_bytes, stable_id
from reverie.core.vault import Vault

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text"}
_WIKILINK = re.compile(r"\[\[([^\[\]|#\n]+)(?:#[^\[\]|\n]*)?(?:\|[^\[\]\n]*)?\]\]")
_TAG = re.compile(r"(?<![\w&/#])#([^\s#.,;:!?()\[\]{}\"'`]+)")
_KEY = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_ \-]*):(?:\s+(.*))?$")
Progress = Callable[[str, int, int], None]


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def parse_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split ``---`` front matter (the simple YAML subset notes use) from the body."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    end = next((j for j in range(1, min(len(lines), 400)) if lines[j].strip() in ("---", "...")), None)
    if end is None:
        return {}, text
    out: dict[str, Any] = {}
    key: str | None = None
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _KEY.match(line)
        if m:
            key, val = m.group(1).strip().lower(), (m.group(2) or "").strip()
            if not val:
                out[key] = []
            elif val.startswith("[") and val.endswith("]"):
                out[key] = [_scalar(v) for v in val[1:-1].split(",") if v.strip()]
            else:
                out[key] = _scalar(val)
        elif key is not None and line.lstrip().startswith("- "):
            if not isinstance(out.get(key), list):
                out[key] = []
            out[key].append(_scalar(line.lstrip()[2:]))
    return out, "\n".join(lines[end + 1 :]).lstrip("\n")


def parse_date(value: Any) -> float | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def inline_tags(body: str) -> list[str]:
    tags: list[str] = []
    fenced = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")):
            continue
        tags += [t for t in _TAG.findall(line) if not t.isdigit()]
    return tags


def wikilinks(body: str) -> list[str]:
    return list(dict.fromkeys(m.strip() for m in _WIKILINK.findall(body) if m.strip()))


def _tags(fm: dict[str, Any], body: str) -> list[str]:
    raw = fm.get("tags", fm.get("tag", []))
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    out: list[str] = []
    for t in [*raw, *inline_tags(body)]:
        t = clean_text(str(t)).strip().lstrip("#")[:64]
        if t and t not in out:
            out.append(t)
    return out[:64]


def _files(root: Path) -> Iterator[Path]:
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).parts
        if any(part.startswith(".") for part in rel) or not p.is_file() or p.is_symlink():
            continue
        if p.suffix.lower() in SUFFIXES:
            yield p


def _title(fm: dict[str, Any], body: str, stem: str) -> str:
    if isinstance(fm.get("title"), str) and fm["title"].strip():
        return clean_text(fm["title"]).strip()[:500]
    for line in body.splitlines():
        if line.startswith("# "):
            return clean_text(line[2:]).strip()[:500] or stem
        if line.strip():
            break
    return stem


def import_markdown_folder(vault: Vault, folder: str | Path, progress: Progress | None = None,
                           cancel: Any = None, *, mine: bool = False) -> BringInSummary:
    """Import every ``.md``/``.markdown``/``.txt`` file under ``folder`` (or one such file) as notes,
    in one transaction. Files that cannot be read are left out, each with a sentence in ``problems``.
    ``mine``: the files are the user's own writing (facts about them may be drawn from them)."""
    root = Path(folder).expanduser()
    if root.is_file():
        if root.suffix.lower() not in SUFFIXES:
            raise TransferError(f"{root.name} is not a Markdown or text file (.md, .markdown, .txt); "
                                "nothing was imported.")
        files, root = [root], root.parent
    elif root.is_dir():
        files = list(_files(root))
    else:
        raise TransferError(f"There is no folder or file at {root}; nothing was imported.")
    if not files:
        raise TransferError(f"{root} holds no Markdown or text files (.md, .markdown, .txt); nothing was imported.")
    flavour = "obsidian" if (root / ".obsidian").is_dir() else "markdown"
    summary = BringInSummary()
    now = vault.now()
    imported: dict[str, str] = {}  # stem / title (casefolded) -> note id, for resolving links
    linked: list[tuple[str, list[str], dict[str, Any]]] = []
    with vault.tx() as conn:
        for i, path in enumerate(files, 1):
            if cancel is not None and bool(cancel.is_set() if hasattr(cancel, "is_set") else cancel()):
                raise TransferCancelledError("The import was cancelled; the vault was not changed.")
            if progress:
                progress("importing files", i - 1, len(files))
            result = _import_file(conn, now, root, path, flavour, summary, mine=mine)
            if result:
                note_id, title, links, meta = result
                imported[path.stem.casefold()] = imported[title.casefold()] = note_id
                if links:
                    linked.append((note_id, links, meta))
        for note_id, links, meta in linked:
            meta["link_ids"] = {t: imported[t.casefold()] for t in links if t.casefold() in imported}
            conn.execute("UPDATE notes SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), note_id))
    if progress:
        progress("importing files", len(files), len(files))
    return summary


def _mark_own(conn: Any, now: float, note_id: str) -> bool:
    """Mark an imported note as the user's own writing; False when it already was (or is gone)."""
    row = conn.execute("SELECT meta FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        return False
    meta = _meta(row[0])
    if meta.get(OWN_NOTE_KEY) is True:
        return False
    meta[OWN_NOTE_KEY] = True
    conn.execute("UPDATE notes SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), note_id))
    history.log(conn, now, "note", note_id, "update", actor="import", after={OWN_NOTE_KEY: True},
                note="marked as your own writing")
    return True


def _meta(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _import_file(conn: Any, now: float, root: Path, path: Path, flavour: str,
                 summary: BringInSummary, *, mine: bool = False) -> tuple[str, str, list[str], dict[str, Any]] | None:
    rel = str(path.relative_to(root))
    try:
        st = path.stat()
        if st.st_size > MAX_TEXT_BYTES:
            summary.problems.append(f"{rel} is {human_size(st.st_size)}, more than a note can hold; it was left out.")
            return None
        data = path.read_bytes()
    except OSError as exc:
        summary.problems.append(f"{rel} could not be read ({exc.strerror or exc}); it was left out.")
        return None
    kind = SUFFIXES[path.suffix.lower()]
    abspath = str(path.resolve())
    sha = sha256_bytes(data)
    note_id = stable_id("file", abspath)
    if ledger_hash(conn, kind, abspath) == sha:
        if mine and _mark_own(conn, now, note_id):
            summary.updated += 1
        else:
            summary.unchanged += 1
        return None
    try:
        text = clean_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        summary.problems.append(f"{rel} is not UTF-8 text; it was left out.")
        return None
    text = text.replace("\r\n", "\n")
    fm, body = parse_front_matter(text) if kind == "markdown" else ({}, text)
    title = _title(fm, body, path.stem) if kind == "markdown" else path.stem
    tags = _tags(fm, body) if kind == "markdown" else []
    links = wikilinks(body) if kind == "markdown" else []
    created = parse_date(fm.get("created")) or getattr(st, "st_birthtime", None) or st.st_mtime
    updated = parse_date(fm.get("updated") or fm.get("modified")) or st.st_mtime
    happened = parse_date(fm.get("date")) or created
    meta: dict[str, Any] = {"source": flavour if kind == "markdown" else "text", "path": rel}
    if fm:
        meta["front_matter"] = {k: v for k, v in fm.items() if isinstance(v, str | list)}
    if links:
        meta["links"] = links
    old = conn.execute("SELECT meta FROM notes WHERE id = ?", (note_id,)).fetchone()
    if mine or (old is not None and _meta(old[0]).get(OWN_NOTE_KEY) is True):
        meta[OWN_NOTE_KEY] = True
    vals = (title, body, json.dumps(tags, ensure_ascii=False), created, updated, happened, f"file:{abspath}",
            json.dumps(meta, ensure_ascii=False), note_id)
    if old is not None:
        conn.execute("UPDATE notes SET title=?, body=?, tags=?, created_at=?, updated_at=?, happened_at=?, origin=?, "
                     "meta=? WHERE id=?", vals)
        action = "update"
        summary.updated += 1
    else:
        conn.execute("INSERT INTO notes(title, body, tags, created_at, updated_at, happened_at, origin, meta, id) "
                     "VALUES (?,?,?,?,?,?,?,?,?)", vals)
        action = "create"
        summary.added += 1
    ingest.index_note(conn, now, note_id, title, body, happened, actor="import")
    history.log(conn, now, "note", note_id, action, actor="import", after={"title": title, "file": abspath})
    ledger_record(conn, kind, abspath, sha, "note", note_id, now=now)
    return note_id, title, links, meta
