"""The migration runner: numbered migrations, each in one transaction."""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from types import ModuleType

from reverie.core import migrations as _migrations_pkg
from reverie.core.errors import VaultTooNewError
from reverie.core.sqltypes import Connection

_NAME = re.compile(r"^m(\d{4})_(\w+)$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    module: ModuleType

    def apply(self, conn: Connection, now: float) -> None:
        fn = getattr(self.module, "apply", None)
        if fn is not None:
            fn(conn, now)
            return
        for statement in _split_sql(self.module.SQL):
            conn.execute(statement)


def _split_sql(sql: str) -> list[str]:
    """Split a migration script into statements (``sqlite3.complete_statement`` aware)."""
    from sqlcipher3 import dbapi2

    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if dbapi2.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def all_migrations() -> list[Migration]:
    found: list[Migration] = []
    for info in pkgutil.iter_modules(_migrations_pkg.__path__):
        m = _NAME.match(info.name)
        if not m:
            continue
        module = importlib.import_module(f"{_migrations_pkg.__name__}.{info.name}")
        found.append(Migration(int(m.group(1)), m.group(2), module))
    found.sort(key=lambda mig: mig.version)
    versions = [mig.version for mig in found]
    if len(set(versions)) != len(versions) or (versions and versions[0] != 1):
        raise RuntimeError(f"migrations must be numbered uniquely from 1: {versions}")
    return found


def latest_version() -> int:
    found = all_migrations()
    return found[-1].version if found else 0


def current_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(conn: Connection) -> int:
    """Refuse a vault written by a newer schema before anything is written to it."""
    version = current_version(conn)
    latest = latest_version()
    if version > latest:
        raise VaultTooNewError(
            f"This vault was written by a newer version of Reverie (schema {version}; this "
            f"version knows up to {latest}); update Reverie to open it. The vault was not changed."
        )
    return version


def migrate(conn: Connection, now: float) -> list[int]:
    """Apply the missing migrations in order; return the versions applied."""
    version = check_not_newer(conn)
    applied: list[int] = []
    for mig in all_migrations():
        if mig.version <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            mig.apply(conn, now)
            conn.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (mig.version, mig.name, now),
            )
            conn.execute(f"PRAGMA user_version = {mig.version:d}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(mig.version)
    return applied
