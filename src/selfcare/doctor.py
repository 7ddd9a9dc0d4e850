"""`selfcare doctor`: what is where, whether it is private, and whether it reads.

Read-only: it creates nothing and repairs nothing; it says what to do.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from . import paths
from .errors import SelfcareError

if TYPE_CHECKING:
    from pathlib import Path

Finding = tuple[str, str, str]  # (what, "ok" | "warn" | "fail", detail)


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


def checkup() -> list[Finding]:
    from . import library, profile
    from .store import VERSION, open_store

    findings: list[Finding] = []
    findings += _folder("config folder", paths.config_dir())
    findings += _folder("data folder", paths.data_dir())
    findings += _folder("cache folder", paths.cache_dir())
    config = paths.config_file()
    try:
        saved = profile.load(config)
        findings.append(("profile", "ok", f"{config}" if saved else "none yet: run 'selfcare profile setup'"))
        if saved and (loose := _private(config, 0o600)):
            findings.append(("profile", loose[1], loose[2]))
    except SelfcareError as exc:
        findings.append(("profile", "fail", exc.message))
    db = paths.db_file()
    if db.exists():
        try:
            with open_store(db, create=False) as store:
                version = store.version()
                count = store.count_sessions()
            findings.append(("log", "ok", f"{db}: schema version {version} of {VERSION}, {count} sessions"))
            if loose := _private(db, 0o600):
                findings.append(("log", loose[1], loose[2]))
        except SelfcareError as exc:
            findings.append(("log", "fail", exc.message))
    else:
        findings.append(("log", "ok", f"{db} (not created yet: log a session)"))
    try:
        lib = library.load(paths.user_routines_dir(), None)
        own = sum(1 for p in lib if p.origin != "built-in")
        findings.append(("routines", "ok", f"{len(lib)} practices ({own} of yours from {paths.user_routines_dir()})"))
    except SelfcareError as exc:
        findings.append(("routines", "fail", exc.message))
    return findings
