"""The habit loop's rules: whether a nudge is due, over a table of days and times; reminder words."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from selfcare import habit, stats
from selfcare.days import day_of
from selfcare.errors import SelfcareError

PARIS_WINTER = timezone(timedelta(hours=1))
PARIS_SUMMER = timezone(timedelta(hours=2))
QUIET = "21:30-07:30"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def log_facts(at: str, sessions: dict[str, int], rest: set[str] = frozenset(), last: str | None = None) -> habit.Facts:
    """Facts as nudge gathers them: the day by days.day_of, the streak by stats."""
    when = moment(at)
    day = day_of(when, "04:00")
    streak = stats.current_streak({date.fromisoformat(d) for d in sessions}, {date.fromisoformat(d) for d in rest}, day)
    return habit.facts_for(when, "04:00", sessions, set(rest), streak, moment(last) if last else None)


AT = habit.at("08:30", "mon-fri")
EVENING = habit.at("20:00", kind="evening")
BREAKS = habit.every("60m", "09:00-17:00")

# (what, reminders, moment, sessions {day: seconds}, rest days, last session, quiet hours, sent, expected why, kind)
TABLE = [
    (
        "evening, nothing today",
        [EVENING],
        "2026-11-27T20:00+01:00",
        {"2026-11-26": 600},
        (),
        None,
        QUIET,
        (),
        "due",
        "evening",
    ),
    (
        "evening, the day already counts",
        [EVENING],
        "2026-11-27T20:05+01:00",
        {"2026-11-27": 300},
        (),
        None,
        QUIET,
        (),
        "done",
        None,
    ),
    (
        "evening on a rest day",
        [EVENING],
        "2026-11-27T20:00+01:00",
        {},
        {"2026-11-27"},
        None,
        QUIET,
        (),
        "rest-day",
        None,
    ),
    (
        "evening, slot nudged already",
        [EVENING],
        "2026-11-27T20:40+01:00",
        {},
        (),
        None,
        QUIET,
        ("2026-11-27T20:00 evening",),
        "sent",
        None,
    ),
    ("quiet hours at night", [EVENING], "2026-11-27T22:00+01:00", {}, (), None, QUIET, (), "quiet-hours", None),
    ("quiet hours end at 07:30", [], "2026-11-27T07:29+01:00", {}, (), None, QUIET, (), "quiet-hours", None),
    ("no quiet hours", [], "2026-11-27T23:00+01:00", {}, (), None, "", (), "due", "now"),
    ("at 08:30 on a weekday", [AT, EVENING], "2026-11-27T08:31+01:00", {}, (), None, QUIET, (), "due", "at"),
    (
        "at 08:30 is mon-fri: Saturday is a run by hand",
        [AT],
        "2026-11-28T08:31+01:00",
        {},
        (),
        None,
        QUIET,
        (),
        "due",
        "now",
    ),
    ("before the first slot: a run by hand", [AT], "2026-11-27T08:00+01:00", {}, (), None, QUIET, (), "due", "now"),
    # 04:00 boundary: 03:30 on Saturday still counts for Friday, which has a session.
    (
        "03:30 counts for the day before",
        [],
        "2026-11-28T03:30+01:00",
        {"2026-11-27": 600},
        (),
        None,
        "",
        (),
        "done",
        None,
    ),
    ("04:30 is a new day", [], "2026-11-28T04:30+01:00", {"2026-11-27": 600}, (), None, "", (), "due", "now"),
    (
        "a 02:30 session counts for the day before",
        [],
        "2026-11-28T02:45+01:00",
        {"2026-11-27": 60},
        (),
        None,
        "",
        (),
        "done",
        None,
    ),
    # Micro-breaks add up to the day's minutes.
    ("break, nothing yet", [BREAKS], "2026-11-27T11:00+01:00", {}, (), None, QUIET, (), "due", "every"),
    (
        "break after a session since the last one",
        [BREAKS],
        "2026-11-27T11:00+01:00",
        {"2026-11-27": 60},
        (),
        "2026-11-27T10:30+01:00",
        QUIET,
        (),
        "practised-since",
        None,
    ),
    (
        "break, the day counts but minutes remain",
        [BREAKS],
        "2026-11-27T12:00+01:00",
        {"2026-11-27": 60},
        (),
        "2026-11-27T10:30+01:00",
        QUIET,
        (),
        "due",
        "every",
    ),
    (
        "break, the day's minutes are done",
        [BREAKS],
        "2026-11-27T15:00+01:00",
        {"2026-11-27": 600},
        (),
        "2026-11-27T09:00+01:00",
        QUIET,
        (),
        "minutes-done",
        None,
    ),
    # Spring forward in Paris (29 March 2026, 02:00 -> 03:00): 02:30 never happens on the wall clock.
    (
        "DST spring: a 02:30 slot is served at 03:10",
        [habit.at("02:30")],
        "2026-03-29T03:10+02:00",
        {},
        (),
        None,
        "",
        (),
        "due",
        "at",
    ),
    (
        "DST spring: 03:30 still counts for the 28th",
        [],
        "2026-03-29T03:30+02:00",
        {"2026-03-28": 300},
        (),
        None,
        "",
        (),
        "done",
        None,
    ),
    # Fall back (25 October 2026, 03:00 -> 02:00): 02:30 happens twice, one slot.
    (
        "DST autumn: the repeated 02:30 is the same slot",
        [habit.at("02:30")],
        "2026-10-25T02:30+01:00",
        {},
        (),
        None,
        "",
        ("2026-10-25T02:30 at",),
        "sent",
        None,
    ),
]


@pytest.mark.parametrize(
    ("what", "reminders", "at", "sessions", "rest", "last", "quiet", "sent", "why", "kind"),
    TABLE,
    ids=[row[0] for row in TABLE],
)
def test_whether_a_nudge_is_due(what, reminders, at, sessions, rest, last, quiet, sent, why, kind) -> None:
    facts = log_facts(at, sessions, set(rest), last)
    decision = habit.decide(reminders, 10, quiet, facts, moment(at), frozenset(sent))
    assert decision.why == why, what
    if why == "due":
        assert decision.nudge is not None and decision.nudge.kind == kind
        assert decision.nudge.day == facts.day.isoformat()
    else:
        assert decision.nudge is None


def test_the_first_autumn_0230_is_due_and_keys_the_same_slot_as_the_second() -> None:
    first = moment("2026-10-25T02:30+02:00")
    second = moment("2026-10-25T02:30+01:00")
    reminders = [habit.at("02:30")]
    one = habit.decide(reminders, 10, "", log_facts(first.isoformat(), {}), first, frozenset())
    assert one.why == "due"
    two = habit.decide(reminders, 10, "", log_facts(second.isoformat(), {}), second, frozenset({one.slot}))
    assert (two.why, two.slot) == ("sent", one.slot)


def test_the_streak_in_the_evening_nudge_is_the_streak_rule() -> None:
    # Three days in a row with a rest day inside: the streak is 3, alive until tonight ends.
    sessions = {"2026-11-23": 300, "2026-11-24": 300, "2026-11-25": 300}
    facts = log_facts("2026-11-27T20:00+01:00", sessions, {"2026-11-26"})
    decision = habit.decide([EVENING], 10, QUIET, facts, moment("2026-11-27T20:00+01:00"), frozenset())
    assert decision.nudge is not None and decision.nudge.streak == 3
    notice = habit.words(decision.nudge, 3, 165, "Four long out-breaths")
    assert notice.body == "3-day streak — 2 min 45 s of practice keeps it."
    assert notice.command == "selfcare start --minutes 3"


def test_words_are_true_of_the_plan() -> None:
    nudge = habit.Nudge("at", "s", "2026-11-27", 0, 10)
    assert habit.words(nudge, 4, 560, "x").body == "Today's routine is ready: 4 practices, 9 min 20 s."
    assert habit.words(nudge._replace(kind="every", minutes=1), 1, 55, "Quick chest opener").body == (
        "Quick chest opener, 55 s."
    )
    assert habit.words(nudge._replace(kind="evening"), 2, 120, None).body.startswith("Nothing logged today")
    assert habit.words(nudge, 0, 0, None).command == "selfcare today"  # nothing could be planned


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("Mon,Wed,FRI", (0, 2, 4)),
        ("weekends", (5, 6)),
        ("sat-mon", (0, 5, 6)),
        ("daily", (0, 1, 2, 3, 4, 5, 6)),
        ("monday-tuesday", (0, 1)),
    ],
)
def test_weekday_words(text: str, days: tuple[int, ...]) -> None:
    assert habit.parse_days(text) == days
    assert habit.parse_days(habit.days_words(days)) == days


@pytest.mark.parametrize("bad", ["mon-fry", "", "mon-tue-wed", "7"])
def test_bad_weekdays_are_refused(bad: str) -> None:
    with pytest.raises(SelfcareError, match="--days"):
        habit.parse_days(bad)


def test_breaks_fall_every_interval_after_the_start_up_to_the_end() -> None:
    assert habit.every("60m", "09:00-17:00").times == tuple(f"{h:02d}:00" for h in range(10, 18))
    assert habit.every("2h", "09:00-12:00").times == ("11:00",)
    assert habit.every("45", "09:00-11:00").times == ("09:45", "10:30")
    for bad, match in (("5m", "from 15 to 240"), ("often", "every must be"), ("300m", "from 15")):
        with pytest.raises(SelfcareError, match=match):
            habit.every(bad, "09:00-17:00")
    with pytest.raises(SelfcareError, match="shorter than one interval"):
        habit.every("90m", "09:00-10:00")
    with pytest.raises(SelfcareError, match="end after it starts"):
        habit.every("60m", "17:00-09:00")


def test_quiet_hours_may_wrap_midnight() -> None:
    assert habit.parse_quiet_hours("21:30–07:30") == "21:30-07:30"
    assert habit.parse_quiet_hours("none") == ""
    assert habit.quiet_slots(habit.every("60m", "18:00-23:00"), QUIET) == ("22:00", "23:00")
    for bad in ("9-5", "21:30", "07:30-07:30"):
        with pytest.raises(SelfcareError, match="quiet_hours"):
            habit.parse_quiet_hours(bad)


def test_a_reminder_survives_its_record() -> None:
    for reminder in (AT, EVENING, BREAKS, habit.every("45m", "08:00-12:00", "weekends")):
        assert habit.Reminder.from_dict(reminder.to_dict()) == reminder


# --- the profile key ----------------------------------------------------------------


def test_quiet_hours_is_a_profile_key(run, home: Path) -> None:
    assert run.json("profile", "show")["quiet_hours"] == "21:30-07:30"
    run("profile", "set", "quiet_hours", "22:00-06:30")
    assert run.json("profile", "show")["quiet_hours"] == "22:00-06:30"
    assert 'quiet_hours: "22:00-06:30"' in (home / "config.yaml").read_text()
    run("profile", "set", "quiet_hours", "none")
    assert run.json("profile", "show")["quiet_hours"] == ""
    before = (home / "config.yaml").read_text()
    err = run.fails("profile", "set", "quiet_hours", "late")
    assert "quiet_hours" in err and "late" in err
    assert (home / "config.yaml").read_text() == before


def test_quiet_hours_in_a_hand_written_config(run, home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text("areas: [neck]\nquiet_hours: 22:00-07:00\n")
    assert run.json("profile", "show")["quiet_hours"] == "22:00-07:00"
    (home / "config.yaml").write_text("areas: [neck]\nquiet_hours: 25:00-07:00\n")
    err = run.fails("profile", "show")
    assert "config.yaml" in err and "quiet_hours" in err


def test_every_habit_command_has_help_an_example_and_a_line_in_the_readme(run) -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    top = run("--help").stdout
    for name in ("remind", "nudge", "status", "hook"):
        assert name in top
        assert f"selfcare {name}" in readme, name
    for args in (
        ("remind", "at"),
        ("remind", "every"),
        ("remind", "evening"),
        ("remind", "show"),
        ("remind", "off"),
        ("nudge",),
        ("status",),
        ("hook",),
    ):
        assert "Example" in run(*args, "--help").stdout, args
    for where in ("~/.config/systemd/user", "~/Library/LaunchAgents", "crontab -l"):
        assert where in readme
