"""Reminders through the operating system's own scheduler, for the current user only.

No daemon of our own: each reminder becomes an entry in a scheduler the
person already has, which runs `selfcare nudge --quiet` at its times.

- systemd (where a systemd user manager runs): `selfcare-remind-KIND.timer`
  and `.service` in `$XDG_CONFIG_HOME/systemd/user` (`~/.config/systemd/user`),
  enabled and started with `systemctl --user`.
- launchd (macOS): `~/Library/LaunchAgents/selfcare.remind.KIND.plist`,
  loaded with `launchctl bootstrap gui/UID`.
- cron (the fallback): a comment line naming the reminder, then its lines, in
  the user's own crontab (`crontab -l` / `crontab -`).

What was installed (the files, or the exact crontab lines) is recorded in
`reminders.json` in the data folder; `remind off` removes exactly that and
nothing else, and leaves every other timer, agent or crontab line as it was.
One reminder of each kind: setting one again replaces it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EnvironmentFault, SelfcareError
from .habit import WEEKDAYS, Reminder, days_words
from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import TypeAlias

    Runner: TypeAlias = Callable[..., subprocess.CompletedProcess[str]]

MANIFEST_VERSION = 1
# The variables that decide where selfcare's files are: a scheduled nudge must see the same ones.
PATH_VARIABLES = ("SELFCARE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")
TIMEOUT = 30  # seconds for one scheduler command


class Installed(NamedTuple):
    reminder: Reminder
    scheduler: str  # "systemd" | "launchd" | "cron"
    where: tuple[str, ...]  # files written, or crontab lines added

    def to_dict(self) -> dict[str, Any]:
        return {"reminder": self.reminder.to_dict(), "scheduler": self.scheduler, "where": list(self.where)}


class Job(NamedTuple):
    """What a scheduler is asked to run: the command and the variables it needs."""

    command: tuple[str, ...]
    env: tuple[tuple[str, str], ...]


def job(python: str, environ: Mapping[str, str]) -> Job:
    """`python -m selfcare nudge --quiet`, with the path variables set now (a scheduler starts with few)."""
    env = tuple((k, environ[k]) for k in PATH_VARIABLES if environ.get(k))
    for _, value in env:
        if "\n" in value or "\r" in value:
            raise SelfcareError("a path variable holds a line break; a scheduler entry cannot carry it")
    return Job((python, "-m", "selfcare", "nudge", "--quiet"), env)


def describe(reminder: Reminder) -> str:
    """'at 08:30 on mon-fri', 'every 60 min between 09:00-17:00 (8 times a day)', 'evening 20:00'."""
    days = "" if reminder.days == tuple(range(7)) else f" on {days_words(reminder.days)}"
    if reminder.kind == "every":
        n = len(reminder.times)
        return (
            f"every {reminder.every} min between {reminder.between}{days} "
            f"({n} time{'s' if n != 1 else ''} a day, from {reminder.times[0]})"
        )
    return f"{reminder.kind} {reminder.times[0]}{days}"


def _run(run: Runner, args: Sequence[str], what: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return run(list(args), input=stdin, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except FileNotFoundError:
        raise EnvironmentFault(f"{args[0]} is not installed; cannot {what}") from None
    except subprocess.TimeoutExpired:
        raise EnvironmentFault(f"'{' '.join(args)}' did not answer within {TIMEOUT} s; cannot {what}") from None


def _failed(proc: subprocess.CompletedProcess[str], args: Sequence[str]) -> EnvironmentFault:
    detail = (proc.stderr or proc.stdout or "").strip().splitlines()
    return EnvironmentFault(f"'{' '.join(args)}' failed: {detail[-1] if detail else f'exit {proc.returncode}'}")


# --- cron ---------------------------------------------------------------------


class Cron:
    """The user's crontab. `user` is for tests run as root on a throwaway user (crontab -u)."""

    name = "cron"

    def __init__(self, user: str | None = None, run: Runner = subprocess.run) -> None:
        self.user = user
        self.run = run

    def _args(self, *rest: str) -> list[str]:
        return ["crontab", *(["-u", self.user] if self.user else []), *rest]

    def where(self) -> str:
        return f"the crontab of {self.user}" if self.user else "your crontab (crontab -l)"

    def read(self) -> str:
        args = self._args("-l")
        proc = _run(self.run, args, "read the crontab")
        if proc.returncode != 0:
            if "no crontab" in (proc.stderr or "").lower():
                return ""
            raise _failed(proc, args)
        return proc.stdout

    def write(self, text: str) -> None:
        args = self._args("-")
        proc = _run(self.run, args, "write the crontab", stdin=text)
        if proc.returncode != 0:
            raise _failed(proc, args)

    def lines(self, reminder: Reminder, job: Job) -> tuple[str, ...]:
        """A comment naming the reminder, then one line per minute of the hour it fires at."""
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in job.env)
        command = " ".join(shlex.quote(c) for c in job.command)
        # In a crontab, % ends the command unless escaped.
        run = ((env + " ") if env else "") + command
        run = run.replace("%", "\\%")
        dow = "*" if reminder.days == tuple(range(7)) else ",".join(str((d + 1) % 7) for d in reminder.days)
        by_minute: dict[int, list[int]] = {}
        for clock in reminder.times:
            hour, minute = (int(x) for x in clock.split(":"))
            by_minute.setdefault(minute, []).append(hour)
        out = [f"# selfcare reminder: {describe(reminder)} (remove with 'selfcare remind off')"]
        for minute in sorted(by_minute):
            hours = ",".join(str(h) for h in sorted(by_minute[minute]))
            out.append(f"{minute} {hours} * * {dow} {run}")
        return tuple(out)

    def install(self, reminder: Reminder, job: Job, replacing: Installed | None) -> Installed:
        text = self.read()
        kept = _without(text, replacing.where) if replacing and replacing.scheduler == self.name else text
        added = self.lines(reminder, job)
        if kept and not kept.endswith("\n"):
            kept += "\n"
        self.write(kept + "\n".join(added) + "\n")
        return Installed(reminder, self.name, added)

    def remove(self, installed: Installed) -> None:
        text = self.read()
        kept = _without(text, installed.where)
        if kept != text:
            self.write(kept)

    def present(self, installed: Installed) -> bool:
        have = self.read().splitlines()
        return all(line in have for line in installed.where)


