"""Bad vault files: each gives one clear sentence naming the problem, and the vault stays as it was."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from transfer_helpers import dump, members, populate, rebuild

from reverie.core.errors import TransferError
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.transfer import export_vault, import_preview, import_vault
from reverie.core.transfer.format import Limits
from reverie.core.vault import Vault


@pytest.fixture
def good(tmp_path, clock):
    v = Vault.create(vault_paths(tmp_path / "source"), KeyMode.NONE, clock=clock)
    populate(v, clock)
    path = export_vault(v, tmp_path / "good.reverie").path
    v.close()
    return path


@pytest.fixture
def target(vault, clock):
    from reverie.core import notes

    notes.create_note(vault, "Something already here.")
    return vault


def _lines(path, name):
    return members(path)[name].splitlines(keepends=True)


def _refused(vault, path, match, **kw):
    before = dump(vault)
    for call in (import_preview, import_vault):
        with pytest.raises(TransferError, match=match) as err:
            call(vault, path, **kw)
        message = str(err.value)
        assert len(message.splitlines()) == 1 and message.endswith(".")
    assert dump(vault) == before
    return message


def _index(lines, needle):
    return next(i for i, line in enumerate(lines) if needle in line)


def _edit_line(good, tmp_path, name, index, fn):
    lines = _lines(good, name)
    lines[index] = fn(lines[index])
    return rebuild(good, tmp_path / "bad.reverie", edit={name: b"".join(lines)})


def _edit_record(good, tmp_path, name, index, fn):
    def change(line):
        rec = json.loads(line)
        fn(rec)
        return json.dumps(rec).encode() + b"\n"

    return _edit_line(good, tmp_path, name, index, change)


def test_not_a_zip(target, tmp_path):
    bad = tmp_path / "bad.reverie"
    bad.write_bytes(b"hello, this is a text file\n" * 10)
    _refused(target, bad, "not a zip archive")


def test_truncated(target, good, tmp_path):
    bad = tmp_path / "bad.reverie"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _refused(target, bad, "truncated or damaged")


def test_missing_file(target, tmp_path):
    _refused(target, tmp_path / "nowhere.reverie", "cannot read")


def test_checksum_mismatch(target, good, tmp_path):
    lines = _lines(good, "notes.jsonl")
    i = _index(lines, b"Lisbon")
    lines[i] = lines[i].replace(b"Lisbon", b"Lisbom")
    bad = rebuild(good, tmp_path / "bad.reverie", edit={"notes.jsonl": b"".join(lines)}, fix_manifest=False)
    _refused(target, bad, "notes.jsonl .*does not match its checksum")


def test_format_from_the_future(target, good, tmp_path):
    bad = rebuild(good, tmp_path / "bad.reverie", manifest_edit=lambda m: m.update(version=99))
    _refused(target, bad, "format version 99, made by a newer Reverie")


def test_another_format(target, good, tmp_path):
    bad = rebuild(good, tmp_path / "bad.reverie", manifest_edit=lambda m: m.update(format="other"))
    _refused(target, bad, "manifest names another format")


@pytest.mark.parametrize("name", ["../evil.jsonl", "/etc/evil.jsonl", "sub/../../x", "C:evil", "a\\..\\b"])
def test_unsafe_member_names(target, good, tmp_path, name):
    bad = rebuild(good, tmp_path / "bad.reverie", extra=[(name, b"{}\n")])
    _refused(target, bad, "unsafe name")


def test_unexpected_and_duplicate_members(target, good, tmp_path):
    _refused(target, rebuild(good, tmp_path / "bad1.reverie", extra=[("other.jsonl", b"")]), "unexpected member")
    with pytest.warns(UserWarning):
        bad = rebuild(good, tmp_path / "bad2.reverie", extra=[("notes.jsonl", b"")])
    _refused(target, bad, "notes.jsonl' twice")


def test_missing_member_and_missing_manifest(target, good, tmp_path):
    _refused(target, rebuild(good, tmp_path / "bad.reverie", edit={"notes.jsonl": None}), "lacks the member notes")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.jsonl", b"")
    (tmp_path / "nomanifest.reverie").write_bytes(buf.getvalue())
    _refused(target, tmp_path / "nomanifest.reverie", "has no manifest")


def test_zip_bomb_size_bounds(target, good, tmp_path):
    """A member may unpack only to the size the manifest declares, and never past the absolute caps."""
    bomb = b" " * (64 * 1024 * 1024)  # 64 MB that deflates to ~64 KB
    bad = rebuild(good, tmp_path / "bomb.reverie", edit={"history.jsonl": bomb})
    _refused(target, bad, "larger than Reverie accepts", limits=Limits(max_member_bytes=32 * 1024 * 1024))
    declared = rebuild(  # the manifest declares the real size of the member, the zip claims more
        good,
        tmp_path / "liar.reverie",
        edit={"history.jsonl": bomb},
        manifest_edit=lambda m: m["members"]["history.jsonl"].update(bytes=1000),
    )
    _refused(target, declared, "does not have the size its manifest declares")
    _refused(target, good, "larger than Reverie accepts", limits=Limits(max_member_bytes=200))
    _refused(target, good, "larger than Reverie accepts when unpacked", limits=Limits(max_total_bytes=2000))
    _refused(target, good, "line 1 of conversations.jsonl is longer", limits=Limits(max_line_bytes=100))


def test_malformed_json_line(target, good, tmp_path):
    _refused(
        target,
        _edit_line(good, tmp_path, "notes.jsonl", 1, lambda s: s[:20] + b"\n"),
        "line 2 of notes.jsonl is not valid JSON",
    )


def test_json_that_is_not_an_object_or_has_nan(target, good, tmp_path):
    _refused(target, _edit_line(good, tmp_path, "notes.jsonl", 0, lambda s: b"[1, 2]\n"), "not a JSON object")
    _refused(
        target,
        _edit_line(good, tmp_path, "messages.jsonl", 0, lambda s: s.replace(b'"seq":1', b'"seq":NaN')),
        "not valid JSON",
    )


def test_invalid_utf8(target, good, tmp_path):
    i = _index(_lines(good, "notes.jsonl"), b"Lisbon")
    _refused(
        target,
        _edit_line(good, tmp_path, "notes.jsonl", i, lambda s: s.replace(b"Lisbon", b"Lisb\xff\xfen")),
        f"line {i + 1} of notes.jsonl is not valid UTF-8",
    )


def test_duplicate_ids(target, good, tmp_path):
    lines = _lines(good, "memories.jsonl")
    bad = rebuild(good, tmp_path / "bad.reverie", edit={"memories.jsonl": b"".join(lines + lines[:1])})
    _refused(target, bad, f"line {len(lines) + 1} of memories.jsonl repeats the id")


def test_count_mismatch(target, good, tmp_path):
    bad = rebuild(good, tmp_path / "bad.reverie", manifest_edit=lambda m: m["counts"].update(notes=5))
    _refused(target, bad, "holds 2 records but its manifest says 5")


@pytest.mark.parametrize(
    ("member", "change", "match"),
    [
        ("notes.jsonl", lambda r: r.pop("body"), "lacks the field 'body'"),
        ("notes.jsonl", lambda r: r.update(colour="red"), "unexpected field 'colour'"),
        ("notes.jsonl", lambda r: r.update(created_at="yesterday"), "'created_at' must be a number"),
        ("notes.jsonl", lambda r: r.update(tags="travel"), "'tags' must be a list"),
        ("messages.jsonl", lambda r: r.update(role="robot"), "'role' must be one of"),
        ("messages.jsonl", lambda r: r.update(seq=2**70), "'seq' must be a whole number"),
        ("memories.jsonl", lambda r: r.update(strength=0), "'strength' must be between"),
        ("memories.jsonl", lambda r: r.update(pinned=2), "'pinned' must be 0 or 1"),
        ("vectors.jsonl", lambda r: r.update(vec="***"), "'vec' is not valid base64"),
        ("vectors.jsonl", lambda r: r.update(dim=9), "does not have 9 float16 values"),
        ("messages.jsonl", lambda r: r.update(conversation_id="nope"), "refers to a conversation \\(nope\\)"),
        ("memories.jsonl", lambda r: r.update(source_kind="note", source_id="ghost"), "belongs to a note \\(ghost\\)"),
        ("memories.jsonl", lambda r: r.update(superseded_by="ghost"), "superseded by a memory \\(ghost\\)"),
        ("citations.jsonl", lambda r: r.update(message_id="ghost"), "refers to a message \\(ghost\\)"),
    ],
)
def test_bad_records_are_named(target, good, tmp_path, member, change, match):
    msg = _refused(target, _edit_record(good, tmp_path, member, 0, change), match)
    assert member in msg


def test_unknown_policy_is_refused(target, good):
    with pytest.raises(TransferError, match="merge policy must be one of"):
        import_vault(target, good, policy="both")


def test_cancel_midway_through_the_merge_rolls_everything_back(target, good, monkeypatch):
    from reverie.core.errors import TransferCancelledError
    from reverie.core.transfer import importer

    monkeypatch.setattr(importer, "CHECK_EVERY", 1)
    before = dump(target)
    stages: list[str] = []
    with pytest.raises(TransferCancelledError, match="cancelled; the vault was not changed"):
        import_vault(
            target,
            good,
            progress=lambda stage, done, total: stages.append(stage),
            cancel=lambda: "importing memories" in stages,
        )
    assert "importing notes" in stages  # notes had been written when it was cancelled
    assert dump(target) == before
