"""`selfcare remind`, `nudge`, `status` and `hook`: the habit loop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from . import complete
from . import status as status_body
from .app import app
from .common import load_library, load_profile, open_log, plan_request

if TYPE_CHECKING:
    from pathlib import Path

    from ..habit import Reminder
    from ..nudge import Outcome
    from ..remind import Installed, Scheduler

remind_app = typer.Typer(
    help="Reminders through your own scheduler: a systemd user timer, a launchd agent, or your crontab."
    "\n\nExample: selfcare remind at 08:30",
    no_args_is_help=True,
)
app.add_typer(remind_app, name="remind")

DAYS = typer.Option("--days", metavar="DAYS", help="Weekdays: mon-fri, mon,wed,fri, weekdays, weekends or daily.")


def _manifest() -> Path:
    from .. import paths

    return paths.data_dir() / "reminders.json"


def _scheduler(required: bool) -> Scheduler | None:
    import os
    import shutil
    import sys
    from pathlib import Path

    from .. import remind
    from ..errors import SelfcareError

    try:
        return remind.detect(os.environ, sys.platform, os.getuid(), Path.home(), shutil.which)
    except SelfcareError:
        if required:
            raise
        return None


def _say(text: str, err: bool = False) -> None:
    from ..safetext import clean

    typer.echo(clean(text), err=err)


def _install(reminder: Reminder) -> None:
    import os
    import sys

    from .. import remind
    from ..errors import SelfcareError
    from ..habit import quiet_slots

    profile, _ = load_profile()
    quiet = quiet_slots(reminder, profile.quiet_hours)
    if len(quiet) == len(reminder.times):
        raise SelfcareError(
            f"{', '.join(quiet)} is inside your quiet hours ({profile.quiet_hours}), so it would never nudge; "
            "choose another time, or change them with 'selfcare profile set quiet_hours HH:MM-HH:MM'"
        )
    scheduler = _scheduler(required=True)
    assert scheduler is not None
    installed = remind.add(_manifest(), scheduler, reminder, remind.job(sys.executable, os.environ))
    _say(f"reminder set: {remind.describe(installed.reminder)}, in {scheduler.where()}")
    if quiet:
        _say(f"note: {', '.join(quiet)} fall in your quiet hours ({profile.quiet_hours}) and stay silent", err=True)


@remind_app.command("at")
def remind_at(
    time: Annotated[str, typer.Argument(metavar="HH:MM", help="When to remind you.")],
    days: Annotated[str, DAYS] = "daily",
) -> None:
    """Remind you of today's routine at a time, unless the day already counts.

    Example: selfcare remind at 08:30 --days mon-fri
    """
    from .. import habit

    _install(habit.at(time, days))


@remind_app.command("every")
def remind_every(
    interval: Annotated[str, typer.Argument(metavar="INTERVAL", help="Minutes between breaks: 60m, 90m, 2h.")],
    between: Annotated[
        str,
        typer.Option(
            "--between",
            metavar="HH:MM-HH:MM",
            help="The window, e.g. 09:00-17:00; the first break comes one interval in.",
        ),
    ],
    days: Annotated[str, DAYS] = "daily",
) -> None:
    """Micro-breaks: a short practice every so often, until the day's minutes are done.

    Example: selfcare remind every 60m --between 09:00-17:00 --days mon-fri
    """
    from .. import habit

    _install(habit.every(interval, between, days))


@remind_app.command("evening")
def remind_evening(
    time: Annotated[str, typer.Argument(metavar="HH:MM", help="When to check the day.")],
    days: Annotated[str, DAYS] = "daily",
) -> None:
    """Only when the day has nothing yet: a few minutes that keep the streak.

    Example: selfcare remind evening 20:00
    """
    from .. import habit

    _install(habit.at(time, days, kind="evening"))


@remind_app.command("show")
def remind_show(json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show the reminders set, where they are installed, and your quiet hours.

    Example: selfcare remind show
    """
    from .. import remind, render

    entries = remind.load(_manifest())
    scheduler = _scheduler(required=False)
    profile, _ = load_profile()
    rows = [(e, remind.present(e, scheduler)) for e in entries]
    if json:
        render.print_json(
            {
                "reminders": [
                    dict(e.reminder.to_dict(), scheduler=e.scheduler, where=list(e.where), installed=ok)
                    for e, ok in rows
                ],
                "quiet_hours": profile.quiet_hours,
            }
        )
        return
    if not rows:
        _say("No reminders. Set one with 'selfcare remind at 08:30' or 'selfcare remind evening 20:00'.")
    for entry, ok in rows:
        _say(f"{remind.describe(entry.reminder)} · {entry.scheduler} · {_where(entry)}")
        if not ok:
            _say("  missing: it was removed outside selfcare; 'selfcare remind off' forgets it")
    _say(f"quiet hours: {profile.quiet_hours or 'none'} (change with 'selfcare profile set quiet_hours')")


