"""History you can use: a default window, finding sessions, correcting one, taking back a rest day,
and `undo` taking back the last change whatever it was; every change is kept as an event."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 27)


def _events(home: Path) -> list[tuple[str, dict]]:
    db = sqlite3.connect(f"file:{home / 'selfcare.db'}?mode=ro", uri=True)
    try:
        return [
            (kind, json.loads(payload)) for kind, payload in db.execute("SELECT kind, payload FROM events ORDER BY seq")
        ]
    finally:
        db.close()


def test_the_table_shows_the_last_30_days_and_json_every_session(run, ids) -> None:
    for back in (2, 20, 45, 90):
        run("log", ids[0], "--date", str(TODAY - timedelta(days=back)), "--note", f"{back} days back")
    table = run("history").stdout
    assert "2 days back" in table and "20 days back" in table and "45 days back" not in table
    assert "--all" in table
    assert len(run.json("history")) == 4
    assert len(run.json("history", "--days", "30")) == 2
    assert "90 days back" in run("history", "--all").stdout
    assert "--all" in run.fails("history", "--all", "--days", "3")


def test_history_finds_sessions_by_practice_and_note(run, ids) -> None:
    run("log", ids[0], "--note", "After the long DRIVE", "--date", "2026-11-20")
    run("log", ids[1], "--note", "at the desk", "--date", "2026-11-21")
    run("log", ids[0], ids[1], "--date", "2026-11-22")
    assert {s["date"] for s in run.json("history", "--practice", ids[0])} == {"2026-11-20", "2026-11-22"}
    assert [s["date"] for s in run.json("history", "--contains", "drive")] == ["2026-11-20"]
    assert [s["date"] for s in run.json("history", "--practice", ids[1], "--contains", "desk")] == ["2026-11-21"]
    assert "No sessions" in run("history", "--contains", "nothing like this").stdout or not run.json(
        "history", "--contains", "nothing like this"
    )


def test_history_edit_corrects_a_session_checked_like_log_and_undo_takes_it_back(run, ids, home: Path) -> None:
    run("log", ids[0], "--pain-before", "6", "--pain-after", "5", "--note", "typo")
    [before] = run.json("history")
    out = run("history", "edit", before["id"][:8], "--pain-after", "3", "--note", "fixed", "--minutes", "12").stdout
    assert "Corrected" in out and "pain 6→5 → 6→3" in out
    [after] = run.json("history")
    assert (after["pain_after"], after["note"], after["seconds"]) == (3, "fixed", 720)
    assert sum(after["practice_seconds"]) <= after["seconds"]
    assert "0 to 10" in run.fails("history", "edit", before["id"][:8], "--pain-after", "11")
    assert "future" in run.fails("history", "edit", before["id"][:8], "--date", "2027-01-01")
    assert "nothing to change" in run.fails("history", "edit", before["id"][:8])
    assert run.json("history") == [after], "a refused edit changes nothing"
    assert "taken back" in run("undo").stdout
    [restored] = run.json("history")
    assert (restored["pain_after"], restored["note"], restored["seconds"]) == (5, "typo", before["seconds"])
    kinds = [kind for kind, _ in _events(home)]
    assert kinds == ["session.add", "session.edit", "session.edit"]


def test_rest_remove_takes_a_rest_day_back_and_undo_marks_it_again(run) -> None:
    run("rest", "--date", "2026-11-25", "--reason", "travelling")
    assert "no longer a rest day" in run("rest", "--remove", "--date", "2026-11-25").stdout
    assert json.loads(run("export").stdout)["rest_days"] == []
    assert "not marked as a rest day" in run.fails("rest", "--remove", "--date", "2026-11-25")
    assert "--reason" in run.fails("rest", "--remove", "--reason", "x")
    assert "rest day again" in run("undo").stdout
    assert json.loads(run("export").stdout)["rest_days"] == [{"date": "2026-11-25", "reason": "travelling"}]


def test_undo_takes_back_the_last_change_whatever_it_was_in_order(run, ids) -> None:
    run("log", ids[0], "--date", "2026-11-24")
    run("rest", "--date", "2026-11-25")
    [session] = run.json("history")
    run("history", "delete", session["id"][:8])
    assert run.json("history") == []
    assert "is back" in run("undo").stdout  # the delete
    assert [s["id"] for s in run.json("history")] == [session["id"]]
    assert "no longer a rest day" in run("undo").stdout  # the rest day
    assert "is removed" in run("undo").stdout  # the session logged
    assert run.json("history") == [] and json.loads(run("export").stdout)["rest_days"] == []
    assert "nothing to undo" in run.fails("undo")


def test_every_change_is_an_event_and_an_import_writes_one_a_session(
    run, ids, home: Path, tmp_path: Path, monkeypatch
) -> None:
    run("log", ids[0], "--date", "2026-11-20")
    run("rest", "--date", "2026-11-21", "--reason", "ill")
    backup = tmp_path / "backup.json"
    run("export", "--output", str(backup))
    other = tmp_path / "other"
    monkeypatch.setenv("SELFCARE_HOME", str(other))
    run("import", str(backup))
    assert [kind for kind, _ in _events(other)] == ["session.add", "rest.add"]
    assert "nothing to undo" in run.fails("undo"), "an import is not undone one session at a time"
    monkeypatch.setenv("SELFCARE_HOME", str(home))
    events = _events(home)
    assert [k for k, _ in events] == ["session.add", "rest.add"]
    assert events[0][1]["session"]["practices"] == [ids[0]]
