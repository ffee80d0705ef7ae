"""Attachments travel in vault files (attachments.jsonl plus one member of bytes each) and in the
Markdown export (beside their note, as the note refers to them)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from transfer_helpers import members, records

from reverie.core import attachments, notes
from reverie.core.errors import TransferError
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.transfer import export_vault, import_preview, import_vault
from reverie.core.transfer.format import MANIFEST
from reverie.core.transfer.markdown_export import export_markdown
from reverie.core.vault import Vault

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
PDF = b"%PDF-1.4 scanned receipt " * 50


@pytest.fixture
def two(tmp_path, clock):
    a = Vault.create(vault_paths(tmp_path / "a"), KeyMode.NONE, clock=clock)
    b = Vault.create(vault_paths(tmp_path / "b"), KeyMode.NONE, clock=clock)
    yield a, b
    a.close()
    b.close()


def _fill(vault, clock):
    trip = notes.create_note(vault, "Kyoto ![[photo.png]] and [receipt](assets/receipt.pdf)", "Kyoto")
    other = notes.create_note(vault, "Same picture ![[photo.png]]", "Other")
    with vault.tx() as conn:
        attachments.store(conn, clock.now(), trip.id, "photo.png", "", PNG)
        attachments.store(conn, clock.now(), trip.id, "assets/receipt.pdf", "application/pdf", PDF)
        attachments.store(conn, clock.now(), other.id, "photo.png", "", PNG)
    return trip, other


def _all(vault):
    with vault.read() as conn:
        rows = conn.execute(
            "SELECT id, note_id, name, mime, size, sha256, created_at, meta, data FROM attachments ORDER BY id"
        ).fetchall()
    return [tuple(bytes(v) if isinstance(v, bytes | memoryview) else v for v in r) for r in rows]


def _resign(src, dst, edit=None, extra=None):
    """A copy of a vault file with members replaced, added (``extra``) or removed (None); the
    manifest's checksums, sizes and counts recomputed so only the contents are wrong."""
    parts = members(src)
    for name, data in (edit or {}).items():
        if data is None:
            parts.pop(name)
        else:
            parts[name] = data
    parts.update(extra or {})
    manifest = json.loads(parts.pop(MANIFEST))
    manifest["members"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)} for n, d in parts.items()}
    manifest["counts"] = {n[:-6]: d.count(b"\n") for n, d in parts.items() if n.endswith(".jsonl")}
    manifest.pop("vault", None)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr(MANIFEST, json.dumps(manifest))
    dst.write_bytes(buf.getvalue())
    return dst


@pytest.mark.parametrize("passphrase", [None, "correct horse battery"])
def test_attachments_survive_export_and_import_once(two, tmp_path, clock, passphrase):
    a, b = two
    _fill(a, clock)
    path = export_vault(a, tmp_path / "a.reverie", passphrase=passphrase).path
    if passphrase is None:
        parts = members(path)
        manifest = json.loads(parts[MANIFEST])
        assert manifest["version"] == 2 and manifest["counts"]["attachments"] == 3
        for r in records(path, "attachments"):
            name = f"attachments/{r['id']}"
            assert hashlib.sha256(parts[name]).hexdigest() == r["sha256"] == manifest["members"][name]["sha256"]
            assert manifest["members"][name]["bytes"] == r["size"] == len(parts[name])
            assert "data" not in r
        with zipfile.ZipFile(path) as zf:  # stored: images and PDFs are compressed already
            assert {zf.getinfo(f"attachments/{r['id']}").compress_type for r in records(path, "attachments")} == {
                zipfile.ZIP_STORED
            }
    else:
        assert b"PNG" not in path.read_bytes() and b"scanned receipt" not in path.read_bytes()

    preview = import_preview(b, path, passphrase=passphrase)
    assert preview.tables["attachments"].new == 3
    summary = import_vault(b, path, passphrase=passphrase)
    assert summary.added["attachments"] == 3
    assert _all(b) == _all(a)
    again = import_vault(b, path, passphrase=passphrase)
    assert not again.changed and again.unchanged["attachments"] == 3
    assert _all(b) == _all(a)
    assert import_preview(b, path, passphrase=passphrase).tables["attachments"].unchanged == 3


def test_a_file_without_attachments_is_version_1_and_an_older_file_imports(two, tmp_path, clock):
    a, b = two
    notes.create_note(a, "No files here")
    path = export_vault(a, tmp_path / "a.reverie").path
    assert json.loads(members(path)[MANIFEST])["version"] == 1
    old = _resign(path, tmp_path / "old.reverie", edit={"attachments.jsonl": None})
    assert "attachments.jsonl" not in members(old)
    assert import_vault(b, old).added["notes"] == 1


def test_changed_bytes_stored_later_replace_the_vaults(two, tmp_path, clock):
    a, b = two
    trip, _ = _fill(a, clock)
    import_vault(b, export_vault(a, tmp_path / "1.reverie").path)
    clock.advance(3600)
    with a.tx() as conn:
        aid = attachments.store(conn, clock.now(), trip.id, "photo.png", "", PNG[::-1])
    summary = import_vault(b, export_vault(a, tmp_path / "2.reverie").path)
    assert summary.replaced["attachments"] == 1
    with b.read() as conn:
        assert attachments.read(conn, aid) == PNG[::-1]


def test_deleting_the_note_after_import_deletes_its_attachments(two, tmp_path, clock):
    a, b = two
    trip, other = _fill(a, clock)
    import_vault(b, export_vault(a, tmp_path / "a.reverie").path)
    notes.delete_note(b, trip.id)
    with b.read() as conn:
        assert attachments.total_size(conn) == (1, len(PNG))
        assert [x.note_id for x in attachments.for_note(conn, other.id)] == [other.id]


