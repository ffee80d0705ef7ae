"""The ``.reverie`` vault file format: members and the checks every record passes (the manifest is
in ``manifest.py``).

A vault file is a zip archive (optionally wrapped in an age passphrase envelope) holding
``manifest.json``, one JSONL member per table and, for each attachment, its bytes as a member
``attachments/<id>``. See ``docs/vault-format.md``.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reverie.core.attachments import MAX_ATTACHMENT_BYTES, MAX_NAME_CHARS, attachment_id
from reverie.core.clock import MAX_YEAR, MIN_YEAR, in_range
from reverie.core.errors import TransferError
from reverie.core.properties import PropertyError, check_properties
from reverie.core.records import MAX_TEXT_BYTES
from reverie.core.sources import clip
from reverie.core.textutil import clean_text

FORMAT_NAME = "reverie-vault-export"
FORMAT_VERSION = 2  # 2: attachments (a file without them is written as version 1, which older readers read)
MANIFEST = "manifest.json"
AGE_MAGIC = b"age-encryption.org/v1"

# Import order: a table only refers to tables before it.
TABLES = (
    "conversations",
    "messages",
    "notes",
    "memories",
    "citations",
    "history",
    "vectors",
    "reminders",
    "attachments",
)
# vectors: --no-vectors; reminders and attachments: older files
OPTIONAL_TABLES = frozenset({"vectors", "reminders", "attachments"})
MEMBERS = {f"{t}.jsonl": t for t in TABLES}
ATTACHMENT_PREFIX = "attachments/"  # an attachment's bytes: the member ``attachments/<id>``
_ATTACHMENT_MEMBER = re.compile(r"^attachments/([0-9a-f]{32})$")


def attachment_member(aid: str) -> str:
    return ATTACHMENT_PREFIX + aid


def attachment_member_id(name: str) -> str | None:
    """The attachment id a member name holds the bytes of, or None when it is no attachment member."""
    m = _ATTACHMENT_MEMBER.match(name)
    return m.group(1) if m else None


MAX_INT = 2**63 - 1
MAX_ID_CHARS = 200


SIGNING_KEY = "transfer.signing_key"  # the settings row holding this vault's export-signing secret
# Fields holding a time (Unix seconds): each must lie in the years 1900-2200 (core.clock.in_range).
TIME_FIELDS = frozenset(
    {
        "created_at",
        "updated_at",
        "happened_at",
        "recorded_at",
        "valid_from",
        "valid_to",
        "last_recalled_at",
        "archived_at",
        "at",
        "due_at",
        "next_at",
        "fired_at",
        "done_at",
    }
)
ECHO_CHARS = 40  # at most this much of a file's content is quoted in an error sentence


def echo(value: Any) -> str:
    """A value from a file, quoted for an error sentence: escaped, on one line, short."""
    return clip(repr(value), ECHO_CHARS)


def echo_id(value: Any) -> str:
    """A checked id (printable, see ``bad_id_reason``) for an error sentence, unquoted and short."""
    return clip(str(value), ECHO_CHARS)


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile file (a zip bomb, a giant line) from exhausting the machine.

    A member may expand only to the size the manifest declares for it (an export records each
    member's size), and never beyond ``max_member_bytes`` / ``max_total_bytes``: honest data that
    compresses very well (a pasted log) is not mistaken for a bomb, and a bomb cannot hide."""

    max_member_bytes: int = 8 * 1024**3
    max_total_bytes: int = 32 * 1024**3
    max_line_bytes: int = 6 * MAX_TEXT_BYTES + 4096
    max_manifest_bytes: int = 1024 * 1024
    max_encrypted_bytes: int = 4 * 1024**3  # an age file is decrypted in memory


DEFAULT_LIMITS = Limits()


# -- field checks ---------------------------------------------------------------------------

Check = Callable[[Any], Any]


class _BadFieldError(Exception):
    """A field failed its check; the message says what was expected."""


def _text(value: Any, limit: int = MAX_TEXT_BYTES) -> str:
    if not isinstance(value, str):
        raise _BadFieldError("must be text")
    if len(value) > limit:  # chars <= bytes; a cheap first bound
        raise _BadFieldError("is too long")
    value = clean_text(value)
    if len(value.encode("utf-8")) > limit:
        raise _BadFieldError("is too long")
    return value


