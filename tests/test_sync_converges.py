"""The acceptance property of sync: three devices, random changes, journals delivered in random
orders with repeats and half-synced last lines, end with the same history, streak and report,
and it is the result one device would hold had every change been made there.

Each device syncs through its own copy of the folder; `deliver` is the sync tool between them.
A fourth home, the single device, makes the same changes at the same moments (a deletion or a
correction made on a device that had not yet heard of an earlier deletion is refused there, as
the merge makes it nothing).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DEVICES = ("desk", "laptop", "phone")
PRACTICES = ("neck-trap-knead", "stretch-neck-side-bend")
DAYS = ("2026-11-20", "2026-11-21", "2026-11-22")

ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("log"),
            st.sampled_from(DEVICES),
            st.sampled_from(PRACTICES),
            st.one_of(st.none(), st.integers(0, 9)),
            st.one_of(st.none(), st.integers(0, 9)),
        ),
        st.tuples(st.just("delete"), st.sampled_from(DEVICES), st.integers(0, 50)),
        st.tuples(st.just("edit"), st.sampled_from(DEVICES), st.integers(0, 50), st.integers(0, 10)),
        st.tuples(st.just("rest"), st.sampled_from(DEVICES), st.sampled_from(DAYS), st.sampled_from(["ill", None])),
        st.tuples(st.just("unrest"), st.sampled_from(DEVICES), st.sampled_from(DAYS)),
        st.tuples(
            st.just("deliver"),
            st.sampled_from(DEVICES),
            st.sampled_from(DEVICES),
            st.sampled_from(["whole", "half", "conflict"]),
            st.integers(0, 10_000),
        ),
        st.tuples(st.just("sync"), st.sampled_from(DEVICES)),
    ),
    min_size=4,
    max_size=18,
)


class World:
    def __init__(self, root: Path, mp: pytest.MonkeyPatch) -> None:
        self.root, self.mp, self.run = root, mp, Run()
        self.tick = 0
        self.ref_ids: dict[str, str] = {}  # a device's session id -> the single device's

    def at(self, home: str) -> Run:
        self.mp.setenv("SELFCARE_HOME", str(self.root / home))
        return self.run

    def moment(self) -> None:
        """Every change at its own moment, later than the last: 2026-11-20 08:00 + 70 minutes a step."""
        self.tick += 1
        minutes = 8 * 60 + 70 * self.tick
        day, rest = divmod(minutes, 24 * 60)
        self.mp.setenv("SELFCARE_NOW", f"2026-11-{20 + day:02d}T{rest // 60:02d}:{rest % 60:02d}:00+01:00")

    def folder(self, device: str) -> Path:
        return self.root / f"{device}-Sync"

    def own(self, device: str) -> Path:
        settings = json.loads((self.root / device / "sync.json").read_text())
        return Path(settings["folder"]) / f"journal-{settings['device']}.jsonl"

    def deliver(self, src: str, dst: str, how: str = "whole", cut: int = 0) -> None:
        """The sync tool: src's own journal (whole, with its last line cut short, or as a conflict copy)
        arrives in dst's copy of the folder, which only ever grows."""
        journal = self.own(src)
        data = journal.read_bytes()
        name = journal.name
        if how == "half" and data:
            last = data.rstrip(b"\n").rfind(b"\n") + 1
            data = data[: last + 1 + cut % max(1, len(data) - last - 1)]
        elif how == "conflict":
            name = name.replace(".jsonl", f".sync-conflict-20261127-{cut:06d}-ABCDEFG.jsonl")
        target = self.folder(dst) / name
        if src != dst and (not target.exists() or target.stat().st_size < len(data)):
            target.write_bytes(data)
            os.utime(target, ns=(time.time_ns(), time.time_ns()))

    def views(self, home: str) -> tuple[Any, Any, Any]:
        run = self.at(home)
        # Red flags included: they are a function of the log (each session's from what came before
        # it, worked out again after a correction, a deletion or a sync), the same everywhere.
        return run.json("history"), run.json("streak"), run.json("report")


def setup_world(w: World) -> None:
    w.moment()
    w.at("desk")("sync", "init", str(w.folder("desk")), "--name", "desk")
    for device in ("laptop", "phone"):
        w.folder(device).mkdir()
        header = w.folder("desk") / "selfcare-sync.json"
        (w.folder(device) / header.name).write_bytes(header.read_bytes())
        w.at(device)("sync", "init", str(w.folder(device)), "--name", device)
    w.at("single")("streak")  # the single device's log


def play(w: World, op: tuple[Any, ...]) -> None:
    kind, device = op[0], op[1]
    if kind == "deliver":
        w.deliver(device, op[2], op[3], op[4])
        return
    if kind == "sync":
        w.at(device)("sync")
        return
    w.moment()
    run = w.at(device)
    if kind == "log":
        args = ["log", op[2]]
        if op[3] is not None:
            args += ["--pain-before", str(op[3])]
        if op[4] is not None:
            args += ["--pain-after", str(op[4])]
        made = run.json(*args)
        single = w.at("single").json(*args)
        w.ref_ids[made["id"]] = single["id"]
    elif kind in ("delete", "edit"):
        known = [s["id"] for s in run.json("history")]
        if not known:
            return
        sid = known[op[2] % len(known)]
        args = ["history", "delete", sid]
        if kind == "edit":
            args = [
                "history",
                "edit",
                sid,
                *(["--pain-after", str(op[3])] if op[3] % 2 else ["--minutes", str(1 + op[3])]),
            ]
        if run(*args, code=None).exit_code:  # a correction that changes nothing is refused
            return
        args[2] = w.ref_ids[sid]
        w.at("single")(*args, code=None)  # refused when a deletion reached the single device first
    elif kind == "rest":
        args = ["rest", "--date", op[2], *(["--reason", op[3]] if op[3] else [])]
        run(*args)
        w.at("single")(*args)
    elif kind == "unrest" and not run("rest", "--remove", "--date", op[2], code=None).exit_code:
        w.at("single")("rest", "--remove", "--date", op[2], code=None)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(max_examples=examples(20), suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_three_devices_converge_to_what_one_device_would_hold(changes: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
        w = World(Path(tmp), mp)
        setup_world(w)
        for op in changes:
            play(w, op)
        w.moment()
        for _ in range(2):  # everything delivered everywhere at last, and read
            for src in DEVICES:
                for dst in DEVICES:
                    w.deliver(src, dst)
            for device in DEVICES:
                w.at(device)("sync")
        seen = {device: w.views(device) for device in DEVICES}
        assert seen["desk"] == seen["laptop"] == seen["phone"]
        history, streak, report = seen["desk"]
        single_history, single_streak, single_report = w.views("single")
        mapped = [dict(s, id=w.ref_ids[s["id"]]) for s in history]
        assert mapped == single_history
        assert streak == single_streak
        assert report == single_report
