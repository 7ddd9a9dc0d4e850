"""Where selfcare keeps its files, and how it writes them privately.

config.yaml and routines/ live in platformdirs' user config dir, selfcare.db
in the user data dir, the parsed-library cache in the user cache dir.
SELFCARE_HOME=DIR puts all of them directly under DIR (the cache in
DIR/cache). Everything created here is private: folders 0700, files 0600.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import EnvironmentFault, SelfcareError

APP = "selfcare"


def _home() -> Path | None:
    home = os.environ.get("SELFCARE_HOME")
    return Path(home).expanduser() if home else None


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP))


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP))


def cache_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP))


def config_file() -> Path:
    return config_dir() / "config.yaml"


def db_file() -> Path:
    return data_dir() / "selfcare.db"


def notice_file() -> Path:
    """Exists once the first-run notice (not medical advice...) has been shown."""
    return config_dir() / ".notice-shown"


def user_routines_dir() -> Path:
    return config_dir() / "routines"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700 folders; leave existing ones be."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    try:
        for folder in reversed(missing):
            folder.mkdir(mode=0o700, exist_ok=True)
            folder.chmod(0o700)
    except OSError as exc:
        raise EnvironmentFault(
            f"cannot create folder {folder}: {exc.strerror}; check its parent's permissions"
        ) from None
    if not path.is_dir():
        raise EnvironmentFault(f"{path} exists but is not a folder; move it away")
    return path


def atomic_write(path: Path, data: str | bytes, *, overwrite: bool = True) -> None:
    """Write a private file in one step: a temporary file, then a rename.

    With overwrite=False an existing file is refused (exports without --force).
    A failed write leaves whatever was there before untouched.
    """
    ensure_private_dir(path.parent)
    if not overwrite and path.exists():
        raise SelfcareError(f"{path} already exists; use --force to overwrite it")
    import tempfile

    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise EnvironmentFault(f"cannot write in {path.parent}: {exc.strerror}") from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o600)
        if not overwrite:
            # link() fails if the target appeared meanwhile: never clobber.
            path.hardlink_to(tmp)
            tmp.unlink()
        else:
            tmp.replace(path)
    except FileExistsError:
        tmp.unlink()
        raise SelfcareError(f"{path} already exists; use --force to overwrite it") from None
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise EnvironmentFault(f"cannot write {path}: {exc.strerror}") from None
