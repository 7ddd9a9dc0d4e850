"""selfcare at a million sessions: `python benchmarks/million.py` (about ten minutes).

Writes an export of N sessions (default 1,000,000: about 22 a day from 1900
to 2026, two practices each, a third of them rated), imports it into a
throwaway home, then times the commands people run on a long log and reports
each one's wall time and peak RSS (the child's own, from wait4). Targets:
`log` under 0.5 s and 100 MB at a million sessions; `history`, `export` and
`import` must finish with flat memory (they stream). The script exits
non-zero when a target is missed. It is not part of the test suite: timings
belong to a quiet machine, not to CI.

Options: --sessions N, --runs N (timed runs of the quick commands; median).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
SELFCARE = [str(BIN / "selfcare")] if (BIN / "selfcare").exists() else [sys.executable, "-m", "selfcare"]
NOW = "2026-11-27T09:00:00+01:00"
LAST = date(2026, 11, 26)
FIRST = date(1900, 1, 1)
PRACTICES = ["neck-trap-knead", "stretch-neck-side-bend", "breath-box", "shoulders-knead-swing", "feet-ball-roll"]
LOG_BUDGET = (0.5, 100 * 1024)  # seconds, KiB
STREAM_BUDGET_KIB = 200 * 1024  # history, export, import: memory that does not grow with the log


def run_once(cmd: list[str], env: dict[str, str], stdout: int | None = subprocess.DEVNULL) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in KiB of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr is not None else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss


def write_export(path: Path, count: int, seed: int = 1) -> None:
    """An export file of `count` sessions, written a line at a time (the way selfcare writes one)."""
    rnd = random.Random(seed)
    days = (LAST - FIRST).days + 1
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "selfcare-log", "version": 1, "exported_at": "2026-11-27T09:00:00+01:00",\n"sessions": [')
        for n in range(count):
            day = FIRST + timedelta(days=n * days // count)
            rated = n % 3 == 0
            session = {
                "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                "date": day.isoformat(),
                "logged_at": f"{day.isoformat()}T18:{n % 60:02d}:00+01:00",
                "practices": rnd.sample(PRACTICES, 2),
                "practice_seconds": [60, 90],
                "seconds": 150,
                "pain_before": rnd.randint(2, 6) if rated else None,
                "pain_after": rnd.randint(1, 5) if rated else None,
                "stress_before": None,
                "stress_after": None,
                "note": "a note" if n % 50 == 0 else None,
                "pro": None,
                "source": "manual",
                "too_intense": [],
            }
            out.write(("\n" if n == 0 else ",\n") + json.dumps(session))
        out.write('\n],\n"rest_days": [],\n"flags": []\n}\n')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="selfcare-million-"))
    env = dict(os.environ, SELFCARE_HOME=str(work / "home"), SELFCARE_NOW=NOW, TZ="Europe/Paris", COLUMNS="100")
    big = work / "big.json"
    write_export(big, args.sessions)
    rows: list[tuple[str, float, int, bool]] = []

    def once(label: str, cmd: list[str], budget_kib: int | None = None, budget_s: float | None = None) -> None:
        seconds, kib = run_once(cmd, env)
        ok = (budget_kib is None or kib <= budget_kib) and (budget_s is None or seconds <= budget_s)
        rows.append((label, seconds, kib, ok))
        print(f"{label:<44} {seconds:8.2f} s {kib / 1024:8.1f} MB  {'ok' if ok else 'MISSED'}", flush=True)

    def median(label: str, cmd: list[str], budget: tuple[float, int] | None = None) -> None:
        run_once(cmd, env)  # warm: the library cache, the file system
        runs = [run_once(cmd, env) for _ in range(args.runs)]
        seconds = statistics.median(r[0] for r in runs)
        kib = max(r[1] for r in runs)
        ok = budget is None or (seconds <= budget[0] and kib <= budget[1])
        rows.append((label, seconds, kib, ok))
        print(f"{label:<44} {seconds:8.2f} s {kib / 1024:8.1f} MB  {'ok' if ok else 'MISSED'}", flush=True)

    print(f"{args.sessions:,} sessions, {big.stat().st_size / 1e6:,.0f} MB of export, in {work}")
    once(f"import ({args.sessions:,} sessions)", [*SELFCARE, "import", str(big)], STREAM_BUDGET_KIB)
    # Each `log` adds a session: a handful more on a million changes nothing.
    median(
        "log ID --pain-before 5 --pain-after 3",
        [*SELFCARE, "log", "neck-trap-knead", "--pain-before", "5", "--pain-after", "3"],
        LOG_BUDGET,
    )
    median("log (today's routine)", [*SELFCARE, "log"], LOG_BUDGET)
    median("streak", [*SELFCARE, "streak"])
    median("history --days 7", [*SELFCARE, "history", "--days", "7"])
    once("history (every session, to a pipe)", [*SELFCARE, "history"], STREAM_BUDGET_KIB)
    once("history --json", [*SELFCARE, "history", "--json"], STREAM_BUDGET_KIB)
    once("export --output FILE", [*SELFCARE, "export", "--output", str(work / "again.json")], STREAM_BUDGET_KIB)
    once("doctor", [*SELFCARE, "doctor"])
    print(f"(data left in {work}; remove it when done)")
    if not all(ok for *_, ok in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