def _without(text: str, lines: Sequence[str]) -> str:
    """`text` with the first occurrence of each of `lines` taken out, everything else byte for byte."""
    wanted = list(lines)
    out = []
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\n")
        if bare in wanted:
            wanted.remove(bare)
            continue
        out.append(line)
    return "".join(out)


# --- systemd --------------------------------------------------------------------


def _systemd_word(word: str, *, command: bool) -> str:
    """One quoted word of ExecStart= (command) or Environment=: %, and in a command $, kept literal."""
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    if command:
        escaped = escaped.replace("$", "$$")
    return f'"{escaped}"'


class Systemd:
    """A user timer and its service, in the user's own unit folder."""

    name = "systemd"

    def __init__(self, unit_dir: Path, run: Runner = subprocess.run) -> None:
        self.unit_dir = unit_dir
        self.run = run

    def where(self) -> str:
        return str(self.unit_dir)

    @staticmethod
    def unit(kind: str) -> str:
        return f"selfcare-remind-{kind}"

    def units(self, reminder: Reminder, job: Job) -> dict[str, str]:
        """File name -> text of the .timer and .service."""
        name = self.unit(reminder.kind)
        days = "" if reminder.days == tuple(range(7)) else ",".join(WEEKDAYS[d].title() for d in reminder.days) + " "
        calendars = "".join(f"OnCalendar={days}*-*-* {t}:00\n" for t in reminder.times)
        env = "".join(f"Environment={_systemd_word(f'{k}={v}', command=False)}\n" for k, v in job.env)
        service = (
            "[Unit]\n"
            "Description=selfcare nudge: a reminder, only when one is still needed\n"
            "\n[Service]\n"
            "Type=oneshot\n"
            f"{env}"
            f"ExecStart={' '.join(_systemd_word(c, command=True) for c in job.command)}\n"
        )
        timer = (
            "[Unit]\n"
            f"Description=selfcare reminder: {describe(reminder)}\n"
            "\n[Timer]\n"
            f"{calendars}"
            "AccuracySec=1min\n"
            f"Unit={name}.service\n"
            "\n[Install]\n"
            "WantedBy=timers.target\n"
        )
        return {f"{name}.service": service, f"{name}.timer": timer}

    def _systemctl(self, *args: str, check: bool = True) -> None:
        full = ["systemctl", "--user", *args]
        proc = _run(self.run, full, "reach the systemd user manager")
        if check and proc.returncode != 0:
            raise _failed(proc, full)

    def install(self, reminder: Reminder, job: Job, replacing: Installed | None) -> Installed:
        from .paths import atomic_write

        written = []
        for file, text in self.units(reminder, job).items():
            path = self.unit_dir / file
            atomic_write(path, text)
            written.append(str(path))
        self._systemctl("daemon-reload")
        # enable for the next log-in, restart so that a replaced timer takes its new times now
        self._systemctl("enable", f"{self.unit(reminder.kind)}.timer")
        self._systemctl("restart", f"{self.unit(reminder.kind)}.timer")
        return Installed(reminder, self.name, tuple(written))

    def remove(self, installed: Installed) -> None:
        self._systemctl("disable", "--now", f"{self.unit(installed.reminder.kind)}.timer", check=False)
        _unlink(installed.where)
        self._systemctl("daemon-reload", check=False)

    def present(self, installed: Installed) -> bool:
        return all(Path(p).exists() for p in installed.where)