def bad_id_reason(value: Any) -> str | None:
    """Why ``value`` cannot be a record id (None when it can): ids are short text of printable
    characters, without lone surrogates (which cannot be stored) or the replacement character."""
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty id"
    if len(value) > MAX_ID_CHARS:
        return f"is longer than {MAX_ID_CHARS} characters"
    for c in value:
        o = ord(c)
        if o < 32 or 0x7F <= o < 0xA0 or 0xD800 <= o <= 0xDFFF or o == 0xFFFD:
            return "must be an id without control characters or invalid text"
    return None


def _id(value: Any) -> str:
    reason = bad_id_reason(value)
    if reason:
        raise _BadFieldError(reason)
    return str(value)


def _time(value: Any) -> float:
    value = _num(value)
    if not in_range(value):
        raise _BadFieldError(f"must be a time in the years {MIN_YEAR}-{MAX_YEAR}")
    return value


def _num(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _BadFieldError("must be a number")
    value = float(value)
    if not math.isfinite(value):
        raise _BadFieldError("must be a finite number")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_INT:
        raise _BadFieldError("must be a whole number")
    return value


def _flag(value: Any) -> int:
    if value in (0, 1) and not isinstance(value, float):
        return int(value)
    raise _BadFieldError("must be 0 or 1 (or true/false)")


def _optional(check: Check) -> Check:
    def inner(value: Any) -> Any:
        return None if value is None else check(value)

    return inner


def _enum(*allowed: str) -> Check:
    def inner(value: Any) -> str:
        if value not in allowed:
            raise _BadFieldError("must be one of " + ", ".join(allowed))
        return value

    return inner


def _bounded(check: Check, lo: float, hi: float, *, open_lo: bool = False) -> Check:
    def inner(value: Any) -> Any:
        value = check(value)
        if value < lo or value > hi or (open_lo and value == lo):
            raise _BadFieldError(f"must be between {lo:g} and {hi:g}")
        return value

    return inner


def _clean_json(value: Any, depth: int = 0) -> Any:
    if depth > 32:
        raise _BadFieldError("is nested too deeply")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_json(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): _clean_json(v, depth + 1) for k, v in value.items()}
    return value


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _BadFieldError("must be a JSON object")
    return _clean_json(value)


def _any_json(value: Any) -> Any:
    return _clean_json(value)


