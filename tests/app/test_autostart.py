"""Start at login: the XDG autostart entry is written and removed by the app (XDG_CONFIG_HOME
respected); the Companion box in Settings saves the switches; quiet by default."""

from __future__ import annotations

import os
import stat
import sys

import pytest
from ui_fixtures import settle
from uifakes import open_window

from reverie.app.ui import autostart
from reverie.app.ui.settings.companion_box import CompanionBox
from reverie.core.settings import Settings, load_settings


def test_the_entry_is_written_with_the_command_and_removed(tmp_path):
    folder = tmp_path / "autostart"
    path = autostart.set_autostart(True, folder=folder, command=["/opt/my apps/bin/reverie"])
    text = path.read_text()
    assert path.name == "reverie.desktop" and "[Desktop Entry]" in text
    assert 'Exec="/opt/my apps/bin/reverie"\n' in text and "Type=Application\n" in text
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o022 == 0
    assert autostart.is_on(folder)
    autostart.set_autostart(False, folder=folder)
    assert not path.exists()


def test_an_entry_the_user_wrote_for_something_else_is_left(tmp_path):
    folder = tmp_path / "autostart"
    folder.mkdir()
    (folder / "reverie.desktop").write_text("[Desktop Entry]\nName=Daydream\nExec=daydream\n")
    autostart.set_autostart(False, folder=folder)
    assert (folder / "reverie.desktop").exists()


def test_xdg_config_home_is_respected(tmp_path):
    assert (
        autostart.autostart_dir({"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": "/h"})
        == tmp_path / "cfg" / "autostart"
    )
    assert (
        autostart.autostart_dir({"XDG_CONFIG_HOME": "relative", "HOME": str(tmp_path)})
        == tmp_path / ".config" / "autostart"
    )
    assert autostart.autostart_dir({"HOME": str(tmp_path)}) == tmp_path / ".config" / "autostart"


def test_the_command_is_this_reverie(monkeypatch, tmp_path):
    script = tmp_path / "bin" / "reverie"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "argv", [str(script)])
    assert autostart.reverie_command() == [str(script.resolve())]


def test_the_box_is_quiet_by_default_and_stores_what_is_ticked(qtbot):
    box = CompanionBox(tray=True)
    qtbot.addWidget(box)
    box.load(Settings())
    s = Settings()
    box.store(s)
    assert s == Settings()  # loading and storing the defaults changes nothing
    assert not box.recap_notify.isChecked() and not box.close_to_tray.isChecked() and not box.start_at_login.isChecked()
    box.close_to_tray.setChecked(True)
    box.recap.setChecked(True)
    box.recap_notify.setChecked(True)
    box.recap_time.setTime(box.recap_time.time().fromString("07:30", "HH:mm"))
    box.store(s)
    assert (s.close_to_tray, s.recap_enabled, s.recap_notify, s.recap_time) == (True, True, True, "07:30")


def test_without_a_tray_the_tray_switch_is_off_limits(qtbot):
    box = CompanionBox(tray=False)
    qtbot.addWidget(box)
    assert not box.close_to_tray.isEnabled()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG autostart")
def test_saving_start_at_login_in_settings_writes_the_entry(qtbot, paths, vault, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    entry = tmp_path / "cfg" / "autostart" / "reverie.desktop"
    window = open_window(qtbot, paths, vault)
    page = window.show_page("settings")
    settle(qtbot, window.session)
    qtbot.waitUntil(lambda: page.settings is not None and page.companion.start_at_login.isEnabled(), timeout=10_000)
    assert not entry.exists()
    page.companion.start_at_login.setChecked(True)
    page.save_settings()
    qtbot.waitUntil(entry.exists, timeout=10_000)
    assert load_settings(vault).start_at_login
    page.companion.start_at_login.setChecked(False)
    page.save_settings()
    qtbot.waitUntil(lambda: not entry.exists(), timeout=10_000)
    settle(qtbot, window.session)
    window.close()
