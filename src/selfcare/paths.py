"""Where selfcare keeps its files, and how it writes them privately.

config.yaml and routines/ live in platformdirs' user config dir, selfcare.db
in the user data dir, the parsed-library cache in the user cache dir.
SELFCARE_HOME=DIR puts all of them directly under DIR (the cache in
DIR/cache). Everything created here is private: folders 0700, files 0600.
"""

from __future__ import annotations

import contextlib
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import EnvironmentFault, SelfcareError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import BinaryIO

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


@contextmanager
def _written_then_renamed(path: Path, *, overwrite: bool, check: Callable[[], None]) -> Iterator[BinaryIO]:
    """A private temporary file beside `path` to write into, which takes `path`'s name only once
    everything is written and flushed to disk; `check` refuses what may not be written, before
    and again just before the rename. A failure leaves whatever was at `path` untouched."""
    import tempfile

    check()
    ensure_private_dir(path.parent)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
    except OSError as exc:
        raise EnvironmentFault(f"cannot write in {path.parent}: {exc.strerror}") from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o600)
        check()  # again: the target may have appeared meanwhile
        if overwrite:
            tmp.replace(path)
        else:
            path.hardlink_to(tmp)  # fails if the target appeared meanwhile: never clobber
            tmp.unlink()
    except FileExistsError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise SelfcareError(f"{path} already exists; use --force to overwrite it") from None
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise EnvironmentFault(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write(path: Path, data: str | bytes, *, overwrite: bool = True) -> None:
    """Write a private file in one step: a temporary file, then a rename.

    With overwrite=False an existing file is refused (exports without --force).
    A failed write leaves whatever was there before untouched.
    """

    def refuse_existing() -> None:
        if not overwrite and path.exists():
            raise SelfcareError(f"{path} already exists; use --force to overwrite it")

    with _written_then_renamed(path, overwrite=overwrite, check=refuse_existing) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


# --- --output -----------------------------------------------------------------

STDOUT = "-"  # `--output -` means standard output, as with other Unix tools


def check_output(path: Path, *, overwrite: bool) -> None:
    """Refuse an --output that is not a new path or a regular file (and a regular file without --force).

    A link, a device, a FIFO or a folder is never replaced by a file holding the log.
    """
    try:
        st = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise EnvironmentFault(f"cannot use {path}: {exc.strerror}") from None
    if stat.S_ISLNK(st.st_mode):
        raise SelfcareError(f"{path} is a symbolic link; give a new file name, or the file it points to")
    if stat.S_ISDIR(st.st_mode):
        raise SelfcareError(f"{path} is a folder; give a file name in it, like {path / 'selfcare-backup.json'}")
    if not stat.S_ISREG(st.st_mode):
        raise SelfcareError(f"{path} is not a regular file (a device, FIFO or socket); give a new file name")
    if not overwrite:
        raise SelfcareError(f"{path} already exists; use --force to overwrite it")


@contextmanager
def output_file(path: Path, *, overwrite: bool) -> Iterator[Callable[[str], object]]:
    """Write a private file piece by piece through the function this yields: into a
    temporary file, which takes the name only once everything is written (atomic, like
    `atomic_write`, and with the same refusals as `check_output`)."""
    with _written_then_renamed(path, overwrite=overwrite, check=lambda: check_output(path, overwrite=overwrite)) as h:
        yield lambda text: h.write(text.encode("utf-8"))


def write_output(path: Path, text: str, *, overwrite: bool) -> None:
    """Write `text` to an --output file (see `check_output`)."""
    with output_file(path, overwrite=overwrite) as write:
        write(text)
