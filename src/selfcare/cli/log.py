"""`selfcare log`, `history` (and `history delete`), `undo`, `rest`."""

from __future__ import annotations

from typing import Annotated

import typer

from . import complete
from .app import app
from .common import load_library, load_profile, open_log

history_app = typer.Typer()
app.add_typer(history_app, name="history")


@app.command()
def log(
    practice_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PRACTICE_ID]...",
            help="What you did (a list works too: a,b); none = today's routine.",
            autocompletion=complete.practices,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help="When: YYYY-MM-DD, YYYY-MM-DDTHH:MM, 'today' or 'yesterday'."),
    ] = None,
    minutes: Annotated[
        int | None,
        typer.Option("--minutes", "-m", min=1, max=600, help="How long in all, if not the practices' own length."),
    ] = None,
    pain_before: Annotated[
        int | None, typer.Option("--pain-before", min=0, max=10, help="Pain or tension before, 0-10.")
    ] = None,
    pain_after: Annotated[
        int | None, typer.Option("--pain-after", min=0, max=10, help="Pain or tension after, 0-10.")
    ] = None,
    stress_before: Annotated[
        int | None, typer.Option("--stress-before", min=0, max=10, help="Stress before, 0-10.")
    ] = None,
    stress_after: Annotated[
        int | None, typer.Option("--stress-after", min=0, max=10, help="Stress after, 0-10.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A note to keep with the session.")] = None,
    pro: Annotated[
        str | None,
        typer.Option(
            "--pro",
            metavar="WHO",
            help="A session with a professional: massage-therapist, physiotherapist, osteopath...",
            autocompletion=complete.professionals,
        ),
    ] = None,
    too_intense: Annotated[
        list[str] | None,
        typer.Option(
            "--too-intense",
            metavar="ID",
            help="A practice that felt too intense; it is rested for a while (an exercise steps back instead).",
            autocompletion=complete.practices,
        ),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the stored session as JSON.")] = False,
) -> None:
    """Record a session done away from the keyboard (or today's routine).

    Example: selfcare log neck-trap-knead stretch-neck-side-bend --pain-before 5 --pain-after 3
    Example: selfcare log --pro massage-therapist --minutes 45
    """
    from .. import logbook, render
    from .inputs import words

    profile, _ = load_profile()
    entry = logbook.Entry(
        practice_ids=tuple(words(practice_ids, unique=False)),
        when=date,
        minutes=minutes,
        pain_before=pain_before,
        pain_after=pain_after,
        stress_before=stress_before,
        stress_after=stress_after,
        note=note,
        pro=pro,
        too_intense=tuple(words(too_intense)),
    )
    from .guard import stored, warn

    library = load_library()
    with open_log() as store:
        result = logbook.record(store, library, profile, entry)
    # Stored: from here on a failure is a warning (exit 0), never a session reported lost.
    with stored(f"the session was stored (id {result.session.id[:8]})"):
        if json:
            render.print_json(result.session.to_dict())
        else:
            render.logged(result)
        for warning in result.warnings:
            warn(warning)


HISTORY_DAYS = 30  # the table's default window; --json gives every session unless --days says


