"""Apps connected over MCP: what each may do, and the log of what each did.

Every MCP client (named by the ``initialize`` request's client info) that used the vault has a row
in ``mcp_clients`` with a permission (off, read-only, or read and remember: the default) and a
separate grant to archive memories. Every call is logged in ``mcp_calls``: client, tool, time,
outcome and result count; the query text only when the user turned that on. Pure rules here take
``now``; the MCP server itself lives in ``reverie.app.mcp`` (the core never imports ``mcp``).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, get_args

from reverie.core.errors import InputError, NotFoundError
from reverie.core.timeparse import parse_time_phrase
from reverie.core.vault import Vault

Permission = Literal["off", "read", "remember"]
Outcome = Literal["ok", "refused", "failed"]
PERMISSIONS: Final[tuple[Permission, ...]] = get_args(Permission)
PERMISSION_LABELS: Final[dict[Permission, str]] = {
    "off": "Off",
    "read": "Read only",
    "remember": "Read and remember",
}
DEFAULT_PERMISSION: Final[Permission] = "remember"

READ_TOOLS: Final = frozenset({"search_memories", "get_memory", "list_recent", "profile"})
WRITE_TOOLS: Final = frozenset({"remember"})
FORGET_TOOLS: Final = frozenset({"forget"})

MAX_QUERY_CHARS: Final = 2_000
MAX_NAME_CHARS: Final = 100
LOG_KEEP: Final = 5_000  # calls kept in the log (a client's call count keeps counting)
UNKNOWN_APP: Final = "Unknown app"
RECORD_QUERIES_KEY: Final = "connected.record_queries"

SETTINGS_HINT: Final = "the user can change this in Reverie under Settings → Connected apps"


@dataclass(frozen=True)
class Client:
    id: int
    name: str
    version: str
    permission: Permission
    may_forget: bool
    first_seen: float
    last_seen: float
    calls: int


@dataclass(frozen=True)
class Call:
    id: int
    client_id: int
    client_name: str
    tool: str
    at: float
    outcome: Outcome
    results: int
    query: str | None


_CLIENT_COLS = "id, name, version, permission, may_forget, first_seen, last_seen, calls"


def _client(row: tuple[object, ...]) -> Client:
    perm = str(row[3])
    return Client(
        int(str(row[0])),
        str(row[1]),
        str(row[2]),
        perm if perm in PERMISSIONS else "off",
        bool(row[4]),
        float(str(row[5])),
        float(str(row[6])),
        int(str(row[7])),
    )


# -- rules (pure) -------------------------------------------------------------------------------


def client_name(name: str | None) -> str:
    """The name a client is known by: its own, on one line and at most ``MAX_NAME_CHARS`` long."""
    line = " ".join((name or "").split())[:MAX_NAME_CHARS]
    return line or UNKNOWN_APP


def refusal(client: Client, tool: str) -> str | None:
    """None when ``client`` may call ``tool``; otherwise the sentence that says why not."""
    if client.permission == "off":
        return f"Reverie has switched {client.name} off, so it cannot use Reverie's memories; {SETTINGS_HINT}."
    if tool in READ_TOOLS:
        return None
    if tool in WRITE_TOOLS:
        if client.permission == "remember":
            return None
        return f"{client.name} may only read Reverie's memories, not add to them; {SETTINGS_HINT}."
    if tool in FORGET_TOOLS:
        if client.permission == "remember" and client.may_forget:
            return None
        return f"{client.name} has not been allowed to archive memories; {SETTINGS_HINT}."
    return f"Reverie has no tool named {tool!r}."


def check_query(query: str) -> str:
    """The query, trimmed; a query longer than ``MAX_QUERY_CHARS`` is refused."""
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(f"The query is {len(query):,} characters long; Reverie searches at most {MAX_QUERY_CHARS:,}.")
    return query.strip()


def date_bound(value: str | None, now: float, name: str) -> tuple[float, float] | None:
    """(start, end) of ``value``: an ISO date (2026-03-01, the whole local day), an ISO date and time
    (from that moment), or a time phrase as Search reads it ("last week", "in March")."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > 200:
        raise InputError(f"{name} is too long to be a date.")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = datetime.strptime(text, "%Y-%m-%d").astimezone()
            return day.timestamp(), day.timestamp() + 86400.0
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        ts = (moment if moment.tzinfo else moment.astimezone()).timestamp()
        return ts, ts
    except ValueError:
        pass
    rest, since, until, phrase = parse_time_phrase(text, now)
    if phrase is None or rest.strip() or since is None:
        raise InputError(f"{name} must be a date like 2026-03-01 or a phrase like 'last week', not {value!r}.")
    return since, until if until is not None else now


_TAG = re.compile(r"<(/?)(memory|profile)", re.IGNORECASE)


def quoted(text: str) -> str:
    """``text`` with anything that could open or close a ``<memory>`` or ``<profile>`` wrapper made inert."""
    return _TAG.sub(lambda m: f"&lt;{m.group(1)}{m.group(2)}", text)


def memory_block(attrs: dict[str, str | int | float | None], text: str) -> str:
    """A memory as data for another app's model: ``<memory id="12" source="…">text</memory>``."""
    shown = " ".join(f'{k}="{html.escape(str(v), quote=True)}"' for k, v in attrs.items() if v is not None)
    return f"<memory {shown}>\n{quoted(text)}\n</memory>"


# -- the vault ------------------------------------------------------------------------------------


