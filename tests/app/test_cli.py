"""The command line on a real vault: info, note add, notes, with --json, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reverie.app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_note_add_list_show_and_info(capsys, tmp_path):
    code, out, _ = run(capsys, "note", "add", "Anna's birthday is March 3", "--tag", "people")
    assert code == 0 and "Saved note" in out
    code, out, _ = run(capsys, "notes", "--json")
    items = json.loads(out)
    assert code == 0 and items[0]["body"] == "Anna's birthday is March 3" and items[0]["tags"] == ["people"]
    code, out, _ = run(capsys, "note", "show", items[0]["id"][:8])
    assert "March 3" in out
    code, out, _ = run(capsys, "info", "--json")
    info = json.loads(out)
    assert info["encrypted"] is True and info["encryption"] == "keyring"
    assert info["counts"]["notes"] == 1 and info["counts"]["memories"] == 1
    assert info["models"]["embedder"]["found"] and info["models"]["chat"]["found"]
    assert info["models"]["chat"]["path"].endswith(".gguf")
    code, out, _ = run(capsys, "info")
    assert "Encryption:  encrypted, key in the system keyring" in out
    code, out, _ = run(capsys, "note", "delete", items[0]["id"])
    assert "Deleted" in out
    code, out, _ = run(capsys, "notes")
    assert "No notes yet" in out


def test_errors_are_one_sentence_and_exit_2(capsys, no_keyring, monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    code, out, err = run(capsys, "info")
    assert code == 2 and err.startswith("reverie: No system keyring") and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "init", "--unencrypted")
    assert code == 0 and "not encrypted" in out
    code, out, err = run(capsys, "note", "show", "ab")
    assert code == 2 and "first 4 characters" in err
    code, out, err = run(capsys, "note", "show", "abcdef")
    assert code == 2 and "No note has an id" in err


def test_passphrase_vault_from_the_environment(capsys, no_keyring, monkeypatch):
    monkeypatch.setenv("REVERIE_PASSPHRASE", "a good long passphrase")
    assert run(capsys, "note", "add", "secret plans")[0] == 0
    monkeypatch.setenv("REVERIE_PASSPHRASE", "the wrong passphrase")
    code, _, err = run(capsys, "notes")
    assert code == 2 and "could not be unlocked" in err
    monkeypatch.delenv("REVERIE_PASSPHRASE")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    code, _, err = run(capsys, "notes")
    assert code == 2 and "REVERIE_PASSPHRASE" in err


@pytest.mark.slow
def test_cli_runs_as_a_module_without_loading_qt(tmp_path):
    env = {
        "REVERIE_HOME": str(tmp_path / "h"),
        "PATH": "/usr/bin:/bin",
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "HOME": str(tmp_path),
    }
    code = (
        "import sys, runpy; sys.argv=['reverie','note','add','from a subprocess'];\n"
        "try:\n    runpy.run_module('reverie', run_name='__main__')\nexcept SystemExit as e:\n"
        "    assert e.code == 0, e.code\nassert 'PySide6' not in sys.modules, 'the CLI loaded Qt'\n"
    )
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Saved note" in r.stdout
    r = subprocess.run([sys.executable, "-m", "reverie", "notes"], env=env, capture_output=True, text=True, timeout=120)
    assert "from a subprocess" in r.stdout
