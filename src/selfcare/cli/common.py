"""What several commands need: the profile, the library, and a plan request."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .. import paths
from .. import profile as profiles
from ..models import Profile

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..library import Library
    from ..models import Flag, Plan, Request, Session
    from ..planner import History
    from ..store import Store


def load_profile() -> tuple[Profile, bool]:
    """(the profile, whether one is saved); the defaults when none is."""
    saved = profiles.load(paths.config_file(), paths.cache_dir() / "profile.json")
    return (saved, True) if saved is not None else (Profile(), False)


def load_library() -> Library:
    """The library, each file of one's own that it skips named in a warning (once a run)."""
    from .. import library

    found = library.load(paths.user_routines_dir(), paths.cache_dir() / "library.json")
    warn_skipped(found.skipped)
    return found


def warn_skipped(skipped: list[tuple[str, str]]) -> None:
    """One warning line for each routine file of one's own left out: a broken file never stops a command."""
    from .guard import warn_once

    for path, message in skipped:
        hint = f"'selfcare routines validate {path}' lists every problem in it"
        warn_once(path, f"skipped {message}; {hint}")


def today(profile: Profile) -> date:
    from ..days import day_of, now

    return day_of(now(), profile.day_starts_at)


def plan_request(profile: Profile, minutes: int | None, areas: list[str] | None, goals: list[str] | None) -> Request:
    """The profile, with any --minutes/--area/--goal given on the command line."""
    from .. import models
    from ..models import Request

    def words(values: list[str] | None, vocab: dict[str, str], what: str, default: tuple[str, ...]) -> tuple[str, ...]:
        if not values:
            return default
        found: list[str] = []
        for value in values:
            for word in profiles.parse_words(value, vocab, what, allow_empty=False):
                if word not in found:
                    found.append(word)
        return tuple(found)

    if minutes is not None:
        minutes = profiles.parse_int(minutes, "--minutes", *profiles.MINUTES_RANGE)
    return Request.of(profile)._replace(
        minutes=minutes if minutes is not None else profile.minutes,
        areas=words(areas, models.AREAS, "area", profile.areas),
        goals=words(goals, models.GOALS, "goal", profile.goals),
    )


def chosen(library: Library, targets: list[str] | None) -> tuple[tuple[str, ...], str | None]:
    """(practice ids, routine name) for what was asked: one named routine, or practice ids; ((), None) for none."""
    from ..errors import SelfcareError, suggest

    if not targets:
        return (), None
    named = [t for t in targets if t in library.routines]
    if named:
        if len(targets) > 1:
            raise SelfcareError(f"'{named[0]}' is a routine of yours; give one routine's name, or practice ids")
        return library.routines[named[0]].practices, named[0]
    for target in targets:
        if target not in library.practices:
            hint = suggest(target, [*library.routines, *library.practices])
            raise SelfcareError(f"no practice or routine named '{target}'{hint}; see 'selfcare routines list'")
    return tuple(dict.fromkeys(targets)), None


def only_plan_options(minutes: int | None, areas: list[str] | None, goals: list[str] | None) -> None:
    """--minutes, --area and --goal shape the plan of the day; with chosen practices they would do nothing."""
    from ..errors import SelfcareError

    for given, name in ((minutes, "--minutes"), (areas, "--area"), (goals, "--goal")):
        if given:
            raise SelfcareError(f"{name} shapes the plan of the day; leave it out with a routine or practice ids")


def open_log(*, pull: bool = True) -> Store:
    from ..store import open_store

    if pull:
        pull_first()
    # Lazy: a command refused before it touches the log leaves no empty log behind.
    store = open_store(paths.db_file(), lazy=True)
    # A plan kept for `today` no longer holds once the log changes; a change goes to the sync folder.
    store.on_change = lambda: _changed(store)
    from ..days import now

    store.now_ms = lambda: int(now().timestamp() * 1000)  # events are clocked by the moment (SELFCARE_NOW)
    store.flags_for = red_flags_for()
    return store


# --- sync: every command pulls first, every change is sent after (see selfcare.sync) -----------

_sync = {"busy": False}  # True while a sync runs: its own writes are not sent again


def sync_is_set_up() -> bool:
    """One stat: whether this device syncs (the sync module is imported only then)."""
    return (paths.data_dir() / "sync.json").exists()


def asker(*, confirm: bool = False) -> Callable[[], str] | None:
    """How this command asks for the sync passphrase: None when it cannot (no terminal)."""
    import sys

    if not sys.stdin.isatty():
        return None

    def ask() -> str:
        import getpass

        from ..errors import SelfcareError

        passphrase = getpass.getpass("Sync passphrase: ")
        if confirm and passphrase and getpass.getpass("Again, to be sure: ") != passphrase:
            raise SelfcareError("the two passphrases differ; nothing was set up")
        return passphrase

    return ask


