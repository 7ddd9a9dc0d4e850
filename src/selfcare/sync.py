"""Sync: one log on every device, through a folder the person already syncs.

Each device appends the log's events (see store.py and merge.py) to a
journal of its own in the sync folder (see journal.py) and reads the others'
journals; what it reads is merged into its SQLite log by `Store.apply_events`,
which replays each changed subject's events (merge.replay_*) in one
transaction per batch. The sync tool (Syncthing, Dropbox, Nextcloud, iCloud
Drive, a git repository) is only the transport; no file is ever written by
two devices, and the SQLite log never goes into the folder.

- `init` names this device, writes the log's events into its new journal
  once (every event this log holds, so a move to a new folder loses none),
  and reads what the other devices wrote.
- `pull` sends this device's events not yet in its journal (the events table
  is the outbox: an event is stored in the transaction of its change, and
  copied after, so a crash between the two delays it and never loses it),
  then reads the others' journals from where it left each one.
- `unchanged` is the check every command makes first: a stat of the folder's
  journals and of config.yaml against what the last sync saw.

The profile (config.yaml) syncs as `profile.set` events: a key whose value
differs from what the last sync left is a change made here (by `profile
set`, `profile setup` or an editor) and becomes an event; a key changed
elsewhere is written into config.yaml, the last change winning.

Settings are `sync.json` beside the log (the folder, this device's id and
name, whether the folder is encrypted). A service: it takes the store, the
moment and what it needs; nothing here prints.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from . import journal, paths
from .errors import EnvironmentFault, SelfcareError
from .records import NamedTuple

# Every command imports this module (to glance at the sync folder): what only a real sync needs
# (merge, uuid, regular expressions) is imported where it is used.
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime
    from pathlib import Path

    from . import merge
    from .merge import Event
    from .models import Flag, Profile, Session
    from .seal import Sealer
    from .store import Store

FORMAT = 1
BATCH = 20_000  # events applied per transaction: memory stays flat for a journal of any length
AHEAD_MS = 24 * 3600 * 1000  # a device whose clock is further ahead than this is named
# Red flags are worked out again for sessions of the last FLAG_DAYS that a sync changed: as far back
# as the red-flag rules look, beyond the two weeks their limits last and the month a report shows.
FLAG_DAYS = 60
_HLC = r"^(\d{13})\.(\d{5})\.([a-z0-9]{4,32})$"
_KIND = r"^[a-z][a-z0-9_.-]{0,63}$"
PASSPHRASE_ENV = "SELFCARE_PASSPHRASE"  # noqa: S105 - the variable's name, not a passphrase
KEYRING_SERVICE = "selfcare sync"


class Settings(NamedTuple):
    folder: Path
    device: str
    name: str
    encrypted: bool

    def own_journal(self) -> Path:
        return self.folder / journal.journal_name(self.device)


def settings_file() -> Path:
    return paths.data_dir() / "sync.json"


def seen_file() -> Path:
    return paths.cache_dir() / "sync-seen.json"


def load_settings() -> Settings | None:
    """This device's sync settings, or None when sync is not set up (one open of a small file)."""
    from pathlib import Path

    try:
        with settings_file().open("rb") as handle:
            raw = handle.read(64 * 1024)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise EnvironmentFault(f"cannot read {settings_file()}: {exc.strerror}") from None
    try:
        data = json.loads(raw)
        return Settings(Path(data["folder"]), str(data["device"]), str(data["name"]), bool(data["encrypted"]))
    except (ValueError, KeyError, TypeError):
        raise SelfcareError(
            f"{settings_file()} is damaged; run 'selfcare sync init FOLDER' again to set sync up"
        ) from None


def _save_settings(s: Settings) -> None:
    text = json.dumps({"folder": str(s.folder), "device": s.device, "name": s.name, "encrypted": s.encrypted}, indent=2)
    paths.atomic_write(settings_file(), text + "\n")


# --- the cheap check ------------------------------------------------------------


def _signature(s: Settings) -> list[Any]:
    config = paths.config_file()
    try:
        st = config.stat()
        mine: list[Any] = [st.st_size, st.st_mtime_ns]
    except OSError:
        mine = []
    return [journal.signature(s.folder), mine]


def unchanged(s: Settings) -> bool:
    """Whether nothing in the sync folder (nor config.yaml) changed since the last sync here."""
    from . import jsoncache

    return bool(jsoncache.read(seen_file(), [str(s.folder), s.device]) == _signature(s))


