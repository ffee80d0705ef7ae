"""Attachments kept in the vault: store, replace, the size limit, cascade on note delete, totals,
opening one for the system viewer, and no plaintext bytes in an encrypted vault's files."""

from __future__ import annotations

import os
import stat

import pytest

from reverie.core import attachments, history, memories, notes
from reverie.core.attachments import MAX_ATTACHMENT_BYTES, AttachmentTooBig
from reverie.core.errors import NotFoundError, TransferError
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault

MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100


def _rows(vault):
    with vault.read() as conn:
        return conn.execute("SELECT id, note_id, name, mime, size, sha256, created_at FROM attachments").fetchall()


def test_store_keeps_the_bytes_and_guesses_the_type(vault, clock):
    note = notes.create_note(vault, "A photo ![[photo.png]]")
    with vault.tx() as conn:
        aid = attachments.store(conn, clock.now(), note.id, "photo.png", "", PNG)
    with vault.read() as conn:
        assert attachments.read(conn, aid) == PNG
        (a,) = attachments.for_note(conn, note.id)
        assert (a.id, a.name, a.mime, a.size) == (aid, "photo.png", "image/png", len(PNG))
        assert attachments.total_size(conn) == (1, len(PNG))
        (entry,) = history.entries(conn, "attachment", aid)
    assert aid == attachments.attachment_id(note.id, "photo.png")
    assert entry["action"] == "create" and entry["after"]["size"] == len(PNG) and entry["after"]["name"] == "photo.png"


def test_storing_the_same_bytes_again_changes_nothing_and_new_bytes_replace(vault, clock):
    note = notes.create_note(vault, "Scan")
    with vault.tx() as conn:
        first = attachments.store(conn, clock.now(), note.id, "scan.pdf", "application/pdf", b"%PDF-1 one")
    before = _rows(vault)
    clock.advance(60)
    with vault.tx() as conn:
        again = attachments.store(conn, clock.now(), note.id, "scan.pdf", "application/pdf", b"%PDF-1 one")
    assert again == first and _rows(vault) == before
    clock.advance(60)
    with vault.tx() as conn:
        third = attachments.store(conn, clock.now(), note.id, "scan.pdf", "application/pdf", b"%PDF-1 two, longer")
    assert third == first
    with vault.read() as conn:
        assert attachments.read(conn, first) == b"%PDF-1 two, longer"
        assert attachments.total_size(conn) == (1, len(b"%PDF-1 two, longer"))
        actions = [e["action"] for e in history.entries(conn, "attachment", first)]
    assert actions == ["update", "create"]


def test_too_big_is_one_sentence_and_leaves_the_vault_unchanged(vault, clock):
    note = notes.create_note(vault, "Video")
    with vault.tx() as conn:
        attachments.store(conn, clock.now(), note.id, "clip.mov", "", b"small")
    before = _rows(vault)
    big = b"\0" * (31 * MB)
    with pytest.raises(AttachmentTooBig) as err, vault.tx() as conn:
        attachments.store(conn, clock.now(), note.id, "clip.mov", "video/quicktime", big)
    assert str(err.value) == "clip.mov is 31 MB, more than the 25 MB an attachment may be; it was left out."
    assert isinstance(err.value, TransferError)
    assert _rows(vault) == before
    with pytest.raises(AttachmentTooBig) as err, vault.tx() as conn:
        attachments.store(conn, clock.now(), note.id, "edge.bin", "", b"\0" * (MAX_ATTACHMENT_BYTES + 1))
    assert str(err.value).startswith("edge.bin is 25.1 MB, more than the 25 MB")
    with vault.tx() as conn:  # exactly the limit is kept
        attachments.store(conn, clock.now(), note.id, "edge.bin", "", b"\0" * MAX_ATTACHMENT_BYTES)
    with vault.read() as conn:
        assert attachments.total_size(conn) == (2, 5 + MAX_ATTACHMENT_BYTES)


def test_store_file_checks_the_size_before_reading(vault, clock, tmp_path, monkeypatch):
    note = notes.create_note(vault, "Files")
    small = tmp_path / "small.txt"
    small.write_bytes(b"hello")
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(31 * MB)  # sparse: nothing to read, and it must not be read
    with vault.tx() as conn:
        aid = attachments.store_file(conn, clock.now(), note.id, "small.txt", "", small)
    real_open = open

    def no_open(path, *a, **k):
        assert os.fspath(path) != os.fspath(big), "a file over the limit was opened"
        return real_open(path, *a, **k)

    monkeypatch.setattr("builtins.open", no_open)
    with pytest.raises(AttachmentTooBig, match=r"^big.bin is 31 MB, more than the 25 MB"), vault.tx() as conn:
        attachments.store_file(conn, clock.now(), note.id, "big.bin", "", big)
    with pytest.raises(TransferError, match=r"^gone.png could not be read \(.+\); it was left out\.$"):
        with vault.tx() as conn:
            attachments.store_file(conn, clock.now(), note.id, "gone.png", "", tmp_path / "gone.png")
    with pytest.raises(TransferError, match="is not a file"), vault.tx() as conn:
        attachments.store_file(conn, clock.now(), note.id, "folder", "", tmp_path)
    with vault.read() as conn:
        assert [a.id for a in attachments.for_note(conn, note.id)] == [aid]
        assert attachments.read(conn, aid) == b"hello"
        assert attachments.for_note(conn, note.id)[0].mime == "text/plain"