def _where(entry: Installed) -> str:
    if entry.scheduler == "cron":
        return "your crontab (crontab -l)"
    return ", ".join(entry.where)


@remind_app.command("off")
def remind_off(
    kind: Annotated[
        str | None,
        typer.Argument(
            metavar="[KIND]", help="at, every or evening; none = all.", autocompletion=complete.reminder_kinds
        ),
    ] = None,
) -> None:
    """Remove reminders: exactly what selfcare installed, nothing else.

    Example: selfcare remind off evening
    """
    from .. import remind
    from ..errors import SelfcareError, unknown
    from ..habit import KINDS

    kind = kind.strip().lower() if kind is not None else None
    if kind is not None and kind not in KINDS:
        raise SelfcareError(unknown("reminder kind", kind, KINDS))
    gone = remind.remove(_manifest(), _scheduler(required=False), kind)
    if not gone:
        _say("No reminders to remove." if kind is None else f"No '{kind}' reminder to remove.")
    for entry in gone:
        _say(f"removed: {remind.describe(entry.reminder)} ({entry.scheduler})")


NOT_DUE = {
    "rest-day": "today is a rest day",
    "done": "today already counts",
    "minutes-done": "today's minutes are done",
    "practised-since": "you practised since the last break",
    "sent": "this slot had its nudge already",
}


@app.command()
def nudge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would happen; show and record nothing.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing (what the schedule runs).")] = False,
) -> None:
    """Remind you now if a reminder is still needed: what your reminders' schedule runs.

    Nothing on a rest day, after the day's practice is logged, or in your quiet
    hours; never twice for one slot. With no notification service the reminder
    is left for 'selfcare status'.

    Example: selfcare nudge --dry-run
    """
    import os
    import sys

    from .. import notify, paths, remind
    from .. import nudge as nudges
    from ..days import now
    from ..errors import SelfcareError

    if dry_run and quiet:
        raise SelfcareError("--dry-run says what would happen and --quiet prints nothing; give one of them")

    profile, _ = load_profile()
    moment = now()
    reminders = [e.reminder for e in remind.load(_manifest())]
    if paths.db_file().exists():
        with open_log() as store:
            facts = nudges.facts(store, moment, profile)
    else:
        facts = nudges.facts(None, moment, profile)

    def plan(minutes: int) -> nudges.PlanSummary:
        from ..coach import plan_for

        request = plan_request(profile, minutes, None, None)
        library = load_library()
        if paths.db_file().exists():
            with open_log() as store:
                made = plan_for(store, library, request, facts.day)
        else:
            made = plan_for(None, library, request, facts.day)
        first = made.items[0].practice.name if made.items else None
        return nudges.PlanSummary(len(made.items), made.total_seconds, first)

    outcome = nudges.run(
        nudges.state_file(paths.data_dir()),
        reminders,
        profile,
        facts,
        moment,
        plan,
        lambda notice: notify.send(notice, os.environ, sys.platform),
        dry_run=dry_run,
    )
    if not quiet:
        _say(_outcome_words(outcome, profile.quiet_hours, dry_run))


def _outcome_words(outcome: Outcome, quiet_hours: str, dry_run: bool) -> str:
    decision, notice = outcome.decision, outcome.notice
    if notice is None:
        why = NOT_DUE.get(decision.why) or f"it is within your quiet hours ({quiet_hours})"
        return f"no nudge: {why} ({decision.slot})"
    said = f"{notice.title}: {notice.body} {notice.command}"
    if dry_run:
        return f"would nudge ({decision.slot}): {said}"
    if outcome.shown_by:
        return f"nudged through {outcome.shown_by}: {said}"
    return f"no notification service: left for 'selfcare status': {said}"


@app.command()
def status(
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="TEMPLATE",
            help="A line of your own: {streak}, {done}, {minutes}, {minutes_done}, {week}, {flag}, {nudge}, {line}.",
        ),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="JSON for bars (waybar's text, tooltip, class).")] = False,
) -> None:
    """One short line for your prompt or status bar: done today or minutes planned, the streak, a red flag.

    Example: selfcare status --format '{done} {streak}d'
    """
    status_body.status(format, json)


@app.command()
def hook(
    shell: Annotated[str, typer.Argument(metavar="SHELL", help="bash, zsh or fish.", autocompletion=complete.shells)],
) -> None:
    """Print a snippet that adds 'selfcare status' to your prompt.

    Put it in your shell's start-up file: eval "$(selfcare hook bash)" in ~/.bashrc,
    eval "$(selfcare hook zsh)" in ~/.zshrc, selfcare hook fish | source in config.fish.

    Example: selfcare hook bash
    """
    from ..errors import SelfcareError, unknown
    from ..hooks import SHELLS, SNIPPETS

    shell = shell.strip().lower()
    if shell not in SHELLS:
        raise SelfcareError(unknown("shell", shell, SHELLS))
    typer.echo(SNIPPETS[shell], nl=False)
