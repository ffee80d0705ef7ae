"""The Settings page against a real vault: model choice, consolidation, decay, theme,
encryption, export through the transfer adapter, last runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import ui_fixtures

from reverie.app.ui.settings import SettingsPage
from reverie.app.ui.tasks import TaskBar, TaskTracker
from reverie.core.keys import KeyMode
from reverie.core.settings import load_settings
from reverie.core.vault import Vault
from reverie.models.gguf import GgufInfo

ui_session = ui_fixtures.ui_session

FOUND = [
    GgufInfo("Qwen2.5-7B-Instruct", Path("/models/qwen.gguf"), 4_700_000_000, "Q4_K_M", 32768, "qwen2", "lmstudio"),
    GgufInfo("llama3", Path("/ollama/blobs/sha256-1"), 4_900_000_000, "Q4_0", 8192, "llama", "ollama"),
]


def _page(qtbot, session, **kw):
    tracker = TaskTracker()
    bar = TaskBar(tracker)
    qtbot.addWidget(bar)
    page = SettingsPage(session, tracker, finder=lambda folders: list(FOUND), **kw)
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.model_box.combo.count() == 2 and session.db.pending == 0, timeout=10_000)
    page.tracker, page.bar = tracker, bar
    return page


def test_settings_load_edit_validate_and_save(qtbot, ui_session, vault):
    page = _page(qtbot, ui_session)
    assert page.model_box.default.isChecked() and "Qwen2.5-7B-Instruct" in page.model_box.combo.itemText(0)
    assert "LM Studio" in page.model_box.combo.itemText(0)
    assert "all-MiniLM-L6-v2" in page.embedder.text()
    assert "Nothing has run yet" in page.data.last_run.text()

    page.model_box.gguf.setChecked(True)
    page.model_box.combo.clear()  # nothing chosen
    page.save.click()
    assert page.message.text() == "Choose a GGUF model file (or pick the default model)."
    page.model_box.browse_dialog = lambda: "/home/me/models/mistral.gguf"
    page.model_box.browse.click()
    page.model_box.server.setChecked(True)
    page.model_box.url.setText("localhost:8080")
    page.save.click()
    assert "http://" in page.message.text() and load_settings(vault).chat_model_kind == "default"

    page.model_box.gguf.setChecked(True)
    page.time.setTime(page.time.time().fromString("22:30", "HH:mm"))
    page.base_strength.setValue(10)
    page.archive_threshold.setValue(8)
    page.theme.setCurrentIndex(2)
    page.save.click()
    qtbot.waitUntil(lambda: page.message.text() == "Saved.")
    s = load_settings(vault)
    assert (s.chat_model_kind, s.chat_model_path) == ("gguf", "/home/me/models/mistral.gguf")
    assert (s.consolidation_time, s.base_strength_days, s.archive_threshold, s.theme) == ("22:30", 10, 0.08, "dark")
    assert vault.query("SELECT count(*) FROM history WHERE entity = 'settings'") == [(1,)]

    page.base_strength.setValue(3)
    page.revert.click()
    qtbot.waitUntil(lambda: page.base_strength.value() == 10)
    assert page.model_box.combo.currentData() == "/home/me/models/mistral.gguf"


def test_encryption_switches_between_keyring_and_passphrase(qtbot, ui_session, vault, paths, memory_keyring):
    page = _page(qtbot, ui_session)
    enc = page.encryption
    assert "keyring" in enc.state.text() and not enc.to_passphrase.isHidden() and enc.to_keyring.isHidden()
    enc.ask_passphrase = lambda title: None  # the user cancels
    enc.to_passphrase.click()
    assert vault.key_mode is KeyMode.KEYRING
    enc.ask_passphrase = lambda title: "correct horse battery"
    enc.to_passphrase.click()
    qtbot.waitUntil(lambda: "new passphrase" in enc.message.text(), timeout=20_000)
    assert vault.key_mode is KeyMode.PASSPHRASE and "passphrase" in enc.state.text()
    assert json.loads(paths.header.read_text())["key_mode"] == "passphrase" and not memory_keyring.store
    assert not enc.change_passphrase.isHidden()
    enc.ask_passphrase = lambda title: "short"
    enc.change_passphrase.click()
    qtbot.waitUntil(lambda: "too short" in enc.message.text() or "8 characters" in enc.message.text())
    enc.to_keyring.click()
    qtbot.waitUntil(lambda: "keyring" in enc.message.text(), timeout=20_000)
    assert vault.key_mode is KeyMode.KEYRING and memory_keyring.store
    ui_session.close()
    Vault.open(paths).close()  # opens from the keyring


def test_last_runs_are_listed(qtbot, ui_session, vault, clock):
    with vault.tx() as conn:
        conn.execute(
            "INSERT INTO job_runs(job, started_at, finished_at, status, counts) "
            "VALUES ('consolidation', ?, ?, 'ok', '{\"facts_added\": 2}')",
            (clock.now() - 120, clock.now() - 60),
        )
        conn.execute(
            "INSERT INTO job_runs(job, started_at, finished_at, status, counts) "
            "VALUES ('consolidation', ?, ?, 'ok', '{\"facts_added\": 4, \"lines_without_model\": 10803}')",
            (clock.now() - 60, clock.now()),
        )
    page = _page(qtbot, ui_session)
    qtbot.waitUntil(lambda: "facts learned" in page.data.last_run.text())
    assert re.fullmatch(
        r"(Last night|This morning|Today|Yesterday|On .+) \(\d\d:\d\d, 1 min\): 4 facts learned\.",
        page.data.last_run.text(),
    ), page.data.last_run.text()
    assert "10803" not in page.data.last_run.text() and page.data.details.isHidden()
    page.data.details_button.click()
    assert not page.data.details.isHidden() and page.data.details_button.text() == "Hide details"
    assert "Lines read without the chat model (budget used up): 10803" in page.data.counts.text()
    assert "Consolidation finished in 60 s: Learned 2 new facts about you." in page.data.runs.text()


def test_data_buttons_open_the_file_menus_actions(qtbot, paths, vault):
    from uifakes import open_window

    window = open_window(qtbot, paths, vault)
    page = window.show_page("settings")
    called = []
    for key in page.data.buttons:
        setattr(window.features["transfer"], f"ask_{key}", lambda k=key: called.append(k))
    for button in page.data.buttons.values():
        button.click()
    assert called == ["export", "import", "export_markdown", "bring_in", "import_chatgpt"]


def test_an_unencrypted_vault_is_encrypted_from_settings(qtbot, tmp_path, memory_keyring):
    from reverie.app.ui.session import Session
    from reverie.core import notes
    from reverie.core.paths import vault_paths

    paths = vault_paths(tmp_path / "plain-home")
    plain = Vault.create(paths, KeyMode.NONE)
    notes.create_note(plain, "The sentinel note PLAINTEXT-7731.")
    session = Session(paths)
    session.set_vault(plain)
    page = _page(qtbot, session)
    enc = page.encryption
    assert enc.to_keyring.isVisibleTo(page) and enc.to_passphrase.isVisibleTo(page)
    enc.to_keyring.click()
    qtbot.waitUntil(lambda: "keyring" in enc.message.text(), timeout=20_000)
    assert session.vault is plain and plain.key_mode is KeyMode.KEYRING  # the same vault, on the re-written file
    assert [n.body for n in notes.list_notes(session.vault)] == ["The sentinel note PLAINTEXT-7731."]
    session.close()
    for f in paths.folder.iterdir():
        assert b"PLAINTEXT-7731" not in f.read_bytes(), f
    Vault.open(paths).close()  # opens from the keyring


def test_the_last_run_reads_as_a_user_says_it():
    from datetime import datetime

    from reverie.app.ui.settings.data_box import last_run_line, when_words
    from reverie.core.jobruns import JobRun

    def ts(day, hour, minute=0):
        return datetime(2026, 11, day, hour, minute).timestamp()

    counts = {
        "facts_added": 12,
        "summaries_added": 2,
        "summaries_updated": 1,
        "archived": 40,
        "days": 3,
        "lines_without_model": 10803,
        "model_calls": 77,
        "units_read": 5000,
        "rejected_ungrounded": 9,
    }
    run = JobRun(1, "consolidation", None, ts(20, 3), ts(20, 3, 2), "ok", counts)
    line = last_run_line(run, ts(20, 9, 30))
    assert line == "Last night (03:00, 2 min): 12 facts learned, 3 summaries written, 40 memories archived."
    assert when_words(ts(19, 23), ts(20, 8)) == "Last night"
    assert when_words(ts(20, 10), ts(20, 11)) == "This morning"
    assert when_words(ts(20, 14), ts(20, 19)) == "Today"
    assert when_words(ts(19, 14), ts(20, 19)) == "Yesterday"
    assert when_words(ts(16, 14), ts(20, 19)).startswith("On Mon 16 Nov")
    quiet = JobRun(2, "consolidation", None, ts(20, 3), ts(20, 3, 0) + 40, "ok", {"units_read": 12})
    assert last_run_line(quiet, ts(20, 9)) == "Last night (03:00, 40 s): nothing new to learn."
    failed = JobRun(3, "consolidation", None, ts(20, 3), ts(20, 4), "failed", {}, "The model file is missing.")
    assert last_run_line(failed, ts(20, 9)).endswith("(03:00, 1 h): Could not finish: The model file is missing.")


def test_a_long_model_label_ends_in_an_ellipsis_not_a_cut(qtbot, ui_session, vault):
    page = _page(qtbot, ui_session)
    combo = page.model_box.combo
    page.resize(560, 600)  # the page of an 800 × 600 window
    qtbot.waitUntil(lambda: combo.fontMetrics().horizontalAdvance(combo.currentText()) > combo.width() - 30)
    assert combo.shown_text().endswith("…") and combo.shown_text() != combo.currentText()
    assert combo.toolTip() == combo.currentText()  # the whole label on hover
    assert page.encryption.message.isHidden()  # no empty line under the encryption buttons


def test_the_embedder_line_follows_the_indexer_to_its_end(qtbot, paths, vault):
    import threading

    from embedfakes import FakeEmbedder
    from uifakes import open_window

    from reverie.core import notes

    notes.create_note(vault, "The spare key is under the blue pot.", title="Keys")
    gate = threading.Event()
    embedder = FakeEmbedder(hook=lambda texts: gate.wait(10))
    window = open_window(qtbot, paths, vault, embedder=embedder)
    page = window.features["settings"]
    page.reload()
    qtbot.waitUntil(lambda: "1 of 1 memories wait to be embedded" in page.embedder.text(), timeout=10_000)
    gate.set()  # the indexer embeds the note's memory, then rests
    qtbot.waitUntil(lambda: "all 1 memories are searchable by meaning" in page.embedder.text(), timeout=10_000)
    window.close()


def test_a_locked_vault_says_so_with_unlock_instead_of_an_empty_form(qtbot, paths, vault):
    from reverie.app.ui.session import Session

    calls = []

    class Shell:
        def action(self, key):
            return lambda: calls.append(key)

    session = Session(paths)  # the vault stays locked
    page = SettingsPage(session, TaskTracker(), finder=lambda folders: list(FOUND), shell=Shell())
    qtbot.addWidget(page)
    page.resize(800, 600)
    page.show()
    page.reload()
    assert page.locked_notice.isVisible() and "show here once you unlock it" in page.locked_notice.label.text()
    assert not page.model_box.isVisible() and not page.save.isVisible()
    page.locked_notice.button.click()
    assert calls == ["unlock"]
    session.set_vault(vault)  # unlocked
    qtbot.waitUntil(lambda: page.model_box.isVisible() and session.db.pending == 0, timeout=10_000)
    assert not page.locked.isVisible() and page.save.isVisible()
    qtbot.waitUntil(lambda: not page.model_box.in_use.text().startswith("Looking"), timeout=10_000)
    session.close()
