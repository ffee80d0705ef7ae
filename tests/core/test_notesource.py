"""Where a brought-in note lives, in words (core.notesource), and the citation chip of a PDF passage."""

from __future__ import annotations

from reverie.core import notes, notesource
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.sources import cite_label

HOME = "/home/ada"
PAGES = [[1, 0, 100], [2, 100, 180], [3, 180, 300]]


def _pdf(path: str = "/home/ada/Documents/Work/report.pdf") -> notesource.NoteOrigin:
    info = notesource.describe(f"file:{path}", {"source_file": path, "path": "report.pdf", "pages": PAGES})
    assert info is not None
    return info


def test_a_note_written_in_reverie_or_by_an_app_has_no_origin():
    assert notesource.describe(None, {}) is None
    assert notesource.describe("mcp:Claude", {}) is None
    assert notesource.describe("benchmark:s1", {"path": "x"}) is None
    assert notesource.describe("file:", {}) is None


def test_a_pdf_says_its_file_its_pages_and_its_folder_under_home():
    info = _pdf()
    assert (info.kind, info.name, info.file, info.page_count) == ("file", "report.pdf", info.file, 3)
    assert notesource.origin_line(info, present=True, home=HOME) == "From report.pdf · 3 pages · ~/Documents/Work"
    assert (
        notesource.origin_line(info, present=True, home=HOME, page=2)
        == "From report.pdf · page 2 of 3 · ~/Documents/Work"
    )
    assert notesource.origin_line(info, present=False, home=HOME) == (
        "From report.pdf · 3 pages · no longer in ~/Documents/Work"
    )
    assert info.folder_on_disk == "/home/ada/Documents/Work"


def test_the_page_of_an_offset():
    info = _pdf()
    assert [info.page_at(o) for o in (0, 99, 100, 179, 180, 299, 5000)] == [1, 1, 2, 2, 3, 3, 3]
    assert info.page_at(None) is None
    assert notesource.page_line(info, 2) == "page 2 of 3"
    assert notesource.describe("file:/x/a.md", {}).page_at(3) is None  # type: ignore[union-attr]


def test_export_entries_name_the_app_and_their_notebook_or_journal():
    enex = notesource.describe(
        "enex:/home/ada/Downloads/Travel.enex#abc",
        {"source": "enex", "export": "/home/ada/Downloads/Travel.enex", "entry": "abc", "folder": "Travel"},
    )
    assert enex is not None and enex.file is None and enex.export == "/home/ada/Downloads/Travel.enex"
    assert notesource.origin_line(enex, present=True, home=HOME) == "From Evernote · notebook Travel"
    assert notesource.origin_line(enex, present=False, home=HOME) == (
        "From Evernote · notebook Travel · the export is no longer there"
    )
    no_meta = notesource.describe("enex:/home/ada/Travel.enex#Travel.enex#1:Sunset photo", {})
    assert no_meta is not None and no_meta.export == "/home/ada/Travel.enex"
    dayone = notesource.describe("dayone:/d/Journal.zip#E1", {"folder": "Journal"})
    assert dayone is not None
    assert notesource.origin_line(dayone, present=True, home=HOME) == "From Day One"  # the default journal
    travel = notesource.describe("dayone:/d/Journal.zip#E2", {"folder": "Travel"})
    assert travel is not None
    assert notesource.origin_line(travel, present=True, home=HOME) == "From Day One · journal Travel"
    notion = notesource.describe("notion:/n/export.zip#Plans", {"source_file": "/n/export/Plans abc.md"})
    assert notion is not None and notion.file == "/n/export/Plans abc.md"
    assert notesource.origin_line(notion, present=True, home=HOME) == "From Plans abc.md · Notion"
    keep = notesource.describe("keep:/k/Takeout#n1", {"source_file": "/k/Takeout/Keep/n1.json"})
    assert keep is not None and keep.file is None  # the JSON inside the export is not offered to open
    assert notesource.origin_line(keep, present=True, home=HOME) == "From Google Keep"


