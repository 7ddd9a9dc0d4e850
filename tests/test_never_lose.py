"""Never lose a session, never trust a file: each case of the robustness review, as a test.

High: a backup always restores (what `log` stores, `export` writes and `import`
reads back); an export is one moment of the log; a command that stored a
session never reports a failure; `--output` never replaces a device, FIFO,
link or folder. Medium: files read within bounds; dates within 1900-9000;
two undos at once; a read-only -shm named; the terminal width; what import
accepts; a log cut short; stored values as plain text. Races are made
deterministic with a held transaction, never with timing.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import NOW, Run, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from selfcare import logbook, store, transfer
from selfcare.cli import application
from selfcare.store import open_store

IS_ROOT = os.geteuid() == 0
CLI = [sys.executable, "-m", "selfcare"]
WAIT = 120  # seconds: a deadline against a hang, never a measure of speed


@pytest.fixture
def listed(run) -> dict[str, dict]:
    return {p["id"]: p for p in run.json("routines", "list")}


def _read_only(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def _count(db: Path, table: str = "sessions") -> int:
    if not db.exists():
        return 0
    conn = _read_only(db)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608 - fixed names
    finally:
        conn.close()


def _history_elsewhere(run: Run, monkeypatch, home: Path) -> list[dict]:
    monkeypatch.setenv("SELFCARE_HOME", str(home))
    return run.json("history")


def _doctor(run: Run) -> list[dict]:
    return json.loads(run("doctor", "--json", code=None).stdout)


def _without_source(sessions: list[dict]) -> list[dict]:
    return [{k: v for k, v in s.items() if k != "source"} for s in sessions]


# --- 1. a backup that cannot be restored ----------------------------------------------


def test_log_refuses_what_import_would_refuse(run, listed, home: Path) -> None:
    longest = max(listed.values(), key=lambda p: p["seconds"])
    over_a_day = 86_400 // longest["seconds"] + 1
    assert over_a_day <= 200
    line = run.fails("log", *[longest["id"]] * over_a_day)
    assert "at most 86,400" in line
    line = run.fails("log", *[next(iter(listed))] * 201)
    assert "at most 200" in line
    assert _count(home / "selfcare.db") == 0


def test_the_largest_session_log_accepts_exports_and_imports(run, listed, home, tmp_path, monkeypatch) -> None:
    short = min(listed.values(), key=lambda p: p["seconds"])
    longest = max(listed.values(), key=lambda p: p["seconds"])
    run("log", *[short["id"]] * 200, "--note", "x" * 2000, "--pain-before", "10", "--pain-after", "0")
    run("log", *[longest["id"]] * (86_400 // longest["seconds"]))
    run("log", "--pro", "physiotherapist", "--minutes", "600")
    backup = tmp_path / "backup.json"
    run("export", "--output", str(backup))
    before = run.json("history")
    monkeypatch.setenv("SELFCARE_HOME", str(tmp_path / "elsewhere"))
    assert "imported 3 sessions" in run("import", str(backup)).stdout
    assert _without_source(run.json("history")) == _without_source(before)


def test_export_leaves_out_and_names_a_stored_session_import_would_refuse(
    run, ids, home, tmp_path, monkeypatch
) -> None:
    run("log", ids[0], "--note", "kept")
    # A session left by an older version: 201 practices, which import refuses.
    bad = str(uuid.uuid4())
    conn = sqlite3.connect(home / "selfcare.db")
    with conn:
        conn.execute(
            "INSERT INTO sessions (id, day, logged_at, logged_ts, seconds, source) VALUES (?, '2026-11-20', "
            "'2026-11-20T10:00:00+01:00', 0, 201, 'manual')",
            (bad,),
        )
        conn.executemany(
            "INSERT INTO session_practices (session_id, position, practice_id, seconds) VALUES (?, ?, ?, 1)",
            [(bad, n, ids[0]) for n in range(201)],
        )
    conn.close()
    backup = tmp_path / "backup.json"
    result = run("export", "--output", str(backup))
    assert f"left out session {bad}" in result.stderr and "201 practices" in result.stderr
    monkeypatch.setenv("SELFCARE_HOME", str(tmp_path / "elsewhere"))
    run("import", str(backup))
    assert [s["note"] for s in run.json("history")] == ["kept"]


# --- 2. an export is one moment of the log ------------------------------------------------


def test_an_export_is_one_moment_of_the_log(run, ids, home, tmp_path, monkeypatch) -> None:
    run("log", ids[0], "--pain-before", "8", "--date", "2026-11-26")  # a red flag, and a log to export
    db = home / "selfcare.db"
    reading_flags, logged = threading.Event(), threading.Event()
    out = io.StringIO()
    failed: list[BaseException] = []

    def export() -> None:
        try:
            with open_store(db) as log:

                def trace(sql: str) -> None:
                    # Hold the export just before it reads the red flags, while another command logs.
                    if "FROM flags" in sql and not reading_flags.is_set():
                        reading_flags.set()
                        logged.wait(WAIT)

                log.db.set_trace_callback(trace)
                transfer.export_json(log, NOW, None, out.write)
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=export)
    thread.start()
    assert reading_flags.wait(WAIT), failed
    # Another program logs a session that raises a red flag, committed while the export reads.
    subprocess.run([*CLI, "log", ids[1], "--pain-before", "9"], check=True, capture_output=True)
    logged.set()
    thread.join(WAIT)
    assert not failed, failed
    data = json.loads(out.getvalue())
    exported = {s["id"] for s in data["sessions"]}
    assert len(exported) == 1
    assert data["flags"] and all(f["session_id"] in exported for f in data["flags"])
    backup = tmp_path / "backup.json"
    backup.write_text(out.getvalue())
    monkeypatch.setenv("SELFCARE_HOME", str(tmp_path / "elsewhere"))
    result = run("import", str(backup))
    assert "warning" not in result.stderr
    assert len(run.json("report", "--days", "7")["flags"]) == len(data["flags"])


def test_flags_whose_session_is_missing_are_skipped_with_a_warning(run, ids, tmp_path) -> None:
    run("log", ids[0], "--pain-before", "8", "--date", "2026-11-26")
    data = json.loads(run("export").stdout)
    run("undo")
    orphan = str(uuid.uuid4())
    data["flags"].append(dict(data["flags"][0], session_id=orphan))
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(data))
    result = run("import", str(path))
    assert "imported 1 sessions" in result.stdout
    assert f"skipped flags[{len(data['flags']) - 1}]" in result.stderr and orphan[:8] in result.stderr
    assert len(run.json("report", "--days", "7")["flags"]) == len(data["flags"]) - 1


# --- 3. log never fails after it has saved -------------------------------------------------


def test_log_on_a_terminal_that_cannot_show_the_text_stores_once_and_exits_0(ids, home: Path) -> None:
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    proc = subprocess.run([*CLI, "log", ids[0], "--note", "hello"], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Logged" in proc.stdout and proc.stderr == ""
    assert _count(home / "selfcare.db") == 1


def test_a_session_and_its_red_flags_are_stored_together(run, ids, home: Path, monkeypatch) -> None:
    """A write lock taken by another program right after the session is committed can no
    longer leave the session without its red flags: they are in the same transaction."""
    db = home / "selfcare.db"
    run("log", ids[0], "--note", "the log exists")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(db, isolation_level=None, timeout=0)
    state = {"committed": False, "locked": False}
    real_connect = store._connect

    def connect(path: Path, *, create: bool) -> sqlite3.Connection:
        conn = real_connect(path, create=create)

        def trace(sql: str) -> None:
            if state["committed"] and not state["locked"]:
                other.execute("BEGIN IMMEDIATE")  # another program takes the write lock and keeps it
                state["locked"] = True
            if sql == "COMMIT":
                state["committed"] = True

        conn.set_trace_callback(trace)
        return conn

    monkeypatch.setattr(store, "_connect", connect)
    result = run("log", ids[1], "--pain-before", "9", "--pain-after", "9", code=None)
    if state["locked"]:
        other.execute("ROLLBACK")
    other.close()
    assert result.exit_code == 0, result.stderr
    conn = _read_only(db)
    rows = conn.execute("SELECT s.note, f.rule FROM sessions s LEFT JOIN flags f ON f.session_id = s.id").fetchall()
    conn.close()
    assert ("the log exists", None) in rows and (None, "high-pain") in rows


def test_if_the_red_flags_cannot_be_worked_out_nothing_is_stored(run, ids, home: Path, monkeypatch) -> None:
    from selfcare import coach

    def broken(*args, **kwargs):
        raise RuntimeError("red flags broke")

    monkeypatch.setattr(coach, "red_flags", broken)
    run.fails("log", ids[0], "--pain-before", "9", code=1)
    assert _count(home / "selfcare.db") == 0


def test_a_damaged_row_makes_a_warning_not_a_failure_once_the_session_is_stored(run, ids, home: Path) -> None:
    run("log", ids[0], "--date", "2026-11-20")
    conn = sqlite3.connect(home / "selfcare.db")
    with conn:
        conn.execute("UPDATE sessions SET day = '2026-02-30'")  # a day no calendar has
    conn.close()
    result = run("log", ids[1], "--note", "today")
    assert "Logged" in result.stdout
    assert result.stderr.startswith("selfcare: warning: the session was stored")
    assert _count(home / "selfcare.db") == 2  # once: nothing invites a retry


# --- 4. --output never replaces what it should write to -------------------------------------


def _node(kind: str, path: Path, tmp_path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link":
        (tmp_path / "precious.txt").write_text("precious")
        path.symlink_to(tmp_path / "precious.txt")
    elif kind == "folder":
        path.mkdir()
    elif kind == "device":
        if not IS_ROOT:
            pytest.skip("only root can make a device node")
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null of our own


@pytest.mark.parametrize("kind", ["fifo", "link", "folder", "device"])
@pytest.mark.parametrize("command", [("export",), ("export", "--format", "csv"), ("report", "--for-therapist")])
def test_output_onto_anything_but_a_file_is_refused_even_with_force(run, ids, tmp_path, kind, command) -> None:
    run("log", ids[0])
    target = tmp_path / "target"
    _node(kind, target, tmp_path)
    before = os.lstat(target)
    for force in ([], ["--force"]):
        line = run.fails(*command, "--output", str(target), *force)
        assert str(target) in line and "--force" not in line
        after = os.lstat(target)
        assert (stat.S_IFMT(after.st_mode), after.st_ino) == (stat.S_IFMT(before.st_mode), before.st_ino)
    if kind == "link":
        assert (tmp_path / "precious.txt").read_text() == "precious"


@pytest.mark.parametrize("command", [("export",), ("report", "--for-therapist")])
def test_output_dash_is_standard_output(run, ids, tmp_path, monkeypatch, command) -> None:
    run("log", ids[0])
    monkeypatch.chdir(tmp_path)
    result = run(*command, "--output", "-")
    assert result.stdout.strip()
    assert not (tmp_path / "-").exists()
    if command == ("export",):
        assert json.loads(result.stdout)["sessions"][0]["practices"] == [ids[0]]


# --- 5. every file read within bounds ------------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
    for n in range(9)
)


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("alias bomb", "anchors and aliases"),
        ("huge", "limited to 64 KiB"),
        ("duplicate key", "'minutes' is given twice"),
        ("not utf-8", "not UTF-8"),
    ],
)
def test_config_yaml_is_read_within_bounds(run, home: Path, case: str, words: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "config.yaml"
    text = {
        "alias bomb": BOMB.encode(),
        "huge": b"minutes: 10\n" + b"# padding\n" * 8000,
        "duplicate key": b"minutes: 10\nareas: [neck]\nminutes: 20\n",
        "not utf-8": b"minutes: \xff\n",
    }[case]
    config.write_bytes(text)
    for args in (["today"], ["log", "--pro", "doctor", "--minutes", "5"], ["profile", "show"]):
        line = run.fails(*args)
        assert str(config) in line and words in line
    assert config.read_bytes() == text
    assert not (home / "cache" / "profile.json").exists()


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_a_config_that_is_not_a_regular_file_never_hangs_or_fills_memory(home: Path, kind: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "config.yaml"
    if kind == "fifo":
        os.mkfifo(config)
    else:
        config.symlink_to("/dev/zero")
    for args in (["today"], ["doctor", "--json"]):
        # The timeout only guards against a hang; the command answers at once.
        proc = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=WAIT)
        assert proc.returncode in (1, 2) and "not a regular file" in proc.stdout + proc.stderr


@pytest.mark.parametrize("name", ["profile.json", "library.json", "plan.json"])
def test_a_cache_that_is_a_fifo_is_passed_over(run, home: Path, name: str) -> None:
    run("profile", "set", "minutes", "10")
    cache = home / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / name).unlink(missing_ok=True)
    os.mkfifo(cache / name)
    proc = subprocess.run([*CLI, "today", "--json"], capture_output=True, text=True, timeout=WAIT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["items"]


# --- 6. dates near year 1 or 9999 ----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("today", "--date", "0001-01-01"),
        ("today", "--date", "9999-12-31"),
        ("streak", "--as-of", "9999-12-31"),
        ("report", "--as-of", "0001-01-01"),
        ("log", "--pro", "doctor", "--minutes", "5", "--date", "0001-01-01"),
        ("log", "--pro", "doctor", "--minutes", "5", "--date", "0001-01-05T10:00"),
        ("rest", "--date", "9999-12-31"),
        ("rest", "--date", "1899-12-31"),
    ],
)
def test_dates_far_from_now_get_one_clear_line(run, home: Path, args) -> None:
    line = run.fails(*args)
    assert "out of range" in line and "1900-01-01 to 9000-12-31" in line
    assert _count(home / "selfcare.db") == 0


@pytest.mark.parametrize("moment", ["0001-01-01T00:00+00:00", "9999-12-31T23:59+00:00"])
def test_a_clock_far_from_now_gets_one_clear_line(run, monkeypatch, moment: str) -> None:
    monkeypatch.setenv("SELFCARE_NOW", moment)
    for args in (["today"], ["streak"], ["log", "--pro", "doctor", "--minutes", "5"]):
        line = run.fails(*args)
        assert "SELFCARE_NOW" in line and "out of range" in line


# --- 7. two undos at once -------------------------------------------------------------------


def test_two_undos_at_once_remove_two_sessions_and_each_reports_its_own(run, ids, home: Path) -> None:
    run("log", ids[0], "--note", "first", "--date", "2026-11-26")
    run("log", ids[1], "--note", "second")
    db = home / "selfcare.db"
    # The other undo: its transaction holds the write lock and has removed the newest session.
    other = sqlite3.connect(db, isolation_level=None, timeout=WAIT)
    other.execute("BEGIN IMMEDIATE")
    newest = other.execute("SELECT id FROM sessions ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    other.execute("DELETE FROM sessions WHERE id = ?", (newest,))
    waiting = threading.Event()
    outcome: dict[str, object] = {}

    def undo() -> None:
        try:
            with open_store(db) as log:
                log.db.set_trace_callback(lambda sql: waiting.set() if sql.startswith("BEGIN IMMEDIATE") else None)
                outcome["removed"] = logbook.undo(log)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=undo)
    thread.start()
    assert waiting.wait(WAIT)  # this undo now waits for the other one's lock
    other.execute("COMMIT")
    other.close()
    thread.join(WAIT)
    assert "error" not in outcome, outcome
    removed = outcome["removed"].payload["session"]  # type: ignore[attr-defined]
    assert removed["note"] == "first" and removed["id"] != newest
    assert _count(db) == 0


def test_undo_reports_exactly_what_it_removed_through_the_cli(run, ids) -> None:
    run("log", ids[0], "--date", "2026-11-26")
    run("log", ids[1])
    second = run("undo").stdout
    first = run("undo").stdout
    assert "Fri 27 Nov 2026" in second and "Thu 26 Nov 2026" in first
    assert "nothing to undo" in run.fails("undo")


# --- 8. a read-only -shm ----------------------------------------------------------------------

NOBODY = 65534


def _as_nobody() -> list[str] | None:
    """How to run a command as a user other than root, or None where that cannot be done."""
    if not IS_ROOT:
        return []  # already not root
    try:
        probe = subprocess.run(
            [
                "setpriv",
                f"--reuid={NOBODY}",
                f"--regid={NOBODY}",
                "--clear-groups",
                sys.executable,
                "-c",
                "import selfcare",
            ],
            capture_output=True,
            timeout=WAIT,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if probe.returncode != 0:
        return None
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def test_a_read_only_shm_file_is_named_and_doctor_sees_it(ids, tmp_path_factory) -> None:
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("cannot run a command as a user other than root here (setpriv unavailable or refused)")
    import tempfile

    # Under /tmp, where another user can reach it (pytest's own folders are private to root).
    base = Path(tempfile.mkdtemp(prefix="selfcare-shm-"))
    try:
        if IS_ROOT:
            os.chown(base, NOBODY, NOBODY)
        home = base / "home"
        env = dict(os.environ, SELFCARE_HOME=str(home))

        def as_user(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*prefix, *CLI, *args], env=env, capture_output=True, text=True, timeout=WAIT)

        assert as_user("log", ids[0]).returncode == 0
        db = home / "selfcare.db"
        # A process that dies with the log open leaves its -wal and -shm behind.
        crash = "import os, signal, sqlite3; c = sqlite3.connect(os.environ['DB']); c.execute('SELECT 1 FROM sessions').fetchall(); os.kill(os.getpid(), signal.SIGKILL)"
        subprocess.run([*prefix, sys.executable, "-c", crash], env=dict(env, DB=str(db)), timeout=WAIT)
        shm = Path(str(db) + "-shm")
        assert shm.exists()
        shm.chmod(0o444)
        db.chmod(0o444)
        line = as_user("log", ids[1]).stderr.strip()
        assert str(db) in line and "read-only" in line
        db.chmod(0o600)  # the person fixes the file they were told about...
        proc = as_user("log", ids[1])
        assert (
            proc.returncode == 1 and str(shm) in proc.stderr and "chmod 600" in proc.stderr
        )  # ...and is told the next
        doctor = json.loads(as_user("doctor", "--json").stdout)
        assert any(f["status"] == "fail" and str(shm) in f["detail"] for f in doctor), doctor
        shm.chmod(0o600)
        assert as_user("log", ids[1]).returncode == 0
    finally:
        subprocess.run(["rm", "-rf", str(base)], check=False)


# --- 9. the terminal width --------------------------------------------------------------------

SCREENS = [("history",), ("streak",), ("report",), ("today",), ("routines", "list"), ("doctor",)]


@pytest.mark.parametrize("columns", ["0", "1", "19", "-5", "abc", "501", "99999999"])
def test_an_odd_width_is_taken_as_80_columns(run, ids, columns: str) -> None:
    run("log", ids[0], "--note", "a note long enough to wrap somewhere on a narrow screen, surely")
    runner = CliRunner()
    app = application()
    for screen in SCREENS:
        odd = runner.invoke(app, list(screen), env={"COLUMNS": columns})
        sane = runner.invoke(app, list(screen), env={"COLUMNS": "80"})
        assert odd.exit_code == sane.exit_code == 0, (screen, odd.stderr)
        assert odd.stdout.strip() and odd.stdout == sane.stdout, screen
    help_text = runner.invoke(app, ["log", "--help"], env={"COLUMNS": columns}).stdout
    assert help_text == runner.invoke(app, ["log", "--help"], env={"COLUMNS": "80"}).stdout
    assert len(help_text) < 20_000


# --- 10. import accepts only what log could have stored -------------------------------------


def _one_session(run, ids) -> dict:
    run("log", ids[0], ids[1], "--pain-before", "3", "--date", "2026-11-20")
    data = json.loads(run("export").stdout)
    run("undo")
    return data


BAD_IMPORTS = {
    "a session in 2027": ({"date": "2027-01-05", "logged_at": "2027-01-05T10:00:00+01:00"}, "in the future"),
    "a session in 9999": ({"date": "9999-12-30", "logged_at": "9999-12-30T10:00:00+01:00"}, "out of range"),
    "a moment later today": ({"date": "2026-11-27", "logged_at": "2026-11-27T23:00:00+01:00"}, "in the future"),
    "a date not the day of its moment": ({"date": "2026-11-10"}, "not the day of its moment"),
    "practices longer than the session": (
        {"practice_seconds": [86_000, 1441], "seconds": 150},
        "more than the session",
    ),
    "a session over a day": ({"seconds": 100_000, "practice_seconds": []}, "at most 86,400"),
    "201 practices": ({"practices": ["neck-trap-knead"] * 201, "practice_seconds": []}, "at most 200"),
}


@pytest.mark.parametrize("case", list(BAD_IMPORTS))
def test_import_refuses_a_session_log_could_not_have_stored(run, ids, home, tmp_path, case: str) -> None:
    data = _one_session(run, ids)
    changes, words = BAD_IMPORTS[case]
    good = dict(data["sessions"][0], id=str(uuid.uuid4()))
    bad = dict(data["sessions"][0], id=str(uuid.uuid4()), **changes)
    data["sessions"] = [good, bad]
    data["flags"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    run("log", ids[2], "--note", "mine")
    before = run.json("history")
    line = run.fails("import", str(path))
    assert str(path) in line and "sessions[1]" in line and words in line
    assert run.json("history") == before
    # --skip-invalid imports the rest and lists what it left out.
    result = run("import", "--skip-invalid", str(path))
    assert "imported 1 sessions" in result.stdout and "1 skipped" in result.stdout
    assert "skipped sessions[1]" in result.stderr and bad["id"] in result.stderr and words in result.stderr
    assert {s["id"] for s in run.json("history")} == {before[0]["id"], good["id"]}


@pytest.mark.parametrize(
    ("version", "words"),
    [
        ("0", "not one selfcare ever wrote"),
        ("-5", "not one selfcare ever wrote"),
        ("1.0", "whole number"),
        ("NaN", "not a number JSON allows"),
        ('"1"', "whole number"),
        ("2", "newer"),
    ],
)
def test_an_export_version_selfcare_never_wrote_is_named_as_such(run, tmp_path, version: str, words: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text('{"format": "selfcare-log", "version": ' + version + ', "sessions": []}')
    line = run.fails("import", str(path))
    assert words in line
    if version != "2":
        assert "newer" not in line


def test_duplicate_rest_days_in_one_file_are_refused(run, tmp_path) -> None:
    path = tmp_path / "rests.json"
    path.write_text(json.dumps({"sessions": [], "rest_days": [{"date": "2026-11-20"}, {"date": "2026-11-20"}]}))
    line = run.fails("import", str(path))
    assert "rest_days[1].date" in line and "appears twice" in line
    assert run.json("streak")["total_days"] == 0


def test_duplicate_keys_in_an_import_are_refused(run, ids, tmp_path) -> None:
    text = run("export").stdout
    path = tmp_path / "dup.json"
    path.write_text(text.replace('"version": 1,', '"version": 1, "version": 1,'))
    assert "appears twice" in run.fails("import", str(path))


def test_an_import_streams_whatever_the_chunks(run, ids, tmp_path, monkeypatch) -> None:
    """The reader sees the file a chunk at a time; values cut anywhere read the same."""
    for n, note in enumerate(["é" * 3, "日本語", "plain", None]):
        args = ["log", ids[n], "--date", f"2026-11-2{n}", "--pain-before", "8", "--pain-after", "9"]
        run(*args, *(["--note", note] if note else []))
    run("rest", "--date", "2026-11-25", "--reason", "ill")
    path = tmp_path / "backup.json"
    run("export", "--output", str(path))
    whole = transfer.read_import(path)
    for chunk in (1, 2, 3, 5, 64, 4096):
        monkeypatch.setattr(transfer, "CHUNK", chunk)
        assert transfer.read_import(path) == whole, chunk


def test_one_item_larger_than_any_session_is_refused(run, tmp_path) -> None:
    path = tmp_path / "big.json"
    path.write_text('{"sessions": [{"note": "' + "x" * (transfer.MAX_ITEM_BYTES + 10) + '"}]}')
    assert "longer than 1 MiB" in run.fails("import", str(path))


# --- 11. a log cut short --------------------------------------------------------------------


def test_a_log_cut_short_by_one_byte_is_named_by_doctor_and_takes_no_writes(run, ids, home: Path) -> None:
    run("log", ids[0])
    db = home / "selfcare.db"
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size - 1)
    before = db.read_bytes()
    doctor = _doctor(run)
    assert any(f["status"] == "fail" and "cut short" in f["detail"] for f in doctor), doctor
    line = run.fails("log", ids[1])
    assert str(db) in line and "damaged" in line
    assert db.read_bytes() == before


# --- 12. stored values reach the terminal as plain text --------------------------------------

LINK = "[link=https://evil.example]click[/link]"


def test_stored_values_are_plain_text_on_a_terminal(run, ids, home: Path) -> None:
    run("log", ids[0])
    conn = sqlite3.connect(home / "selfcare.db")
    with conn:
        conn.execute("UPDATE sessions SET day = ?, id = ?", (LINK, "[link=x]"))
    conn.close()
    runner = CliRunner()
    result = runner.invoke(application(), ["history"], env={"COLUMNS": "120", "TTY_COMPATIBLE": "1"})
    assert result.exit_code == 0, result.stderr
    assert "\x1b]8" not in result.stdout
    assert "[link=x]" in result.stdout and "[link=http" in result.stdout  # shown as typed


# --- low: the smaller cases ----------------------------------------------------------------


def test_a_time_the_clocks_skip_is_refused(run, ids) -> None:
    line = run.fails("log", ids[0], "--date", "2026-03-29T02:30")  # Paris moves from 02:00 to 03:00
    assert "does not exist" in line
    run("log", ids[0], "--date", "2026-03-29T03:30")
    assert run.json("history")[0]["logged_at"] == "2026-03-29T03:30:00+02:00"


def test_a_moment_in_the_future_is_refused_whatever_its_offset(run, ids) -> None:
    line = run.fails("log", ids[0], "--date", "2026-11-27T08:00-11:00")  # 19:00 UTC; it is 08:00 UTC
    assert "in the future" in line
    run("log", ids[0], "--date", "2026-11-27T08:00+01:00")


@pytest.mark.parametrize("word", ["TODAY", "Today", "YESTERDAY"])
def test_date_words_in_any_case(run, ids, word: str) -> None:
    run("log", ids[0], "--date", word)
    run("rest", "--date", word)
    run("today", "--date", word)


def test_day_starts_at_takes_ascii_digits_only(run, home: Path) -> None:
    assert "time like 04:00" in run.fails("profile", "set", "day_starts_at", "04:5٩")
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text('day_starts_at: "04:5٩"\n')
    assert "day_starts_at" in run.fails("today")


def _hear_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_in_an_ordinary_command_says_so(home: Path) -> None:
    proc = subprocess.Popen(
        [*CLI, "profile", "setup"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A test run started in the background (`pytest &`) has SIGINT ignored, and a child
        # keeps that, as nohup intends; this child must hear the Ctrl-C a person would send.
        preexec_fn=_hear_ctrl_c,
    )
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + WAIT
    while b"Which areas" not in seen:  # wait until it asks, however long that takes
        assert time.monotonic() < deadline and proc.poll() is None, seen
        seen += os.read(proc.stdout.fileno(), 4096)
    proc.send_signal(signal.SIGINT)
    # Its input stays open until it has ended: the Ctrl-C, not an end of input, must be what ends it
    # (closing stdin at once races with the signal on a busy machine).
    proc.wait(timeout=WAIT)
    assert proc.stderr is not None and proc.stdin is not None
    err = proc.stderr.read()
    proc.stdin.close()
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == 130
    assert err.decode().strip() == "selfcare: stopped (Ctrl-C)"


@pytest.mark.parametrize(
    "args",
    [
        ("log", "no-such-practice"),
        ("log", "--pro", "nobody", "--minutes", "5"),
        ("undo",),
        ("history", "delete", "abcdef12"),
        ("rest", "--date", "garbage"),
        ("today", "--area", "elbow"),
        ("streak", "--as-of", "garbage"),
        ("import", "missing.json"),
        ("export", "--format", "xml"),
    ],
)
def test_a_failing_command_on_a_fresh_install_leaves_nothing_behind(run, home: Path, args) -> None:
    run.fails(*args)
    assert not home.exists() or not any(home.rglob("*")), sorted(home.rglob("*"))


def test_a_lock_held_by_another_program_is_not_blamed_on_selfcare(run, ids, home: Path, monkeypatch) -> None:
    run("log", ids[0])
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 100)
    other = sqlite3.connect(home / "selfcare.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        line = run.fails("log", ids[1], code=1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "another program" in line and "another selfcare;" not in line


def test_a_300_character_name_gets_one_line(run, ids, tmp_path, monkeypatch) -> None:
    long_name = tmp_path / ("x" * 300)
    line = run.fails("export", "--output", str(long_name), code=1)
    assert "too long" in line.lower() and "unexpected" not in line
    monkeypatch.setenv("SELFCARE_HOME", str(long_name))
    for args in (["log", ids[0]], ["history"], ["today"]):
        line = run.fails(*args, code=1)
        assert "too long" in line.lower() and "unexpected" not in line
    doctor = run("doctor", code=1)
    assert "too long" in doctor.stdout.lower() and doctor.stderr == ""


@pytest.mark.parametrize("version", [-(2**31), -1])
def test_a_negative_schema_version_is_named(run, ids, home: Path, version: int) -> None:
    run("log", ids[0])
    conn = sqlite3.connect(home / "selfcare.db")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    line = run.fails("history")
    assert f"schema version {version}" in line and "unexpected" not in line
    assert any(f["status"] == "fail" and f"schema version {version}" in f["detail"] for f in _doctor(run))


def test_a_newline_in_the_home_path_keeps_doctor_to_one_line_a_finding(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SELFCARE_HOME", str(tmp_path / "two\nlines"))
    run("log", "--pro", "doctor", "--minutes", "5")
    out = CliRunner().invoke(application(), ["doctor"], env={"COLUMNS": "500"}).stdout
    findings = run.json("doctor")
    assert len(out.strip().splitlines()) == len(findings)
    assert all(line.split()[0] in ("ok", "warn", "fail") for line in out.strip().splitlines())


# --- a property: whatever the program accepted, its backup restores ---------------------------

TODAY = date(2026, 11, 27)
RATING = st.one_of(st.none(), st.integers(0, 10))
logs = st.tuples(
    st.just("log"),
    st.integers(0, 200),  # which practices (an index into the library)
    st.one_of(st.integers(1, 3), st.sampled_from([161, 201])),  # how many: a few, or more than a session may hold
    st.one_of(st.none(), st.integers(0, 60)),  # days back (None: now)
    st.integers(0, 23),  # the hour
    st.tuples(RATING, RATING, RATING, RATING),
    st.one_of(st.none(), st.sampled_from(["ok", "[bold]x[/]", 'a "quote"', "two\nlines", "é日本"])),
    st.one_of(st.none(), st.sampled_from(["physiotherapist", "massage-therapist"])),
)
rests = st.tuples(st.just("rest"), st.integers(-30, 60), st.one_of(st.none(), st.sampled_from(["ill", "away"])))
undos = st.tuples(st.just("undo"))
edits = st.tuples(
    st.just("edit"),
    st.integers(0, 20),  # which session (from the newest)
    st.one_of(st.none(), st.integers(1, 700)),  # minutes (more than a session may hold at the top)
    RATING,
    st.one_of(st.none(), st.sampled_from(["", "corrected", "x" * 3000])),
    st.one_of(st.none(), st.integers(0, 60)),  # days back for a new date
)
unrests = st.tuples(st.just("unrest"), st.integers(-30, 60))
operations = st.lists(st.one_of(logs, logs, rests, undos, edits, unrests), min_size=1, max_size=10)


def _apply(run: Run, op: tuple, practices: list[str]) -> None:
    """Run one operation; the program may refuse it (exit 2), which is part of the property."""
    if op[0] == "log":
        _, first, count, back, hour, ratings, note, pro = op
        args = ["log", *[practices[(first + n) % len(practices)] for n in range(count)]]
        if back is not None:
            args += ["--date", f"{TODAY - timedelta(days=back)}T{hour:02d}:15"]
        for flag, value in zip(
            ("--pain-before", "--pain-after", "--stress-before", "--stress-after"), ratings, strict=True
        ):
            if value is not None:
                args += [flag, str(value)]
        if note:
            args += ["--note", note]
        if pro:
            args += ["--pro", pro]
    elif op[0] == "rest":
        args = ["rest", "--date", str(TODAY - timedelta(days=op[1]))]
        if op[2]:
            args += ["--reason", op[2]]
    elif op[0] == "edit":
        _, which, minutes, pain, note, back = op
        ids = [s["id"] for s in run.json("history")]
        args = ["history", "edit", ids[which % len(ids)] if ids else "ffffffff"]
        if minutes is not None:
            args += ["--minutes", str(minutes)]
        if pain is not None:
            args += ["--pain-after", str(pain)]
        if note is not None:
            args += ["--note", note]
        if back is not None:
            args += ["--date", str(TODAY - timedelta(days=back))]
    elif op[0] == "unrest":
        args = ["rest", "--remove", "--date", str(TODAY - timedelta(days=op[1]))]
    else:
        args = ["undo"]
    result = run(*args, code=None)
    assert result.exit_code in (0, 2), (args, result.stderr)


def _views(run: Run) -> tuple:
    return (
        _without_source(run.json("history")),
        run.json("streak"),
        run.json("report", "--days", "90"),
        run("history").stdout,
    )


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_whatever_was_accepted_exports_and_imports_the_same(ops, tmp_path_factory, monkeypatch) -> None:
    run = Run()
    base = tmp_path_factory.mktemp("prop")
    monkeypatch.setenv("SELFCARE_HOME", str(base / "a"))
    practices = [p["id"] for p in run.json("routines", "list")]
    for op in ops:
        _apply(run, op, practices)
    backup = base / "backup.json"
    exported = run("export", "--output", str(backup))
    assert "left out" not in exported.stderr  # nothing the program accepted is refused by import
    before = _views(run)
    monkeypatch.setenv("SELFCARE_HOME", str(base / "b"))
    imported = run("import", str(backup))
    assert imported.stderr == ""
    assert _views(run) == before