def _remember_own(s: Settings) -> None:
    """After sending: the remembered signature takes this device's journal as it is now, and keeps
    the others as they were last read (one that changed meanwhile is still news)."""
    from . import jsoncache

    key = [str(s.folder), s.device]
    seen = jsoncache.read(seen_file(), key)
    if not isinstance(seen, list) or len(seen) != 2 or not isinstance(seen[0], list):
        return
    own = s.own_journal()
    try:
        st = own.stat()
    except OSError:
        return
    files = [f for f in seen[0] if not (isinstance(f, list) and f[:1] == [own.name])]
    files.append([own.name, st.st_size, st.st_mtime_ns])
    files.sort()
    jsoncache.write(seen_file(), key, [files, seen[1]])


def _remember(s: Settings, signature: list[Any]) -> None:
    from . import jsoncache

    jsoncache.write(seen_file(), [str(s.folder), s.device], signature)


# --- keys --------------------------------------------------------------------------


class NoKey(SelfcareError):
    """The folder is encrypted and no passphrase can be had without asking."""


def _header(folder: Path) -> dict[str, Any] | None:
    from .bounded import Unreadable, read_bytes

    try:
        raw = read_bytes(folder / journal.HEADER, 64 * 1024)
    except Unreadable as exc:
        if exc.missing:
            return None
        raise SelfcareError(f"{folder / journal.HEADER}: {exc.problem}") from None
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("selfcare_sync") != FORMAT:
        raise SelfcareError(
            f"{folder / journal.HEADER} is not a selfcare sync folder's header (or from a newer selfcare)"
        )
    return data


def _keyring_get(folder_id: str) -> bytes | None:
    import base64

    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, folder_id)
    except Exception:  # no keyring package, no keyring service, a locked one: take the passphrase instead
        return None
    try:
        return base64.b64decode(value) if value else None
    except ValueError:
        return None


def _keyring_put(folder_id: str, key: bytes) -> bool:
    import base64

    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, folder_id, base64.b64encode(key).decode("ascii"))
    except Exception:
        return False
    return True


_derived: dict[tuple[str, str], bytes] = {}  # (folder id, passphrase) -> key, for the rest of this process


def _derive(header: dict[str, Any], passphrase: str) -> bytes:
    from . import seal

    known = (str(header.get("id")), passphrase)
    if known not in _derived:
        _derived[known] = seal.derive(passphrase, header["kdf"])
    return _derived[known]


def key_for(header: dict[str, Any], ask: Callable[[], str] | None) -> bytes:
    """The folder's key: from the OS keyring, else derived from SELFCARE_PASSPHRASE, else from
    the passphrase `ask` returns (None: this command cannot ask, NoKey). Checked before use:
    a wrong passphrase is a WrongKey error, and nothing is read."""
    from . import seal

    folder_id = str(header.get("id"))
    key = _keyring_get(folder_id)
    if key is not None:
        try:
            seal.verify(key, str(header.get("check")))
            return key
        except seal.WrongKey:
            pass  # a key kept for an older folder of the same id: ask again
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        if ask is None:
            raise NoKey(
                f"the sync folder is encrypted and this command cannot ask for its passphrase; "
                f"set {PASSPHRASE_ENV} or run 'selfcare sync'"
            )
        passphrase = ask()
    if not passphrase:
        raise SelfcareError("no passphrase given; nothing was synced")
    key = _derive(header, passphrase)
    seal.verify(key, str(header.get("check")))
    _keyring_put(folder_id, key)
    return key


def sealer_for(s: Settings, ask: Callable[[], str] | None) -> Sealer:
    from .seal import Sealer

    if not s.folder.is_dir():
        raise EnvironmentFault(
            f"the sync folder {s.folder} is not there: is it mounted? ('selfcare sync init FOLDER' sets up another)"
        )
    header = _header(s.folder)
    if header is None:
        raise SelfcareError(
            f"{s.folder} has no {journal.HEADER}: is the sync folder mounted? Run 'selfcare sync init {s.folder}' to set it up again"
        )
    if bool(header.get("encrypted")) != s.encrypted:
        raise SelfcareError(f"{s.folder} changed from how it was set up here; run 'selfcare sync init' again")
    return Sealer(key_for(header, ask) if s.encrypted else None)


# --- events as lines -----------------------------------------------------------------


class BadLine(Exception):
    pass


