"""`selfcare remind`: entries in the user's own scheduler, and exactly those removed."""

from __future__ import annotations

import os
import plistlib
import pwd
import shutil
import site
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from selfcare import habit, remind

JOB = remind.Job((sys.executable, "-m", "selfcare", "nudge", "--quiet"), (("SELFCARE_HOME", "/tmp/a b%c$d"),))
REMINDERS = [
    habit.at("08:30", "mon-fri"),
    habit.at("20:00", kind="evening"),
    habit.every("45m", "09:00-17:00", "mon,wed,fri"),
]


@pytest.fixture(autouse=True)
def machine_crontab_untouched() -> Iterator[None]:
    """Whatever a test does, the crontab of the user running the tests stays as it was."""
    mine = shutil.which("crontab") and subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout
    yield
    assert (
        shutil.which("crontab") and subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout
    ) == mine


# --- systemd -----------------------------------------------------------------------


def verify(folder: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    """systemd-analyze verify, as the user manager would load the units (the system manager's
    parser when no user manager can be reached, as in a container)."""
    user = subprocess.run(
        ["systemd-analyze", "--user", "verify", *files], cwd=folder, capture_output=True, text=True, check=False
    )
    if "Failed to initialize manager" not in user.stderr and "RuntimeDirectory" not in user.stderr:
        return user
    return subprocess.run(
        ["systemd-analyze", "verify", *files], cwd=folder, capture_output=True, text=True, check=False
    )


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
@pytest.mark.parametrize("reminder", REMINDERS, ids=[r.kind for r in REMINDERS])
def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path, reminder: habit.Reminder) -> None:
    units = remind.Systemd(tmp_path).units(reminder, JOB)
    for name, text in units.items():
        (tmp_path / name).write_text(text)
    done = verify(tmp_path, sorted(units))
    assert done.returncode == 0, done.stderr
    assert not [line for line in done.stderr.splitlines() if "selfcare-remind" in line], done.stderr
    timer = units[f"selfcare-remind-{reminder.kind}.timer"]
    calendars = [line.split("=", 1)[1] for line in timer.splitlines() if line.startswith("OnCalendar=")]
    assert len(calendars) == len(reminder.times)
    for spec in calendars:  # each is a calendar systemd reads as the wall-clock times asked for
        shown = subprocess.run(["systemd-analyze", "calendar", spec], capture_output=True, text=True, check=True)
        assert "Next elapse" in shown.stdout


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_analyze_catches_a_broken_unit(tmp_path: Path) -> None:
    """The check above can fail: a unit with a calendar systemd cannot read does not pass."""
    units = remind.Systemd(tmp_path).units(REMINDERS[0], JOB)
    for name, text in units.items():
        (tmp_path / name).write_text(text.replace("Mon,Tue", "Mon,Tues"))
    assert verify(tmp_path, sorted(units)).returncode != 0


def test_systemd_keeps_percent_and_dollar_literal() -> None:
    service = remind.Systemd(Path("/x")).units(REMINDERS[1], JOB)["selfcare-remind-evening.service"]
    assert 'Environment="SELFCARE_HOME=/tmp/a b%%c$d"' in service
    assert f'ExecStart="{sys.executable}" "-m" "selfcare" "nudge" "--quiet"' in service


# --- launchd -----------------------------------------------------------------------


def test_launchd_agent_reads_back_with_plistlib() -> None:
    agent = remind.Launchd(Path("/Users/x/Library/LaunchAgents"), 501)
    weekdays = plistlib.loads(agent.plist(REMINDERS[0], JOB))
    assert weekdays["Label"] == "selfcare.remind.at"
    assert weekdays["ProgramArguments"] == list(JOB.command)
    assert weekdays["EnvironmentVariables"] == {"SELFCARE_HOME": "/tmp/a b%c$d"}
    # launchd counts weekdays from Sunday = 0: Monday to Friday are 1 to 5.
    assert weekdays["StartCalendarInterval"] == [{"Weekday": d, "Hour": 8, "Minute": 30} for d in range(1, 6)]
    daily = plistlib.loads(agent.plist(REMINDERS[1], remind.Job(JOB.command, ())))
    assert daily["StartCalendarInterval"] == [{"Hour": 20, "Minute": 0}]
    assert "EnvironmentVariables" not in daily
    breaks = plistlib.loads(agent.plist(REMINDERS[2], JOB))["StartCalendarInterval"]
    assert len(breaks) == 3 * len(REMINDERS[2].times) and {b["Weekday"] for b in breaks} == {1, 3, 5}


# --- cron, for a throwaway user -------------------------------------------------------