def test_a_file_in_a_watched_folder_names_its_path():
    path = "/home/ada/Notes/Journal/2023-05-04.md"
    info = notesource.describe(f"file:{path}", {"path": "Journal/2023-05-04.md"}, watched_roots=["/home/ada/Notes"])
    assert info is not None and info.watched
    assert notesource.origin_line(info, present=True, home=HOME) == (
        "From a watched folder: ~/Notes/Journal/2023-05-04.md"
    )
    other = notesource.describe(f"file:{path}", {}, watched_roots=["/home/ada/Note"])  # a prefix is not a parent
    assert other is not None and not other.watched


def test_cite_name_is_short_and_names_the_page():
    meta = {"source_file": "/w/report.pdf", "pages": PAGES}
    assert notesource.cite_name("file:/w/report.pdf", meta, 120, 150) == "report.pdf p. 2"
    assert notesource.cite_name("file:/w/report.pdf", meta, 0, 0) == "report.pdf"  # its properties
    assert notesource.cite_name("file:/w/a.md", {}, 5, 9) is None
    long = "Quarterly harbour development report, final version two.pdf"
    name = notesource.cite_name(f"file:/w/{long}", {"pages": PAGES}, 200, 210)
    assert name is not None and name.endswith("….pdf p. 3") and len(name) <= notesource.CITE_NAME_LIMIT + 5


def test_a_citation_of_a_pdf_passage_names_the_file_and_page(vault):
    paras = [f"Page {n}. The harbour project needs a new crane and more berths." for n in (1, 2, 3)]
    body = "\n\n".join(paras)
    starts = [body.index(p) for p in paras]
    pages = [[1, 0, starts[1]], [2, starts[1], starts[2]], [3, starts[2], len(body)]]
    pdf = notes.create_note(vault, body, "Harbour", origin="file:/w/report.pdf", meta={"pages": pages})
    typed = notes.create_note(vault, "The crane arrives on Monday.", "Crane")
    with vault.read() as conn:
        mems = [Memory.from_row(r) for r in conn.execute(f"SELECT {MEMORY_COLS} FROM memories").fetchall()]
        labelled = [(m, cite_label(conn, m, open_conversation=None, now=vault.now())) for m in mems]
    passages = [
        (m, label) for m, label in labelled if m.source_id == pdf.id and (m.span_end or 0) > (m.span_start or 0)
    ]
    assert sorted(label for _m, label in passages) == ["report.pdf p. 1", "report.pdf p. 2", "report.pdf p. 3"]
    for m, label in passages:
        assert label.endswith(body[m.span_start : m.span_end][5])  # "Page 2. …" is cited as p. 2
    assert {label for m, label in labelled if m.source_id == typed.id} == {"Crane"}


def test_a_logseq_note_says_journal_or_its_page_not_its_file_name():
    g = "/home/ada/graph"
    day = notesource.describe(
        f"logseq:{g}#journals/2023_05_04.md",
        {"source_file": f"{g}/journals/2023_05_04.md", "folder": "journals", "export": g},
    )
    assert day is not None and day.file == f"{g}/journals/2023_05_04.md"  # "Open file" still opens it
    assert notesource.origin_line(day, present=True, home=HOME) == "From Logseq · journal"
    page = notesource.describe(
        f"logseq:{g}#pages/projects___kitchen.md",
        {"source_file": f"{g}/pages/projects___kitchen.md", "folder": "pages", "export": g},
    )
    assert page is not None
    assert notesource.origin_line(page, present=True, home=HOME) == "From Logseq · page projects/kitchen"
    assert notesource.origin_line(page, present=False, home=HOME) == (
        "From Logseq · page projects/kitchen · the export is no longer there"
    )


def test_the_watched_folder_words_keep_their_colon():
    path = "/home/ada/Notes/a.md"
    info = notesource.describe(f"file:{path}", {}, watched_roots=["/home/ada/Notes"])
    assert info is not None
    what, where = notesource.origin_parts(info, present=True, home=HOME)
    assert (what, where) == ("From a watched folder:", " ~/Notes/a.md")  # shown side by side: no gap before ":"
