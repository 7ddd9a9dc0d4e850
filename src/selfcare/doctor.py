"""`selfcare doctor`: what is where, whether it is private, and whether it reads.

It only looks: it creates nothing, repairs nothing and migrates nothing, and
says what to do. The log is opened read-only (`file:...?mode=ro`, never
through store.open_store, which migrates), and with `immutable=1` when the
log has no -wal and -shm files, so that not even those are made. Its schema
version, a `PRAGMA quick_check`, its size against its header, and whether
this user can write it and its -wal/-shm files (from their modes and owners,
without writing) are reported; every line names the file it is about.
"""

from __future__ import annotations

import functools
import os
import stat
from typing import TYPE_CHECKING

from . import paths
from .errors import SelfcareError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

Finding = tuple[str, str, str]  # (what, "ok" | "warn" | "fail", detail)
CHECK_LINES = 5  # quick_check problems named at most


def _line(text: str) -> str:
    """Details stay one line each, whatever a path holds (SELFCARE_HOME may contain a newline)."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _private(path: Path, want: int) -> Finding | None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return (str(path), "warn", f"mode {mode:o}: others can read it; run: chmod {want:o} '{path}'")
    return None


def _folder(label: str, folder: Path) -> list[Finding]:
    if not folder.exists():
        return [(label, "ok", f"{folder} (not created yet)")]
    if not folder.is_dir():
        return [(label, "fail", f"{folder} is not a folder; move it away")]
    found = [(label, "ok", str(folder))]
    if not os.access(folder, os.W_OK | os.X_OK):
        found.append((label, "fail", f"{folder} is not writable; check its permissions"))
    loose = _private(folder, 0o700)
    if loose:
        found.append((label, loose[1], loose[2]))
    return found


def _read_only_uri(db: Path) -> str:
    from urllib.parse import quote

    wal, shm = (db.with_name(db.name + suffix) for suffix in ("-wal", "-shm"))
    # Without both, even a read-only connection would create them; with immutable=1 it reads the file alone.
    extra = "" if wal.exists() and shm.exists() else "&immutable=1"
    return f"file:{quote(str(db))}?mode=ro{extra}"


def log_findings(db: Path) -> list[Finding]:
    """What can be said of the log at `db` without changing a byte of it."""
    import sqlite3

    from .store import VERSION, file_problem, not_writable, side_files

    if not db.exists():
        return [("log", "ok", f"{db} (not created yet: log a session)")]
    if db.is_dir():
        return [("log", "fail", f"{db} is a folder, not a log; move it away")]
    try:
        problem = file_problem(db)
    except SelfcareError as exc:
        return [("log", "fail", exc.message)]
    if problem:
        return [("log", "fail", f"{db} is damaged ({problem}); restore it from a backup, or move it away")]
    findings: list[Finding] = []
    try:
        conn = sqlite3.connect(_read_only_uri(db), uri=True)
    except sqlite3.Error as exc:
        return [("log", "fail", f"{db} cannot be opened to read ({exc})")]
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        checked = [r[0] for r in conn.execute(f"PRAGMA quick_check({CHECK_LINES})")]
        count = None
        if checked == ["ok"] and 0 < version <= VERSION:
            count = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    except sqlite3.Error as exc:
        return [("log", "fail", f"{db} is damaged or not a selfcare log ({exc}); restore it from a backup")]
    finally:
        conn.close()
    if checked != ["ok"]:
        findings.append(
            ("log", "fail", f"{db} is damaged ({'; '.join(checked)}); restore it from a backup, or move it away")
        )
    elif version < 0 or version > VERSION:
        if version > VERSION:
            detail = f"{db}: schema version {version} is newer than this selfcare knows ({VERSION}); upgrade selfcare"
        else:
            detail = f"{db}: schema version {version} is not one selfcare ever wrote; restore it from a backup"
        findings.append(("log", "fail", detail))
    elif version < VERSION:
        findings.append(
            (
                "log",
                "ok",
                f"{db}: schema version {version} of {VERSION}, upgraded by the next command that opens the log",
            )
        )
    else:
        findings.append(("log", "ok", f"{db}: schema version {version} of {VERSION}, {count} sessions"))
    for path in (db, *side_files(db)):
        problem = not_writable(path)
        if problem:
            findings.append(("log", "fail", f"the log cannot be written: {problem}"))
    if loose := _private(db, 0o600):
        findings.append(("log", loose[1], loose[2]))
    return findings


# What marks a folder as kept in step by a sync tool: (a file or folder it leaves at the synced
# folder's root, the tool). A sync tool copies a file when it changes, and an SQLite log copied
# while open (its -wal file apart from it) arrives damaged; and two devices writing one log conflict.
SYNC_MARKS = (
    (".stfolder", "Syncthing"),
    (".dropbox", "Dropbox"),
    (".dropbox.cache", "Dropbox"),
    (".nextcloudsync.log", "Nextcloud"),
    (".owncloudsync.log", "ownCloud"),
)
SYNC_NAMES = (("com~apple~CloudDocs", "iCloud Drive"), ("OneDrive", "OneDrive"), ("Google Drive", "Google Drive"))


def synced_folder(path: Path, also: Path | None = None) -> tuple[str, Path] | None:
    """(the tool, the synced folder) when `path` sits inside a folder a sync tool keeps in step
    (or inside `also`, the folder selfcare's own sync uses), else None. Only looks."""
    here = path.parent
    for folder in (here, *here.parents):
        if also is not None and folder == also:
            return "selfcare's own sync", folder
        for mark, tool in SYNC_MARKS:
            if (folder / mark).exists():
                return tool, folder
        try:
            if any(p.name.startswith((".sync_", "._sync_")) and p.suffix == ".db" for p in folder.iterdir()):
                return "Nextcloud or ownCloud", folder
        except OSError:
            pass
        for name, tool in SYNC_NAMES:
            if folder.name == name:
                return tool, folder
    return None


def sync_findings(db: Path) -> list[Finding]:
    """A warning when the log itself sits in a synced folder; what sync is set up to use."""
    from .errors import SelfcareError

    found: list[Finding] = []
    folder: Path | None = None
    try:
        from .sync import load_settings

        settings = load_settings()
    except SelfcareError as exc:
        return [("sync", "warn", exc.message)]
    if settings is not None:
        folder = settings.folder
        state = "" if folder.is_dir() else " (not there now: is it mounted?)"
        found.append(("sync", "ok", f"this device ({settings.name}) syncs through {folder}{state}"))
    inside = synced_folder(db.resolve(), folder)
    if inside is not None:
        tool, where = inside
        found.append(
            (
                "sync",
                "warn",
                f"the log {db} is inside {where}, which {tool} keeps in step: a copy made while it is open "
                "arrives damaged. Keep the log out of synced folders (move it, or set XDG_DATA_HOME or "
                "SELFCARE_HOME) and sync with 'selfcare sync init FOLDER', which writes only journals there",
            )
        )
    return found


def _safely(label: str, path: Path, check: Callable[[], list[Finding]]) -> list[Finding]:
    """A check, or one failing finding when the path cannot even be looked at (a name too long...)."""
    try:
        return check()
    except OSError as exc:
        return [(label, "fail", f"{path} cannot be checked: {exc.strerror or exc}")]


def checkup() -> list[Finding]:
    from . import library, profile

    findings: list[Finding] = []
    for label, folder in (
        ("config folder", paths.config_dir()),
        ("data folder", paths.data_dir()),
        ("cache folder", paths.cache_dir()),
    ):
        findings += _safely(label, folder, functools.partial(_folder, label, folder))
    config = paths.config_file()

    def profile_findings() -> list[Finding]:
        try:
            saved = profile.load(config)
        except SelfcareError as exc:
            return [("profile", "fail", exc.message)]
        found = [("profile", "ok", f"{config}" if saved else "none yet: run 'selfcare profile setup'")]
        if saved and (loose := _private(config, 0o600)):
            found.append(("profile", loose[1], loose[2]))
        return found

    findings += _safely("profile", config, profile_findings)
    findings += _safely("log", paths.db_file(), lambda: log_findings(paths.db_file()))
    findings += _safely("sync", paths.db_file(), lambda: sync_findings(paths.db_file()))

    def routine_findings() -> list[Finding]:
        try:
            lib = library.load(paths.user_routines_dir(), None)
        except SelfcareError as exc:
            return [("routines", "fail", exc.message)]
        own = sum(1 for p in lib if p.origin != "built-in")
        found = [("routines", "ok", f"{len(lib)} practices ({own} of yours from {paths.user_routines_dir()})")]
        # A file of one's own that does not read is skipped by every command; here it is named, with why.
        for path, message in lib.skipped:
            found.append(("routines", "warn", f"skipped {message}; check it with 'selfcare routines validate {path}'"))
        return found

    findings += _safely("routines", paths.user_routines_dir(), routine_findings)
    return [(what, status, _line(detail)) for what, status, detail in findings]