@pytest.mark.parametrize(
    ("how", "sentence"),
    [
        ("altered bytes", "does not match its checksum"),
        ("missing bytes", "whose bytes the file lacks"),
        ("stray bytes", "that no record names"),
        ("wrong id", "is not the one its note and name give"),
        ("wrong size", "size or checksum is not that of its bytes"),
    ],
)
def test_a_damaged_attachment_refuses_the_file_and_changes_nothing(two, tmp_path, clock, how, sentence):
    a, b = two
    _fill(a, clock)
    path = export_vault(a, tmp_path / "a.reverie").path
    rows = records(path, "attachments")
    first = f"attachments/{rows[0]['id']}"
    lines = members(path)["attachments.jsonl"]
    if how == "altered bytes":
        bad = path.with_name("bad.reverie")
        parts = members(path)
        manifest = json.loads(parts.pop(MANIFEST))
        parts[first] = parts[first][:-1] + b"!"  # same size, other bytes, the old checksum
        with zipfile.ZipFile(bad, "w") as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
            zf.writestr(MANIFEST, json.dumps(manifest))
    elif how == "missing bytes":
        bad = _resign(path, tmp_path / "bad.reverie", edit={first: None})
    elif how == "stray bytes":
        bad = _resign(path, tmp_path / "bad.reverie", extra={"attachments/" + "0" * 32: b"stray"})
    elif how == "wrong id":
        edited = json.dumps({**rows[0], "id": "f" * 32}) + "\n"
        rest = b"".join(line + b"\n" for line in lines.splitlines()[1:])
        bad = _resign(
            path,
            tmp_path / "bad.reverie",
            edit={"attachments.jsonl": edited.encode() + rest, first: None},
            extra={"attachments/" + "f" * 32: members(path)[first]},
        )
    else:
        edited = json.dumps({**rows[0], "size": rows[0]["size"] + 1}) + "\n"
        rest = b"".join(line + b"\n" for line in lines.splitlines()[1:])
        bad = _resign(path, tmp_path / "bad.reverie", edit={"attachments.jsonl": edited.encode() + rest})
    notes.create_note(b, "Already here")
    before = _all(b), b.counts()
    with pytest.raises(TransferError, match=sentence):
        import_preview(b, bad)
    with pytest.raises(TransferError, match=sentence):
        import_vault(b, bad)
    assert (_all(b), b.counts()) == before


def test_an_attachment_member_over_the_limit_refuses_the_file(two, tmp_path, clock):
    a, b = two
    _fill(a, clock)
    path = export_vault(a, tmp_path / "a.reverie").path
    name = next(n for n in members(path) if n.startswith("attachments/"))
    bad = _resign(path, tmp_path / "big.reverie", edit={name: b"\0" * (attachments.MAX_ATTACHMENT_BYTES + 1)})
    with pytest.raises(TransferError, match="larger than an attachment may be"):
        import_preview(b, bad)


def test_the_markdown_export_writes_attachments_beside_their_note(tmp_path, clock):
    vault = Vault.create(vault_paths(tmp_path / "v"), KeyMode.NONE, clock=clock)
    try:
        trip, other = _fill(vault, clock)
        with vault.tx() as conn:
            attachments.store(conn, clock.now(), other.id, "../../escape.png", "", b"no escape")
        with vault.tx() as conn:  # an imported note goes back to its folder, its attachments with it
            conn.execute("UPDATE notes SET meta = ? WHERE id = ?", (json.dumps({"path": "Travel/Kyoto.md"}), trip.id))
        summary = export_markdown(vault, tmp_path / "out")
    finally:
        vault.close()
    root = tmp_path / "out" / "notes"
    assert (root / "Travel" / "Kyoto.md").is_file() and (root / "Other.md").is_file()
    assert (root / "Travel" / "photo.png").read_bytes() == PNG
    assert (root / "Travel" / "assets" / "receipt.pdf").read_bytes() == PDF
    assert (root / "photo.png").read_bytes() == PNG
    assert (root / "escape.png").read_bytes() == b"no escape"
    assert not (tmp_path / "escape.png").exists() and not (tmp_path / "out" / "escape.png").exists()
    assert summary.attachments == 4
    assert oct((root / "Travel" / "photo.png").stat().st_mode & 0o777) == "0o600"


def test_two_notes_with_different_files_of_one_name_in_one_folder_keep_both(tmp_path, clock):
    vault = Vault.create(vault_paths(tmp_path / "v"), KeyMode.NONE, clock=clock)
    try:
        one = notes.create_note(vault, "One ![[image.png]]", "One")
        two_ = notes.create_note(vault, "Two ![[image.png]]", "Two")
        three = notes.create_note(vault, "Three ![[image.png]]", "Three")
        with vault.tx() as conn:
            attachments.store(conn, clock.now(), one.id, "image.png", "", b"first")
            attachments.store(conn, clock.now(), two_.id, "image.png", "", b"second")
            attachments.store(conn, clock.now(), three.id, "image.png", "", b"first")  # the same bytes: one file
        export_markdown(vault, tmp_path / "out")
    finally:
        vault.close()
    root = tmp_path / "out" / "notes"
    assert sorted(p.name for p in root.iterdir() if not p.name.endswith(".md")) == ["image (2).png", "image.png"]
    assert {(root / "image.png").read_bytes(), (root / "image (2).png").read_bytes()} == {b"first", b"second"}
