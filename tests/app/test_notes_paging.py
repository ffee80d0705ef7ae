"""The notes list reads the vault a page at a time as it scrolls: no cap on how many notes it shows,
and a page of a listing that was replaced (the filter changed) never lands in the new one."""

from __future__ import annotations

import threading

from uifakes import open_window

from reverie.app.ui.notes.model import PAGE, NoteListItemModel, NoteRow
from reverie.core import notes


def _bulk_notes(vault, n: int) -> None:
    for i in range(n):
        notes.create_note(vault, f"Body of note {i}.", title=f"Note {i:04d}")


def test_the_list_fetches_further_pages_from_the_vault_as_it_scrolls(qtbot, paths, vault):
    _bulk_notes(vault, PAGE * 2 + 17)
    window = open_window(qtbot, paths, vault)
    page = window.show_page("notes")
    qtbot.waitUntil(lambda: page.model.rowCount() >= PAGE, timeout=20_000)
    assert page.model.rowCount() == PAGE and page.model.canFetchMore()  # one page, not the whole vault
    readers: list[str] = []
    real = page.session.db.submit

    def spy(fn, *args, **kwargs):
        readers.append(threading.current_thread().name)
        return real(fn, *args, **kwargs)

    page.session.db.submit = spy
    for _ in range(10):  # scroll to the end, as far as the rows go
        page.list.scrollToBottom()
        qtbot.wait(50)
        if page.model.rowCount() == PAGE * 2 + 17:
            break
    qtbot.waitUntil(lambda: page.model.rowCount() == PAGE * 2 + 17, timeout=20_000)
    assert not page.model.canFetchMore()
    titles = [page.model.rows[i].title for i in range(page.model.rowCount())]
    assert len(set(titles)) == len(titles)  # no page twice
    assert readers  # the pages were read through the database lane


def test_a_page_of_a_replaced_listing_is_dropped() -> None:
    model = NoteListItemModel()
    row = NoteRow("a", "A", (), 0.0, "")
    model.set_rows([row] * PAGE, more=True)
    old = model.generation
    model.set_rows([row], more=False)  # the filter changed while the next page was being read
    assert model.append_rows([row] * 5, old, more=False) is False
    assert model.rowCount() == 1
    assert not model.canFetchMore()