def red_flags_for() -> Callable[[Store, Session], list[Flag]]:
    """Red flags for sessions that came from other devices, worked out here from the merged log."""
    library: list[Library] = []

    def flags(store: Store, session: Session) -> list[Flag]:
        from ..coach import red_flags

        if not library:
            library.append(load_library())
        return red_flags(store, library[0], session)

    return flags


def pull_first(*, can_ask: bool = True) -> None:
    """Before a command reads the log: merge what other devices wrote, when the sync folder
    changed (a stat of its files tells; a second call in one command finds nothing new). A
    sync that cannot be made is one warning line, and the command goes on with the log as it is."""
    if _sync["busy"] or not sync_is_set_up():
        return
    from .. import sync as syncing
    from ..errors import SelfcareError
    from .guard import warn

    try:
        settings = syncing.load_settings()
        if settings is None or syncing.unchanged(settings):
            return  # the common case: nothing new, and nothing more imported than this glance needs
        from ..days import now
        from ..store import open_store

        profile, saved = load_profile()
        _sync["busy"] = True
        with open_store(paths.db_file()) as store:
            store.on_change = forget_plan
            store.now_ms = lambda: int(now().timestamp() * 1000)
            result = syncing.sync(
                store,
                settings,
                now(),
                ask=asker() if can_ask else None,
                profile=profile if saved else None,
                flags_for=red_flags_for(),
            )
    except SelfcareError as exc:
        warn(f"sync skipped: {exc.message}")
        return
    finally:
        _sync["busy"] = False
    for warning in result.warnings:
        warn(warning)


def _changed(store: Store) -> None:
    """After a change is committed: forget the kept plan, and send the change to the sync folder.
    The change is stored whatever happens here: a failure to send is a warning, and the next
    sync sends it (the log keeps every event until its journal has it)."""
    forget_plan()
    if _sync["busy"] or not sync_is_set_up():
        return
    from .. import sync as syncing
    from ..errors import SelfcareError
    from .guard import warn

    try:
        settings = syncing.load_settings()
        if settings is not None:
            syncing.send(store, settings, ask=asker())
    except SelfcareError as exc:
        warn(f"the change is stored here, but was not sent to the sync folder: {exc.message}")


def log_history(library: Library, request: Request, day: date) -> History | None:
    """What the log says for planning on `day` (None before anything is logged; no log is created)."""
    if not paths.db_file().exists():
        return None
    from ..coach import history

    with open_log() as store:
        return history(store, library, day, request.areas)


def forget_plan() -> None:
    import contextlib

    with contextlib.suppress(OSError):
        (paths.cache_dir() / "plan.json").unlink()


def as_of_day(profile: Profile, as_of: str | None) -> date:
    from ..days import parse_day

    base = today(profile)
    return parse_day(as_of, base, "--as-of") if as_of else base


def plan_today(
    library: Library | None,
    request: Request,
    day: date,
    *,
    cached: bool = False,
    practice_ids: tuple[str, ...] = (),
    routine: str | None = None,
) -> Plan:
    """The plan for `day`, listening to the log when there is one (none is created).

    With `cached`, a plan worked out before for the same day, request, library
    files and log is reused (see selfcare.plancache) and the library is only
    read when there is none; without it, `library` must be given. With
    `practice_ids` (or a named `routine` of them), those practices, through the
    same safety rules.
    """
    cached = cached and not practice_ids
    pull_first()
    from .. import plancache

    db = paths.db_file()
    cache = paths.cache_dir() / "plan.json"
    wanted = None
    if cached:
        from ..library import signature, skipped_files

        files = signature(paths.user_routines_dir())
        wanted = plancache.key(day.isoformat(), request, files, db)
        plan = plancache.load(cache, wanted) if wanted is not None else None
        if plan is not None:
            # The plan kept is the library's of these files; the files it skipped are named all the same.
            skipped = skipped_files(paths.cache_dir() / "library.json", files)
            if skipped is None:
                load_library()
            else:
                warn_skipped(skipped)
            return plan
    library = library or load_library()
    from ..coach import plan_for

    if not db.exists():
        plan = plan_for(None, library, request, day, practice_ids, routine)
    else:
        with open_log() as store:
            plan = plan_for(store, library, request, day, practice_ids, routine)
    if wanted is not None:
        plancache.save(cache, wanted, plan)
    return plan


def disclaimer_once(acknowledged: bool, after: str | None = None, *, stderr: bool = False) -> None:
    """The disclaimer, the first time selfcare plans or saves a profile in this home, whichever comes first."""
    notice = paths.notice_file()
    if acknowledged or notice.exists():
        return
    from ..paths import atomic_write
    from ..render import disclaimer

    disclaimer(after, stderr=stderr)
    atomic_write(notice, "shown\n")


def first_run_notice(saved: bool) -> None:
    """Once, before the first plan of someone without a profile: what selfcare is not."""
    if not saved:
        disclaimer_once(
            False,
            "(Shown once.) Without a profile, this plan assumes no health conditions: 'selfcare profile setup' "
            "asks a short health screen and makes the plan yours.",
            stderr=True,  # today --json keeps stdout for its JSON
        )
