"""The clipped-text and sideways-scrolling checks the screenshot tool runs on every screen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.screencheck import check_widget, report

LONG = "What Reverie knows about me, and where each of these facts came from"


def _host(qtbot, *widgets, width=400, height=300):
    host = QWidget()
    qtbot.addWidget(host)
    for w in widgets:
        w.setParent(host)
    host.resize(width, height)
    host.show()
    qtbot.waitExposed(host)
    return host


def test_a_label_too_narrow_for_its_text_is_reported_with_what_it_needs(qtbot):
    label = QLabel(LONG)
    label.setObjectName("title")
    host = _host(qtbot, label)
    label.setGeometry(0, 0, 120, 30)
    found = check_widget(host)
    assert len(found) == 1
    o = found[0]
    assert o.kind == "clipped" and o.widget.endswith("QLabel#title") and o.text == LONG
    assert o.available[0] == 120 and o.needed[0] == label.sizeHint().width() > 120
    assert "QLabel#title" in report(found) and "1 offender(s)." in report(found)


def test_a_label_whose_text_fits_or_was_elided_passes(qtbot):
    fits = QLabel("Short")
    elided = QLabel()
    host = _host(qtbot, fits, elided)
    fits.setGeometry(0, 0, 120, 30)
    elided.setGeometry(0, 40, 120, 30)
    elided.setText(elided.fontMetrics().elidedText(LONG, Qt.TextElideMode.ElideRight, 110))
    assert elided.text().endswith("…")
    assert check_widget(host) == []


def test_a_widget_that_paints_its_text_elided_says_so_and_is_not_measured(qtbot):
    label = QLabel(LONG)
    label.setProperty("elides", True)
    host = _host(qtbot, label)
    label.setGeometry(0, 0, 120, 30)
    assert check_widget(host) == []


def test_a_wrapped_label_passes_when_its_lines_fit_its_height_and_fails_when_cut(qtbot):
    label = QLabel(LONG + ". " + LONG)
    label.setWordWrap(True)
    host = _host(qtbot, label)
    label.setGeometry(0, 0, 200, label.heightForWidth(200))
    assert check_widget(host) == []
    label.setGeometry(0, 0, 200, label.fontMetrics().height() + 2)  # room for one line only
    found = check_widget(host)
    assert len(found) == 1 and found[0].needed[1] == label.heightForWidth(200) > found[0].available[1]


def test_a_wrapped_label_with_a_word_wider_than_itself_fails(qtbot):
    label = QLabel("x" * 80)
    label.setWordWrap(True)
    host = _host(qtbot, label)
    label.setGeometry(0, 0, 100, 200)
    found = check_widget(host)
    assert len(found) == 1 and found[0].needed[0] > 100


def test_hidden_widgets_are_not_checked(qtbot):
    label = QLabel(LONG)
    host = _host(qtbot, label)
    label.setGeometry(0, 0, 50, 20)
    label.hide()
    assert check_widget(host) == []


def test_buttons_check_boxes_and_group_titles_too_narrow_fail(qtbot):
    button = QPushButton("Keep the key in the keyring")
    box = QCheckBox("These are my own notes, written by me")
    group = QGroupBox("Where your memories are kept on this computer")
    ok = QPushButton("OK")
    host = _host(qtbot, button, box, group, ok, width=700)
    button.setGeometry(0, 0, 90, 30)
    box.setGeometry(0, 40, 90, 30)
    group.setGeometry(0, 80, 90, 60)
    ok.setGeometry(0, 150, 60, 30)  # narrower than the style's 80 px minimum, but "OK" fits
    found = {o.text for o in check_widget(host)}
    assert found == {button.text(), box.text(), group.title()}
    button.setGeometry(0, 0, button.sizeHint().width(), 30)
    box.setGeometry(0, 40, box.sizeHint().width(), 30)
    group.setGeometry(0, 80, 680, 60)
    assert check_widget(host) == []


def test_a_combo_box_whose_choice_is_cut_fails(qtbot):
    combo = QComboBox()
    combo.addItems(["Any time", LONG])
    host = _host(qtbot, combo)
    combo.setGeometry(0, 0, 200, 30)
    assert check_widget(host) == []
    combo.setCurrentIndex(1)
    found = check_widget(host)
    assert [o.text for o in found] == [LONG] and found[0].needed[0] > found[0].available[0]


def test_a_tab_title_cut_without_eliding_fails(qtbot):
    tabs = QTabWidget()
    tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
    tabs.tabBar().setExpanding(False)
    tabs.addTab(QWidget(), "Memories")
    tabs.addTab(QWidget(), LONG)
    host = _host(qtbot, tabs, width=700)
    tabs.setGeometry(0, 0, 690, 200)
    assert check_widget(host) == []
    tabs.setGeometry(0, 0, 200, 200)  # the second tab runs behind the scroll arrows
    found = check_widget(host)
    assert [o.text for o in found] == [LONG]
    tabs.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
    tabs.tabBar().setUsesScrollButtons(False)
    qtbot.waitUntil(lambda: tabs.tabBar().tabRect(1).right() <= tabs.tabBar().width())
    assert check_widget(host) == []


def test_a_horizontal_scrollbar_in_chats_message_view_fails_elsewhere_not(qtbot):
    def area(name):
        a = QScrollArea()
        a.setObjectName(name)
        a.setWidgetResizable(True)
        inner = QWidget()
        QVBoxLayout(inner).addWidget(QLabel("y" * 400))  # one unbreakable line, wider than the view
        a.setWidget(inner)
        return a

    thread, other = area("thread"), area("table")
    host = _host(qtbot, thread, other, width=600)
    thread.setGeometry(0, 0, 300, 140)
    other.setGeometry(0, 150, 300, 140)
    qtbot.waitUntil(lambda: thread.horizontalScrollBar().isVisible())
    found = [o for o in check_widget(host) if o.kind == "hscroll"]
    assert len(found) == 1 and "thread" in found[0].widget and found[0].needed[0] > found[0].available[0]
    thread.widget().findChild(QLabel).setWordWrap(True)
    thread.widget().findChild(QLabel).setText("word " * 80)
    qtbot.waitUntil(lambda: not thread.horizontalScrollBar().isVisible())
    assert [o for o in check_widget(host) if o.kind == "hscroll"] == []


class _WideDelegate(QStyledItemDelegate):
    """Draws its text on one line without eliding, as a custom delegate may."""

    def sizeHint(self, option, index):
        return QSize(option.fontMetrics.horizontalAdvance(index.data()) + 16, 24)


def test_a_list_row_a_custom_delegate_cannot_fit_fails_qts_own_delegate_elides(qtbot):
    view = QListWidget()
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # what is cut cannot be scrolled to
    view.addItems(["Short", LONG])
    host = _host(qtbot, view)
    view.setGeometry(0, 0, 200, 200)
    assert check_widget(host) == []  # Qt's delegate draws LONG with "…"
    view.setItemDelegate(_WideDelegate(view))
    found = check_widget(host)
    assert [o.text for o in found] == [LONG] and "[row 1, col 0]" in found[0].widget
    view.itemDelegate().setProperty("elides", True)  # a delegate that elides says so
    assert check_widget(host) == []