# --- launchd --------------------------------------------------------------------


class Launchd:
    """A launch agent in ~/Library/LaunchAgents."""

    name = "launchd"

    def __init__(self, agent_dir: Path, uid: int, run: Runner = subprocess.run) -> None:
        self.agent_dir = agent_dir
        self.uid = uid
        self.run = run

    def where(self) -> str:
        return str(self.agent_dir)

    @staticmethod
    def label(kind: str) -> str:
        return f"selfcare.remind.{kind}"

    def plist(self, reminder: Reminder, job: Job) -> bytes:
        import plistlib

        intervals: list[dict[str, int]] = []
        every_day = reminder.days == tuple(range(7))
        for clock in reminder.times:
            hour, minute = (int(x) for x in clock.split(":"))
            if every_day:
                intervals.append({"Hour": hour, "Minute": minute})
            else:  # launchd counts weekdays from Sunday = 0
                intervals += [{"Weekday": (d + 1) % 7, "Hour": hour, "Minute": minute} for d in reminder.days]
        agent: dict[str, Any] = {
            "Label": self.label(reminder.kind),
            "ProgramArguments": list(job.command),
            "StartCalendarInterval": intervals,
            "ProcessType": "Background",
        }
        if job.env:
            agent["EnvironmentVariables"] = dict(job.env)
        return plistlib.dumps(agent)

    def install(self, reminder: Reminder, job: Job, replacing: Installed | None) -> Installed:
        from .paths import atomic_write

        path = self.agent_dir / f"{self.label(reminder.kind)}.plist"
        atomic_write(path, self.plist(reminder, job))
        domain = f"gui/{self.uid}"
        _run(self.run, ["launchctl", "bootout", f"{domain}/{self.label(reminder.kind)}"], "unload the old agent")
        args = ["launchctl", "bootstrap", domain, str(path)]
        proc = _run(self.run, args, "load the agent")
        if proc.returncode != 0:
            raise _failed(proc, args)
        return Installed(reminder, self.name, (str(path),))

    def remove(self, installed: Installed) -> None:
        args = ["launchctl", "bootout", f"gui/{self.uid}/{self.label(installed.reminder.kind)}"]
        _run(self.run, args, "unload the agent")
        _unlink(installed.where)

    def present(self, installed: Installed) -> bool:
        return all(Path(p).exists() for p in installed.where)