def _uuid(value: Any, what: str) -> str:
    import uuid

    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value:
            return value
    except ValueError:
        pass
    raise BadLine(f"{what} is not an id")


def session_of(d: dict[str, Any]) -> Session:
    """A session from its history --json shape, types checked, its source kept."""
    from . import models, transfer

    try:
        s = transfer.session_from(d)
    except transfer._Bad as exc:
        raise BadLine(f"session.{exc.field}: {exc.problem}" if exc.field else f"session: {exc.problem}") from None
    source = d.get("source")
    return s._replace(source=source if source in models.SOURCES else "import")


def session_ok(d: dict[str, Any]) -> bool:
    """Whether a session, as replayed, keeps every limit a stored session keeps."""
    from . import limits

    try:
        limits.check_session(session_of(d), None)
    except (BadLine, limits.Refused):
        return False
    return True


def _check_payload(kind: str, p: dict[str, Any]) -> None:
    from . import limits, merge

    try:
        if kind == "session.add":
            if not isinstance(p.get("session"), dict):
                raise BadLine("payload.session must be an object")
            limits.check_session(session_of(p["session"]), None)
        elif kind in ("session.edit", "session.delete"):
            _uuid(p.get("id"), "payload.id")
            if kind == "session.edit" and not isinstance(p.get("set"), dict):
                raise BadLine("payload.set must be an object")
        elif kind in merge.REST_KINDS:
            reason = p.get("reason")
            if not isinstance(p.get("date"), str) or not (reason is None or isinstance(reason, str)):
                raise BadLine("payload.date and payload.reason must be text")
            limits.check_rest_day(p["date"], reason, None)
        elif kind == "area.clear":
            if not all(isinstance(p.get(k), str) and 0 < len(p[k]) <= 64 for k in ("area", "date", "logged_at")):
                raise BadLine("payload.area, date and logged_at must be short text")
            limits.check_rest_day(p["date"], None, None)
        elif kind == "profile.set":
            if not isinstance(p.get("key"), str) or not 0 < len(p["key"]) <= 64:
                raise BadLine("payload.key must be short text")
        elif kind == "device.name" and (not isinstance(p.get("name"), str) or not 0 < len(p["name"]) <= 64):
            raise BadLine("payload.name must be short text")
    except limits.Refused as exc:
        raise BadLine(f"{kind}: {exc.field}: {exc.problem}") from None


def parse_event(text: bytes) -> Event:
    """An event from its journal line (JSON), every field checked; BadLine says what is wrong."""
    import re

    from .merge import Event

    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise BadLine("not JSON") from None
    if not isinstance(data, dict):
        raise BadLine("not an object")
    eid = _uuid(data.get("id"), "id")
    hlc, device, kind, payload = data.get("hlc"), data.get("device"), data.get("kind"), data.get("payload")
    match = re.match(_HLC, hlc) if isinstance(hlc, str) else None
    if match is None or match.group(3) != device:
        raise BadLine("hlc is not a clock of its device")
    if not isinstance(kind, str) or not re.match(_KIND, kind):
        raise BadLine("kind is not a kind")
    if not isinstance(payload, dict):
        raise BadLine("payload is not an object")
    undoes = data.get("undoes")
    if undoes is not None:
        _uuid(undoes, "undoes")
    _check_payload(kind, payload)
    return Event(eid, str(hlc), str(device), kind, payload, undoes)


def line_of(event: Event, sealer: Sealer) -> bytes:
    return sealer.seal(event.canonical().encode("utf-8"))


# --- results -------------------------------------------------------------------------


class Synced:
    """What a sync did, for `selfcare sync` to say (and automatic syncs to keep quiet about)."""

    def __init__(self) -> None:
        self.sent = 0  # events of this device copied to its journal
        self.received: list[merge.Tally] = []  # new events from other devices
        self.names: dict[str, str] = {}  # device id -> name
        self.profile: list[str] = []  # profile keys written into config.yaml
        self.unknown = 0  # new events of kinds this version does not know, kept
        self.reread: list[str] = []  # journals read again from their start
        self.warnings: list[str] = []  # lines skipped, clocks ahead...

    def name(self, device: str) -> str:
        return self.names.get(device) or f"device {device}"


# --- init ---------------------------------------------------------------------------------


