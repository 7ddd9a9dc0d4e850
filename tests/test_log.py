"""`log`, `history`, `undo`, `rest`, `streak`, `report` through the real CLI and a real SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import file_mode, set_clock


def history(run) -> list[dict]:
    return run.json("history")


def test_log_ids_then_history_streak_and_undo(run, ids) -> None:
    out = run("log", ids[0], ids[1], "--pain-before", "6", "--pain-after", "4", "--note", "after work").stdout
    assert "Logged" in out and "streak 1 day" in out
    [session] = history(run)
    assert session["practices"] == ids[:2]
    assert session["date"] == "2026-11-27"
    assert session["logged_at"] == "2026-11-27T09:00:00+01:00"
    assert (session["pain_before"], session["pain_after"], session["note"]) == (6, 4, "after work")
    assert session["source"] == "manual"
    listed = run.json("routines", "list")
    assert session["seconds"] == sum(p["seconds"] for p in listed if p["id"] in ids[:2])
    out = run("undo").stdout
    assert "Undone: the session of Fri 27 Nov 2026" in out and "is removed" in out
    assert history(run) == []
    assert "nothing to undo" in run.fails("undo")


def test_log_without_ids_logs_todays_plan(run) -> None:
    plan = run.json("today")
    stored = run.json("log")
    assert stored["practices"] == [item["id"] for item in plan["items"]]
    assert stored["seconds"] == plan["total_seconds"]
    assert stored["source"] == "plan"


def test_minutes_are_shared_over_the_practices(run, ids) -> None:
    stored = run.json("log", ids[0], ids[1], "--minutes", "10")
    assert stored["seconds"] == 600 and sum(stored["practice_seconds"]) == 600


def test_session_at_0230_counts_for_the_day_before(run, ids, monkeypatch) -> None:
    set_clock(monkeypatch, "2026-11-28T02:30:00+01:00")
    stored = run.json("log", ids[0])
    assert stored["date"] == "2026-11-27"
    assert run.json("streak")["done_today"] is True
    run("profile", "set", "day_starts_at", "00:00")
    assert run.json("log", ids[0])["date"] == "2026-11-28"


def test_log_date_and_time_follow_day_starts_at(run, ids) -> None:
    assert run.json("log", ids[0], "--date", "2026-11-20T01:15")["date"] == "2026-11-19"
    assert run.json("log", ids[0], "--date", "2026-11-20T05:15")["date"] == "2026-11-20"
    assert run.json("log", ids[0], "--date", "yesterday")["date"] == "2026-11-26"


def test_a_session_across_the_dst_change_counts_for_the_right_day(run, ids, monkeypatch) -> None:
    # In Paris the clocks go forward at 02:00 on 29 March 2026: 01:30 is still the 28th's.
    set_clock(monkeypatch, "2026-03-29T10:00:00+02:00")
    assert run.json("log", ids[0], "--date", "2026-03-29T01:30")["date"] == "2026-03-28"
    stored = run.json("log", ids[0], "--date", "2026-03-29T04:30")
    assert stored["date"] == "2026-03-29" and stored["logged_at"].endswith("+02:00")
    run.json("log", ids[0], "--date", "2026-03-27T12:00")
    streak = run.json("streak")
    assert (streak["current"], streak["as_of"]) == (3, "2026-03-29")


def test_streak_json_shape_and_weekly_target(run, ids) -> None:
    run("profile", "set", "days_per_week", "3")
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        run("log", ids[0], "--date", day)
    streak = run.json("streak")
    assert set(streak) >= {
        "as_of",
        "current",
        "longest",
        "done_today",
        "days_per_week",
        "week_days_done",
        "week_streak",
        "total_days",
    }
    assert streak["as_of"] == "2026-11-27"
    assert (streak["current"], streak["done_today"], streak["total_days"]) == (0, False, 3)
    assert (streak["days_per_week"], streak["week_days_done"], streak["week_streak"]) == (3, 3, 1)
    as_of = run.json("streak", "--as-of", "2026-11-25")
    assert (as_of["current"], as_of["done_today"]) == (3, True)


def test_rest_day_bridges_the_streak(run, ids) -> None:
    run("log", ids[0], "--date", "2026-11-24")
    run("log", ids[0], "--date", "2026-11-26")
    assert run.json("streak")["current"] == 1
    out = run("rest", "--date", "2026-11-25", "--reason", "travelling").stdout
    assert "rest day (travelling)" in out
    assert run.json("streak")["current"] == 2
    exported = json.loads(run("export").stdout)
    assert exported["rest_days"] == [{"date": "2026-11-25", "reason": "travelling"}]


def test_report_json_counts_minutes_areas_kinds_and_pain(run) -> None:
    listed = {p["id"]: p for p in run.json("routines", "list")}
    massage = next(p for p in listed.values() if p["kind"] == "massage")
    breath = next(p for p in listed.values() if p["kind"] == "breathing")
    run(
        "log",
        massage["id"],
        "--date",
        "2026-11-20",
        "--pain-before",
        "6",
        "--pain-after",
        "3",
        "--stress-before",
        "5",
        "--stress-after",
        "4",
    )
    run("log", breath["id"], "--date", "2026-11-21", "--pain-before", "4", "--pain-after", "4")
    run("rest", "--date", "2026-11-22")
    report = run.json("report", "--days", "8")
    # One session is too few to say a practice helped.
    assert report["helped_most"] == []
    assert report["as_of"] == "2026-11-27" and report["days"] == 8
    assert report["active_days"] == 2
    assert report["consistency"] == pytest.approx(2 / 7, abs=1e-3)
    assert report["minutes"] == pytest.approx((massage["seconds"] + breath["seconds"]) / 60, abs=0.1)
    assert report["by_kind"]["massage"] == pytest.approx(massage["seconds"] / 60, abs=0.1)
    # Areas count the hands-on work (massage, stretch); breathing shows under its kind only.
    assert sum(report["by_area"].values()) == pytest.approx(massage["seconds"] / 60, abs=0.2)
    assert report["pain"] == {"sessions": 2, "avg_before": 5.0, "avg_after": 3.5, "avg_change": -1.5}
    assert report["stress"]["sessions"] == 1
    for day in ("2026-11-23", "2026-11-24"):
        run("log", massage["id"], "--date", day, "--pain-before", "6", "--pain-after", "4")
    helped = run.json("report", "--days", "8")["helped_most"][0]
    assert (helped["id"], helped["sessions"], helped["avg_before"], helped["avg_after"]) == (massage["id"], 3, 6.0, 3.7)
    assert 0 < report["habit_strength"] < 1
    screen = run("report", "--days", "8").stdout
    assert "habit strength" in screen and "Mo Tu We Th Fr Sa Su" in screen


# --- bad input leaves the log as it was ---------------------------------------

BAD = [
    (["--pain-before", "11"], "--pain-before"),
    (["--minutes", "-3"], "--minutes"),
    (["--date", "2026-02-30"], "not a real date"),
    (["--date", "2026-13-01T10:00"], "not a real moment"),
    (["--date", "2030-01-01"], "in the future"),
    (["nekc-nothing"], "unknown practice"),
    (["--pro", "witch-doctor"], "unknown professional"),
    (["--stress-after", "ten"], "--stress-after"),
]


@pytest.mark.parametrize(("args", "words"), BAD, ids=[b[1] for b in BAD])
def test_bad_values_change_nothing(run, ids, args: list[str], words: str) -> None:
    run("log", ids[0], "--note", "kept")
    before = history(run)
    options_only = args[0].startswith("-")
    line = run.fails("log", *([ids[0]] if options_only else []), *args)
    assert words in line
    assert history(run) == before


def test_unknown_id_suggests_the_nearest(run, ids) -> None:
    near = ids[0][:-1] + ("x" if ids[0][-1] != "x" else "y")
    assert f"did you mean '{ids[0]}'" in run.fails("log", near)


def test_corrupt_database_is_named_and_never_overwritten(run, home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    db = home / "selfcare.db"
    db.write_bytes(b"this is not a database at all" * 50)
    before = db.read_bytes()
    good = home / "good.json"
    good.write_text('{"sessions": []}')
    for args in (["history"], ["streak"], ["log"], ["report"], ["import", str(good)]):
        line = run.fails(*args)
        assert str(db) in line and "damaged" in line
    assert db.read_bytes() == before


def test_truncated_database_is_named(run, ids, home: Path) -> None:
    for i in range(30):
        run("log", ids[0], "--note", "x" * 500, "--date", f"2026-11-{(i % 26) + 1:02d}")
    db = home / "selfcare.db"
    subprocess.run([sys.executable, "-c", "pass"])  # nothing holds the file open
    for extra in ("-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.truncate(size // 3)
    line = run.fails("history")
    assert str(db) in line


def test_files_and_folders_are_private(run, ids, home: Path) -> None:
    run("log", ids[0])
    run("profile", "set", "minutes", "15")
    assert file_mode(home / "selfcare.db") == 0o600
    assert file_mode(home / "config.yaml") == 0o600
    assert file_mode(home) == 0o700
    assert file_mode(home / "cache") == 0o700
    for extra in ("-wal", "-shm"):
        path = Path(str(home / "selfcare.db") + extra)
        if path.exists():
            assert file_mode(path) == 0o600


def test_history_delete_by_prefix(run, ids) -> None:
    first = run.json("log", ids[0])
    second = run.json("log", ids[1])
    out = run("history", "delete", first["id"][:8]).stdout
    assert first["id"][:8] in out
    assert [s["id"] for s in history(run)] == [second["id"]]
    assert "no session" in run.fails("history", "delete", "ffffffff")
    assert "at least its first 6" in run.fails("history", "delete", "ab")


def test_history_days_window(run, ids) -> None:
    run("log", ids[0], "--date", "2026-11-01")
    run("log", ids[0], "--date", "2026-11-26")
    assert len(run.json("history", "--days", "7")) == 1
    assert len(history(run)) == 2


@pytest.mark.slow
def test_eight_processes_logging_at_once_store_all_200(home: Path, ids) -> None:
    script = (
        "import sys\n"
        "from selfcare.cli import application\n"
        "app = application()\n"
        "for i in range(25):\n"
        "    try:\n"
        "        app(['log', sys.argv[1], '--note', f'{sys.argv[2]}-{i}'])\n"
        "    except SystemExit as e:\n"
        "        if e.code: raise\n"
    )
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, ids[0], str(n)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        for n in range(8)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    db = sqlite3.connect(f"file:{home / 'selfcare.db'}?mode=ro", uri=True)
    notes = {row[0] for row in db.execute("SELECT note FROM sessions")}
    db.close()
    assert len(notes) == 200
