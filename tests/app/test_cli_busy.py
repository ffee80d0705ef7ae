"""A busy vault, and every other error, reaches the user as one sentence and a non-zero exit.

A second process holds the vault's write lock (``BEGIN IMMEDIATE``) while each CLI command that
touches the vault runs in its own process. The commands run with a 200 ms busy timeout (the vault
module's constant, set in the child) instead of 10 s, so the whole drill takes seconds.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reverie.app.cli import run as cli_run
from reverie.core.errors import BUSY_SENTENCE, InputError, VaultBusyError, VaultError, describe, is_busy, user_error

# The CLI in a child process with a short busy timeout; argv follows the code.
CHILD = (
    "import sys\n"
    "import reverie.core.vault as v\n"
    "v.BUSY_TIMEOUT_MS = 200\n"
    "from reverie.app.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)

# Holds the write lock until its stdin closes.
HOLDER = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "conn.execute('BEGIN IMMEDIATE')\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
    "conn.execute('ROLLBACK')\n"
)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REVERIE_DEBUG"}
    env.update(
        REVERIE_HOME=str(home),
        HF_HUB_OFFLINE="1",
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        XDG_DATA_HOME=str(home.parent / "xdg"),
    )
    return env


def _cli(env: dict[str, str], *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, *argv], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


# (argv, writes): a command that writes must fail with the busy sentence; one that only reads may
# succeed (WAL lets readers past a writer), and if it fails it fails the same way.
COMMANDS: list[tuple[tuple[str, ...], bool]] = [
    (("info",), False),
    (("notes",), False),
    (("note", "show", "{id}"), False),
    (("config", "get"), False),
    (("runs",), False),
    (("search", "--mode", "bm25", "walked"), False),
    (("export", "{tmp}/out.reverie"), False),
    (("note", "add", "a note while the vault is busy"), True),
    (("note", "edit", "{id}", "new words while busy"), True),
    (("note", "delete", "{id}"), True),
    (("config", "set", "theme", "dark"), True),
    (("ask", "what did I walk?"), True),
    (("import", "{tmp}/in.txt"), True),
    (("consolidate", "--no-model"), True),
]


@pytest.mark.slow
def test_every_command_says_the_vault_is_busy_in_one_sentence(tmp_path):
    home = tmp_path / "home"
    env = _env(home)
    assert _cli(env, "init", "--unencrypted").returncode == 0
    added = _cli(env, "note", "add", "I walked the dog in the park", "--json")
    assert added.returncode == 0, added.stderr
    note_id = json.loads(added.stdout)["id"]
    (tmp_path / "in.txt").write_text("A plain text file to import.\n", encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home / "vault" / "reverie.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        failures = []
        for argv, writes in COMMANDS:
            args = [a.format(id=note_id[:8], tmp=tmp_path) for a in argv]
            r = _cli(env, *args)
            lines = r.stderr.strip().splitlines()
            problems = []
            if "Traceback" in r.stderr:
                problems.append("traceback")
            if writes and r.returncode == 0:
                problems.append("exit 0 for a write to a busy vault")
            if r.returncode != 0 and lines != [f"reverie: {BUSY_SENTENCE}"]:
                problems.append(f"stderr {lines!r}")
            if r.returncode not in (0, cli_run.EXIT_BUSY):
                problems.append(f"exit {r.returncode}")
            if problems:
                failures.append((" ".join(args), problems))
        assert not failures, failures
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    # The lock is gone: the vault is as it was, and usable.
    after = _cli(env, "notes", "--json")
    assert after.returncode == 0 and [n["id"] for n in json.loads(after.stdout)] == [note_id]


def test_a_busy_error_is_found_through_the_errors_raised_from_it():
    locked = sqlite3.OperationalError("database is locked")
    assert is_busy(locked) and not is_busy(sqlite3.OperationalError("no such table: x"))
    try:
        try:
            raise locked
        except sqlite3.OperationalError as exc:
            raise VaultError(f"The vault could not be opened: {exc}.") from exc
    except VaultError as wrapped:
        assert isinstance(user_error(wrapped), VaultBusyError) and describe(wrapped) == BUSY_SENTENCE
    plain = InputError("Too long.")
    assert user_error(plain) is plain and describe(plain) == "Too long."
    missing = FileNotFoundError(2, "No such file or directory", "/nowhere/x.md")
    assert describe(missing) == "Reverie could not use /nowhere/x.md: No such file or directory."
    assert user_error(KeyError("k")) is None and describe(KeyError("k")) == (
        "Something went wrong (KeyError); your data is unchanged."
    )


def _raise(exc: BaseException):
    def fn() -> int:
        raise exc

    return fn


def test_the_top_level_turns_every_error_into_one_line(capsys, monkeypatch):
    monkeypatch.delenv("REVERIE_DEBUG", raising=False)
    cases = [
        (sqlite3.OperationalError("database is locked"), cli_run.EXIT_BUSY, BUSY_SENTENCE),
        (InputError("That is not a date."), cli_run.EXIT_USER, "That is not a date."),
        (InputError("Two lines\nbecome one."), cli_run.EXIT_USER, "Two lines become one."),
        (PermissionError(13, "Permission denied", "/x/y"), cli_run.EXIT_USER, "/x/y: Permission denied"),
        (ZeroDivisionError("division by zero"), cli_run.EXIT_UNEXPECTED, "(ZeroDivisionError; REVERIE_DEBUG=1"),
    ]
    for exc, code, words in cases:
        assert cli_run.guarded(_raise(exc)) == code
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err, err
    monkeypatch.setenv("REVERIE_DEBUG", "1")
    assert cli_run.guarded(_raise(ZeroDivisionError("division by zero"))) == cli_run.EXIT_UNEXPECTED
    err = capsys.readouterr().err
    assert "Traceback" in err and err.strip().splitlines()[-1].startswith("reverie: Something went wrong")


def test_a_closed_pipe_ends_quietly(tmp_path):
    """``reverie notes --json | head -1``: the reader leaves early; no error, no traceback."""
    env = _env(tmp_path / "home")
    assert _cli(env, "init", "--unencrypted").returncode == 0
    body = "line of a long note\n" * 4000  # more than a pipe buffer holds
    assert _cli(env, "note", "add", "-", stdin=body).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, "notes", "--json", "--limit", "5"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the child writes anything
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == cli_run.EXIT_PIPE and err == ""
