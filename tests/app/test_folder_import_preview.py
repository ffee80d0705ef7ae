"""A folder brought in shows what it would do before it writes (new, changed, unchanged, skipped with
reasons, from the bring-in preview on the database lane); Cancel writes nothing; Bring in writes."""

from __future__ import annotations

from uifakes import open_window

from reverie.core import notes
from reverie.core.bring.pipeline import bring_in, plan


def _folder(tmp_path):
    folder = tmp_path / "vault-notes"
    folder.mkdir()
    (folder / "garden.md").write_text("# Garden\n\nThe roses bloom in June.\n", encoding="utf-8")
    (folder / "kitchen.md").write_text("# Kitchen\n\nThe kettle is new.\n", encoding="utf-8")
    return folder


def test_folder_preview_then_cancel_writes_nothing_and_bring_in_writes(qtbot, paths, vault, tmp_path):
    folder = _folder(tmp_path)
    bring_in(vault, plan(folder))  # brought in once before
    (folder / "kitchen.md").write_text("# Kitchen\n\nThe kettle is broken.\n", encoding="utf-8")
    (folder / "travel.md").write_text("# Travel\n\nTickets for Lisbon.\n", encoding="utf-8")
    (folder / "broken.md").write_bytes(b"\xff\xfe\x00\x00not text at all \x00\x81")
    before = sorted(n.title for n in notes.list_notes(vault))
    window = open_window(qtbot, paths, vault)
    transfer = window.features["transfer"]

    dialog = transfer.bring_dialog(folder)
    qtbot.addWidget(dialog)
    assert dialog.preview is not None or not dialog.bring_button.isEnabled()  # not before the preview
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    p = dialog.preview
    assert p.new == ("travel.md",) and [f for f, _ in p.changed] == ["kitchen.md"]
    assert p.unchanged == ("garden.md",) and [f for f, _ in p.skipped] == ["broken.md"]
    assert dialog.message.text() == "1 new, 1 changed, 1 unchanged, 1 skipped."
    for i in range(dialog.files.topLevelItemCount()):
        dialog.files.topLevelItem(i).setExpanded(True)  # Unchanged starts closed: its rows are made when opened
    shown = {
        dialog.files.topLevelItem(i).text(0): [
            (dialog.files.topLevelItem(i).child(j).text(0), dialog.files.topLevelItem(i).child(j).text(1))
            for j in range(dialog.files.topLevelItem(i).childCount())
        ]
        for i in range(dialog.files.topLevelItemCount())
    }
    assert shown["New notes (1)"] == [("travel.md", "comes in as a new note")]
    assert shown["Changed (1)"][0][0] == "kitchen.md" and shown["Changed (1)"][0][1]
    assert shown["Skipped (1)"][0][0] == "broken.md" and shown["Skipped (1)"][0][1]  # with its reason
    assert shown["Unchanged (1)"] == [("garden.md", "already in the vault")]
    assert dialog.bring_button.isEnabled()
    dialog.cancel_button.click()  # Cancel
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: window.session.db.pending == 0)
    assert sorted(n.title for n in notes.list_notes(vault)) == before  # nothing written

    dialog = transfer.bring_dialog(folder)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.bring_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(dialog.brought, timeout=30_000):
        dialog.bring_button.click()
    assert "Travel" in [n.title for n in notes.list_notes(vault)]
    kitchen = next(n for n in notes.list_notes(vault) if n.title == "Kitchen")
    assert "broken" in notes.get_note(vault, kitchen.id).body
    window.close()


def test_settings_data_button_opens_the_chooser_then_the_same_preview(qtbot, paths, vault, tmp_path, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    from reverie.app.ui.transfer.bring_dialog import BringChooser

    folder = _folder(tmp_path)
    window = open_window(qtbot, paths, vault)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    transfer = window.features["transfer"]
    chosen = []

    def press_folder() -> None:
        chooser = QApplication.activeModalWidget()
        if isinstance(chooser, BringChooser):
            chosen.append(chooser)
            chooser.folder_button.click()
        else:
            QTimer.singleShot(20, press_folder)

    QTimer.singleShot(0, press_folder)
    settings = window.show_page("settings")
    settings.data.buttons["bring_in"].click()  # returns once the chooser closed
    assert chosen and chosen[0].path == str(folder)
    (dialog,) = transfer.dialogs
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    assert dialog.isVisible() and dialog.preview.new == ("garden.md", "kitchen.md")
    assert notes.list_notes(vault) == []  # nothing written while the preview is open
    dialog.reject()
    window.close()


def test_the_chooser_offers_a_folder_or_a_file_and_says_what_comes_in(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QLabel

    from reverie.app.ui.transfer.bring_dialog import BringChooser

    picked = tmp_path / "Trip.enex"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(picked), ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")  # cancelled
    chooser = BringChooser()
    qtbot.addWidget(chooser)
    words = " ".join(w.text() for w in chooser.findChildren(QLabel))
    for name in ("Obsidian", "Logseq", "Keep", "Day One", "Notion", "Evernote", "PDF"):
        assert name in words
    chooser.show()
    chooser.folder_button.click()  # the folder dialog was cancelled: the chooser stays
    assert chooser.isVisible() and chooser.path is None
    chooser.file_button.click()
    assert chooser.path == str(picked) and chooser.result() == chooser.DialogCode.Accepted


def test_a_long_folder_path_is_cut_in_the_middle_not_widening_the_dialog(qtbot, paths, vault, tmp_path):
    from reverie.app.ui.session import Session
    from reverie.app.ui.tasks import TaskTracker
    from reverie.app.ui.transfer.bring_dialog import BringDialog
    from reverie.app.ui.transfer.bring_run import BringRunner

    folder = tmp_path.joinpath(*["a-very-long-folder-name-without-any-spaces"] * 6)
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("# A\n\ntext", encoding="utf-8")
    session = Session(paths)
    session.set_vault(vault)
    dialog = BringDialog(folder, session, BringRunner(session, None, TaskTracker()))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.minimumSizeHint().width() < 700
    qtbot.waitUntil(lambda: "…" in dialog.where.shown())
    assert dialog.where.text() == str(folder) and dialog.where.shown().endswith(folder.name[-8:])
    session.close()
