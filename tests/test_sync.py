"""Sync through a folder: two or three homes (SELFCARE_HOME) sharing journals, through the real CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import Run, set_clock

NECK = "neck-trap-knead"
SIDE = "stretch-neck-side-bend"


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never touch the keyring of the machine they run on.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("SELFCARE_PASSPHRASE", raising=False)


class Homes:
    """Several devices on one machine: each a SELFCARE_HOME, switched between commands."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
        self.tmp, self.mp, self.run = tmp_path, monkeypatch, run

    def home(self, name: str) -> Path:
        return self.tmp / name

    def at(self, name: str) -> Run:
        self.mp.setenv("SELFCARE_HOME", str(self.home(name)))
        return self.run

    def journal(self, name: str) -> Path:
        settings = json.loads((self.home(name) / "sync.json").read_text())
        return Path(settings["folder"]) / f"journal-{settings['device']}.jsonl"


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> Homes:
    return Homes(tmp_path, monkeypatch, run)


def ids(run: Run) -> list[str]:
    return sorted(s["id"] for s in run.json("history"))


def test_two_devices_share_one_log_and_say_what_came_from_where(
    homes: Homes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "Sync"
    desk = homes.at("desk")
    set_clock(monkeypatch, "2026-11-27T08:30:00+01:00")
    desk("log", NECK, "--pain-before", "5", "--pain-after", "3")  # logged before sync was set up
    set_clock(monkeypatch, "2026-11-27T09:00:00+01:00")
    out = desk("sync", "init", str(folder), "--name", "desk").stdout
    assert "syncs as 'desk'" in out
    assert homes.journal("desk").exists()

    laptop = homes.at("laptop")
    laptop("log", SIDE, "--note", "on the train")
    out = laptop("sync", "init", str(folder), "--name", "laptop").stdout
    assert "From desk: 1 session." in out

    desk = homes.at("desk")
    out = desk("sync").stdout
    assert "From laptop: 1 session." in out
    assert "Nothing new to send." in out
    out = desk("sync").stdout
    assert "Nothing new from other devices." in out
    desk_history = desk.json("history")
    assert homes.at("laptop").json("history") == desk_history
    assert len(desk_history) == 2
    for path in folder.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path


def test_every_command_reads_first_and_every_change_is_sent_as_it_is_made(homes: Homes, tmp_path: Path):
    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    logged = homes.at("desk").json("log", NECK)
    # No explicit sync anywhere: the log sent its event, streak read it.
    streak = homes.at("laptop").json("streak")
    assert streak["done_today"] is True and streak["total_days"] == 1
    homes.at("laptop")("history", "delete", logged["id"][:8])
    homes.at("laptop")("rest", "--date", "yesterday", "--reason", "ill")
    history = homes.at("desk").json("history")
    assert history == []
    streak = homes.at("desk").json("streak")
    assert streak["total_days"] == 0


def deliver(src: Path, dst: Path) -> None:
    """What a sync tool does: bring what one copy of the folder has and the other lacks (journals only grow)."""
    dst.mkdir(exist_ok=True)
    for f in src.iterdir():
        target = dst / f.name
        if not target.exists() or target.stat().st_size < f.stat().st_size:
            shutil.copy2(f, target)


def test_a_deletion_wins_over_a_correction_made_meanwhile_on_another_device(homes: Homes, tmp_path: Path):
    desk_copy, laptop_copy = tmp_path / "desk-Sync", tmp_path / "laptop-Sync"
    homes.at("desk")("sync", "init", str(desk_copy), "--name", "desk")
    sid = homes.at("desk").json("log", NECK, "--pain-before", "4")["id"]
    deliver(desk_copy, laptop_copy)
    homes.at("laptop")("sync", "init", str(laptop_copy), "--name", "laptop")
    # Offline: the laptop corrects the session while the desk deletes it.
    homes.at("desk")("history", "delete", sid[:8])
    homes.at("laptop")("history", "edit", sid[:8], "--pain-after", "2")
    assert homes.at("laptop").json("history")[0]["pain_after"] == 2
    # Back online, in either direction first.
    deliver(laptop_copy, desk_copy)
    deliver(desk_copy, laptop_copy)
    assert homes.at("laptop").json("history") == []
    assert homes.at("desk").json("history") == []


def test_a_correction_of_length_reaches_the_other_device_with_its_practices_seconds(homes: Homes, tmp_path: Path):
    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    sid = homes.at("desk").json("log", NECK, SIDE, "--minutes", "10")["id"]
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    homes.at("laptop")("history", "edit", sid[:8], "--minutes", "4")
    desk = homes.at("desk").json("history")[0]
    assert desk == homes.at("laptop").json("history")[0]
    assert desk["seconds"] == 240 and sum(desk["practice_seconds"]) <= 240


def test_a_session_from_another_device_raises_its_red_flag_here_too(homes: Homes, tmp_path: Path):
    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    homes.at("laptop")("log", NECK, "--pain-before", "8", "--pain-after", "8")
    flags = [homes.at(home).json("report")["flags"] for home in ("laptop", "desk")]
    assert flags[0] == flags[1] and len(flags[0]) == 1


def test_a_half_synced_last_line_waits_until_it_is_complete(homes: Homes, tmp_path: Path):
    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    homes.at("laptop")("log", NECK)
    journal = homes.journal("laptop")
    whole = journal.read_bytes()
    last = whole.rstrip(b"\n").rfind(b"\n") + 1
    journal.write_bytes(whole[: last + 40])  # the sync tool has delivered part of the last line
    desk = homes.at("desk")
    result = desk("sync")
    assert "From laptop" not in result.stdout
    assert result.stderr == ""
    assert desk.json("history") == []
    journal.write_bytes(whole)  # the rest arrives
    assert "From laptop: 1 session." in desk("sync").stdout
    assert len(desk.json("history")) == 1


def test_conflict_copies_are_read_and_rewritten_journals_read_again(homes: Homes, tmp_path: Path):
    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    # A third device whose journal only ever arrived as a sync tool's conflict copy.
    other = tmp_path / "Other"
    homes.at("phone")("sync", "init", str(other), "--name", "phone")
    homes.at("phone")("log", SIDE, "--note", "from the phone")
    own = homes.journal("phone")
    shutil.copy(own, folder / own.name.replace(".jsonl", ".sync-conflict-20261127-090000-ABCDEFG.jsonl"))
    shutil.copy(own, folder / own.name.replace(".jsonl", " (desk's conflicted copy 2026-11-27).jsonl"))
    out = homes.at("desk")("sync").stdout
    assert "From phone: 1 session." in out
    notes = [s["note"] for s in homes.at("desk").json("history")]
    assert notes == ["from the phone"]
    # The laptop's journal is rewritten (the same events, in another order): read again, nothing doubled.
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    homes.at("laptop")("log", NECK)
    homes.at("desk")("sync")
    journal = homes.journal("laptop")
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(reversed(lines)))
    out = homes.at("desk")("sync").stdout
    assert "read again from its start" in out
    assert len(homes.at("desk").json("history")) == 2