@history_app.callback(invoke_without_command=True)
def history(
    ctx: typer.Context,
    days: Annotated[int | None, typer.Option("--days", "-d", min=1, max=36500, help="Only the last N days.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every session (the table shows the last 30 days).")] = False,
    practice: Annotated[
        str | None, typer.Option("--practice", metavar="ID", help="Only sessions that included this practice.")
    ] = None,
    contains: Annotated[
        str | None, typer.Option("--contains", metavar="TEXT", help="Only sessions whose note holds this text.")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON (every session unless --days is given).")] = False,
) -> None:
    """Logged sessions, newest first; 'history edit ID' corrects one, 'history delete ID' removes one.

    Example: selfcare history --days 7
    Example: selfcare history --practice neck-trap-knead --contains drive
    """
    if ctx.invoked_subcommand is not None:
        return
    from datetime import timedelta

    from .. import render
    from ..errors import SelfcareError
    from .common import today

    if all_ and days:
        raise SelfcareError("--all shows every session and --days only some: give one of them")
    window = days or (None if json or all_ else HISTORY_DAYS)
    profile, _ = load_profile()
    since = (today(profile) - timedelta(days=window - 1)).isoformat() if window else None
    library = None if json else load_library()
    if practice is not None:
        practice = practice.strip().lower()
    with open_log() as store:
        # One session at a time, straight to the screen: memory stays flat however long the log.
        sessions = (
            store.iter_sessions(since_day=since, practice=practice, note_contains=contains)
            if store.exists
            else iter(())
        )
        if library is None:
            render.print_json_list(s.to_dict() for s in sessions)
            return
        shown = render.history(sessions, library, days=window, in_all=store.count_sessions() if store.exists else 0)
        if window and not days and store.exists and shown < store.count_sessions(None, practice, contains):
            render.more_history(window)


@history_app.command("edit")
def history_edit(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session's id, or its first 6+ characters.")],
    date: Annotated[
        str | None, typer.Option("--date", help="When: YYYY-MM-DD, YYYY-MM-DDTHH:MM, 'today' or 'yesterday'.")
    ] = None,
    minutes: Annotated[int | None, typer.Option("--minutes", "-m", help="How long in all.")] = None,
    pain_before: Annotated[int | None, typer.Option("--pain-before", help="Pain or tension before, 0-10.")] = None,
    pain_after: Annotated[int | None, typer.Option("--pain-after", help="Pain or tension after, 0-10.")] = None,
    stress_before: Annotated[int | None, typer.Option("--stress-before", help="Stress before, 0-10.")] = None,
    stress_after: Annotated[int | None, typer.Option("--stress-after", help="Stress after, 0-10.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A new note ('' removes it).")] = None,
) -> None:
    """Correct a logged session: its date, length, ratings or note ('selfcare undo' takes it back).

    Example: selfcare history edit 3f2a9c --pain-after 2 --note "better after the walk"
    """
    from .. import logbook, render
    from .guard import stored

    profile, _ = load_profile()
    changes = logbook.Edit(date, minutes, pain_before, pain_after, stress_before, stress_after, note)
    with open_log() as store:
        before, after = logbook.edit(store, profile, session_id, changes)
    with stored(f"the session {after.id[:8]} was corrected"):
        render.edited(before, after)


@history_app.command("delete")
def history_delete(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session's id, or its first 6+ characters.")],
) -> None:
    """Remove one logged session.

    Example: selfcare history delete 3f2a9c
    """
    from .. import logbook, render
    from .guard import stored

    with open_log() as store:
        removed = logbook.delete(store, session_id)
    with stored(f"the session {removed.id[:8]} was removed"):
        render.removed(removed)


@app.command()
def undo() -> None:
    """Take back your last change: a session logged, corrected or deleted, or a rest day.

    Example: selfcare undo
    """
    from .. import logbook, render
    from .guard import stored

    with open_log() as store:
        change = logbook.undo(store)
    with stored("the change was taken back"):
        render.undone(change)


@app.command()
def rest(
    date: Annotated[
        str | None, typer.Option("--date", help="Which day: YYYY-MM-DD, 'today' (default) or 'yesterday'.")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (ill, travelling...).")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Take the rest day back.")] = False,
) -> None:
    """Mark a planned rest day: it neither breaks nor extends your streak.

    Example: selfcare rest --date 2026-12-24 --reason travelling
    Example: selfcare rest --remove --date 2026-12-24
    """
    from .. import logbook, render
    from ..errors import SelfcareError
    from .guard import stored

    profile, _ = load_profile()
    if remove:
        if reason is not None:
            raise SelfcareError("--remove takes a rest day back; leave out --reason")
        with open_log() as store:
            taken = logbook.rest_remove(store, profile, date)
        with stored(f"{taken.day} is no longer a rest day"):
            render.rest_removed(taken)
        return
    with open_log() as store:
        outcome = logbook.rest(store, profile, date, reason)
    with stored(f"{outcome.day} was marked as a rest day"):
        render.rested(outcome)