def can_make_users() -> str | None:
    if os.geteuid() != 0:
        return "needs root to create a throwaway user"
    for tool in ("useradd", "userdel", "crontab"):
        if not shutil.which(tool):
            return f"{tool} is not installed (Debian: the cron and passwd packages)"
    return None


@pytest.fixture
def throwaway() -> Iterator[pwd.struct_passwd]:
    """A user made for this test, with a home and a crontab of its own; removed afterwards."""
    why = can_make_users()
    if why:
        pytest.skip(why)
    name = f"sc{uuid.uuid4().hex[:10]}"
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True, capture_output=True)
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(["crontab", "-u", name, "-r"], capture_output=True, check=False)
        subprocess.run(["userdel", "--remove", name], capture_output=True, check=False)


def crontab_of(user: str) -> str:
    done = subprocess.run(["crontab", "-u", user, "-l"], capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else ""


THEIR_LINES = (
    "MAILTO=someone@example.org\n"
    "# their backup\n"
    "15 2 * * * /usr/bin/backup --all  # keep\n"
    "30 8 * * 1-5 echo 'not ours' > /dev/null\n"
)


def user_python(user: pwd.struct_passwd) -> tuple[str, str]:
    """(an interpreter the user may run, a PYTHONPATH holding selfcare and its packages).

    The test's own interpreter may live where other users cannot reach it (a
    pyenv build under /root); then a system Python of the same version runs
    the same packages.
    """
    import selfcare

    folders = [str(Path(selfcare.__file__).parent.parent), *site.getsitepackages()]
    pythonpath = os.pathsep.join(dict.fromkeys(folders))
    want = f"{sys.version_info[0]}.{sys.version_info[1]}"
    candidates = [sys.executable, f"/usr/bin/python{want}", f"/usr/local/bin/python{want}", "/usr/bin/python3"]
    for python in candidates:
        try:
            probe = subprocess.run(
                [python, "-c", "import sys, selfcare, typer, yaml; print('%d.%d' % sys.version_info[:2])"],
                user=user.pw_uid,
                group=user.pw_gid,
                extra_groups=[],
                env={"PYTHONPATH": pythonpath, "PATH": "/usr/bin:/bin"},
                cwd="/",
                capture_output=True,
                text=True,
                check=False,
            )
        except (PermissionError, FileNotFoundError):
            continue
        if probe.returncode == 0 and probe.stdout.strip() == want:
            return python, pythonpath
    pytest.skip(f"no Python {want} with selfcare's packages that user {user.pw_name} may run")


def as_user(user: pwd.struct_passwd, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The real CLI, run as the throwaway user with a bare environment, as cron would give it."""
    python, pythonpath = user_python(user)
    env = {
        "HOME": user.pw_dir,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "SELFCARE_HOME": str(home),
        "SELFCARE_NOW": "2026-11-27T09:00:00+01:00",
        "LANG": "C.UTF-8",
        "PYTHONPATH": pythonpath,
    }
    return subprocess.run(
        [python, "-m", "selfcare", *args],
        user=user.pw_uid,
        group=user.pw_gid,
        extra_groups=[],
        env=env,
        cwd=user.pw_dir,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def user_home(throwaway: pwd.struct_passwd) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="selfcare-remind-"))
    os.chown(folder, throwaway.pw_uid, throwaway.pw_gid)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_cron_round_trip_leaves_the_users_own_lines_alone(throwaway: pwd.struct_passwd, user_home: Path) -> None:
    name = throwaway.pw_name
    subprocess.run(["crontab", "-u", name, "-"], input=THEIR_LINES, text=True, check=True)
    before = crontab_of(name)
    assert "not ours" in before

    done = as_user(throwaway, "remind", "at", "08:30", home=user_home)
    assert done.returncode == 0, done.stderr
    assert "reminder set: at 08:30" in done.stdout
    done = as_user(throwaway, "remind", "evening", "20:00", "--days", "mon-fri", home=user_home)
    assert done.returncode == 0, done.stderr
    installed = crontab_of(name)
    assert installed.startswith(before)
    ours = installed[len(before) :].splitlines()
    assert ours[0].startswith("# selfcare reminder: at 08:30")
    python, _ = user_python(throwaway)
    assert ours[1] == f"30 8 * * * SELFCARE_HOME={user_home} {python} -m selfcare nudge --quiet"
    assert ours[3].startswith("0 20 * * 1,2,3,4,5 ")

    shown = as_user(throwaway, "remind", "show", home=user_home)
    assert shown.returncode == 0, shown.stderr
    assert "at 08:30 · cron" in shown.stdout and "evening 20:00 on mon-fri · cron" in shown.stdout
    assert "missing" not in shown.stdout

    again = as_user(throwaway, "remind", "at", "09:15", home=user_home)  # replaces the 08:30 one
    assert again.returncode == 0, again.stderr
    now = crontab_of(name)
    assert "15 9 * * *" in now and "30 8 * * * SELFCARE_HOME" not in now and now.count("selfcare reminder") == 2

    off = as_user(throwaway, "remind", "off", home=user_home)
    assert off.returncode == 0, off.stderr
    assert "removed: at 09:15 (cron)" in off.stdout and "removed: evening 20:00 on mon-fri (cron)" in off.stdout
    assert crontab_of(name) == before
    assert not (user_home / "reminders.json").exists()
    assert "No reminders" in as_user(throwaway, "remind", "show", home=user_home).stdout


def test_cron_leaves_a_line_the_person_edited(throwaway: pwd.struct_passwd, user_home: Path) -> None:
    name = throwaway.pw_name
    assert as_user(throwaway, "remind", "at", "08:30", home=user_home).returncode == 0
    edited = crontab_of(name).replace("30 8 * * *", "45 8 * * *")
    subprocess.run(["crontab", "-u", name, "-"], input=edited, text=True, check=True)
    shown = as_user(throwaway, "remind", "show", home=user_home)
    assert "missing" in shown.stdout
    assert as_user(throwaway, "remind", "off", home=user_home).returncode == 0
    left = crontab_of(name)
    assert "45 8 * * *" in left and "# selfcare reminder" not in left  # only the lines it wrote itself


def test_a_reminder_inside_quiet_hours_is_refused(run, home: Path) -> None:
    err = run.fails("remind", "evening", "22:00")
    assert "quiet hours" in err and "21:30-07:30" in err
    assert not (home / "reminders.json").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("remind", "at", "25:00"), "08:30"),
        (("remind", "at", "08:30", "--days", "funday"), "--days"),
        (("remind", "every", "5m", "--between", "09:00-17:00"), "15 to 240"),
        (("remind", "every", "60m", "--between", "17:00-09:00"), "end after"),
        (("remind", "off", "morning"), "reminder kind"),
    ],
)
def test_bad_reminders_fail_in_one_line_and_install_nothing(run, home: Path, args, words) -> None:
    assert words in run.fails(*args)
    assert not (home / "reminders.json").exists()


def test_no_scheduler_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """No systemd user manager, no launchd, no crontab on PATH: nothing to install into."""
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path), "SELFCARE_HOME": str(tmp_path / "home")}
    env["XDG_RUNTIME_DIR"] = str(tmp_path / "run")
    done = subprocess.run(
        [sys.executable, "-m", "selfcare", "remind", "at", "08:30"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.startswith("selfcare: no scheduler for reminders here") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr and not (tmp_path / "home" / "reminders.json").exists()


def test_show_and_off_with_nothing_installed(run) -> None:
    assert "No reminders" in run("remind", "show").stdout
    assert run.json("remind", "show") == {"reminders": [], "quiet_hours": "21:30-07:30"}
    assert "No reminders to remove" in run("remind", "off").stdout


def test_a_damaged_record_is_named(run, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "reminders.json").write_text("{not json")
    err = run.fails("remind", "show")
    assert "reminders.json" in err


def test_systemd_install_and_remove_touch_only_their_own_units(tmp_path: Path) -> None:
    """No systemd user manager can run here, so systemctl is a recorder; the files are real."""
    calls: list[list[str]] = []

    def systemctl(args: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, "", "")

    units = tmp_path / "systemd" / "user"
    units.mkdir(parents=True)
    (units / "their.timer").write_text("[Timer]\nOnCalendar=daily\n")
    manager = remind.Systemd(units, run=systemctl)
    manifest = tmp_path / "reminders.json"
    remind.add(manifest, manager, REMINDERS[0], JOB)
    remind.add(manifest, manager, habit.at("09:00"), JOB)  # replaces the "at" reminder
    remind.add(manifest, manager, REMINDERS[1], JOB)
    assert sorted(p.name for p in units.iterdir()) == [
        "selfcare-remind-at.service",
        "selfcare-remind-at.timer",
        "selfcare-remind-evening.service",
        "selfcare-remind-evening.timer",
        "their.timer",
    ]
    assert "OnCalendar=*-*-* 09:00:00" in (units / "selfcare-remind-at.timer").read_text()
    assert ["systemctl", "--user", "restart", "selfcare-remind-at.timer"] in calls
    assert [e.reminder.kind for e in remind.load(manifest)] == ["at", "evening"]
    calls.clear()
    gone = remind.remove(manifest, manager, None)
    assert [e.reminder.kind for e in gone] == ["at", "evening"]
    assert [p.name for p in units.iterdir()] == ["their.timer"]
    assert ["systemctl", "--user", "disable", "--now", "selfcare-remind-evening.timer"] in calls
    assert not manifest.exists()
