"""``make_private``: an older install's folder and files lose their group and other bits."""

from __future__ import annotations

import os
import stat

from reverie.core.paths import make_private, make_vault_private, vault_paths


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_make_private_strips_shared_bits_and_follows_no_symlink(tmp_path):
    folder = tmp_path / "vault"
    (folder / "sub").mkdir(parents=True)
    db, nested, outside = folder / "reverie.db", folder / "sub" / "x.md", tmp_path / "outside.txt"
    for f in (db, nested, outside):
        f.write_text("x")
        f.chmod(0o644)
    (folder / "sub").chmod(0o755)
    folder.chmod(0o775)
    (folder / "link").symlink_to(outside)
    executable = folder / "tool"
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    make_private(folder)
    assert _mode(folder) == 0o700 and _mode(folder / "sub") == 0o700
    assert _mode(db) == 0o600 and _mode(nested) == 0o600 and _mode(executable) == 0o700
    assert _mode(outside) == 0o644  # reached only through a symlink: not Reverie's to change


def test_make_vault_private_touches_only_the_data_folder_itself_beside_the_vault(tmp_path):
    home = tmp_path / "home"
    paths = vault_paths(home)
    paths.folder.mkdir(parents=True)
    paths.database.write_text("x")
    other = home / "someone-elses.txt"
    other.write_text("x")
    for p, m in ((home, 0o755), (paths.folder, 0o755), (paths.database, 0o644), (other, 0o644)):
        p.chmod(m)
    make_vault_private(paths)
    assert (_mode(home), _mode(paths.folder), _mode(paths.database)) == (0o700, 0o700, 0o600)
    assert _mode(other) == 0o644
    make_vault_private(vault_paths(tmp_path / "missing"))  # nothing there yet: nothing to do
