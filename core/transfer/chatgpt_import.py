"""Bring in a ChatGPT data export (``conversations.json``) as conversations with their original times.

Each conversation's visible thread (from its current node back to the root) becomes messages; every
record keeps its provenance (``origin = chatgpt:<conversation id>`` and ``/<node id>`` on messages)
and gets an id derived from it, so a re-import skips unchanged conversations and only adds the new
turns of a continued one. The whole file is checked before anything is written; a node of a kind
Reverie does not know refuses the import with a sentence naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.core import history, ingest
from reverie.core.clock import MAX_YEAR, MIN_YEAR, in_range
from reverie.core.errors import TransferCancelledError, TransferError
from reverie.core.records import MAX_TEXT_BYTES, Role
from reverie.core.sources import clip
from reverie.core.textutil import clean_text
from reverie.core.transfer.bringin import BringInSummary, ledger_hash, ledger_record, sha256_bytes, stable_id
from reverie.core.transfer.format import bad_id_reason, echo, echo_id
from reverie.core.vault import Vault

MAX_FILE_BYTES = 2 * 1024**3
Progress = Callable[[str, int, int], None]
# Content types whose text is kept, and those that carry no conversation text (skipped).
TEXT_TYPES = {
    "text",
    "multimodal_text",
    "code",
    "execution_output",
    "tether_quote",
    "system_error",
    "tether_browsing_display",
}
SILENT_TYPES = {
    "thoughts",
    "reasoning_recap",
    "user_editable_context",
    "model_editable_context",
    "computer_output",
    "sonic_webpage",
    "app_pairing_content",
}
ROLES: dict[str, Role | None] = {"user": "user", "assistant": "assistant", "system": "system", "tool": None}


@dataclass(frozen=True)
class _Turn:
    node_id: str
    role: Role
    text: str
    at: float | None
    speaker: str | None


@dataclass(frozen=True)
class _Conversation:
    cid: str
    title: str
    created: float
    updated: float
    sha: str
    turns: list[_Turn]


def _bad(where: str, what: str) -> TransferError:
    return TransferError(f"In the ChatGPT export, {where} {what}; the vault was not changed.")


def _time(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if not in_range(value):
        raise _bad(where, f"has an invalid timestamp (not a time in the years {MIN_YEAR}-{MAX_YEAR})")
    return float(value)


def _part_text(part: Any) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, dict):
        kind = str(part.get("content_type", "attachment")).replace("_asset_pointer", "").replace("_", " ")
        return f"[{kind}]"
    return ""


def _text(content: Any, where: str) -> str | None:
    if not isinstance(content, dict) or not isinstance(content.get("content_type"), str):
        raise _bad(where, "has no content type")
    ctype = content["content_type"]
    if ctype in SILENT_TYPES:
        return None
    if ctype not in TEXT_TYPES:
        raise _bad(where, f"is of an unknown kind ({echo(ctype)}) that Reverie cannot read")
    parts = content.get("parts")
    if isinstance(parts, list):
        return "\n\n".join(t for t in (_part_text(p) for p in parts) if t)
    for key in ("text", "result"):
        if isinstance(content.get(key), str):
            return content[key]
    return ""


def _thread(mapping: dict[str, Any], current: Any, where: str) -> list[str]:
    """Node ids from the root to the current node (the branch the user last saw)."""
    if not isinstance(current, str) or current not in mapping:
        leaves = [k for k, n in mapping.items() if isinstance(n, dict) and not n.get("children")]
        current = leaves[-1] if leaves else None
    path: list[str] = []
    seen: set[str] = set()
    while current is not None:
        if not isinstance(current, str) or current in seen or current not in mapping or len(path) > 200_000:
            raise _bad(where, "has a broken chain of messages")
        if bad_id_reason(current):
            raise _bad(where, f"has a message with an invalid id ({echo(current)})")
        seen.add(current)
        path.append(current)
        node = mapping[current]
        if not isinstance(node, dict):
            raise _bad(where, f"has a node ({echo_id(current)}) that is not an object")
        current = node.get("parent")
    return path[::-1]


def parse_conversation(raw: Any, index: int) -> _Conversation:
    where = f"conversation {index + 1}"
    if not isinstance(raw, dict) or not isinstance(raw.get("mapping"), dict):
        raise _bad(where, "is not a conversation (it has no message mapping)")
    cid = raw.get("conversation_id") or raw.get("id")
    if not isinstance(cid, str) or not cid.strip():
        raise _bad(where, "has no conversation id")
    if bad_id_reason(cid):
        raise _bad(where, f"has an invalid conversation id ({echo(cid)})")
    where = f"conversation {index + 1} ({echo_id(cid)})"
    created = _time(raw.get("create_time"), where) or 0.0
    updated = _time(raw.get("update_time"), where) or created
    turns: list[_Turn] = []
    for node_id in _thread(raw["mapping"], raw.get("current_node"), where):
        msg = raw["mapping"][node_id].get("message")
        if msg is None:
            continue
        nwhere = f"message {echo_id(node_id)} of {where}"
        if not isinstance(msg, dict) or not isinstance(msg.get("author"), dict):
            raise _bad(nwhere, "has no author")
        role_raw = msg["author"].get("role")
        if role_raw not in ROLES:
            raise _bad(nwhere, f"has an unknown author role ({echo(role_raw)})")
        text = _text(msg.get("content"), nwhere)
        role = ROLES[role_raw]
        if role is None or text is None or not text.strip():
            continue
        metadata = msg.get("metadata")
        if role == "system" and isinstance(metadata, dict) and metadata.get("is_visually_hidden_from_conversation"):
            continue
        text = clean_text(text)
        if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            raise _bad(nwhere, "is larger than a message can be")
        name = msg["author"].get("name")
        speaker = clip(clean_text(name), 200) if isinstance(name, str) and name.strip() else None
        speaker = speaker or ("ChatGPT" if role == "assistant" else None)
        turns.append(_Turn(str(node_id), role, text, _time(msg.get("create_time"), nwhere), speaker))
    raw_title = raw.get("title")
    title = clean_text(raw_title if isinstance(raw_title, str) else "").strip()[:300]
    sha = sha256_bytes(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return _Conversation(cid, title or "ChatGPT conversation", created, updated, sha, turns)


def _load(path: Path) -> list[Any]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TransferError(f"{path.name} is larger than Reverie accepts; the vault was not changed.")
        data = path.read_bytes()
    except OSError as exc:
        raise TransferError(f"Reverie cannot read {path}: {exc.strerror or exc}.") from None
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise TransferError(
            f"{path.name} is not UTF-8 text, so it is not a ChatGPT export; the vault was not changed."
        ) from None
    except (ValueError, RecursionError):
        raise TransferError(
            f"{path.name} is not valid JSON, so it is not a ChatGPT export; the vault was not changed."
        ) from None
    if not isinstance(raw, list):
        raise TransferError(
            f"{path.name} is not a ChatGPT export (it should hold a list of conversations); the vault was not changed."
        )
    return raw


def import_chatgpt(
    vault: Vault, path: str | Path, progress: Progress | None = None, cancel: Any = None
) -> BringInSummary:
    """Import a ChatGPT ``conversations.json``; all or nothing."""
    path = Path(path).expanduser()
    summary = BringInSummary()
    convs = _unique([parse_conversation(raw, i) for i, raw in enumerate(_load(path))], summary)
    now = vault.now()
    with vault.tx() as conn:
        for i, conv in enumerate(convs):
            if cancel is not None and bool(cancel.is_set() if hasattr(cancel, "is_set") else cancel()):
                raise TransferCancelledError("The import was cancelled; the vault was not changed.")
            if progress:
                progress("importing conversations", i, len(convs))
            _write(conn, now, conv, summary)
    if progress:
        progress("importing conversations", len(convs), len(convs))
    return summary


def _unique(convs: list[_Conversation], summary: BringInSummary) -> list[_Conversation]:
    """One conversation per id: of conversations sharing an id, the last updated (the later in the
    file on a tie) is imported and the others are reported, so a re-import finds nothing changed."""
    chosen: dict[str, int] = {}
    for i, conv in enumerate(convs):
        j = chosen.get(conv.cid)
        if j is None:
            chosen[conv.cid] = i
            continue
        keep = i if conv.updated >= convs[j].updated else j
        summary.problems.append(
            f"Conversations {j + 1} and {i + 1} of the file share the id {echo_id(conv.cid)}; "
            f"only conversation {keep + 1} was imported."
        )
        chosen[conv.cid] = keep
    keep_set = set(chosen.values())
    return [c for i, c in enumerate(convs) if i in keep_set]


def _write(conn: Any, now: float, conv: _Conversation, summary: BringInSummary) -> None:
    if ledger_hash(conn, "chatgpt", conv.cid) == conv.sha:
        summary.unchanged += 1
        return
    cid = stable_id("chatgpt", conv.cid)
    origin = f"chatgpt:{conv.cid}"
    if conn.execute("SELECT 1 FROM conversations WHERE id = ?", (cid,)).fetchone():
        conn.execute(
            "UPDATE conversations SET title = ?, updated_at = max(updated_at, ?) WHERE id = ?",
            (conv.title, conv.updated, cid),
        )
        summary.updated += 1
    else:
        conn.execute(
            "INSERT INTO conversations(id, title, created_at, updated_at, origin, meta) VALUES (?,?,?,?,?,?)",
            (cid, conv.title, conv.created, conv.updated, origin, json.dumps({"source": "chatgpt"})),
        )
        history.log(
            conn, now, "conversation", cid, "create", actor="import", after={"title": conv.title, "origin": origin}
        )
        summary.added += 1
    last = conv.created
    for turn in conv.turns:
        at = turn.at if turn.at is not None else last
        last = at
        mid = stable_id("chatgpt", conv.cid, turn.node_id)
        if conn.execute("SELECT 1 FROM messages WHERE id = ?", (mid,)).fetchone():
            continue
        seq = conn.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = ?", (cid,)
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO messages(id, conversation_id, seq, role, speaker, content, status, created_at, happened_at, "
            "origin, meta) VALUES (?,?,?,?,?,?,'complete',?,?,?,?)",
            (
                mid,
                cid,
                seq,
                turn.role,
                turn.speaker,
                turn.text,
                at,
                at,
                f"{origin}/{turn.node_id}",
                json.dumps({"source": "chatgpt"}),
            ),
        )
        if turn.role != "system":
            ingest.index_message(
                conn, now, mid, turn.text, turn.role, at, speaker=turn.speaker, trust="imported", actor="import"
            )
        summary.messages += 1
    ledger_record(conn, "chatgpt", conv.cid, conv.sha, "conversation", cid, now=now)