def test_unknown_kinds_are_kept_and_damaged_lines_named_and_skipped(homes: Homes, tmp_path: Path):
    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    journal = homes.journal("laptop")
    device = json.loads((homes.home("laptop") / "sync.json").read_text())["device"]
    newer = {
        "id": "6f1c2f3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f",
        "hlc": f"1795000000000.00000.{device}",
        "device": device,
        "kind": "mood.add",
        "payload": {"mood": "calm"},
    }
    with journal.open("ab") as handle:
        handle.write(b"{this is not json\n")
        handle.write(json.dumps(newer).encode() + b"\n")
    homes.at("laptop")("log", NECK)  # after the damage: still read
    result = homes.at("desk")("sync")
    assert "From laptop: 1 session, 1 change this version does not know (kept)." in result.stdout
    assert f"{journal}:" in result.stderr and "a line was skipped (not JSON)" in result.stderr
    db = sqlite3.connect(homes.home("desk") / "selfcare.db")
    assert db.execute("SELECT kind FROM events WHERE id = ?", (newer["id"],)).fetchone() == ("mood.add",)


def test_a_change_stored_but_not_yet_copied_is_sent_by_the_next_sync(homes: Homes, tmp_path: Path):
    """The outbox: a command that died between its commit and the copy to the journal loses nothing."""
    from selfcare.models import Session
    from selfcare.store import open_store

    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    before = homes.journal("desk").read_bytes()
    with open_store(homes.home("desk") / "selfcare.db") as store:  # the change, and no copy after it
        store.add_session(
            Session("0b9a8d7c-6e5f-4a3b-8c2d-1e0f9a8b7c6d", "2026-11-26", "2026-11-26T18:00:00+01:00", (NECK,), 120)
        )
    assert homes.journal("desk").read_bytes() == before
    assert "Sent 1 change from this device." in homes.at("desk")("sync").stdout
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    assert ids(homes.at("laptop")) == ["0b9a8d7c-6e5f-4a3b-8c2d-1e0f9a8b7c6d"]