def _unlink(paths: Sequence[str]) -> None:
    for p in paths:
        try:
            Path(p).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise EnvironmentFault(f"cannot remove {p}: {exc.strerror}") from None


Scheduler = Cron | Systemd | Launchd

NO_SCHEDULER = (
    "no scheduler for reminders here: no systemd user manager, no launchd and no crontab; "
    "install cron (e.g. 'apt install cron'), or run 'selfcare nudge' from a scheduler of your own"
)


def detect(
    environ: Mapping[str, str], platform: str, uid: int, home: Path, which: Callable[[str], str | None]
) -> Scheduler:
    """The user's scheduler: launchd on macOS, a systemd user manager where one runs, else cron."""
    if platform == "darwin" and which("launchctl"):
        return Launchd(home / "Library" / "LaunchAgents", uid)
    runtime = Path(environ.get("XDG_RUNTIME_DIR") or f"/run/user/{uid}")
    if which("systemctl") and (runtime / "systemd" / "private").exists():
        config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
        return Systemd(config / "systemd" / "user")
    if which("crontab"):
        return Cron()
    raise SelfcareError(NO_SCHEDULER)


def scheduler_for(installed: Installed, current: Scheduler | None) -> Scheduler:
    """The scheduler an entry was installed with (normally the current one)."""
    if current is not None and installed.scheduler == current.name:
        return current
    if installed.scheduler == "cron":
        return Cron()
    first = Path(installed.where[0]) if installed.where else Path()
    if installed.scheduler == "systemd":
        return Systemd(first.parent)
    return Launchd(first.parent, os.getuid())


# --- the record of what was installed -----------------------------------------------


def load(path: Path) -> list[Installed]:
    """The reminders installed, from reminders.json; none when it does not exist."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise SelfcareError(f"{path}: cannot be read as selfcare's list of reminders ({exc}); move it away") from None
    try:
        return [
            Installed(Reminder.from_dict(item["reminder"]), str(item["scheduler"]), tuple(item["where"]))
            for item in data["reminders"]
        ]
    except (KeyError, TypeError, SelfcareError) as exc:
        raise SelfcareError(f"{path}: is damaged ({exc}); move it away") from None


def save(path: Path, entries: list[Installed]) -> None:
    from .paths import atomic_write

    if not entries:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    data = {"version": MANIFEST_VERSION, "reminders": [e.to_dict() for e in entries]}
    atomic_write(path, json.dumps(data, indent=2) + "\n")


def add(path: Path, scheduler: Scheduler, reminder: Reminder, job: Job) -> Installed:
    """Install `reminder`, replacing one of the same kind; the record is updated only after success."""
    entries = load(path)
    old = next((e for e in entries if e.reminder.kind == reminder.kind), None)
    if old is not None and old.scheduler != scheduler.name:
        scheduler_for(old, scheduler).remove(old)
    installed = scheduler.install(reminder, job, old)
    save(path, [e for e in entries if e.reminder.kind != reminder.kind] + [installed])
    return installed


def remove(path: Path, scheduler: Scheduler | None, kind: str | None) -> list[Installed]:
    """Remove the reminders of `kind` (all when None); returns what was removed. The record
    follows each removal, so a failure part-way leaves it true of what is still installed."""
    entries = load(path)
    gone = [e for e in entries if kind is None or e.reminder.kind == kind]
    remaining = list(entries)
    for entry in gone:
        scheduler_for(entry, scheduler).remove(entry)
        remaining.remove(entry)
        save(path, remaining)
    return gone


def present(entry: Installed, scheduler: Scheduler | None) -> bool:
    """Whether the scheduler still has the entry (it may have been removed by hand)."""
    try:
        return scheduler_for(entry, scheduler).present(entry)
    except SelfcareError:
        return False
