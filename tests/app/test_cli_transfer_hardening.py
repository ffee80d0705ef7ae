"""``reverie`` commands on vaults holding what an older Reverie let in, ``import --mine`` for vault
files, and the sweep of what a killed export left."""

from __future__ import annotations

import json

from reverie.app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _raw_update(home, sql):
    from reverie.app import context

    vault = context.open_vault(context.resolve_paths(home))
    try:
        with vault.tx() as conn:
            conn.execute(sql)
    finally:
        vault.close()


def test_commands_survive_stored_times_out_of_range(capsys, tmp_path):
    home = str(tmp_path / "h")
    assert run(capsys, "--home", home, "init", "--unencrypted")[0] == 0
    assert run(capsys, "--home", home, "note", "add", "A note from a bad import", "--title", "Odd")[0] == 0
    _raw_update(home, "UPDATE notes SET happened_at = 1e300, created_at = -1e12, updated_at = -1e300")
    _raw_update(home, "UPDATE memories SET happened_at = 1e300, recorded_at = -1e12")
    code, out, err = run(capsys, "--home", home, "notes")
    assert code == 0 and "Traceback" not in err and "Odd" in out
    code, out, err = run(capsys, "--home", home, "notes", "--json")
    assert code == 0 and json.loads(out)[0]["title"] == "Odd"
    code, out, err = run(capsys, "--home", home, "search", "note", "--mode", "bm25")
    assert code == 0 and "Traceback" not in err
    code, out, err = run(capsys, "--home", home, "export", str(tmp_path / "md"), "--markdown")
    assert code == 0 and (tmp_path / "md" / "notes").is_dir()
    code, out, err = run(capsys, "--home", home, "export", str(tmp_path / "v.reverie"))
    assert code == 0
    code, out, err = run(capsys, "--home", str(tmp_path / "other"), "import", str(tmp_path / "v.reverie"))
    assert code == 0 and "records added" in out


def test_import_mine_keeps_a_vault_files_trust(capsys, tmp_path):
    src = str(tmp_path / "src")
    run(capsys, "--home", src, "init", "--unencrypted")
    run(capsys, "--home", src, "note", "add", "Anna's birthday is March 3")
    run(capsys, "--home", src, "export", str(tmp_path / "v.reverie"))
    code, out, _ = run(capsys, "--home", str(tmp_path / "a"), "import", str(tmp_path / "v.reverie"))
    assert code == 0 and "read as imported" in out and "--mine" in out
    code, out, _ = run(capsys, "--home", str(tmp_path / "b"), "import", str(tmp_path / "v.reverie"), "--mine")
    assert code == 0 and "read as imported" not in out
    code, out, _ = run(capsys, "--home", src, "import", str(tmp_path / "v.reverie"), "--dry-run", "--json")
    assert code == 0 and json.loads(out)["own_export"] is True
    from reverie.app import context

    for name, trust in (("a", "imported"), ("b", "user")):
        vault = context.open_vault(context.resolve_paths(str(tmp_path / name)))
        try:
            assert {r[0] for r in vault.query("SELECT DISTINCT trust FROM memories")} == {trust}
        finally:
            vault.close()
    code, _, err = run(capsys, "--home", src, "import", str(tmp_path / "c.json"), "--mine")
    assert code == 2 and "ChatGPT" in err


def test_opening_the_vault_sweeps_a_killed_exports_leftovers(capsys, tmp_path):
    home = tmp_path / "h"
    run(capsys, "--home", str(home), "init", "--unencrypted")
    stale = home / "vault" / ".transfer-tmp" / "job-dead"
    stale.mkdir(parents=True)
    (stale / "lock").write_bytes(b"")
    (stale / "export.reverie").write_bytes(b"PK plaintext fragment")
    assert run(capsys, "--home", str(home), "notes")[0] == 0
    assert not stale.exists()