def _device_name(name: str | None) -> str:
    import socket

    raw = (name or socket.gethostname().split(".")[0] or "this device").strip()
    clean = "".join(c for c in raw if c.isprintable())[:64].strip()
    if not clean:
        raise SelfcareError("--name must be printable text")
    return clean


def init(
    store: Store,
    folder: Path,
    *,
    name: str | None,
    encrypt: bool,
    ask: Callable[[], str] | None,
    profile: Profile | None,
    now: datetime,
    flags_for: Callable[[Store, Session], list[Flag]] | None = None,
) -> tuple[Settings, Synced]:
    """Set sync up with `folder`; returns the settings and what the first sync did."""
    import uuid

    from . import seal

    if folder.exists() and not folder.is_dir():
        raise SelfcareError(f"{folder} is not a folder")
    if _inside(paths.db_file(), folder):
        raise SelfcareError(f"{folder} holds the log itself ({paths.db_file()}); choose a folder apart from it")
    paths.ensure_private_dir(folder)
    header = _header(folder)
    if header is None:
        header = {"selfcare_sync": FORMAT, "id": str(uuid.uuid4()), "encrypted": encrypt}
        if encrypt:
            passphrase = os.environ.get(PASSPHRASE_ENV) or (ask() if ask is not None else "")
            if not passphrase:
                raise SelfcareError(f"--encrypt needs a passphrase: set {PASSPHRASE_ENV} or run this in a terminal")
            header["kdf"] = seal.new_params()
            key = _derive(header, passphrase)
            header["check"] = seal.check_value(key)
            _keyring_put(header["id"], key)
        try:
            paths.atomic_write(folder / journal.HEADER, json.dumps(header, indent=2) + "\n", overwrite=False)
        except SelfcareError:
            header = _header(folder) or header  # another device set it up a moment ago
    if bool(header.get("encrypted")) != encrypt:
        if encrypt:
            raise SelfcareError(
                f"{folder} already syncs without encryption; choose an empty folder for an encrypted sync"
            )
        raise SelfcareError(f"{folder} is an encrypted sync folder; run: selfcare sync init '{folder}' --encrypt")
    device = store.device() or uuid.uuid4().hex[:12]
    settings = Settings(folder.resolve(), device, _device_name(name), encrypt)
    sealer = sealer_for(settings, ask)
    store.start_sync(device, settings.name, _profile_values(profile))
    store.forget_cursors()  # a folder set up anew is read from the start (merging ignores repeats)
    _save_settings(settings)
    result = pull(store, settings, sealer, now, profile=profile, flags_for=flags_for)
    return settings, result


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


# --- the profile ---------------------------------------------------------------------------


def _profile_values(profile: Profile | None) -> dict[str, str]:
    """The profile's keys as the text `profile set` takes ('neck,shoulders', '10')."""
    if profile is None:
        return {}
    from .profile import KEYS

    values = profile.to_dict()
    out = {}
    for key in KEYS:
        value = values.get(key)
        out[key] = ",".join(value) if isinstance(value, list) else ("" if value is None else str(value))
    return out


def _apply_profile(wanted: dict[str, Any], profile: Profile | None, synced: Synced) -> Profile | None:
    """Write profile keys changed elsewhere into config.yaml; keys this version cannot take are named."""
    from . import profile as profiles
    from .models import Profile

    current = profile or Profile()
    updated = current
    for key, value in sorted(wanted.items()):
        if key not in profiles.KEYS:
            continue  # a key of a newer version: kept as an event
        try:
            updated = profiles.with_value(updated, key, str(value))
        except SelfcareError as exc:
            synced.warnings.append(f"the profile's {key} from another device was not taken: {exc.message}")
            continue
        if _profile_values(updated)[key] != _profile_values(current)[key]:
            synced.profile.append(key)
    if synced.profile:
        profiles.save(paths.config_file(), updated._replace(acknowledged=current.acknowledged or profile is None))
    return updated


# --- pull and push ---------------------------------------------------------------------------


def push(store: Store, s: Settings, sealer: Sealer) -> int:
    """Copy this device's events not yet in its journal there; how many."""
    with journal.Own(s.own_journal()) as own:
        last = own.last_line()
        after = 0
        if last is not None:
            try:
                after = store.event_seq(parse_event(sealer.open(last)).id) or 0
            except Exception:  # a damaged last line: send everything again (merging ignores repeats)
                after = 0
        written = 0
        batch: list[bytes] = []
        for event in store.iter_events(after_seq=after, device=None if last is None else s.device):
            batch.append(line_of(event, sealer))
            if len(batch) >= BATCH:
                own.append(batch)
                written, batch = written + len(batch), []
        own.append(batch)
        return written + len(batch)


