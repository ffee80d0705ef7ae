"""Settings › Your data: the attachments line (count, size, the limit per file), counted on the
database lane, never on the GUI thread."""

from __future__ import annotations

import threading

import ui_fixtures

from reverie.app.ui.changes import NOTE_SAVED
from reverie.app.ui.settings.attachments_line import attachments_text
from reverie.app.ui.settings.data_box import DataBox
from reverie.core import attachments, notes

ui_session = ui_fixtures.ui_session
settle = ui_fixtures.settle


def test_the_line_in_words():
    assert attachments_text(132, int(48.2 * 1024 * 1024)) == "Attachments: 132 files, 48.2 MB (each up to 25 MB)"
    assert attachments_text(1, 2048) == "Attachments: 1 file, 2.0 KB (each up to 25 MB)"
    assert attachments_text(0, 0).startswith("Attachments: none yet (each up to 25 MB;")


def test_your_data_counts_the_attachments_off_the_gui_thread(qtbot, ui_session, vault, monkeypatch):
    threads: list[threading.Thread] = []
    real = attachments.total_size

    def counted(conn):
        threads.append(threading.current_thread())
        return real(conn)

    monkeypatch.setattr(attachments, "total_size", counted)
    box = DataBox(ui_session)
    qtbot.addWidget(box)
    settle(qtbot, ui_session)
    assert box.attachments.text().startswith("Attachments: none yet")
    note = notes.create_note(vault, "Pictures")
    with vault.tx() as conn:
        attachments.store(conn, vault.now(), note.id, "a.png", "", b"a" * 3000)
        attachments.store(conn, vault.now(), note.id, "b.pdf", "", b"b" * 2000)
    ui_session.changed.emit(NOTE_SAVED)
    settle(qtbot, ui_session)
    assert box.attachments.text() == "Attachments: 2 files, 4.9 KB (each up to 25 MB)"
    assert threads and threading.main_thread() not in threads
