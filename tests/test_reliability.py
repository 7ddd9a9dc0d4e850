"""Crashes, concurrency, damaged files, privacy and boundaries: the promises about a person's data."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import file_mode

IS_ROOT = os.geteuid() == 0


def _ids(run) -> list[str]:
    return [p["id"] for p in run.json("routines", "list")]


def _export(path: Path, count: int, ids: list[str], seed: int = 1) -> Path:
    rnd = random.Random(seed)
    sessions = []
    for n in range(count):
        day = date(2026, 11, 26) - timedelta(days=n % 3000)
        picks = rnd.sample(ids, 2)
        sessions.append(
            {
                "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                "date": day.isoformat(),
                "logged_at": f"{day.isoformat()}T18:00:00+01:00",
                "practices": picks,
                "practice_seconds": [60, 90],
                "seconds": 150,
                "pain_before": rnd.choice([None, 4]),
                "pain_after": None,
                "stress_before": None,
                "stress_after": None,
                "note": None,
                "pro": None,
            }
        )
    path.write_text(json.dumps({"format": "selfcare-log", "version": 1, "sessions": sessions, "rest_days": []}))
    return path


def _read_only(db: Path) -> sqlite3.Connection:
    """The log opened only to look: a test never creates or changes what it inspects."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def _sessions(db: Path) -> int:
    if not db.exists():
        return 0
    conn = _read_only(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
    except sqlite3.OperationalError:  # created but not yet migrated
        return 0
    finally:
        conn.close()


def _healthy(db: Path) -> None:
    conn = _read_only(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute(
            "SELECT COUNT(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM session_practices p WHERE p.session_id = s.id)"
        ).fetchone()[0]
        assert orphans == 0, "a session was stored without its practices"
    finally:
        conn.close()


def _wait_for(condition, what: str, procs=(), deadline: float = 180) -> None:
    """Poll until `condition()` holds; a generous deadline guards against a hang, never a measure of speed."""
    end = time.monotonic() + deadline
    while not condition():
        for proc in procs:
            assert proc.poll() is None or proc.returncode == 0, f"a process failed while waiting for {what}"
        assert time.monotonic() < end, f"gave up waiting for {what}"
        time.sleep(0.01)  # polling interval


CLI = [sys.executable, "-m", "selfcare"]


# --- crashes lose nothing ----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("wal_bytes", [64 * 1024, 4 << 20, 16 << 20])
def test_sigkill_during_an_import_of_100000_sessions_leaves_all_or_nothing(
    run, home: Path, tmp_path: Path, wal_bytes: int
) -> None:
    run("log", _ids(run)[0], "--note", "mine, before the import")
    big = _export(tmp_path / "big.json", 100_000, _ids(run))
    db = home / "selfcare.db"
    wal = db.with_name(db.name + "-wal")
    before = wal.stat().st_size if wal.exists() else 0
    proc = subprocess.Popen([*CLI, "import", str(big)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Kill once the import's transaction has written this much (or it has ended): inside it, whatever the speed.
    _wait_for(
        lambda: proc.poll() is not None or (wal.exists() and wal.stat().st_size >= before + wal_bytes),
        "the import to write",
    )
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    count = _sessions(db)
    assert count in (1, 100_001), count
    _healthy(db)
    assert run.json("history", "--days", "1")[0]["note"] == "mine, before the import"
    # An interrupted import can simply be run again.
    run("import", str(big))
    assert _sessions(db) == 100_001


@pytest.mark.slow
def test_sigkill_while_logging_under_load_never_half_writes(run, home: Path) -> None:
    ids = _ids(run)
    script = (
        "import sys\nfrom selfcare.cli import application\napp = application()\n"
        "for i in range(100000):\n"
        "    try:\n"
        f"        app(['log', {ids[0]!r}, {ids[1]!r}, {ids[2]!r}, '--note', str(i)])\n"
        "    except SystemExit as e:\n"
        "        if e.code: raise\n"
    )
    db = home / "selfcare.db"
    for round_ in range(4):
        procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL) for _ in range(3)]
        # Kill while they write: once this round has stored a few sessions, however long that takes.
        start = _sessions(db)
        _wait_for(
            lambda start=start, round_=round_: _sessions(db) >= start + 3 + 2 * round_, "sessions to be logged", procs
        )
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
        for proc in procs:
            proc.wait()
        _healthy(db)
        conn = _read_only(db)
        try:
            partial = conn.execute(
                "SELECT COUNT(*) FROM sessions s WHERE (SELECT COUNT(*) FROM session_practices p WHERE p.session_id = s.id) != 3"
            ).fetchone()[0]
        finally:
            conn.close()
        assert partial == 0
    assert _sessions(db) > 0
    assert run.json("streak")["done_today"] is True


# --- concurrency -------------------------------------------------------------------


@pytest.mark.slow
def test_eight_loggers_an_importer_and_a_reporter_at_once(run, home: Path, tmp_path: Path) -> None:
    ids = _ids(run)
    run("log", ids[0])  # the log exists before the crowd arrives
    batch = _export(tmp_path / "batch.json", 5_000, ids, seed=7)
    logger = (
        "import sys\nfrom selfcare.cli import application\napp = application()\n"
        "for i in range(25):\n"
        "    try:\n"
        f"        app(['log', {ids[1]!r}, '--note', sys.argv[1] + '-' + str(i)])\n"
        "    except SystemExit as e:\n"
        "        if e.code: raise\n"
    )
    reporter = (
        "from selfcare.cli import application\napp = application()\n"
        "for i in range(15):\n"
        "    try:\n"
        "        app(['report', '--json'])\n"
        "    except SystemExit as e:\n"
        "        if e.code: raise\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", logger, str(n)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for n in range(8)
    ]
    procs.append(subprocess.Popen([*CLI, "import", str(batch)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    procs.append(subprocess.Popen([sys.executable, "-c", reporter], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    errors = [p.communicate(timeout=600)[1].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert not any("locked" in e or "busy" in e for e in errors), errors
    assert _sessions(home / "selfcare.db") == 1 + 8 * 25 + 5_000
    _healthy(home / "selfcare.db")


# --- damaged files -----------------------------------------------------------------


def _user_routines(home: Path) -> Path:
    folder = home / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("kind", ["folder", "fifo", "dangling link", "not utf-8", "unreadable"])
def test_a_routines_folder_with_an_unreadable_file(run, home: Path, kind: str) -> None:
    bad = _user_routines(home) / "bad.yaml"
    if kind == "folder":
        bad.mkdir()
        words = "is a folder"
    elif kind == "fifo":
        os.mkfifo(bad)
        words = "not a regular file"
    elif kind == "dangling link":
        bad.symlink_to(home / "routines" / "gone.yaml")
        words = "no such file"
    elif kind == "not utf-8":
        bad.write_bytes(b"practices: \xff\xfe\n")
        words = "not UTF-8"
    else:
        if IS_ROOT:
            pytest.skip("root reads files whatever their mode; the other kinds cover unreadable files here")
        bad.write_text("practices: []\n")
        bad.chmod(0)
        words = "permission denied"
    # Not input to the command: named in one warning line, skipped, and the command goes on.
    for args in (["today"], ["routines", "list"]):
        result = run(*args)
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        assert len(warnings) == 1 and str(bad) in warnings[0] and words in warnings[0]
        assert result.stdout.strip()
    assert any(status == "warn" and str(bad) in detail for status, detail in _doctor(run))
    run.fails("routines", "validate", str(bad.parent))


def test_a_full_disk_is_an_environment_fault_and_loses_nothing(run, home: Path) -> None:
    ids = _ids(run)
    run("log", ids[0], "--note", "kept")
    run("profile", "set", "minutes", "10")
    before_db = (home / "selfcare.db").read_bytes()
    before_config = (home / "config.yaml").read_text()

    def tiny_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))  # any write past 64 bytes fails: a full disk

    for args in (
        ["log", ids[1], "--note", "x" * 1500],
        ["profile", "set", "minutes", "25"],
        ["import", str(home / "nope.json")],
    ):
        proc = subprocess.run([*CLI, *args], capture_output=True, text=True, preexec_fn=tiny_files)
        if args[0] == "import":
            assert proc.returncode == 2  # the missing file is named first
            continue
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert "space" in proc.stderr or "cannot write" in proc.stderr
    assert (home / "config.yaml").read_text() == before_config
    assert [s["note"] for s in run.json("history")] == ["kept"]
    del before_db


def test_a_data_folder_that_is_a_file_is_named(run, tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SELFCARE_HOME", str(blocker / "home"))
    line = run.fails("log", "--pro", "doctor", "--minutes", "5", code=1)
    assert str(blocker) in line
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(IS_ROOT, reason="root can write to read-only folders")
def test_a_read_only_data_folder(run, home: Path) -> None:
    run("log", _ids(run)[0])
    home.chmod(0o500)
    try:
        line = run.fails("log", _ids(run)[1], code=1)
        assert "read-only" in line or "cannot" in line
    finally:
        home.chmod(0o700)


def _doctor(run) -> list[tuple[str, str]]:
    result = run("doctor", "--json", code=None)
    return [(f["status"], f["detail"]) for f in json.loads(result.stdout)]


def test_doctor_reports_a_healthy_install_and_each_problem(run, home: Path) -> None:
    run("profile", "set", "minutes", "10")
    run("log", _ids(run)[0])
    found = run.json("doctor")
    assert {f["check"] for f in found} >= {"config folder", "data folder", "profile", "log", "routines"}
    assert all(f["status"] == "ok" for f in found), found
    log = next(f for f in found if f["check"] == "log")
    from selfcare.store import VERSION

    assert f"schema version {VERSION} of {VERSION}" in log["detail"] and "1 sessions" in log["detail"]
    (home / "selfcare.db").chmod(0o644)
    assert any(s == "warn" and "chmod 600" in d for s, d in _doctor(run))
    (home / "selfcare.db").chmod(0o600)
    (home / "config.yaml").write_text("minutes: [\n")
    result = run("doctor", code=1)
    assert "config.yaml" in result.stdout and "fail" in result.stdout


# --- privacy -----------------------------------------------------------------------


def test_every_file_and_folder_created_is_private_even_with_umask_0(home: Path, tmp_path: Path) -> None:
    outside = tmp_path / "out"
    script = f"""
import os, sys
os.umask(0)
from selfcare.cli import application
app = application()
def run(*args):
    try:
        app(list(args))
    except SystemExit as e:
        assert not e.code, (args, e.code)
run("profile", "setup", "--areas", "neck", "--goals", "stress", "--minutes", "5", "--days-per-week", "5", "--conditions", "none", "--day-starts-at", "04:00")
run("today")
run("log", "--pro", "physiotherapist", "--minutes", "30", "--note", "private")
run("rest", "--date", "yesterday")
run("export", "--output", {str(outside / "deep" / "backup.json")!r})
run("export", "--format", "csv", "--output", {str(outside / "backup.csv")!r})
run("report", "--for-therapist", "--output", {str(outside / "therapist.md")!r})
os.environ["SELFCARE_HOME"] = {str(tmp_path / "second")!r}
run("import", {str(outside / "deep" / "backup.json")!r})
run("today")
"""
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    created = [home, tmp_path / "second", outside / "deep"]
    for root in created:
        for path in [root, *root.rglob("*")]:
            mode = file_mode(path)
            want = 0o700 if path.is_dir() else 0o600
            assert mode == want, f"{path} is {mode:o}, not {want:o}"
    for path in (outside / "backup.csv", outside / "therapist.md"):
        assert file_mode(path) == 0o600


def test_nothing_reaches_for_the_network(run, monkeypatch, tmp_path: Path) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("selfcare tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    ids = _ids(run)
    run("profile", "set", "areas", "neck,feet")
    for args in (
        ["today"],
        ["log", ids[0], "--pain-before", "4", "--pain-after", "2"],
        ["streak"],
        ["report"],
        ["history"],
        ["routines", "show", ids[0]],
        ["red-flags"],
        ["doctor"],
        ["export", "--output", str(tmp_path / "e.json")],
        ["import", str(tmp_path / "e.json")],
    ):
        run(*args)


# --- boundaries --------------------------------------------------------------------


def test_a_routine_file_cannot_run_code(run, home: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = _user_routines(home) / "evil.yaml"
    evil.write_text(
        f"practices: !!python/object/apply:os.system ['touch {marker}']\n"
        f"title: !!python/object/apply:subprocess.check_output [['touch', '{marker}']]\n"
    )
    errors = run("routines", "validate", str(evil), code=2).stderr.splitlines()
    assert errors[-1] == "selfcare: 2 problems in 1 of 1 file" and all(str(evil) in e for e in errors[:-1])
    assert str(evil) in run("today").stderr  # skipped, and named
    assert not marker.exists()


def test_import_reads_only_the_file_it_was_given(run, tmp_path: Path) -> None:
    ids = _ids(run)
    run("log", ids[0])
    good = tmp_path / "good.json"
    run("export", "--output", str(good))
    data = json.loads(good.read_text())
    data["sessions"][0]["note"] = "../../../etc/passwd"
    data["include"] = str(tmp_path / "other.json")
    data["sessions"][0]["id"] = str(uuid.uuid4())
    (tmp_path / "other.json").write_text("this file must never be read")
    (tmp_path / "other.json").chmod(0)  # reading it would fail loudly (for non-root users)
    shaped = tmp_path / "shaped.json"
    shaped.write_text(json.dumps(data))
    run("import", str(shaped))
    notes = [s["note"] for s in run.json("history")]
    assert "../../../etc/passwd" in notes  # kept as text, nothing opened


def test_export_never_overwrites_through_a_link_even_with_force(run, tmp_path: Path) -> None:
    run("log", _ids(run)[0])
    target = tmp_path / "precious.txt"
    target.write_text("precious")
    link = tmp_path / "backup.json"
    link.symlink_to(target)
    for force in ([], ["--force"]):
        assert "symbolic link" in run.fails("export", "--output", str(link), *force)
        assert target.read_text() == "precious"
        assert stat.S_ISLNK(os.lstat(link).st_mode)


# --- doctor only looks -------------------------------------------------------------


def _log_state(db: Path) -> tuple[int, str, bytes, list[str]]:
    """user_version, journal mode, bytes and the folder's files, read without opening the log
    (even a read-only connection would make -wal and -shm files)."""
    raw = db.read_bytes()
    version = int.from_bytes(raw[60:64], "big", signed=True)
    journal = "wal" if raw[18:20] == b"\x02\x02" else "rollback"
    return version, journal, raw, sorted(p.name for p in db.parent.iterdir())


def test_doctor_only_looks_at_an_older_log(run, home: Path) -> None:
    from selfcare import store

    home.mkdir(parents=True, exist_ok=True)
    db = home / "selfcare.db"
    conn = sqlite3.connect(db, isolation_level=None)
    store.migrate(conn, upto=1)  # a log as the first version left it (rollback journal, schema 1)
    conn.execute(
        "INSERT INTO sessions (id, day, logged_at, logged_ts, seconds, source) "
        "VALUES ('a', '2026-11-20', '2026-11-20T10:00:00+01:00', 0, 60, 'manual')"
    )
    conn.close()
    before = _log_state(db)
    found = run.json("doctor")
    log = next(f for f in found if f["check"] == "log")
    assert log["status"] == "ok" and "schema version 1 of" in log["detail"]
    assert "upgraded by the next command that opens the log" in log["detail"]
    assert _log_state(db) == before  # user_version, journal mode, every byte, and no -wal/-shm made


def test_doctor_only_looks_at_a_current_log(run, home: Path) -> None:
    run("log", _ids(run)[0])
    db = home / "selfcare.db"
    before = _log_state(db)
    assert before[1] == "wal" and before[3] == ["cache", "selfcare.db"]
    run("doctor")
    assert _log_state(db) == before