def _tags(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > 64:
        raise _BadFieldError("must be a list of at most 64 tags")
    return [_text(t, 256) for t in value]


def _b64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise _BadFieldError("must be base64 text")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise _BadFieldError("is not valid base64") from exc


def _sha256(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise _BadFieldError("must be a SHA-256 in hex")
    return value


def _attachment_id(value: Any) -> str:
    if not isinstance(value, str) or attachment_member_id(attachment_member(value)) is None:
        raise _BadFieldError("must be an attachment id (32 hex digits)")
    return value


_OSTR = _optional(_text)
_ONUM = _optional(_time)
SPEC: dict[str, dict[str, Check]] = {
    "conversations": {
        "id": _id,
        "title": _text,
        "created_at": _time,
        "updated_at": _time,
        "origin": _OSTR,
        "meta": _object,
    },
    "messages": {
        "id": _id,
        "conversation_id": _id,
        "seq": _bounded(_int, 0, MAX_INT),
        "role": _enum("user", "assistant", "system"),
        "speaker": _OSTR,
        "content": _text,
        "status": _enum("complete", "partial", "error"),
        "created_at": _time,
        "happened_at": _time,
        "origin": _OSTR,
        "meta": _object,
    },
    "notes": {
        "id": _id,
        "title": _text,
        "body": _text,
        "tags": _tags,
        "created_at": _time,
        "updated_at": _time,
        "happened_at": _time,
        "origin": _OSTR,
        "meta": _object,
    },
    "memories": {
        "uid": _id,
        "kind": _enum("chat", "note", "fact", "summary"),
        "source_kind": _enum("message", "note", "consolidation", "import"),
        "source_id": _optional(_id),
        "span_start": _optional(_int),
        "span_end": _optional(_int),
        "seq": _int,
        "text": _text,
        "context": _text,
        "speaker": _OSTR,
        "recorded_at": _time,
        "happened_at": _time,
        "valid_from": _ONUM,
        "valid_to": _ONUM,
        "content_hash": _text,
        "trust": _enum("user", "assistant", "imported"),
        "importance": _bounded(_num, 0.0, 1.0),
        "strength": _bounded(_num, 0.0, 1e9, open_lo=True),
        "last_recalled_at": _ONUM,
        "recall_count": _bounded(_int, 0, MAX_INT),
        "pinned": _flag,
        "archived": _flag,
        "archived_at": _ONUM,
        "superseded_by": _optional(_id),
        "meta": _object,
    },
    "citations": {"message_id": _id, "n": _int, "memory_uid": _id},
    "history": {
        "at": _time,
        "entity": _text,
        "entity_id": _text,
        "action": _text,
        "actor": _text,
        "before": _any_json,
        "after": _any_json,
        "note": _OSTR,
    },
    "vectors": {"memory_uid": _id, "model_id": _text, "dim": _bounded(_int, 1, 65536), "vec": _b64},
    "reminders": {
        "uid": _id,
        "text": _text,
        "due_at": _time,
        "next_at": _time,
        "created_at": _time,
        "updated_at": _time,
        "source_kind": _enum("user", "message", "note", "memory"),
        "source_id": _optional(_id),
        "state": _enum("upcoming", "firing", "fired", "missed", "done", "cancelled"),
        "snoozed": _bounded(_int, 0, MAX_INT),
        "fired_at": _ONUM,
        "done_at": _ONUM,
        "origin": _OSTR,
        "meta": _object,
    },
    "attachments": {
        "id": _attachment_id,
        "note_id": _id,
        "name": lambda v: _text(v, MAX_NAME_CHARS),
        "mime": lambda v: _text(v, 200),
        "size": _bounded(_int, 0, MAX_ATTACHMENT_BYTES),
        "sha256": _sha256,
        "created_at": _time,
        "meta": _object,
    },
}

# Which field identifies a record of each table (for duplicates and merging).
KEY: dict[str, Callable[[dict[str, Any]], Any]] = {
    "conversations": lambda r: r["id"],
    "messages": lambda r: r["id"],
    "notes": lambda r: r["id"],
    "memories": lambda r: r["uid"],
    "citations": lambda r: (r["message_id"], r["n"]),
    "vectors": lambda r: r["memory_uid"],
    "reminders": lambda r: r["uid"],
    "attachments": lambda r: r["id"],
}


def check_record(table: str, raw: Any, where: str) -> dict[str, Any]:
    """Validate one decoded JSONL record; return it cleaned, or raise a TransferError naming it."""
    if not isinstance(raw, dict):
        raise TransferError(f"{where} is not a JSON object; the vault was not changed.")
    spec = SPEC[table]
    extra = set(raw) - set(spec)
    if extra:
        raise TransferError(
            f"{where} has an unexpected field {echo(sorted(map(str, extra))[0])}; the vault was not changed."
        )
    out: dict[str, Any] = {}
    for name, check in spec.items():
        if name not in raw:
            raise TransferError(f"{where} lacks the field {name!r}; the vault was not changed.")
        try:
            out[name] = check(raw[name])
        except _BadFieldError as exc:
            raise TransferError(f"In {where}, the field {name!r} {exc}; the vault was not changed.") from None
    if table == "vectors" and len(out["vec"]) != 2 * out["dim"]:
        raise TransferError(
            f"In {where}, the vector does not have {out['dim']} float16 values; the vault was not changed."
        )
    if table == "notes" and "properties" in out["meta"]:
        try:
            out["meta"]["properties"] = check_properties(out["meta"]["properties"])
        except PropertyError as exc:
            raise TransferError(
                f"In {where}, the note's properties are not valid ({exc.reason}); the vault was not changed."
            ) from None
    if table == "attachments" and out["id"] != attachment_id(out["note_id"], out["name"]):
        raise TransferError(
            f"In {where}, the attachment's id is not the one its note and name give; the vault was not changed."
        )
    if table == "memories" and out["source_kind"] in ("note", "message") and not out["source_id"]:
        raise TransferError(
            f"In {where}, a memory of a {out['source_kind']} has no source id; the vault was not changed."
        )
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def decode_line(line: bytes, where: str) -> Any:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise TransferError(f"{where} is not valid UTF-8; the vault was not changed.") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise TransferError(f"{where} is not valid JSON; the vault was not changed.") from None
