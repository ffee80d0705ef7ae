"""Watched folders on a real folder and a real vault: the list of folders, what a look finds (new,
changed, moved, missing, back), and what applying it does: a rename keeps the note and its history, a
deleted file's memories are archived and come back with the file, and the folder is never written."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from reverie.core import history
from reverie.core.bring import watch
from reverie.core.bring.watch import FileStat, Known, ScanPlan, add_folder, ignored, list_folders, scan
from reverie.core.bring.watch_apply import apply, apply_events
from reverie.core.errors import InputError, NotFoundError


def listing(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file and folder under ``root`` with its time, size and hash: the folder as the user sees it."""
    out: dict[str, tuple[int, int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.stat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
            out[str(p.relative_to(root))] = (st.st_mtime_ns, st.st_size, digest)
    st = root.stat()
    out["."] = (st.st_mtime_ns, st.st_size, "")
    return out


def notes(vault) -> dict[str, tuple[str, str, dict]]:
    """title -> (id, origin, meta)"""
    with vault.read() as conn:
        return {r[0]: (r[1], r[2], json.loads(r[3])) for r in conn.execute("SELECT title, id, origin, meta FROM notes")}


def memories(vault, note_id: str) -> list[tuple[str, int]]:
    with vault.read() as conn:
        return conn.execute(
            "SELECT text, archived FROM memories WHERE source_kind = 'note' AND source_id = ? ORDER BY seq", (note_id,)
        ).fetchall()


def look(vault, root: Path, **kw):
    plan = scan(vault, root)
    return plan, apply(vault, root, plan, **kw)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "Notes"
    (root / "journal").mkdir(parents=True)
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "workspace.md").write_text("not a note")
    (root / "garden.md").write_text("# Garden\n\nTomatoes need full sun and deep watering.\n")
    (root / "journal" / "may.md").write_text("# May\n\nWe walked along the river in Lisbon.\n")
    (root / "seeds.txt").write_text("Buy basil seeds\n")
    return root


def test_what_a_watched_folder_leaves_alone():
    assert not ignored("garden.md") and not ignored("a/b/report.pdf") and not ignored("x.txt")
    for rel in (".obsidian/app.md", ".git/x.md", ".trash/old.md", "a/.hidden.md", "~$report.docx", ".#note.md",
                "note.md.swp", "note.tmp", "film.mp4.part", "paper.pdf.crdownload", "note.md~", "photo.png",
                "#autosave.md"):  # fmt: skip
        assert ignored(rel), rel


def test_the_list_of_watched_folders(vault, folder, tmp_path):
    added = add_folder(vault, folder)
    assert added.path == str(folder.resolve()) and added.state == "on" and not added.mine
    assert added.last_scan_at is None
    assert add_folder(vault, folder, mine=True).mine  # again: kept, now marked as own notes
    with pytest.raises(InputError, match="no folder"):
        add_folder(vault, tmp_path / "nowhere")
    with pytest.raises(InputError, match="overlaps"):
        add_folder(vault, folder / "journal")
    with pytest.raises(InputError, match="its own vault"):
        add_folder(vault, vault.paths.folder)
    assert watch.set_state(vault, folder, "paused").state == "paused"
    with pytest.raises(InputError):
        watch.set_state(vault, folder, "sleeping")
    assert not watch.set_mine(vault, folder, False).mine
    assert [f.path for f in list_folders(vault)] == [str(folder.resolve())]
    watch.remove_folder(vault, folder)
    assert list_folders(vault) == []
    with pytest.raises(NotFoundError):
        watch.remove_folder(vault, folder)


def test_a_first_look_brings_the_folder_in_and_a_second_reads_nothing(vault, folder, monkeypatch):
    add_folder(vault, folder)
    plan, report = look(vault, folder)
    assert sorted(plan.new) == ["garden.md", "journal/may.md", "seeds.txt"]
    assert report.added == 3 and not report.problems
    assert set(notes(vault)) == {"Garden", "May", "seeds"}
    f = list_folders(vault)[0]
    assert f.files == 3 and f.missing == 0 and f.last_scan_at == vault.now()

    reads: list[str] = []
    real = watch.file_sha
    monkeypatch.setattr(watch, "file_sha", lambda p: reads.append(str(p)) or real(p))
    again = scan(vault, folder)
    assert not again.changes_anything and again.unchanged == 3
    assert reads == []  # sizes and times unchanged: no file read


def test_an_edit_is_read_again_and_the_same_bytes_are_not(vault, folder):
    add_folder(vault, folder)
    look(vault, folder)
    garden = notes(vault)["Garden"][0]
    (folder / "garden.md").write_text("# Garden\n\nTomatoes need full sun; basil likes shade in July.\n")
    plan, report = look(vault, folder)
    assert plan.changed == ("garden.md",) and report.updated == 1
    assert notes(vault)["Garden"][0] == garden
    assert any("basil likes shade" in t for t, _ in memories(vault, garden))
    # touched but the same bytes: hashed, not read again
    os.utime(folder / "seeds.txt", ns=(1, 1_700_000_000_000_000_000))
    plan, _ = look(vault, folder)
    assert not plan.changes_anything and plan.unchanged == 3


def test_a_rename_keeps_the_note_its_memories_and_history(vault, folder):
    add_folder(vault, folder)
    look(vault, folder)
    note_id = notes(vault)["May"][0]
    before = memories(vault, note_id)
    (folder / "journal" / "may.md").rename(folder / "lisbon-trip.md")
    plan, report = look(vault, folder)
    assert plan.moved == (("journal/may.md", "lisbon-trip.md"),) and not plan.new and not plan.missing
    assert report.moved == 1 and report.added == 0 and report.archived == 0
    found = notes(vault)["May"]
    assert found[0] == note_id
    assert found[1] == f"file:{folder.resolve() / 'lisbon-trip.md'}"
    assert found[2]["path"] == "lisbon-trip.md"
    assert memories(vault, note_id) == before
    with vault.read() as conn:
        paths = [r[0] for r in conn.execute("SELECT path FROM import_files WHERE record_id = ?", (note_id,))]
        trail = history.entries(conn, "note", note_id)
    assert paths == [str(folder.resolve() / "lisbon-trip.md")]
    assert trail[0]["action"] == "move" and trail[0]["note"] == "moved from journal/may.md to lisbon-trip.md"
    assert any(e["action"] == "create" for e in trail)  # the history from before the move is kept
    # an edit after the rename updates the same note
    (folder / "lisbon-trip.md").write_text("# May\n\nWe walked along the river in Lisbon, then ate pastries.\n")
    _, report = look(vault, folder)
    assert report.updated == 1 and report.added == 0
    assert notes(vault)["May"][0] == note_id
    assert any("pastries" in t for t, _ in memories(vault, note_id))


def test_a_title_taken_from_the_file_name_follows_the_new_name(vault, folder):
    add_folder(vault, folder)
    look(vault, folder)
    seeds = notes(vault)["seeds"][0]
    (folder / "seeds.txt").rename(folder / "shopping.txt")
    look(vault, folder)
    assert notes(vault)["shopping"][0] == seeds


def test_a_deleted_file_archives_its_memories_and_they_come_back_with_it(vault, folder):
    add_folder(vault, folder)
    look(vault, folder)
    garden = notes(vault)["Garden"][0]
    kept = (folder / "garden.md").read_bytes()
    (folder / "garden.md").unlink()
    plan, report = look(vault, folder)
    assert plan.missing == ("garden.md",) and report.archived == 1
    note = notes(vault)["Garden"]  # the note stays
    assert note[2]["missing"]["file"] == str(folder.resolve() / "garden.md")
    assert memories(vault, garden) and all(archived for _, archived in memories(vault, garden))
    assert list_folders(vault)[0].missing == 1
    with vault.read() as conn:
        uid = conn.execute("SELECT uid FROM memories WHERE source_id = ?", (garden,)).fetchone()[0]
        assert history.entries(conn, "memory", uid)[0]["action"] == "archive"
    # looking again does not archive twice
    plan, report = look(vault, folder)
    assert not plan.changes_anything and report.archived == 0

    (folder / "garden.md").write_bytes(kept)
    plan, report = look(vault, folder)
    assert plan.returned == ("garden.md",) and report.restored == 1
    assert "missing" not in notes(vault)["Garden"][2]
    assert all(not archived for _, archived in memories(vault, garden))
    assert list_folders(vault)[0].missing == 0


def test_a_file_that_comes_back_elsewhere_is_a_move_and_is_restored(vault, folder):
    add_folder(vault, folder)
    look(vault, folder)
    garden = notes(vault)["Garden"][0]
    kept = (folder / "garden.md").read_bytes()
    (folder / "garden.md").unlink()
    look(vault, folder)
    (folder / "journal" / "garden.md").write_bytes(kept)
    plan, report = look(vault, folder)
    assert plan.moved == (("garden.md", "journal/garden.md"),) and report.moved == 1
    assert all(not archived for _, archived in memories(vault, garden))
    assert "missing" not in notes(vault)["Garden"][2]


def test_changes_made_while_reverie_was_closed_are_found_at_the_next_start(vault, folder, paths, clock):
    from reverie.core.keys import KeyMode  # noqa: F401 - the same vault, opened again
    from reverie.core.vault import Vault

    add_folder(vault, folder)
    look(vault, folder)
    ids = {t: v[0] for t, v in notes(vault).items()}
    vault.close()
    # while closed: one new, one edited, one renamed into a folder, one deleted
    (folder / "ideas.md").write_text("# Ideas\n\nA bench under the fig tree.\n")
    (folder / "garden.md").write_text("# Garden\n\nTomatoes and peppers.\n")
    (folder / "archive").mkdir()
    (folder / "journal" / "may.md").rename(folder / "archive" / "may.md")
    (folder / "seeds.txt").unlink()
    again = Vault.open(paths, clock=clock)
    try:
        plan, report = look(again, folder)
        assert plan.new == ("ideas.md",) and plan.changed == ("garden.md",)
        assert plan.moved == (("journal/may.md", "archive/may.md"),) and plan.missing == ("seeds.txt",)
        assert (report.added, report.updated, report.moved, report.archived) == (1, 1, 1, 1)
        now = {t: v[0] for t, v in notes(again).items()}
        assert now["Garden"] == ids["Garden"] and now["May"] == ids["May"] and now["seeds"] == ids["seeds"]
    finally:
        again.close()


def test_a_folder_that_is_not_there_archives_nothing(vault, folder, tmp_path):
    add_folder(vault, folder)
    look(vault, folder)
    moved_away = tmp_path / "unplugged"
    folder.rename(moved_away)
    folder.mkdir()  # an empty mount point
    plan, report = look(vault, folder)
    assert plan.problem and "nothing was archived" in plan.problem and not plan.missing
    assert report.archived == 0 and list_folders(vault)[0].problem == plan.problem
    folder.rmdir()
    plan, _ = look(vault, folder)
    assert plan.problem and not plan.missing
    moved_away.rename(folder)
    plan, _ = look(vault, folder)
    assert not plan.changes_anything and list_folders(vault)[0].problem == ""


def test_events_are_carried_in_without_a_full_look(vault, folder, monkeypatch):
    add_folder(vault, folder)
    look(vault, folder)
    ids = {t: v[0] for t, v in notes(vault).items()}
    base = folder.resolve()
    (folder / "new.md").write_text("# New\n\nA fresh thought.\n")
    (folder / "journal" / "may.md").rename(folder / "may.md")
    (folder / "seeds.txt").unlink()
    (folder / "note.md.swp").write_text("swap")
    looked: list[str] = []
    real = watch.list_files
    monkeypatch.setattr(watch, "list_files", lambda root, under="": looked.append(under) or real(root, under))
    report = apply_events(
        vault,
        folder,
        [
            str(base / "new.md"),
            str(base / "journal/may.md"),
            str(base / "may.md"),
            str(base / "seeds.txt"),
            str(base / "note.md.swp"),
            "/elsewhere/x.md",
        ],  # fmt: skip
    )
    assert looked == []  # no walk of the folder
    assert (report.added, report.moved, report.archived) == (1, 1, 1)
    assert notes(vault)["May"][0] == ids["May"] and notes(vault)["May"][2]["path"] == "may.md"
    # a folder renamed: what it holds follows
    (folder / "journal").rename(folder / "diary")
    (folder / "diary" / "june.md").write_text("# June\n\nSwimming at the lake.\n")
    report = apply_events(vault, folder, [str(base / "diary" / "june.md")])
    assert report.added == 1
    (folder / "diary").rename(folder / "days")
    report = apply_events(vault, folder, [str(base / "diary"), str(base / "days")])
    assert report.moved == 1 and notes(vault)["June"][2]["path"] == "days/june.md"


def test_a_burst_of_a_thousand_files_comes_in_in_one_look(vault, folder):
    add_folder(vault, folder)
    look(vault, folder)
    for i in range(1000):
        (folder / "burst" / f"{i // 100}").mkdir(parents=True, exist_ok=True)
        (folder / "burst" / f"{i // 100}" / f"note {i}.md").write_text(f"# Note {i}\n\nThought number {i}.\n")
    done: list[tuple[int, int]] = []
    plan, report = look(vault, folder, progress=lambda d, t: done.append((d, t)))
    assert len(plan.new) == 1000 and report.added == 1000 and not report.problems
    assert done[-1] == (1000, 1000) and len(done) == 10  # in parts, with progress
    assert list_folders(vault)[0].files == 1003
    assert not scan(vault, folder).changes_anything


def test_a_plan_splits_into_parts_that_together_are_the_whole():
    stats = {f"{i}.md": FileStat(i, i) for i in range(5)}
    k = Known("markdown", "/r/x.md", "ab", "id", False)
    plan = ScanPlan("/r", new=("0.md", "1.md", "2.md"), changed=("3.md",), moved=(("x.md", "4.md"),),
                    stats=stats, gone=("x.md",), known={"x.md": k}, unchanged=7)  # fmt: skip
    parts = plan.split(2)
    assert [p.new + p.changed for p in parts] == [("0.md", "1.md"), ("2.md", "3.md")]
    assert parts[0].moved == plan.moved and parts[1].moved == () and parts[1].gone == ()
    assert sum(p.unchanged for p in parts) == 7
    assert set(parts[0].stats) == {"0.md", "1.md", "4.md"} and set(parts[1].stats) == {"2.md", "3.md"}


def test_the_folder_is_never_written(vault, folder):
    before = listing(folder)
    add_folder(vault, folder, mine=True)
    look(vault, folder)
    (folder / "seeds.txt").rename(folder / "journal" / "seeds.txt")
    (folder / "garden.md").unlink()
    before = listing(folder)
    look(vault, folder)
    apply_events(vault, folder, [str(folder / "journal")])
    watch.set_state(vault, folder, "paused")
    watch.remove_folder(vault, folder)
    assert listing(folder) == before


def test_marking_a_folder_as_own_notes_marks_what_came_from_it(vault, folder):
    add_folder(vault, folder)
    look(vault, folder)
    assert not any(n[2].get("own_words") for n in notes(vault).values())
    assert watch.set_mine(vault, folder, True).mine
    assert all(n[2].get("own_words") is True for n in notes(vault).values())
    (folder / "more.md").write_text("# More\n\nI like early mornings.\n")
    look(vault, folder)
    assert notes(vault)["More"][2].get("own_words") is True


def test_a_file_read_by_an_older_reader_is_read_again_once(vault, folder):
    add_folder(vault, folder)
    look(vault, folder)
    with vault.tx() as conn:  # as an older version of the reader left it
        conn.execute("UPDATE import_files SET sha256 = substr(sha256, 1, 64) || '+r0' WHERE path LIKE '%garden.md'")
    plan, report = look(vault, folder)
    assert plan.changed == ("garden.md",) and report.files == 1
    assert not scan(vault, folder).changes_anything
