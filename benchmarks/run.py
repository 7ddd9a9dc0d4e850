"""Start-up and scale benchmarks for selfcare: run `python benchmarks/run.py`.

Each row times two commands side by side (alternating runs, median wall time)
or one command against a fixed budget, prints the measured ratio and the
target, and the script exits non-zero when a row misses its target. It uses
the `selfcare` installed in the running Python environment, and a throwaway
home per data set; `watson` (td-watson 2.1.0, the time tracker each command
is held against) is installed into a separate venv in the system temp folder
the first time, with pip from that venv and nothing else. Both tools get the
same year of sessions.

Every command runs without PYTHONDONTWRITEBYTECODE, whatever this process
has: a person's Python keeps the bytecode it compiles, and a run that
recompiles every module measures the compiler.

Options: --runs N (default 25, at least 9), --quick (fewer runs, smaller
data), --only ROW.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SELFCARE = [str(BIN / "selfcare")] if (BIN / "selfcare").exists() else [sys.executable, "-m", "selfcare"]
BARE = [sys.executable, str(HERE / "bare_app.py"), "today"]
AS_OF = date(2026, 11, 27)
NOW = "2026-11-27T09:00:00+01:00"


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in KiB of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss


def side_by_side(a: list[str], env_a: dict, b: list[str], env_b: dict, runs: int) -> tuple[float, float]:
    for _ in range(3):  # warm caches (file system, the library cache)
        run_once(a, env_a)
        run_once(b, env_b)
    ta, tb = [], []
    for _ in range(runs):
        ta.append(run_once(a, env_a)[0])
        tb.append(run_once(b, env_b)[0])
    return statistics.median(ta), statistics.median(tb)


def plain_env(**extra: str) -> dict[str, str]:
    """This environment as a person's shell has it: bytecode kept (no PYTHONDONTWRITEBYTECODE)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SELFCARE_HOME", "PYTHONDONTWRITEBYTECODE")}
    env.update(extra)
    return env


def env_for(home: Path) -> dict[str, str]:
    """A fresh home for one data set, found the way a person's is: through XDG folders
    and platformdirs (SELFCARE_HOME would skip that import and flatter the numbers)."""
    env = plain_env()
    env.update(
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        SELFCARE_NOW=NOW,
        COLUMNS="100",
    )
    return env


# --- data sets ----------------------------------------------------------------