def pull(
    store: Store,
    s: Settings,
    sealer: Sealer,
    now: datetime,
    *,
    profile: Profile | None,
    flags_for: Callable[[Store, Session], list[Flag]] | None = None,
) -> Synced:
    """Send what this device has not sent, then read and merge what the others wrote."""
    from . import merge
    from .hlc import ahead_by
    from .seal import Unsealable

    synced = Synced()
    store.record_profile(_profile_values(profile))  # changes made here since the last sync become events
    synced.sent = push(store, s, sealer)
    # Taken before the journals are read: one that grows while they are read is news next time.
    before = _signature(s)
    cursors = store.sync_cursors()
    new: list[Event] = []
    seen: dict[str, journal.Cursor] = {}
    wanted_profile: dict[str, Any] = {}
    now_ms = int(now.timestamp() * 1000)
    ahead: dict[str, int] = {}

    from datetime import timedelta

    flags_since = (now.date() - timedelta(days=FLAG_DAYS)).isoformat()

    def flush() -> None:
        applied = store.apply_events(new, dict(seen), session_ok, flags_for, flags_since)
        synced.received.extend(merge.tally(applied.new))
        synced.unknown += sum(1 for e in applied.new if e.kind not in merge.KNOWN_KINDS)
        wanted_profile.update(applied.profile)
        new.clear()
        seen.clear()

    own = journal.journal_name(s.device)
    for path in journal.journals(s.folder):
        if path.name == own:
            continue
        lines, again = journal.read_lines(path, cursors.get(path.name, journal.Cursor()))
        if again:
            synced.reread.append(path.name)
        bad = 0
        last: journal.Line | None = None
        for line in lines:
            last = line
            if not line.text.strip():
                continue  # a blank line: nothing to read
            try:
                event = parse_event(sealer.open(line.text))
            except (BadLine, Unsealable) as exc:
                if bad == 0:
                    synced.warnings.append(f"{path}:{line.number}: a line was skipped ({exc})")
                bad += 1
                continue
            by = ahead_by(event.hlc, now_ms)
            if by > AHEAD_MS:
                ahead[event.device] = max(ahead.get(event.device, 0), by)
            new.append(event)
            if len(new) >= BATCH:
                seen[path.name] = journal.cursor_at(path, line)
                flush()
        if bad > 1:
            synced.warnings.append(f"{path}: {bad} lines in all were skipped")
        if last is not None:
            seen[path.name] = journal.cursor_at(path, last)
    flush()
    synced.names = store.device_names()
    for device, by in sorted(ahead.items()):
        hours = by // 3_600_000
        synced.warnings.append(
            f"{synced.name(device)}'s clock is {hours} hours ahead of this one's; its changes count as later than they are"
        )
    if wanted_profile:
        _apply_profile(wanted_profile, profile, synced)
        store.record_profile(_profile_values(_reload_profile()), applied=True)
        before[1] = _signature(s)[1]  # config.yaml as this sync left it
    _remember(s, before)
    return synced


def _reload_profile() -> Profile | None:
    from . import profile as profiles

    return profiles.load(paths.config_file())


# --- what commands call ---------------------------------------------------------------------


def sync(
    store: Store,
    s: Settings,
    now: datetime,
    *,
    ask: Callable[[], str] | None,
    profile: Profile | None,
    flags_for: Callable[[Store, Session], list[Flag]] | None = None,
) -> Synced:
    """A whole sync (`selfcare sync`, or a command that found the folder changed)."""
    return pull(store, s, sealer_for(s, ask), now, profile=profile, flags_for=flags_for)


def send(store: Store, s: Settings, *, ask: Callable[[], str] | None) -> int:
    """After a change here: copy its events to this device's journal."""
    sent = push(store, s, sealer_for(s, ask))
    if sent:
        _remember_own(s)  # its own journal grew: that is no news for the next command
    return sent


def summary_counts(tallies: Iterable[merge.Tally]) -> dict[str, dict[str, int]]:
    """device -> kind -> count, summed over tallies."""
    out: dict[str, dict[str, int]] = {}
    for t in tallies:
        kinds = out.setdefault(t.device, {})
        for kind, n in t.counts:
            kinds[kind] = kinds.get(kind, 0) + n
    return out
