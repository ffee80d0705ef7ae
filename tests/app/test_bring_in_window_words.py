"""The bring-in dialog's words and layout, on made-up previews and reports (no pipeline runs): the
list shows a reason without a copy of its file's name, an export is counted in notes, the report's
few lines sit together at the top, and the offer at start keeps Forget it apart."""

from __future__ import annotations

from types import SimpleNamespace

from reverie.app.ui.transfer.bring_resume import ResumeOffer


def test_the_offer_at_start_puts_forget_it_last_and_apart(qtbot):
    job = SimpleNamespace(path="/tmp/nu/data/Many", done=1216, total=2000, mine=False)
    offer = ResumeOffer(job, SimpleNamespace(vault=None), SimpleNamespace())
    qtbot.addWidget(offer)
    offer.show()
    qtbot.waitExposed(offer)
    c, later, forget = offer.continue_button, offer.later_button, offer.forget_button
    assert c.isDefault()
    assert c.x() < later.x() < forget.x()  # Continue · Not now · Forget it
    assert forget.x() - later.geometry().right() > later.x() - c.geometry().right() + 8  # set apart