def test_profile_keys_follow_the_last_change(homes: Homes, tmp_path: Path):
    folder = tmp_path / "Sync"
    homes.at("desk")("profile", "set", "minutes", "12")
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    assert homes.at("laptop").json("profile", "show")["minutes"] == 12
    homes.at("laptop")("profile", "set", "days_per_week", "4")
    out = homes.at("desk")("sync").stdout
    assert "From laptop: 1 profile change." in out
    assert homes.at("desk").json("profile", "show")["days_per_week"] == 4


def test_sync_before_init_and_a_missing_folder_are_one_line(homes: Homes, tmp_path: Path):
    run = homes.at("desk")
    assert "sync init" in run.fails("sync")
    run("sync", "init", str(tmp_path / "Sync"))
    shutil.rmtree(tmp_path / "Sync")
    result = run("streak")  # the command goes on with the log it has
    assert result.stderr.count("\n") == 1 and "sync skipped" in result.stderr
    assert "not there" in run.fails("sync", code=1)


def test_the_log_cannot_be_put_in_its_own_sync_folder_and_doctor_warns_when_it_sits_in_a_synced_one(
    homes: Homes, tmp_path: Path
):
    run = homes.at("desk")
    run("log", NECK)
    assert "holds the log itself" in run.fails("sync", "init", str(homes.home("desk")))
    (homes.home("desk") / ".stfolder").mkdir()
    out = run("doctor", "--json").stdout
    warnings = [f for f in json.loads(out) if f["check"] == "sync" and f["status"] == "warn"]
    assert warnings and "Syncthing" in warnings[0]["detail"]


