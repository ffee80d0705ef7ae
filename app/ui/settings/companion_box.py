"""Settings → Companion: reminders' notifications, the morning recap's, the daily review, keeping
Reverie in the tray and starting it at login. Everything is off unless asked for, but reminders
(they were asked for when they were set) and the review in the window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QSpinBox, QSystemTrayIcon, QTimeEdit, QWidget

from reverie.core.settings import Settings

LOGIN_ELSEWHERE = (
    "On macOS add Reverie to Login Items; on Windows put a shortcut to it in shell:startup (the README says how)."
)


NO_TRAY = "Keep Reverie in the tray when the window is closed (this desktop has no tray)"


class CompanionBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None, *, tray: bool | None = None) -> None:
        super().__init__("Companion", parent)
        self.has_tray = QSystemTrayIcon.isSystemTrayAvailable() if tray is None else tray
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.reminders_notify = QCheckBox("Show a desktop notification when a reminder is due")
        self.reminders_notify.setToolTip("Off: reminders show in Reverie's window only.")
        self.recap = QCheckBox("Prepare a morning recap of the day")
        self.recap_time = QTimeEdit()
        self.recap_time.setDisplayFormat("HH:mm")
        self.recap_time.setMinimumWidth(120)
        self.recap_notify = QCheckBox("Show a notification when the morning recap is ready")
        self.review = QCheckBox("Each day, ask me about memories that are fading")
        self.review_per_day = QSpinBox()
        self.review_per_day.setRange(1, 50)
        self.review_per_day.setSuffix(" a day")
        self.review_per_day.setMinimumWidth(120)
        self.close_to_tray = QCheckBox("Keep Reverie in the tray when the window is closed")
        self.start_at_login = QCheckBox("Start Reverie when I log in")
        form.addRow(self.reminders_notify)
        form.addRow(self.recap)
        form.addRow("Recap at:", self.recap_time)
        form.addRow(self.recap_notify)
        form.addRow(self.review)
        form.addRow("Memories to review:", self.review_per_day)
        form.addRow(self.close_to_tray)
        if not self.has_tray:
            self.close_to_tray.setEnabled(False)
            self.close_to_tray.setText(NO_TRAY)
        form.addRow(self.start_at_login)
        if not sys.platform.startswith("linux"):
            self.start_at_login.setEnabled(False)
            note = QLabel(LOGIN_ELSEWHERE)
            note.setWordWrap(True)
            note.setObjectName("muted")
            form.addRow(note)
        self.recap.toggled.connect(self._sync)
        self.review.toggled.connect(self._sync)

    def _sync(self) -> None:
        self.recap_time.setEnabled(self.recap.isChecked())
        self.recap_notify.setEnabled(self.recap.isChecked())
        self.review_per_day.setEnabled(self.review.isChecked())

    def load(self, s: Settings) -> None:
        self.reminders_notify.setChecked(s.reminders_notify)
        self.recap.setChecked(s.recap_enabled)
        h, _, m = s.recap_time.partition(":")
        self.recap_time.setTime(QTime(int(h), int(m)))
        self.recap_notify.setChecked(s.recap_notify)
        self.review.setChecked(s.review_enabled)
        self.review_per_day.setValue(s.review_per_day)
        self.close_to_tray.setChecked(s.close_to_tray)
        self.start_at_login.setChecked(s.start_at_login)
        self._sync()

    def store(self, s: Settings) -> None:
        s.reminders_notify = self.reminders_notify.isChecked()
        s.recap_enabled = self.recap.isChecked()
        s.recap_time = self.recap_time.time().toString("HH:mm")
        s.recap_notify = self.recap_notify.isChecked()
        s.review_enabled = self.review.isChecked()
        s.review_per_day = self.review_per_day.value()
        s.close_to_tray = self.close_to_tray.isChecked()
        s.start_at_login = self.start_at_login.isChecked()