def practice_ids() -> list[str]:
    out = subprocess.run(
        [*SELFCARE, "routines", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env=env_for(Path(tempfile.mkdtemp())),
    )
    return [p["id"] for p in json.loads(out.stdout)]


def export_file(path: Path, sessions: int, days: int, ids: list[str]) -> Path:
    """An export with `sessions` sessions spread over the `days` days before AS_OF.

    Written by a child process: building 100,000 sessions here would raise this
    process's peak memory, which Linux hands on to every child it starts, and
    spoil the RSS figures.
    """
    subprocess.run(
        [sys.executable, __file__, "--make-export", str(path), str(sessions), str(days), ",".join(ids)], check=True
    )
    return path


def _make_export(path: Path, sessions: int, days: int, ids: list[str]) -> Path:
    rnd = random.Random(sessions)
    items = []
    for n in range(sessions):
        day = AS_OF - timedelta(days=1 + (n * days) // sessions)
        picks = rnd.sample(ids, 3)
        seconds = [rnd.randrange(55, 300) for _ in picks]
        pain = rnd.choice([None, None, 3, 4, 5, 6])
        items.append(
            {
                "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                "date": day.isoformat(),
                "logged_at": datetime(day.year, day.month, day.day, 18, rnd.randrange(60)).isoformat() + "+01:00",
                "practices": picks,
                "practice_seconds": seconds,
                "seconds": sum(seconds),
                "pain_before": pain,
                "pain_after": None if pain is None else max(0, pain - rnd.randrange(3)),
                "stress_before": None,
                "stress_after": None,
                "note": rnd.choice([None, "felt good", "stiff after work"]),
                "pro": None,
            }
        )
    path.write_text(json.dumps({"format": "selfcare-log", "version": 1, "sessions": items, "rest_days": []}))
    return path


def home_with(root: Path, name: str, export: Path | None, profile: bool = True) -> Path:
    home = root / name
    home.mkdir()
    env = env_for(home)
    if profile:
        subprocess.run(
            [
                *SELFCARE,
                "profile",
                "setup",
                "--areas",
                "neck,shoulders",
                "--goals",
                "tension,stress",
                "--minutes",
                "10",
                "--days-per-week",
                "5",
                "--conditions",
                "none",
                "--day-starts-at",
                "04:00",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    if export is not None:
        subprocess.run([*SELFCARE, "import", str(export)], env=env, check=True, capture_output=True)
    return home


def user_practices(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    per_file = 50
    for f in range(count // per_file):
        lines = ["practices:"]
        for n in range(per_file):
            lines += [
                f"  - id: user-practice-{f}-{n}",
                f"    name: User practice {f}.{n}",
                "    kind: stretch",
                "    areas: [neck, shoulders]",
                "    goals: [tension, flexibility]",
                "    summary: A practice of the person's own.",
                "    steps:",
                "      - {text: Sit tall and breathe., seconds: 10}",
                "      - {text: Tilt the ear towards the shoulder., seconds: 20, side: both, repeat: 3}",
            ]
        (folder / f"mine-{f:02d}.yaml").write_text("\n".join(lines) + "\n")


def watson() -> list[str] | None:
    """td-watson 2.1.0 in its own venv in the temp folder (made once); None if it cannot be installed."""
    venv = Path(tempfile.gettempdir()) / "selfcare-bench-watson"
    exe = venv / "bin" / "watson"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "td-watson==2.1.0"], capture_output=True)
        if done.returncode != 0:
            return None
    # Compile its modules once, as a person's first run would.
    subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", str(venv / "lib")], env=plain_env())
    return [str(exe)]


def watson_frames(folder: Path, export: Path) -> Path:
    """Watson's data folder holding the sessions of `export` as frames (one project per first
    practice, the practices as tags), moved so that the last day is yesterday for Watson,
    which reads the real clock."""
    shift = date.today() - AS_OF
    frames = []
    for item in json.loads(export.read_text())["sessions"]:
        stop = datetime.fromisoformat(item["logged_at"]) + shift
        start = stop - timedelta(seconds=item["seconds"])
        ts = int(stop.timestamp())
        frames.append(
            [int(start.timestamp()), ts, item["practices"][0], uuid.UUID(item["id"]).hex, item["practices"], ts]
        )
    frames.sort()
    folder.mkdir(parents=True)
    (folder / "frames").write_text(json.dumps(frames))
    return folder


# --- the table ----------------------------------------------------------------

# Each selfcare command and the Watson command that does the same work, on the same year of sessions.
WATSON_ROWS = (
    ("selfcare today --minutes 10 vs watson status", ["today", "--minutes", "10"], ["status"]),
    (
        "selfcare log --minutes 5 --date D vs watson add",
        ["log", "--minutes", "5", "--date", (AS_OF - timedelta(days=1)).isoformat()],
        ["add", "-f", "10:00", "-t", "10:10", "x"],
    ),
    ("selfcare report (30 days) vs watson report (7 days)", ["report"], ["report"]),
    (
        "selfcare report --days 365 vs watson report --from a year ago",
        ["report", "--days", "365"],
        ["report", "--from", "<a year ago>"],
    ),
    ("selfcare routines list vs watson projects", ["routines", "list"], ["projects"]),
    ("selfcare history (30 days) vs watson log (7 days)", ["history"], ["log"]),
    ("selfcare streak vs watson status", ["streak"], ["status"]),
)


def main() -> int:
    if sys.argv[1:2] == ["--make-export"]:
        path, sessions, days, ids = sys.argv[2:6]
        _make_export(Path(path), int(sessions), int(days), ids.split(","))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--quick", action="store_true", help="fewer runs and a smaller big log (not for the record)")
    parser.add_argument("--only", help="run only rows whose name contains this")
    args = parser.parse_args()
    runs = 9 if args.quick else max(9, args.runs)
    big = 20_000 if args.quick else 100_000
    root = Path(tempfile.mkdtemp(prefix="selfcare-bench-"))
    rows: list[tuple[str, str, float, str, bool]] = []

    def row(name: str, measured: str, ratio: float, target: float, ok: bool | None = None) -> None:
        ok = ratio <= target if ok is None else ok
        rows.append((name, measured, ratio, f"≤ {target:g}", ok))
        print(
            f"{'ok  ' if ok else 'MISS'} {name:<58} {measured:<30} ratio {ratio:5.2f}  target ≤ {target:g}", flush=True
        )

    def wanted(name: str) -> bool:
        return not args.only or args.only in name

    try:
        ids = practice_ids()
        year = home_with(root, "year", export_file(root / "year.json", 540, 365, ids))
        bare_env = plain_env()
        today = [*SELFCARE, "today"]
        if wanted("today vs bare"):
            a, b = side_by_side(today, env_for(year), BARE, bare_env, runs)
            row(
                "selfcare today (profile, a year of log) vs bare Typer app",
                f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms",
                a / b,
                1.3,
            )
        if any(wanted(name) for name, _, _ in WATSON_ROWS):
            w = watson()
            if w is None:
                print("skip the rows against watson: td-watson 2.1.0 could not be installed", flush=True)
            else:
                folder = watson_frames(root / "watson", root / "year.json")
                a_year_ago = (date.today() - timedelta(days=365)).isoformat()
                for name, ours, theirs in WATSON_ROWS:
                    if not wanted(name):
                        continue
                    home, wdir = year, folder
                    if ours[0] == "log":  # adds a session each run: a copy of the year for each tool
                        home, wdir = root / "year-log", root / "watson-log"
                        shutil.copytree(year, home, symlinks=True)
                        shutil.copytree(folder, wdir)
                    theirs = [a_year_ago if word == "<a year ago>" else word for word in theirs]
                    a, b = side_by_side(
                        [*SELFCARE, *ours], env_for(home), [*w, *theirs], plain_env(WATSON_DIR=str(wdir)), runs
                    )
                    row(name, f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms", a / b, 1.0)
        if wanted("streak"):
            a, b = side_by_side([*SELFCARE, "streak"], env_for(year), BARE, bare_env, runs)
            row(
                "selfcare streak (a year of log) vs bare Typer app",
                f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms",
                a / b,
                1.3,
            )
        if wanted("command line"):
            # Any other command builds the whole Typer command line, shell completion included.
            a, b = side_by_side([*SELFCARE, "routines", "show", "breath-box"], env_for(year), BARE, bare_env, runs)
            row(
                "selfcare routines show ID (the whole command line) vs bare Typer app",
                f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms",
                a / b,
                1.6,
            )
        if wanted("completion"):
            # What the shell runs on TAB: `selfcare log neck-<TAB>` lists practice ids from the library's cache.
            asked = dict(
                env_for(year), _SELFCARE_COMPLETE="complete_bash", COMP_WORDS="selfcare log neck-", COMP_CWORD="2"
            )
            a, b = side_by_side(SELFCARE, asked, BARE, bare_env, runs)
            row(
                "shell completion of practice ids vs bare Typer app",
                f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms",
                a / b,
                1.6,
            )
        if wanted("status"):
            # Run before every prompt: measured against starting Python itself, in the same venv.
            a, b = side_by_side(
                [*SELFCARE, "status"], env_for(year), [sys.executable, "-I", "-c", "pass"], bare_env, runs
            )
            row(
                "selfcare status (a year of log) vs python -I -c pass",
                f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms",
                a / b,
                3.5,
            )
        if wanted("sync"):
            # The same year of log, set up to sync with a second device through a folder: nothing new
            # arrived, so today and streak only glance at the folder's files.
            folder = root / "Sync"
            synced = home_with(root, "synced", export_file(root / "year-synced.json", 540, 365, ids))
            laptop = home_with(root, "laptop", None, profile=False)
            for home, name in ((synced, "desk"), (laptop, "laptop")):
                run_once([*SELFCARE, "sync", "init", str(folder), "--name", name], env_for(home))
            run_once([*SELFCARE, "log", ids[0]], env_for(laptop))
            run_once([*SELFCARE, "sync"], env_for(synced))

            # Both sides with compiled bytecode, as pip installs selfcare (this machine's environment may
            # set PYTHONDONTWRITEBYTECODE, which would time compiling sync's modules instead of running them).
            def compiled(env: dict[str, str]) -> dict[str, str]:
                return {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}

            for command in ("today", "streak"):
                a, b = side_by_side(
                    [*SELFCARE, command], compiled(env_for(synced)), [*SELFCARE, command], compiled(env_for(year)), runs
                )
                row(
                    f"selfcare {command} with sync set up, nothing new, vs without sync",
                    f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms",
                    a / b,
                    1.10,
                )
        if wanted("merge"):
            # 10,000 sessions logged on another device over ten years, merged here by one `selfcare sync`.
            folder = root / "Sync10k"
            other = home_with(root, "other", export_file(root / "ten-thousand.json", 10_000, 3650, ids), profile=False)
            here = home_with(root, "here", None, profile=False)
            run_once([*SELFCARE, "sync", "init", str(folder), "--name", "here"], env_for(here))
            run_once([*SELFCARE, "sync", "init", str(folder), "--name", "other"], env_for(other))
            start = time.perf_counter()
            run_once([*SELFCARE, "sync"], env_for(here))
            took = time.perf_counter() - start
            row("selfcare sync merging 10,000 sessions from another device", f"{took:.2f} s", took / 3, 1.0)
        if wanted("user practices"):
            many = home_with(root, "many", None)
            user_practices(many / "config" / "selfcare" / "routines", 1000)
            plain = home_with(root, "plain", None)
            a, b = side_by_side(today, env_for(many), today, env_for(plain), runs)
            row(
                "selfcare today, 1,000 user practices vs built-in only",
                f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms",
                a / b,
                1.3,
            )
        if wanted("report") or wanted("import"):
            big_file = export_file(root / "big.json", big, 3650, ids)
            # The same last six weeks alone (as many sessions a day as the big log holds): what a
            # report must read either way, so the ratio is the cost of ten years of history.
            recent = round(big * 42 / 3650)
            small_file = export_file(root / "recent.json", recent, 42, ids)
            home = root / "big"
            home.mkdir()
            start = time.perf_counter()
            _, peak = run_once([*SELFCARE, "import", str(big_file)], env_for(home))
            took = time.perf_counter() - start
            if wanted("import"):
                row(f"selfcare import of {big:,} sessions", f"{took:.1f} s", took / 30, 1.0, ok=took < 30)
                mb = peak / 1024
                row(f"peak RSS of import of {big:,} sessions", f"{mb:.1f} MB", mb / 60, 1.0, ok=mb < 60)
            small = home_with(root, "small", small_file, profile=False)
            report = [*SELFCARE, "report", "--json"]
            if wanted("report"):
                a, b = side_by_side(report, env_for(home), report, env_for(small), runs)
                row(
                    f"selfcare report --json, {big:,} sessions over 10 years vs their last 6 weeks",
                    f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms",
                    a / b,
                    1.5,
                )
                rss = max(run_once(report, env_for(home))[1] for _ in range(3)) / 1024
                row(f"peak RSS of report over {big:,} sessions", f"{rss:.1f} MB", rss / 80, 1.0, ok=rss < 80)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    missed = [r for r in rows if not r[4]]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} rows on target", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