def test_history_streak_and_report_agree_after_a_sync(homes: Homes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    for day, home in (("2026-11-24", "desk"), ("2026-11-25", "laptop"), ("2026-11-26", "desk")):
        set_clock(monkeypatch, f"{day}T19:00:00+01:00")
        homes.at(home)("log", NECK, "--pain-before", "5", "--pain-after", "3")
    set_clock(monkeypatch, "2026-11-27T09:00:00+01:00")
    homes.at("laptop")("rest", "--date", "2026-11-27")
    views = []
    for home in ("desk", "laptop"):
        run = homes.at(home)
        views.append((run.json("history"), run.json("streak"), run.json("report")))
    assert views[0] == views[1]
    assert views[0][1]["current"] == 3


# --- encrypted ---------------------------------------------------------------------------------


def test_an_encrypted_folder_holds_no_note_practice_or_date_in_plain_text(
    homes: Homes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "Cloud"
    monkeypatch.setenv("SELFCARE_PASSPHRASE", "correct horse battery staple")
    desk = homes.at("desk")
    desk("log", NECK, "--note", "knee still sore after the fall", "--pain-before", "6", "--date", "2026-11-25")
    desk("rest", "--date", "2026-11-26", "--reason", "migraine")
    desk("profile", "set", "conditions", "pregnancy")
    out = desk("sync", "init", str(folder), "--encrypt", "--name", "desk").stdout
    assert "encrypted end to end" in out
    desk("log", SIDE, "--note", "second secret")
    laptop = homes.at("laptop")
    out = laptop("sync", "init", str(folder), "--encrypt", "--name", "laptop").stdout
    assert "From desk: 2 sessions, 1 rest day" in out
    assert [s["note"] for s in laptop.json("history")] == ["second secret", "knee still sore after the fall"]
    assert laptop.json("profile", "show")["conditions"] == ["pregnancy"]
    everything = b"\n".join(_sealed_lines_decoded(p.read_bytes()) for p in folder.iterdir())
    for secret in (b"knee", b"secret", b"migraine", NECK.encode(), SIDE.encode(), b"2026-11-2", b"pregnancy", b"desk"):
        assert secret not in everything, secret


def _sealed_lines_decoded(data: bytes) -> bytes:
    """A file of the folder with each sealed line's base64 decoded to the bytes it carries.

    Base64 text can spell a short word by chance (one run's ciphertext held "knee");
    the random bytes of a ciphertext all but never can (about one chance in 2**32 a
    position). A sealed line that is not valid base64 fails here.
    """
    import base64

    lines = data.splitlines()
    return b"\n".join(base64.b64decode(x[3:], validate=True) if x.startswith(b"e1:") else x for x in lines)


def test_a_wrong_passphrase_is_one_line_and_merges_nothing(
    homes: Homes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "Cloud"
    monkeypatch.setenv("SELFCARE_PASSPHRASE", "the right one")
    homes.at("desk")("log", NECK)
    homes.at("desk")("sync", "init", str(folder), "--encrypt", "--name", "desk")
    laptop = homes.at("laptop")
    laptop("log", SIDE)
    monkeypatch.setenv("SELFCARE_PASSPHRASE", "a wrong one")
    assert "passphrase does not open this sync folder" in laptop.fails("sync", "init", str(folder), "--encrypt")
    assert not (homes.home("laptop") / "sync.json").exists()
    assert [s["practices"] for s in laptop.json("history")] == [[SIDE]]
    # Set up right, then the passphrase changes under it: automatic syncs skip with one line.
    monkeypatch.setenv("SELFCARE_PASSPHRASE", "the right one")
    laptop("sync", "init", str(folder), "--encrypt")
    homes.at("desk")("log", "--date", "yesterday", NECK)
    monkeypatch.setenv("SELFCARE_PASSPHRASE", "a wrong one")
    result = homes.at("laptop")("streak", "--json")
    assert "sync skipped" in result.stderr and result.stderr.count("\n") == 1
    assert json.loads(result.stdout)["total_days"] == 1  # the log as it was: nothing half merged
    assert "passphrase does not open" in homes.at("laptop").fails("sync")


def test_commands_that_cannot_ask_skip_the_sync_with_one_line(
    homes: Homes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "Cloud"
    monkeypatch.setenv("SELFCARE_PASSPHRASE", "pass phrase")
    homes.at("desk")("sync", "init", str(folder), "--encrypt", "--name", "desk")
    homes.at("laptop")("sync", "init", str(folder), "--encrypt", "--name", "laptop")
    homes.at("desk")("log", NECK)
    monkeypatch.delenv("SELFCARE_PASSPHRASE")
    result = homes.at("laptop")("status")
    assert result.stderr.count("\n") == 1
    assert "sync skipped" in result.stderr and "SELFCARE_PASSPHRASE" in result.stderr
    assert result.stdout.strip()  # the status line all the same


# --- a real transport: git --------------------------------------------------------------------


def test_two_homes_syncing_through_clones_of_one_git_repository_end_alike(
    homes: Homes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import subprocess

    git_env = {
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }

    def git(cwd: Path, *args: str, check: bool = True) -> int:
        return subprocess.run(["git", *args], cwd=cwd, env=git_env, check=check, capture_output=True).returncode

    def exchange(home: str) -> None:
        """What a person's cron job or hook would do between commands: commit, pull, push."""
        clone = homes.home(home) / "Sync"
        git(clone, "add", "-A")
        git(clone, "commit", "-q", "--allow-empty", "-m", f"selfcare from {home}")
        if git(clone, "ls-remote", "--exit-code", "origin", "main", check=False) == 0:
            git(clone, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
        git(clone, "push", "-q", "origin", "HEAD:main")

    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    homes.home("desk").mkdir()
    git(homes.home("desk"), "clone", "-q", str(origin), "Sync")
    git(homes.home("desk") / "Sync", "checkout", "-q", "-b", "main")

    def at(home: str, moment: str) -> Run:
        set_clock(monkeypatch, moment)
        return homes.at(home)

    at("desk", "2026-11-23T18:00:00+01:00")("log", NECK, "--pain-before", "5", "--pain-after", "3")
    homes.at("desk")("sync", "init", str(homes.home("desk") / "Sync"), "--name", "desk")
    exchange("desk")
    homes.home("laptop").mkdir()
    git(homes.home("laptop"), "clone", "-q", "-b", "main", str(origin), "Sync")
    at("laptop", "2026-11-24T07:30:00+01:00")("sync", "init", str(homes.home("laptop") / "Sync"), "--name", "laptop")
    exchange("laptop")
    first = homes.at("laptop").json("history")[0]["id"]

    # Offline on both: sessions on each, one deleted on the laptop, a rest day on the desk.
    at("desk", "2026-11-25T18:00:00+01:00")("log", SIDE, "--note", "desk")
    at("desk", "2026-11-26T08:00:00+01:00")("rest", "--date", "2026-11-26", "--reason", "travelling")
    at("laptop", "2026-11-25T20:00:00+01:00")("log", NECK, "--note", "laptop")
    at("laptop", "2026-11-26T21:00:00+01:00")("history", "delete", first[:8])
    at("laptop", "2026-11-27T08:00:00+01:00")("log", SIDE)

    exchange("desk")
    exchange("laptop")
    exchange("desk")
    set_clock(monkeypatch, "2026-11-27T09:00:00+01:00")
    views = {}
    for home in ("desk", "laptop"):
        run = homes.at(home)
        views[home] = (run.json("history"), run.json("streak"))
    assert views["desk"] == views["laptop"]
    history, streak = views["desk"]
    assert [s["note"] for s in history] == [None, "laptop", "desk"]
    assert first not in {s["id"] for s in history}
    assert (streak["current"], streak["total_days"]) == (2, 2)  # the 25th, a rest day, the 27th


def test_a_device_whose_clock_runs_ahead_is_named(homes: Homes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    set_clock(monkeypatch, "2026-11-29T09:00:00+01:00")  # two days ahead
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    set_clock(monkeypatch, "2026-11-27T09:00:00+01:00")
    result = homes.at("desk")("sync")
    assert "laptop's clock is 48 hours ahead of this one's" in result.stderr


def test_undoing_a_correction_of_length_agrees_on_both_devices(homes: Homes, tmp_path: Path):
    folder = tmp_path / "Sync"
    homes.at("desk")("sync", "init", str(folder), "--name", "desk")
    sid = homes.at("desk").json("log", NECK, SIDE, "--minutes", "10")["id"]
    homes.at("laptop")("sync", "init", str(folder), "--name", "laptop")
    homes.at("desk")("history", "edit", sid[:8], "--minutes", "4")
    homes.at("desk")("undo")
    desk = homes.at("desk").json("history")[0]
    assert desk == homes.at("laptop").json("history")[0]
    assert desk["seconds"] == 600 and sum(desk["practice_seconds"]) == 600
