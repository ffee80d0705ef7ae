"""``reverie export`` / ``import`` / ``lock`` / ``passphrase`` on real vaults."""

from __future__ import annotations

import json

from reverie.app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_dry_run_import_and_markdown(capsys, tmp_path, monkeypatch):
    src, dst = tmp_path / "src", tmp_path / "dst"
    assert run(capsys, "--home", str(src), "note", "add", "Anna's birthday is March 3", "--tag", "people")[0] == 0
    monkeypatch.setenv("EXPORT_PW", "a long passphrase")
    code, out, _ = run(
        capsys, "--home", str(src), "export", str(tmp_path / "v.reverie"), "--passphrase-env", "EXPORT_PW", "--json"
    )
    assert code == 0 and json.loads(out)["encrypted"] is True
    code, out, _ = run(
        capsys,
        "--home",
        str(dst),
        "import",
        str(tmp_path / "v.reverie"),
        "--dry-run",
        "--passphrase-env",
        "EXPORT_PW",
        "--json",
    )
    assert code == 0 and json.loads(out)["tables"]["notes"]["new"] == 1
    code, out, _ = run(capsys, "--home", str(dst), "notes", "--json")
    assert json.loads(out) == []  # a dry run changes nothing
    code, out, _ = run(
        capsys,
        "--home",
        str(dst),
        "import",
        str(tmp_path / "v.reverie"),
        "--passphrase-env",
        "EXPORT_PW",
        "--policy",
        "theirs",
    )
    assert code == 0 and "records added" in out
    code, out, _ = run(capsys, "--home", str(dst), "notes", "--json")
    assert json.loads(out)[0]["body"] == "Anna's birthday is March 3"
    code, out, _ = run(capsys, "--home", str(dst), "export", str(tmp_path / "md"), "--markdown")
    assert code == 0 and (tmp_path / "md" / "notes").is_dir()
    code, out, _ = run(capsys, "--home", str(tmp_path / "third"), "import", str(tmp_path / "md" / "notes"))
    assert code == 0 and ": 1 new note, 0 updated" in out


def test_bad_file_and_missing_passphrase_give_one_sentence(capsys, tmp_path):
    bad = tmp_path / "bad.reverie"
    bad.write_bytes(b"nothing like a zip")
    code, _, err = run(capsys, "import", str(bad))
    assert code == 2 and err.startswith("reverie: ") and "not a zip archive" in err and len(err.splitlines()) == 1
    code, _, err = run(capsys, "export", str(tmp_path / "x.reverie"), "--passphrase-env", "NOT_SET_ANYWHERE")
    assert code == 2 and "NOT_SET_ANYWHERE is not set" in err


def test_lock_moves_and_passphrase_commands(capsys, tmp_path, monkeypatch):
    home = str(tmp_path / "h")
    run(capsys, "--home", home, "init", "--unencrypted")
    run(capsys, "--home", home, "note", "add", "kept through every move")
    monkeypatch.setenv("NEW_PW", "a long passphrase")
    code, out, _ = run(capsys, "--home", home, "passphrase", "set", "--passphrase-env", "NEW_PW")
    assert code == 0 and "new passphrase" in out
    monkeypatch.setenv("REVERIE_PASSPHRASE", "a long passphrase")
    code, out, _ = run(capsys, "--home", home, "info", "--json")
    assert json.loads(out)["encryption"] == "passphrase"
    code, out, _ = run(capsys, "--home", home, "passphrase", "remove", "--keyring")
    assert code == 0 and "keyring" in out
    monkeypatch.delenv("REVERIE_PASSPHRASE")
    code, out, _ = run(capsys, "--home", home, "lock", "none")
    assert code == 0 and "no longer encrypted" in out
    code, out, _ = run(capsys, "--home", home, "notes", "--json")
    assert json.loads(out)[0]["body"] == "kept through every move"
