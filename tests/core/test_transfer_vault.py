"""Vault files: round trip, idempotent merge, policies, embedder changes, encryption."""

from __future__ import annotations

import shutil

import pytest
from transfer_helpers import FAKE_MODEL, age_decrypt, dump, members, populate, records

from reverie.core import notes
from reverie.core.errors import TransferError
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.transfer import export_vault, import_preview, import_vault
from reverie.core.vault import Vault


@pytest.fixture
def source(tmp_path, clock):
    v = Vault.create(vault_paths(tmp_path / "source"), KeyMode.NONE, clock=clock)
    populate(v, clock)
    yield v
    v.close()


@pytest.fixture
def empty(tmp_path, clock):
    v = Vault.create(vault_paths(tmp_path / "empty"), KeyMode.KEYRING, clock=clock)
    yield v
    v.close()


def _without_import_log(rows):
    return [r for r in rows if not (r["entity"] == "vault" and r["action"] == "import")]


def test_round_trip_export_import_export_gives_identical_records(source, empty, tmp_path):
    first = export_vault(source, tmp_path / "a.reverie")
    assert first.counts["memories"] == 7 and first.counts["vectors"] == 6 and first.embedder_id == FAKE_MODEL
    summary = import_vault(empty, first.path, mine=True)  # a restore: the user says the file is theirs
    assert summary.added["notes"] == 2 and summary.added["memories"] == 7 and summary.skipped_memories == 0
    assert summary.needs_embedding == 1  # the one memory that had no vector
    assert summary.trust_kept
    second = export_vault(empty, tmp_path / "b.reverie")
    for table in ("conversations", "messages", "notes", "memories", "citations", "vectors"):
        assert records(first.path, table) == records(second.path, table), table
    assert records(first.path, "history") == _without_import_log(records(second.path, "history"))
    mems = records(second.path, "memories")
    assert any(m["pinned"] for m in mems) and any(m["archived"] for m in mems)
    assert sum(m["recall_count"] for m in mems) == 2 and any(m["superseded_by"] for m in mems)
    assert any(m["valid_to"] for m in mems)
    # The words index was rebuilt for the imported records.
    with empty.read() as conn:
        hits = conn.execute("SELECT count(*) FROM memories_fts WHERE memories_fts MATCH 'pasteis'").fetchone()[0]
    assert hits == 1


def test_importing_the_same_file_twice_changes_nothing(source, empty, tmp_path):
    path = export_vault(source, tmp_path / "a.reverie").path
    import_vault(empty, path)
    before = dump(empty)
    again = import_vault(empty, path)
    assert not again.changed and again.unchanged["memories"] == 7
    assert dump(empty) == before
    preview = import_preview(empty, path)
    assert preview.total("new") == preview.total("updated") == preview.total("conflicting") == 0


def test_importing_into_the_source_itself_changes_nothing(source, tmp_path):
    path = export_vault(source, tmp_path / "a.reverie").path
    before = dump(source)
    assert not import_vault(source, path).changed
    assert dump(source) == before


def test_preview_and_the_three_policies(source, tmp_path, clock):
    path = export_vault(source, tmp_path / "a.reverie").path
    trip = next(n for n in notes.list_notes(source) if n.title == "Trip")
    anna = next(n for n in notes.list_notes(source) if n.title == "Anna")
    clock.advance(100)
    notes.update_note(source, trip.id, body=trip.body + "\n\nTheirs, newer.")
    theirs = export_vault(source, tmp_path / "theirs.reverie").path
    # A vault at the state of the first file, where Anna's note changed after theirs was made.
    for policy, expect_trip, expect_anna in (
        ("newer", "Theirs, newer.", "mine"),
        ("mine", None, "mine"),
        ("theirs", "Theirs, newer.", None),
    ):
        home = tmp_path / f"mine-{policy}"
        mine = Vault.create(vault_paths(home), KeyMode.NONE, clock=clock)
        import_vault(mine, path)
        clock.advance(100)
        notes.update_note(mine, anna.id, body="Anna's birthday is March 3 (mine).")
        preview = import_preview(mine, theirs)
        assert preview.tables["notes"].updated == 1 and preview.tables["notes"].conflicting == 1
        import_vault(mine, theirs, policy=policy)
        got_trip = notes.get_note(mine, trip.id).body
        got_anna = notes.get_note(mine, anna.id).body
        assert (expect_trip in got_trip) if expect_trip else ("Theirs" not in got_trip), policy
        assert ("(mine)" in got_anna) == (expect_anna == "mine"), policy
        mine.close()


def test_other_embedder_means_no_vectors_and_re_embedding(source, empty, tmp_path):
    path = export_vault(source, tmp_path / "a.reverie").path
    preview = import_preview(empty, path, embedder_id="another-model")
    assert not preview.vectors_usable
    summary = import_vault(empty, path, embedder_id="another-model")
    assert summary.vectors_skipped == 6 and summary.needs_embedding == 7
    assert empty.counts()["vectors"] == 0


def test_export_without_vectors(source, empty, tmp_path):
    s = export_vault(source, tmp_path / "a.reverie", include_vectors=False)
    assert "vectors.jsonl" not in members(s.path) and s.embedder_id is None
    assert import_vault(empty, s.path).needs_embedding == 7


def test_encrypted_export_leaves_no_trace_and_needs_the_passphrase(tmp_path, clock, empty):
    v = Vault.create(vault_paths(tmp_path / "secret"), KeyMode.NONE, clock=clock)
    populate(v, clock, sentinel="XYZZY-PLUGH-4711")
    s = export_vault(v, tmp_path / "secret.reverie", passphrase="a long passphrase")
    v.close()
    data = s.path.read_bytes()
    assert data.startswith(b"age-encryption.org/v1") and b"XYZZY" not in data
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".reverie-export-")]
    before = dump(empty)
    with pytest.raises(TransferError, match="protected by a passphrase"):
        import_vault(empty, s.path)
    with pytest.raises(TransferError, match="passphrase is wrong"):
        import_vault(empty, s.path, passphrase="not the passphrase")
    assert dump(empty) == before
    assert import_vault(empty, s.path, passphrase="a long passphrase").added["notes"] == 2


@pytest.mark.skipif(shutil.which("age") is None, reason="the age command-line tool is not installed")
def test_the_standard_age_tool_decrypts_an_encrypted_export(source, tmp_path):
    s = export_vault(source, tmp_path / "a.reverie", passphrase="a long passphrase")
    assert age_decrypt(s.path, tmp_path / "plain.zip", "a long passphrase") == 0
    plain = tmp_path / "plain.zip"
    assert plain.read_bytes()[:2] == b"PK" and records(plain, "notes") == records(
        export_vault(source, tmp_path / "b.reverie").path, "notes"
    )
