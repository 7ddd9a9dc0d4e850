"""The caches that keep start-up fast are never stale and never trusted when damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _today(run) -> dict:
    return run.json("today")


def test_plan_cache_is_used_and_follows_the_log(run, home: Path) -> None:
    first = _today(run)
    cache = home / "cache" / "plan.json"
    assert cache.exists() and json.loads(cache.read_text())["payload"] == first
    assert _today(run) == first
    culprit = first["items"][-1]["id"]
    run("log", culprit, "--too-intense", culprit, "--date", "yesterday")
    after = _today(run)
    assert culprit not in [i["id"] for i in after["items"]]


def test_plan_cache_follows_the_profile_and_the_library(run, home: Path) -> None:
    first = _today(run)
    run("profile", "set", "minutes", "20")
    assert _today(run)["minutes"] == 20
    run("profile", "set", "minutes", str(first["minutes"]))
    assert _today(run) == first
    folder = home / "routines"
    folder.mkdir()
    item = first["items"][0]
    shown = run.json("routines", "show", item["id"])
    (folder / "mine.yaml").write_text(
        "practices:\n"
        f"  - id: {item['id']}\n"
        "    name: My renamed version\n"
        f"    kind: {shown['kind']}\n"
        f"    areas: [{', '.join(shown['areas'])}]\n"
        f"    goals: [{', '.join(shown['goals'])}]\n"
        "    summary: Mine.\n"
        "    steps: [{text: Do it., seconds: 60}]\n"
    )
    names = [i["name"] for i in _today(run)["items"]]
    assert "My renamed version" in names or item["id"] not in [i["id"] for i in _today(run)["items"]]


def test_damaged_caches_are_ignored_and_rebuilt(run, home: Path) -> None:
    first = _today(run)
    for name in ("plan.json", "library.json", "profile.json"):
        path = home / "cache" / name
        if path.exists():
            path.write_bytes(b"\x00garbage{")
    run("profile", "set", "minutes", str(first["minutes"]))  # a saved profile, so its cache is used
    assert _today(run)["items"] == first["items"]
    for name in ("plan.json", "library.json", "profile.json"):
        json.loads((home / "cache" / name).read_text())  # rebuilt as valid JSON


def test_a_changed_config_is_seen_at_once_through_the_fast_path(run, home: Path) -> None:
    run("profile", "set", "minutes", "10")
    env = dict(os.environ)
    fast = subprocess.run(
        [sys.executable, "-m", "selfcare", "today", "--json"], env=env, capture_output=True, text=True
    )
    assert json.loads(fast.stdout)["minutes"] == 10
    (home / "config.yaml").write_text((home / "config.yaml").read_text().replace("minutes: 10", "minutes: 25"))
    fast = subprocess.run(
        [sys.executable, "-m", "selfcare", "today", "--json"], env=env, capture_output=True, text=True
    )
    assert json.loads(fast.stdout)["minutes"] == 25


def test_fast_path_and_full_command_line_agree(run) -> None:
    env = dict(os.environ)
    for args in (["today"], ["today", "--json"], ["streak"], ["streak", "--json"]):
        fast = subprocess.run([sys.executable, "-m", "selfcare", *args], env=env, capture_output=True, text=True)
        full = run(*args)
        assert fast.returncode == 0
        assert fast.stdout == full.stdout, args


def test_fast_path_errors_are_one_line(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text("minutes: [oops\n")
    for args in (["today"], ["streak", "--json"]):
        proc = subprocess.run([sys.executable, "-m", "selfcare", *args], capture_output=True, text=True)
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and "config.yaml" in proc.stderr and "Traceback" not in proc.stderr
