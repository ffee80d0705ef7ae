"""A citation chip shows a source's name as written, "&" too (a button would read it as a shortcut mark)."""

from PySide6.QtWidgets import QStyleOptionToolButton

from reverie.app.ui.chat.bubble import CitationChip
from reverie.app.ui.chat.data import CiteRef


def test_an_ampersand_in_a_source_name_is_shown_not_taken_for_a_shortcut(qtbot):
    chip = CitationChip(CiteRef(10, "u1", title="Groceries & errands"))
    qtbot.addWidget(chip)
    assert chip.text() == "[10] Groceries && errands"  # drawn as one "&", with no underlined letter
    option = QStyleOptionToolButton()
    chip.initStyleOption(option)
    assert option.text == "[10] Groceries && errands"
    assert chip.toolTip() == "Groceries & errands"
