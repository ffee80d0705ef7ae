"""A folder import shows what it would do before it writes (new, changed, unchanged, skipped with
reasons, from core's preview on the database lane); Cancel writes nothing; Import writes."""

from __future__ import annotations

from uifakes import open_window

from reverie.core import notes
from reverie.core.transfer.markdown_import import import_markdown_folder


def _folder(tmp_path):
    folder = tmp_path / "vault-notes"
    folder.mkdir()
    (folder / "garden.md").write_text("# Garden\n\nThe roses bloom in June.\n", encoding="utf-8")
    (folder / "kitchen.md").write_text("# Kitchen\n\nThe kettle is new.\n", encoding="utf-8")
    return folder


def test_folder_import_previews_then_cancel_writes_nothing_and_import_writes(qtbot, paths, vault, tmp_path):
    folder = _folder(tmp_path)
    import_markdown_folder(vault, folder)  # imported once before
    (folder / "kitchen.md").write_text("# Kitchen\n\nThe kettle is broken.\n", encoding="utf-8")
    (folder / "travel.md").write_text("# Travel\n\nTickets for Lisbon.\n", encoding="utf-8")
    (folder / "broken.md").write_bytes(b"\xff\xfe\x00\x00not text at all \x00\x81")
    before = sorted(n.title for n in notes.list_notes(vault))
    window = open_window(qtbot, paths, vault)
    transfer = window.features["transfer"]

    dialog = transfer.notes_import_dialog(folder)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()  # not before the preview says what would change
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    p = dialog.preview
    assert p.new == ("travel.md",) and [f for f, _ in p.changed] == ["kitchen.md"]
    assert p.unchanged == ("garden.md",) and [f for f, _ in p.skipped] == ["broken.md"]
    assert dialog.message.text().startswith("1 new, 1 changed, 1 unchanged, 1 skipped")
    shown = {
        dialog.files.topLevelItem(i).text(0): [
            (dialog.files.topLevelItem(i).child(j).text(0), dialog.files.topLevelItem(i).child(j).text(1))
            for j in range(dialog.files.topLevelItem(i).childCount())
        ]
        for i in range(dialog.files.topLevelItemCount())
    }
    assert shown["New notes (1)"] == [("travel.md", "added as a new note")]
    assert shown["Changed (1)"][0][0] == "kitchen.md" and shown["Changed (1)"][0][1]
    assert shown["Skipped (1)"][0][0] == "broken.md" and shown["Skipped (1)"][0][1]  # with its reason
    assert dialog.import_button.isEnabled()
    dialog.reject()  # Cancel
    qtbot.waitUntil(lambda: window.session.db.pending == 0)
    assert sorted(n.title for n in notes.list_notes(vault)) == before  # nothing written

    dialog = transfer.notes_import_dialog(folder)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Travel" in [n.title for n in notes.list_notes(vault)], timeout=10_000)
    qtbot.waitUntil(lambda: window.session.db.pending == 0)
    kitchen = next(n for n in notes.list_notes(vault) if n.title == "Kitchen")
    assert "broken" in notes.get_note(vault, kitchen.id).body


def test_settings_data_button_opens_the_same_preview(qtbot, paths, vault, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    folder = _folder(tmp_path)
    window = open_window(qtbot, paths, vault)
    opened = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    transfer = window.features["transfer"]
    real = transfer.notes_import_dialog
    monkeypatch.setattr(transfer, "notes_import_dialog", lambda f: opened.append(real(f)) or opened[-1])
    settings = window.show_page("settings")
    settings.data.buttons["import_markdown"].click()
    assert opened
    qtbot.waitUntil(lambda: opened[0].preview is not None, timeout=10_000)
    assert opened[0].preview.new == ("garden.md", "kitchen.md")
    assert notes.list_notes(vault) == []  # nothing written while the preview is open
    opened[0].reject()


def test_a_long_folder_path_is_cut_in_the_middle_not_widening_the_dialog(qtbot, paths, vault, tmp_path):
    from reverie.app.ui.session import Session
    from reverie.app.ui.transfer.import_dialog import NotesImportDialog

    folder = tmp_path.joinpath(*["a-very-long-folder-name-without-any-spaces"] * 6)
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("# A\n\ntext", encoding="utf-8")
    session = Session(paths)
    session.set_vault(vault)
    dialog = NotesImportDialog(folder, None, session)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.minimumSizeHint().width() < 700
    qtbot.waitUntil(lambda: "…" in dialog.where.shown())
    assert dialog.where.text() == str(folder) and dialog.where.shown().endswith(folder.name[-8:])
    session.close()
