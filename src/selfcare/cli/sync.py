"""`selfcare sync` and `selfcare sync init`, and the sync every command makes first."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from .common import forget_plan, load_profile, open_log
from .guard import echo
from .registry import Argument, Option, command

if TYPE_CHECKING:
    from ..sync import Synced


@command("sync")
def sync() -> None:
    """Send this device's changes to the sync folder and merge the other devices' ('sync init' sets it up).

    Example: selfcare sync
    """
    from .. import sync as syncing
    from ..days import now
    from ..errors import SelfcareError
    from .common import asker, red_flags_for

    settings = syncing.load_settings()
    if settings is None:
        raise SelfcareError("sync is not set up on this device: run 'selfcare sync init FOLDER'")
    profile, saved = load_profile()
    with open_log(pull=False) as store:
        store.on_change = forget_plan  # what the sync writes, it sends itself
        result = syncing.sync(
            store, settings, now(), ask=asker(), profile=profile if saved else None, flags_for=red_flags_for()
        )
    said(result, settings.folder)


@command("init", group="sync")
def init(
    folder: Annotated[
        Path,
        Argument(
            metavar="FOLDER",
            help="A folder you already sync (Syncthing, Dropbox, Nextcloud, iCloud Drive, a git clone).",
        ),
    ],
    encrypt: Annotated[
        bool,
        Option(
            "--encrypt", help="Encrypt end to end with a passphrase (every device needs it); needs the 'encrypt' extra."
        ),
    ] = False,
    name: Annotated[
        str | None, Option("--name", help="What other devices call this one (default: its host name).")
    ] = None,
) -> None:
    """Keep one log on every device through a folder you already sync; each device writes its own journal there.

    Example: selfcare sync init ~/Sync/selfcare --name laptop
    """
    from .. import sync as syncing
    from ..days import now
    from .common import asker, red_flags_for

    profile, saved = load_profile()
    with open_log(pull=False) as store:
        store.on_change = forget_plan
        settings, result = syncing.init(
            store,
            folder.expanduser(),
            name=name,
            encrypt=encrypt,
            ask=asker(confirm=True),
            profile=profile if saved else None,
            now=now(),
            flags_for=red_flags_for(),
        )
    echo(
        f"This device syncs as '{settings.name}' through {settings.folder}"
        + (" (encrypted end to end)." if settings.encrypted else ".")
    )
    said(result, settings.folder)


def said(result: Synced, folder: Path) -> None:
    """What a sync did, in a few lines; what was skipped, as warnings."""
    from ..render import clean
    from .guard import warn

    for line in lines(result):
        echo(clean(line))
    for warning in result.warnings:
        warn(warning)


def lines(result: Synced) -> list[str]:
    """The sentences `selfcare sync` prints: true of what this sync did, and only of that."""
    from ..sync import summary_counts
    from ..words import plural

    words = {
        "session.add": ("session", "sessions"),
        "session.edit": ("correction", "corrections"),
        "session.delete": ("deletion", "deletions"),
        "rest.add": ("rest day", "rest days"),
        "rest.remove": ("rest day taken back", "rest days taken back"),
        "area.clear": ("area cleared", "areas cleared"),
        "profile.set": ("profile change", "profile changes"),
    }
    out = [f"Sent {plural(result.sent, 'change')} from this device." if result.sent else "Nothing new to send."]
    counts = summary_counts(result.received)
    for device, kinds in counts.items():
        parts = []
        for kind, (one, many) in words.items():
            n = kinds.get(kind, 0)
            if n:
                parts.append(f"{n} {one if n == 1 else many}")
        unknown = sum(n for kind, n in kinds.items() if kind not in words and kind != "device.name")
        if unknown:
            parts.append(f"{plural(unknown, 'change')} this version does not know (kept)")
        if parts:
            out.append(f"From {result.name(device)}: {', '.join(parts)}.")
    if not any(k != "device.name" for kinds in counts.values() for k in kinds):
        out.append("Nothing new from other devices.")
    if result.profile:
        out.append(f"Your profile's {', '.join(result.profile)} changed to match.")
    for name in result.reread:
        out.append(f"{name} was rewritten or shrank, so it was read again from its start.")
    return out
