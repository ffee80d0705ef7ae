"""``reverie remind``, ``reverie reminders [done|snooze|cancel]``, ``reverie review`` and ``reverie recap``."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from reverie.app.cli.common import add_json_flag, cli_vault, print_json
from reverie.core.errors import InputError
from reverie.core.reminder_time import local_label, parse_duration, resolve_reminder_time
from reverie.core.sources import clip

if TYPE_CHECKING:  # the core modules are imported by the commands that use them (start-up time)
    from reverie.core import reminders
    from reverie.core.decay import DecayParams
    from reverie.core.vault import Vault


def _now(vault: Vault) -> float:
    return vault.now()


def _tz() -> tzinfo | None:
    from reverie.core.scheduler import local_tz

    return local_tz()


def register(sub: Any) -> None:
    p = sub.add_parser("remind", help='add a reminder: reverie remind "call Anna" --at "monday 6pm"')
    p.add_argument("text", help='what to be reminded of (it may say when: "pay rent on the 14th")')
    p.add_argument("--at", help='when, in words: "tomorrow at 9am", "in two hours", "Dec 3 18:00"')
    p.add_argument("--yes", action="store_true", help="keep the first reading of an hour said without am/pm")
    add_json_flag(p)
    p.set_defaults(func=run_remind)

    lst = sub.add_parser("reminders", help="list reminders (upcoming, due, missed, done), or act on one")
    add_json_flag(lst)
    lst.set_defaults(func=run_list)
    acts = lst.add_subparsers(dest="reminder_command", metavar="ACTION")
    for name, helptext in (("done", "mark a reminder done"), ("cancel", "take a reminder off the list")):
        a = acts.add_parser(name, help=helptext)
        a.add_argument("id", type=int)
        add_json_flag(a)
        a.set_defaults(func=run_act, action=name)
    a = acts.add_parser("snooze", help="remind again later: reverie reminders snooze ID --for 1h")
    a.add_argument("id", type=int)
    a.add_argument("--for", dest="duration", default="10m", help='how long: "10m", "1h", "1d" (default 10m)')
    add_json_flag(a)
    a.set_defaults(func=run_act, action="snooze")

    rv = sub.add_parser("review", help="today's review of fading memories, or a choice for one of them")
    add_json_flag(rv)
    rv.set_defaults(func=run_review)
    choices = rv.add_subparsers(dest="review_command", metavar="CHOICE")
    for name, helptext in (
        ("keep", "keep it: a recall that starts its curve again"),
        ("pin", "pin it: it never fades"),
        ("fade", "let it fade: archived now (it can be restored)"),
        ("correct", 'correct its words (a recall too): reverie review correct ID "new text"'),
    ):
        c = choices.add_parser(name, help=helptext)
        c.add_argument("id", type=int)
        if name == "correct":
            c.add_argument("text")
        add_json_flag(c)
        c.set_defaults(func=run_choice, choice=name)
    h = choices.add_parser("history", help="how many memories were kept, pinned, let fade and corrected, per day")
    add_json_flag(h)
    h.set_defaults(func=run_review_history)

    rc = sub.add_parser("recap", help="today's recap: what is on today, what was learned last night, on this day")
    add_json_flag(rc)
    rc.set_defaults(func=run_recap)


def _line(r: reminders.Reminder, now: float, tz: tzinfo | None) -> str:
    when = local_label(r.done_at if r.state == "done" and r.done_at else r.next_at, now, tz)
    extra = f" (snoozed, asked for {local_label(r.due_at, now, tz)})" if r.snoozed and r.state != "done" else ""
    return f"  {r.id:>4}  {when}  {r.text}{extra}"


def run_remind(args: Any) -> int:
    from reverie.core import reminders

    with cli_vault(args) as vault:
        now, tz = _now(vault), _tz()
        suggestion = resolve_reminder_time(args.at or args.text, now, tz)
        if suggestion.ambiguous and not args.yes:
            raise InputError(
                f"Which did you mean, {suggestion.question.rstrip('?')}? Say am or pm (or the day), "
                f"or add --yes to keep {suggestion.label}; nothing was saved."
            )
        r = reminders.add_reminder(vault, args.text if args.at else suggestion.text, suggestion.due_at, now, tz=tz)
    if args.json:
        print_json({**r.as_dict(), "label": local_label(r.due_at, now, tz)})
    else:
        print(f"Reminder {r.id}: {r.text}, {suggestion.label}.")
    return 0


def run_list(args: Any) -> int:
    from reverie.core import reminders

    with cli_vault(args, create=False) as vault:
        now, tz = _now(vault), _tz()
        lists = reminders.reminder_lists(vault, now=now)
    if args.json:
        print_json(lists.as_dict())
        return 0
    groups = (("Upcoming", lists.upcoming), ("Due", lists.due), ("Missed", lists.missed), ("Done", lists.done))
    if not any(items for _, items in groups):
        print('No reminders yet. Add one: reverie remind "call Anna" --at "tomorrow 9am"')
        return 0
    for title, items in groups:
        if items:
            print(f"{title}:")
            for r in items:
                print(_line(r, now, tz))
    return 0


def run_act(args: Any) -> int:
    from reverie.core import reminders

    with cli_vault(args, create=False) as vault:
        now, tz = _now(vault), _tz()
        if args.action == "done":
            r = reminders.mark_done(vault, args.id, now)
            said = f"Done: {r.text}."
        elif args.action == "cancel":
            r = reminders.cancel(vault, args.id, now)
            said = f"Cancelled: {r.text}."
        else:
            r = reminders.snooze(vault, args.id, parse_duration(args.duration), now)
            said = f"Snoozed: {r.text}, {local_label(r.next_at, now, tz)}."
    if args.json:
        print_json(r.as_dict())
    else:
        print(said)
    return 0


def _params(vault: Vault) -> tuple[DecayParams, int]:
    from reverie.core.decay import DecayParams
    from reverie.core.settings import load_settings

    s = load_settings(vault)
    return DecayParams.from_settings(s), int(s.review_per_day)


def run_review(args: Any) -> int:
    from reverie.core import review

    with cli_vault(args, create=False) as vault:
        now, tz = _now(vault), _tz()
        params, per_day = _params(vault)
        items = review.review_queue(vault, now, tz, per_day=per_day, params=params)
    if args.json:
        print_json([i.as_dict() for i in items])
        return 0
    if not items:
        print("Nothing is fading today.")
        return 0
    print(f"Fading ({len(items)}): keep, pin, fade or correct each, e.g. reverie review keep {items[0].memory.id}")
    for i in items:
        print(f"  {i.memory.id:>6}  {i.retention:.0%}, {i.days_left:.0f} days left  {clip(i.memory.text, 100)}")
    return 0


def run_choice(args: Any) -> int:
    from reverie.core import review

    with cli_vault(args, create=False) as vault:
        m = review.review(vault, args.id, args.choice, _now(vault), text=getattr(args, "text", None))
    if args.json:
        print_json(m.as_dict())
        return 0
    said = {"keep": "Kept", "pin": "Pinned", "fade": "Let fade (in the archive now)", "correct": "Corrected and kept"}
    print(f"{said[args.choice]}: {clip(m.text, 100)}")
    return 0


def run_review_history(args: Any) -> int:
    from reverie.core import review

    with cli_vault(args, create=False) as vault:
        days = review.review_history(vault, _tz())
    if args.json:
        print_json([d.as_dict() for d in days])
        return 0
    if not days:
        print("No reviews yet.")
    for d in days:
        print(f"  {d.day}  kept {d.keep}, pinned {d.pin}, let fade {d.fade}, corrected {d.correct}")
    return 0


def run_recap(args: Any) -> int:
    from reverie.core import recap

    with cli_vault(args, create=False) as vault:
        r = recap.compose_recap(vault, _now(vault), _tz())
    if args.json:
        print_json(r.as_dict())
    else:
        print("\n".join(r.lines()))
    return 0
