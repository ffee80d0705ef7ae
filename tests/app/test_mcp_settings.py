"""Settings → Connected apps against a real vault: the apps, their permissions, the log."""

from __future__ import annotations

import ui_fixtures

from reverie.app.ui.settings.connected_box import ConnectedBox, call_line, client_line
from reverie.core import connected

ui_session = ui_fixtures.ui_session


def _box(qtbot, session) -> ConnectedBox:
    box = ConnectedBox(session)
    qtbot.addWidget(box)
    box.show()  # reads the vault
    qtbot.waitUntil(lambda: session.db.pending == 0, timeout=10_000)
    return box


def _settled(qtbot, session) -> None:
    qtbot.waitUntil(lambda: session.db.pending == 0, timeout=10_000)
    qtbot.wait(10)  # the answer's signal reaches the box
    qtbot.waitUntil(lambda: session.db.pending == 0, timeout=10_000)


def test_no_app_yet_says_so(qtbot, ui_session):
    box = _box(qtbot, ui_session)
    assert box.empty.isVisible() and not box.permission
    assert box.calls.item(0).text() == "No calls yet."


def test_apps_their_log_and_switches_write_to_the_vault(qtbot, ui_session, vault, clock):
    claude = connected.see_client(vault, "Claude Desktop", "0.14", clock.now())
    cursor = connected.see_client(vault, "Cursor", "1.2", clock.now())
    connected.log_call(vault, claude.id, "search_memories", clock.now(), "ok", results=3, query="Maya")
    connected.log_call(vault, cursor.id, "remember", clock.now(), "refused")
    box = _box(qtbot, ui_session)
    qtbot.waitUntil(lambda: len(box.permission) == 2, timeout=10_000)
    assert not box.empty.isVisible()
    lines = [box.calls.item(i).text() for i in range(box.calls.count())]
    assert lines[0].endswith("Cursor remembered a note: refused") or lines[1].endswith(
        "Cursor remembered a note: refused"
    )
    assert any(line.endswith("Claude Desktop searched: 3 results") for line in lines)  # no query text kept
    combo = box.permission[claude.id]
    assert combo.currentData() == "remember" and box.may_forget[claude.id].isEnabled()

    combo.setCurrentIndex(connected.PERMISSIONS.index("read"))
    _settled(qtbot, ui_session)
    assert connected.get_client(vault, claude.id).permission == "read"
    qtbot.waitUntil(lambda: not box.may_forget[claude.id].isEnabled(), timeout=10_000)

    box.permission[cursor.id].setCurrentIndex(connected.PERMISSIONS.index("off"))
    _settled(qtbot, ui_session)
    assert connected.get_client(vault, cursor.id).permission == "off"

    box.permission[claude.id].setCurrentIndex(connected.PERMISSIONS.index("remember"))
    _settled(qtbot, ui_session)
    qtbot.waitUntil(lambda: box.may_forget[claude.id].isEnabled(), timeout=10_000)
    box.may_forget[claude.id].setChecked(True)
    _settled(qtbot, ui_session)
    assert connected.get_client(vault, claude.id).may_forget

    assert not box.record.isChecked()
    box.record.setChecked(True)
    _settled(qtbot, ui_session)
    assert connected.records_queries(vault)


def test_lines_say_what_happened():
    c = connected.Client(1, "LM Studio", "0.3", "remember", False, 0.0, 1_795_000_000.0, 1)
    assert client_line(c).startswith("Last used ") and client_line(c).endswith("· 1 call")
    call = connected.Call(1, 1, "LM Studio", "search_memories", 1_795_000_000.0, "ok", 1, "aisle seats")
    assert call_line(call).endswith("LM Studio searched “aisle seats”: 1 result")
    forget = connected.Call(2, 1, "LM Studio", "forget", 1_795_000_000.0, "ok", 1, None)
    assert call_line(forget).endswith("LM Studio archived a memory: done")


def test_the_notes_list_names_the_app_that_remembered_a_note(vault):
    from reverie.app.ui.notes.model import load_rows
    from reverie.core import notes, sources

    notes.create_note(vault, "I prefer aisle seats.", origin=sources.app_origin("Claude Desktop"), trust="imported")
    notes.create_note(vault, "My own note.", tags=["mine"])
    rows = {r.title: r for r in load_rows(vault)}
    assert rows["I prefer aisle seats."].detail.endswith(" · from Claude Desktop")
    assert "remembered by Claude Desktop" in rows["I prefer aisle seats."].tooltip
    assert "from" not in rows["My own note."].detail and rows["My own note."].detail.endswith("#mine")
