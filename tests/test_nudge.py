"""`selfcare nudge`: the real notification path over a private D-Bus session bus."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from selfcare.nudge import read_state, state_file

SERVICE = Path(__file__).with_name("notification_service.py")
DEADLINE = 30.0  # seconds a condition may take on a busy machine


def wait_for_line(proc: subprocess.Popen[str], deadline: float) -> str:
    """The next line the process prints, waiting up to the deadline."""
    assert proc.stdout is not None
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, end - time.monotonic()))
        if ready:
            return proc.stdout.readline().strip()
        if proc.poll() is not None:
            break
    raise AssertionError(f"no line from {proc.args!r} within {deadline} s")


class Bus:
    def __init__(self, address: str, record: Path) -> None:
        self.address = address
        self.record = record

    def calls(self) -> list[dict[str, object]]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines()]


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def private_bus(tmp_path: Path) -> Iterator[str]:
    """A D-Bus session bus of our own (dbus-daemon --session), on a socket in tmp_path."""
    if not shutil.which("dbus-daemon"):
        pytest.skip("dbus-daemon is not installed (Debian: the dbus package)")
    pytest.importorskip("jeepney")
    socket = tmp_path / "bus"
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--address=unix:path={socket}", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        address = wait_for_line(daemon, DEADLINE)
        assert address.startswith("unix:path=")
        yield address
    finally:
        _stop(daemon)


@pytest.fixture
def notifications(private_bus: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bus]:
    """A recording org.freedesktop.Notifications service on the private bus; the bus is the session's."""
    record = tmp_path / "calls.jsonl"
    service = subprocess.Popen(
        [sys.executable, str(SERVICE), private_bus, str(record)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert wait_for_line(service, DEADLINE) == "ready"
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus)
        yield Bus(private_bus, record)
    finally:
        _stop(service)


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("SELFCARE_NOW", moment)


def profile(run) -> None:
    run(
        "profile",
        "setup",
        "--areas",
        "neck,shoulders",
        "--goals",
        "tension",
        "--minutes",
        "10",
        "--days-per-week",
        "7",
        "--conditions",
        "none",
        "--day-starts-at",
        "04:00",
    )


def test_one_notification_at_20_00_and_none_after_a_log(run, notifications: Bus, monkeypatch, home: Path) -> None:
    profile(run)
    at(monkeypatch, "2026-11-27T20:00:00+01:00")
    out = run("nudge").stdout
    assert out.startswith("nudged through the desktop's notification service")
    [call] = notifications.calls()
    assert call["app_name"] == "selfcare" and call["summary"] == "selfcare"
    body = str(call["body"])
    assert body.startswith("Today's routine is ready: ") and body.endswith("\nselfcare start")
    assert "this slot had its nudge already" in run("nudge").stdout  # never twice for one slot
    assert len(notifications.calls()) == 1

    at(monkeypatch, "2026-11-28T20:00:00+01:00")  # the next day: log first, then nothing to nudge
    run("log", "--minutes", "5")
    assert "today already counts" in run("nudge").stdout
    assert len(notifications.calls()) == 1


def test_the_evening_reminder_speaks_of_the_streak(run, notifications: Bus, monkeypatch, home: Path) -> None:
    profile(run)
    for day in ("2026-11-24", "2026-11-25", "2026-11-26"):
        run("log", "--minutes", "5", "--date", day)
    manifest = {
        "version": 1,
        "reminders": [
            {"reminder": {"kind": "evening", "times": ["20:00"], "days": "daily"}, "scheduler": "cron", "where": []}
        ],
    }
    (home / "reminders.json").write_text(json.dumps(manifest))
    at(monkeypatch, "2026-11-27T20:01:00+01:00")
    run("nudge", "--quiet")
    [call] = notifications.calls()
    assert str(call["body"]).startswith("3-day streak — ")
    assert str(call["body"]).endswith("of practice keeps it.\nselfcare start --minutes 3")
    assert read_state(state_file(home))["sent"] == ["2026-11-27T20:00 evening"]


def test_nothing_in_quiet_hours_or_on_a_rest_day(run, notifications: Bus, monkeypatch) -> None:
    profile(run)
    at(monkeypatch, "2026-11-27T22:15:00+01:00")
    assert "quiet hours (21:30-07:30)" in run("nudge").stdout
    at(monkeypatch, "2026-11-28T10:00:00+01:00")
    run("rest", "--reason", "ill")
    assert "rest day" in run("nudge").stdout
    assert notifications.calls() == []


def test_two_nudges_at_once_show_one_notification(run, notifications: Bus, monkeypatch) -> None:
    profile(run)
    run("routines", "list")  # the library cache, so both start alike
    env = dict(os.environ, SELFCARE_NOW="2026-11-27T19:00:00+01:00")
    command = [sys.executable, "-m", "selfcare", "nudge"]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(notifications.calls()) == 1
    assert sum("nudged through" in o for o in outs) == 1 and sum("had its nudge" in o for o in outs) == 1


def test_without_a_notification_service_the_line_waits_in_status(run, private_bus: str, monkeypatch, home) -> None:
    """A bus with no notification service on it: the nudge is left for the status line, exit 0."""
    profile(run)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus)
    at(monkeypatch, "2026-11-27T19:00:00+01:00")
    out = run("nudge").stdout
    assert out.startswith("no notification service: left for 'selfcare status'")
    line = run("status").stdout
    assert line.startswith("Today's routine is ready: ")
    assert "had its nudge" in run("nudge").stdout  # the fallback was this slot's nudge
    run("log", "--minutes", "5")
    assert run("status").stdout.startswith("✓ 5 min today")


def test_without_any_bus(run, monkeypatch, tmp_path: Path) -> None:
    profile(run)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "no-runtime"))
    at(monkeypatch, "2026-11-27T19:00:00+01:00")
    assert run("nudge").stdout.startswith("no notification service")


def test_dry_run_shows_and_records_nothing(run, notifications: Bus, monkeypatch, home: Path) -> None:
    profile(run)
    at(monkeypatch, "2026-11-27T19:00:00+01:00")
    assert run("nudge", "--dry-run").stdout.startswith("would nudge (2026-11-27 now): selfcare: Today's routine")
    assert notifications.calls() == [] and not state_file(home).exists()