def test_deleting_a_note_deletes_its_attachments_and_archiving_keeps_them(vault, clock):
    keep = notes.create_note(vault, "Kept")
    gone = notes.create_note(vault, "Gone")
    with vault.tx() as conn:
        k = attachments.store(conn, clock.now(), keep.id, "a.png", "", b"a")
        g = attachments.store(conn, clock.now(), gone.id, "b.png", "", b"bb")
    with vault.read() as conn:
        mids = [r[0] for r in conn.execute("SELECT id FROM memories WHERE source_id = ?", (keep.id,))]
    for mid in mids:
        memories.archive(vault, mid)
    notes.delete_note(vault, gone.id)
    with vault.read() as conn:
        assert attachments.total_size(conn) == (1, 1)
        assert attachments.read(conn, k) == b"a"
        with pytest.raises(NotFoundError):
            attachments.read(conn, g)


def test_an_attachment_of_a_missing_note_is_refused(vault, clock):
    with pytest.raises(NotFoundError, match="x.png was left out"), vault.tx() as conn:
        attachments.store(conn, clock.now(), "no-such-note", "x.png", "", b"x")
    assert _rows(vault) == []


def test_remove_missing_drops_what_the_note_no_longer_refers_to(vault, clock):
    note = notes.create_note(vault, "Two pictures")
    other = notes.create_note(vault, "Another")
    with vault.tx() as conn:
        a = attachments.store(conn, clock.now(), note.id, "a.png", "", b"a")
        attachments.store(conn, clock.now(), note.id, "sub/b.png", "", b"b")
        o = attachments.store(conn, clock.now(), other.id, "b.png", "", b"b")
    with vault.tx() as conn:
        assert attachments.remove_missing(conn, note.id, ["a.png"], now=clock.now()) == 1
        assert attachments.remove_missing(conn, note.id, ["a.png"], now=clock.now()) == 0
    with vault.read() as conn:
        assert [x.id for x in attachments.for_note(conn, note.id)] == [a]
        assert [x.id for x in attachments.for_note(conn, other.id)] == [o]
        gone = attachments.attachment_id(note.id, "sub/b.png")
        assert [e["action"] for e in history.entries(conn, "attachment", gone)] == ["delete", "create"]


def test_export_to_writes_a_private_copy_for_the_viewer(vault, clock, tmp_path):
    note = notes.create_note(vault, "Open me")
    with vault.tx() as conn:
        aid = attachments.store(conn, clock.now(), note.id, "../../evil/pic.png", "", PNG)
        twin = attachments.store(conn, clock.now(), note.id, "other/pic.png", "", b"other")
    with vault.read() as conn:
        path = attachments.export_to(conn, aid, tmp_path / "view")
        second = attachments.export_to(conn, twin, tmp_path / "view")
        with pytest.raises(NotFoundError):
            attachments.export_to(conn, "missing", tmp_path / "view")
    assert path.name == "pic.png" and path.read_bytes() == PNG
    assert second.name == "pic.png" and second.read_bytes() == b"other" and second != path
    assert path.parent.parent == tmp_path / "view"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_guess_mime():
    assert attachments.guess_mime("notes/scan.PDF") == "application/pdf"
    assert attachments.guess_mime("photo.jpeg") == "image/jpeg"
    assert attachments.guess_mime("no-suffix") == "application/octet-stream"


def test_the_encrypted_vault_file_holds_no_plaintext_attachment_bytes(tmp_path, clock):
    marker = b"REVERIE-ATTACHMENT-MARKER-" + bytes(range(256)) * 4
    data = marker * 200  # ~250 KB: spills over many overflow pages
    paths = vault_paths(tmp_path / "enc")
    vault = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    try:
        note = notes.create_note(vault, "Secret scan")
        with vault.tx() as conn:
            aid = attachments.store(conn, clock.now(), note.id, "scan.bin", "", data)
        files = [p for p in paths.folder.iterdir() if p.name.startswith(paths.database.name)]
        wal = paths.database.with_name(paths.database.name + "-wal")
        assert wal in files and wal.stat().st_size > len(data)  # the bytes are in the WAL now
        for f in files:
            assert b"REVERIE-ATTACHMENT-MARKER" not in f.read_bytes(), f.name
        with vault.read() as conn:
            assert attachments.read(conn, aid) == data
    finally:
        vault.close()
    content = paths.database.read_bytes()
    assert len(content) > len(data) and b"REVERIE-ATTACHMENT-MARKER" not in content


def test_a_plain_vault_would_show_the_marker(tmp_path, clock):
    """The check above can fail: without encryption the same bytes are found in the files."""
    paths = vault_paths(tmp_path / "plain")
    vault = Vault.create(paths, KeyMode.NONE, clock=clock)
    try:
        note = notes.create_note(vault, "Plain")
        with vault.tx() as conn:
            attachments.store(conn, clock.now(), note.id, "m.bin", "", b"REVERIE-ATTACHMENT-MARKER" * 10)
    finally:
        vault.close()
    assert b"REVERIE-ATTACHMENT-MARKER" in paths.database.read_bytes()


def test_the_migration_can_run_again_on_a_migrated_vault(vault):
    from reverie.core.migrations import m0012_attachments
    from reverie.core.schema import _split_sql

    with vault.tx() as conn:
        for statement in _split_sql(m0012_attachments.SQL):
            conn.execute(statement)
        fk = conn.execute("PRAGMA foreign_key_list(attachments)").fetchall()
    assert [(r[2], r[3], r[4], r[6]) for r in fk] == [("notes", "note_id", "id", "CASCADE")]