def see_client(vault: Vault, name: str | None, version: str | None, now: float) -> Client:
    """The client named ``name``, first seen now if it is new (with the default permission), its
    version brought up to date. A known client is only read: ``log_call`` moves its last-seen time."""
    name = client_name(name)
    version = " ".join((version or "").split())[:MAX_NAME_CHARS]
    with vault.read() as conn:  # a known app is read, not written (its call's log entry moves last_seen)
        row = conn.execute(f"SELECT {_CLIENT_COLS} FROM mcp_clients WHERE name = ?", (name,)).fetchone()
    if row is not None and row[2] == version:
        return _client(tuple(row))
    with vault.tx() as conn:
        conn.execute(
            "INSERT INTO mcp_clients(name, version, permission, first_seen, last_seen) VALUES (?,?,?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET version = excluded.version, "
            "last_seen = max(last_seen, excluded.last_seen)",
            (name, version, DEFAULT_PERMISSION, now, now),
        )
        row = conn.execute(f"SELECT {_CLIENT_COLS} FROM mcp_clients WHERE name = ?", (name,)).fetchone()
    return _client(tuple(row))


def get_client(vault: Vault, client_id: int) -> Client:
    with vault.read() as conn:
        row = conn.execute(f"SELECT {_CLIENT_COLS} FROM mcp_clients WHERE id = ?", (int(client_id),)).fetchone()
    if row is None:
        raise NotFoundError("That app is no longer in the list of connected apps.")
    return _client(tuple(row))


def list_clients(vault: Vault) -> list[Client]:
    """Every client that used the vault, the most recently seen first."""
    with vault.read() as conn:
        rows = conn.execute(f"SELECT {_CLIENT_COLS} FROM mcp_clients ORDER BY last_seen DESC, id").fetchall()
    return [_client(tuple(r)) for r in rows]


def set_permission(vault: Vault, client_id: int, permission: str) -> Client:
    if permission not in PERMISSIONS:
        raise InputError("An app's permission must be off, read-only, or read and remember.")
    with vault.tx() as conn:
        conn.execute("UPDATE mcp_clients SET permission = ? WHERE id = ?", (permission, int(client_id)))
    return get_client(vault, client_id)


def set_may_forget(vault: Vault, client_id: int, allowed: bool) -> Client:
    with vault.tx() as conn:
        conn.execute("UPDATE mcp_clients SET may_forget = ? WHERE id = ?", (1 if allowed else 0, int(client_id)))
    return get_client(vault, client_id)


def records_queries(vault: Vault) -> bool:
    """Whether the log keeps the words apps search for (off unless the user turns it on)."""
    with vault.read() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (RECORD_QUERIES_KEY,)).fetchone()
    return bool(row) and row[0] == "true"


def set_records_queries(vault: Vault, on: bool) -> bool:
    with vault.tx() as conn:
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (RECORD_QUERIES_KEY, json.dumps(bool(on))),
        )
    return bool(on)


def log_call(
    vault: Vault,
    client_id: int,
    tool: str,
    now: float,
    outcome: Outcome,
    *,
    results: int = 0,
    query: str | None = None,
) -> None:
    """Log one call; ``query`` is kept only when the user chose to record query text. The log keeps
    the last ``LOG_KEEP`` calls.

    The entry is committed without waiting for the disk (``synchronous = NORMAL`` for this one
    transaction, under the vault's lock): an audit line lost to a power cut is acceptable, 9 ms of fsync
    on every search is not. The user's data keeps the vault's own setting."""
    if outcome not in get_args(Outcome):
        raise InputError(f"Unknown outcome {outcome!r}.")
    with vault.read() as conn:  # holds the vault's lock: no other write of this process sees NORMAL
        level = int(conn.execute("PRAGMA synchronous").fetchone()[0])
        conn.execute("PRAGMA synchronous = NORMAL")
        try:
            _log(vault, client_id, tool, now, outcome, results=results, query=query)
        finally:
            conn.execute(f"PRAGMA synchronous = {level:d}")


def _log(
    vault: Vault, client_id: int, tool: str, now: float, outcome: Outcome, *, results: int, query: str | None
) -> None:
    with vault.tx() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (RECORD_QUERIES_KEY,)).fetchone()
        keep_query = bool(row) and row[0] == "true"
        cur = conn.execute(
            "INSERT INTO mcp_calls(client_id, tool, at, outcome, results, query) VALUES (?,?,?,?,?,?)",
            (int(client_id), tool, now, outcome, int(results), query if keep_query and query else None),
        )
        conn.execute(
            "UPDATE mcp_clients SET calls = calls + 1, last_seen = max(last_seen, ?) WHERE id = ?",
            (now, int(client_id)),
        )
        last = cur.lastrowid
        if last is not None and last % 100 == 0:
            conn.execute("DELETE FROM mcp_calls WHERE id <= ?", (last - LOG_KEEP,))


def recent_calls(vault: Vault, limit: int = 50, client_id: int | None = None) -> list[Call]:
    """The latest calls, newest first (of one client when ``client_id`` is given)."""
    where, params = ("WHERE c.client_id = ?", [int(client_id)]) if client_id is not None else ("", [])
    with vault.read() as conn:
        rows = conn.execute(
            "SELECT c.id, c.client_id, k.name, c.tool, c.at, c.outcome, c.results, c.query "
            f"FROM mcp_calls c JOIN mcp_clients k ON k.id = c.client_id {where} "
            "ORDER BY c.at DESC, c.id DESC LIMIT ?",
            [*params, int(limit)],
        ).fetchall()
    return [
        Call(int(r[0]), int(r[1]), str(r[2]), str(r[3]), float(r[4]), r[5], int(r[6]), r[7] if r[7] else None)
        for r in rows
    ]
