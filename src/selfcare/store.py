"""The session log: one SQLite file, and every query made of it.

Schema (version = PRAGMA user_version = number of migrations applied):

  sessions           one row a session
    id TEXT PK         a UUID
    day TEXT           YYYY-MM-DD, the day it counts for (day_starts_at applied when logged)
    logged_at TEXT     the moment, ISO 8601 with its UTC offset
    logged_ts REAL     the same moment as a Unix time, for ordering
    seconds INTEGER    how long in all
    pain_before/after, stress_before/after INTEGER 0-10 or NULL
    note TEXT, pro TEXT (a professional's kind, for sessions with one)
    source TEXT        plan | manual | guided | import
  session_practices  the practices of a session, in order, with their seconds
    (v2: too_intense INTEGER 0/1, the person marked it too intense)
  rest_days          day TEXT PK, reason TEXT, created_at TEXT
  flags (v2)         red flags raised when a session was logged
  (v3) session_practices.status: done | partial | skipped (a guided session's truth)
  clears (v3)        area, day, logged_at: an area cleared after seeing someone
  events (v4)        every change to the log, written in the transaction that makes
                     it: seq (order of arrival here), id, hlc (selfcare.hlc), device,
                     kind, payload (JSON), undoes (the event a change takes back).
                     `undo` reads them; sync copies them between devices. Kinds:
                     session.add {session}, session.edit {id, set, was},
                     session.delete {id, session}, rest.add {date, reason, was},
                     rest.remove {date, was}, area.clear {area, date, logged_at}
  meta (v4)          key, value: this log's own settings (the device id)
  (v5) events.subject  what an event is about (merge.subject), a virtual column
                     with its index: sync replays one subject's events at a time
  sync_cursors (v5)  file, offset, line, head, tail: how far each journal of the
                     sync folder was read (selfcare.journal.Cursor)

`open_store(path)` is the one door: it connects (WAL, a busy timeout so that
several terminals can log at once, foreign keys) and applies migrations, each
with its version bump in one transaction. A file that is not a selfcare log,
or is cut short (its size is checked against its header on every open), is
named in the error and never overwritten or repaired. Every write is one
transaction; reads that must agree (an export) share one read transaction
(`snapshot`). Imports are checked and staged in a private temporary database
first (`Staging`), then merged in one short transaction (`Store.merge`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .errors import CorruptStore, EnvironmentFault, SelfcareError
from .models import Flag, JsonObject, RestDay, Session
from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

    from .journal import Cursor
    from .merge import Event
    from .models import JsonObject

BUSY_TIMEOUT_MS = 30_000
FLAG_DAYS = 60  # how far back a change makes red flags be worked out again
SQLITE_HEADER = b"SQLite format 3\x00"

# --- migrations: append only; a shipped migration is never edited -----------


def _m1_base(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            logged_at TEXT NOT NULL,
            logged_ts REAL NOT NULL,
            seconds INTEGER NOT NULL CHECK (seconds >= 0),
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            stress_before INTEGER CHECK (stress_before BETWEEN 0 AND 10),
            stress_after INTEGER CHECK (stress_after BETWEEN 0 AND 10),
            note TEXT,
            pro TEXT,
            source TEXT NOT NULL CHECK (source IN ('plan', 'manual', 'guided', 'import'))
        )"""
    )
    db.execute("CREATE INDEX sessions_day ON sessions (day, seconds)")
    db.execute("CREATE INDEX sessions_logged ON sessions (logged_ts)")
    db.execute(
        """CREATE TABLE session_practices (
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            practice_id TEXT NOT NULL,
            seconds INTEGER NOT NULL CHECK (seconds >= 0),
            PRIMARY KEY (session_id, position)
        )"""
    )
    db.execute("CREATE INDEX session_practices_practice ON session_practices (practice_id)")
    db.execute(
        """CREATE TABLE rest_days (
            day TEXT PRIMARY KEY,
            reason TEXT,
            created_at TEXT NOT NULL
        )"""
    )


def _m2_feedback(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE session_practices ADD COLUMN too_intense INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """CREATE TABLE flags (
            id INTEGER PRIMARY KEY,
            session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            rule TEXT NOT NULL,
            area TEXT,
            message TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX flags_day ON flags (day)")


def _m3_truth_and_clears(db: sqlite3.Connection) -> None:
    # What happened to each practice of a guided session: played to its end, begun, or skipped.
    db.execute(
        "ALTER TABLE session_practices ADD COLUMN status TEXT NOT NULL DEFAULT 'done' "
        "CHECK (status IN ('done', 'partial', 'skipped'))"
    )
    # An area cleared after seeing someone: it ends a pause or a gentle-only limit begun before.
    db.execute(
        """CREATE TABLE clears (
            id INTEGER PRIMARY KEY,
            area TEXT NOT NULL,
            day TEXT NOT NULL,
            logged_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX clears_day ON clears (day)")


def _m4_events(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            hlc TEXT NOT NULL,
            device TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            undoes TEXT
        )"""
    )
    db.execute("CREATE INDEX events_hlc ON events (hlc)")
    db.execute("CREATE INDEX events_undoes ON events (undoes)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


# merge.subject, in SQL: a session, a rest day, a profile key, a device's name, or the event itself.
SUBJECT_SQL = (
    "CASE WHEN kind = 'session.add' THEN 'session:' || json_extract(payload, '$.session.id') "
    "WHEN kind IN ('session.edit', 'session.delete') THEN 'session:' || json_extract(payload, '$.id') "
    "WHEN kind IN ('rest.add', 'rest.remove') THEN 'rest:' || json_extract(payload, '$.date') "
    "WHEN kind = 'profile.set' THEN 'profile:' || json_extract(payload, '$.key') "
    "WHEN kind = 'device.name' THEN 'device:' || device "
    "ELSE 'event:' || id END"
)


def _m5_sync(db: sqlite3.Connection) -> None:
    db.execute(f"ALTER TABLE events ADD COLUMN subject TEXT GENERATED ALWAYS AS ({SUBJECT_SQL}) VIRTUAL")
    db.execute("CREATE INDEX events_subject ON events (subject)")
    db.execute(
        """CREATE TABLE sync_cursors (
            file TEXT PRIMARY KEY,
            offset INTEGER NOT NULL,
            line INTEGER NOT NULL,
            head TEXT NOT NULL,
            tail TEXT NOT NULL
        )"""
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _m1_base,
    _m2_feedback,
    _m3_truth_and_clears,
    _m4_events,
    _m5_sync,
]
VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection, upto: int = VERSION) -> int:
    """Apply the migrations not yet applied (up to `upto`); returns the version."""
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > VERSION:
                raise SelfcareError(
                    f"the log is at schema version {version}, newer than this selfcare knows ({VERSION}); upgrade selfcare"
                )
            if version >= upto:
                db.execute("COMMIT")
                return int(version)
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


# --- opening ----------------------------------------------------------------


def _corrupt(path: Path, detail: str) -> CorruptStore:
    return CorruptStore(
        f"{path} is damaged or not a selfcare log ({detail}); it was left untouched: "
        "move it away to start a new log, or restore it from a backup"
    )


def side_files(path: Path) -> tuple[Path, Path]:
    """The log's write-ahead log and shared-memory files (-wal, -shm)."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def file_problem(path: Path) -> str | None:
    """Why the file at `path` cannot be a healthy SQLite log, from its header and size alone
    (cheap, so it runs on every open); None when nothing is wrong that way."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise EnvironmentFault(f"cannot read {path}: {exc.strerror}; check its permissions") from None
    if not header:
        return None  # made a moment ago, by this command or another one, and not yet set up
    if header[:16] != SQLITE_HEADER:
        return "not an SQLite database"
    if len(header) < 100:
        return "cut short: its header is incomplete"
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        return "its header is damaged"
    if size % page:
        return f"cut short or padded: {size:,} bytes is not a whole number of {page:,}-byte pages"
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # the page count in the header is kept up to date
    wal = side_files(path)[0]
    try:
        settled = wal.stat().st_size == 0
    except FileNotFoundError:  # none, or removed a moment ago by another command's last checkpoint
        settled = True
    if counted and settled and size < pages * page:
        return f"cut short: it has {size // page:,} of its {pages:,} pages"
    return None


def not_writable(path: Path) -> str | None:
    """Why this user cannot write `path` (from its mode and owner), or None; nothing is written to find out."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{path} cannot be checked ({exc.strerror})"
    euid = os.geteuid() if hasattr(os, "geteuid") else None
    if euid is None or euid == 0:
        return None  # root writes whatever the modes say
    if st.st_uid != euid:
        return f"{path} belongs to another user (uid {st.st_uid}), so you cannot write it; run: chown $(id -u) '{path}'"
    want = stat.S_IWUSR | (stat.S_IXUSR if stat.S_ISDIR(st.st_mode) else 0)
    if st.st_mode & want != want:
        fix = "700" if stat.S_ISDIR(st.st_mode) else "600"
        return f"{path} is read-only (mode {stat.S_IMODE(st.st_mode):o}); run: chmod {fix} '{path}'"
    return None


def _create_private(path: Path) -> None:
    from .paths import ensure_private_dir

    ensure_private_dir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass  # another process made it first
    except OSError as exc:
        raise EnvironmentFault(f"cannot create {path}: {exc.strerror}") from None


class Store:
    """The open log. Use `open_store`; close with `close()` or a `with` block.

    A store opened with `lazy=True` on a log that does not exist yet creates it
    only when it is first used, so a command refused before it reads or writes
    anything leaves no empty log behind; `exists` says whether there is one.
    """

    def __init__(
        self, db: sqlite3.Connection | None, path: Path, connect: Callable[[], sqlite3.Connection] | None = None
    ) -> None:
        self._db = db
        self._connect = connect
        self.path = path
        self.on_change: Callable[[], None] | None = None  # called after each write commits
        self.now_ms: Callable[[], int] = _wall_ms  # the clock of new events (the CLI passes the moment's)
        # How a session's red flags are worked out (coach.red_flags, given by the CLI): with it, a
        # change that alters what came before later sessions works their flags out again, so the
        # flags are a function of the log, the same on every device (see _reflag).
        self.flags_for: Callable[[Store, Session], list[Flag]] | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            assert self._connect is not None
            self._db = self._connect()
        return self._db

    @property
    def exists(self) -> bool:
        return self._db is not None or self.path.exists()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all or nothing."""
        with self._guard():
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        if self.on_change is not None:
            self.on_change()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every read inside sees the log as it was at the first one,
        whatever is written meanwhile (an export is one moment of the log)."""
        with self._guard():
            db = self.db
            db.execute("BEGIN")
            try:
                yield
            finally:
                if db.in_transaction:
                    db.execute("COMMIT")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise self._fault(exc) from None

    def _fault(self, exc: sqlite3.DatabaseError) -> SelfcareError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return EnvironmentFault(
                f"{self.path} is busy: another program (perhaps another selfcare) is writing to it; try again in a moment"
            )
        if isinstance(exc, sqlite3.IntegrityError):
            return SelfcareError(f"{self.path}: the log refused a value ({text})")
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            for candidate in (self.path, *side_files(self.path), self.path.parent):
                problem = not_writable(candidate)
                if problem:
                    return EnvironmentFault(f"the log cannot be written: {problem}")
            return EnvironmentFault(f"{self.path} cannot be written ({text}); check it and its folder's permissions")
        if "disk is full" in text or "disk I/O" in text:
            return EnvironmentFault(f"cannot write {self.path}: {text}; free some space")
        return _corrupt(self.path, text)

    # --- events: every change, in the transaction that makes it --------------

    def device(self) -> str:
        """This log's device id ('' until sync names it)."""
        rows = self.query("SELECT value FROM meta WHERE key = 'device'") if self.exists else []
        return str(rows[0][0]) if rows else ""

    def _event(self, db: sqlite3.Connection, kind: str, payload: JsonObject, *, undoes: str | None = None) -> str:
        import json
        import uuid

        from .hlc import next_value

        device = db.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()
        last = db.execute("SELECT MAX(hlc) FROM events").fetchone()[0]
        eid = str(uuid.uuid4())
        db.execute(
            "INSERT INTO events (id, hlc, device, kind, payload, undoes) VALUES (?, ?, ?, ?, ?, ?)",
            (
                eid,
                next_value(last, self.now_ms(), device[0] if device else ""),
                device[0] if device else "",
                kind,
                json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                undoes,
            ),
        )
        return eid

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        with self._guard():
            return self.db.execute(sql, tuple(params)).fetchall()

    # --- sessions -----------------------------------------------------------

    def add_session(self, session: Session) -> None:
        with self.transaction() as db:
            _insert(db, session)
            self._event(db, "session.add", {"session": session.to_dict()})

    def record(self, session: Session, flags_for: Callable[[], Iterable[Flag]]) -> list[Flag]:
        """Store a session and the red flags it raises in one transaction.

        `flags_for` runs inside it, after the session is written, so it sees
        the log with the new session in it; if it fails, nothing is stored.
        """
        with self.transaction() as db:
            _insert(db, session)
            self._event(db, "session.add", {"session": session.to_dict()})
            later = db.execute(
                "SELECT 1 FROM sessions WHERE logged_ts > ? LIMIT 1", (_timestamp(session.logged_at),)
            ).fetchone()
            if later is not None and self.flags_for is not None and _rates_pain(session):
                # Logged with a pain rating for an earlier moment than sessions already here: the
                # red flags of those may change too (an unrated session changes none but its own).
                self._reflag(db, self._reflag_since(session.day), self.flags_for)
                return [f for f in self.flags(session.day, session.day) if f.session_id == session.id]
            flags = list(flags_for())
            db.executemany(
                "INSERT INTO flags (session_id, day, rule, area, message) VALUES (?, ?, ?, ?, ?)",
                [(f.session_id, f.day, f.rule, f.area, f.message) for f in flags],
            )
        return flags

    def _reflag_since(self, day: str) -> str:
        """Flags are worked out again from `day`, but no further back than FLAG_DAYS before today."""
        from datetime import date, datetime, timedelta

        today = datetime.fromtimestamp(self.now_ms() / 1000).date()
        return max(day, (today - timedelta(days=FLAG_DAYS)).isoformat(), date.min.isoformat())

    def _reflag_after(self, db: sqlite3.Connection, *changed: Session) -> None:
        """After a change to these sessions (as they were and are): the red flags from the earliest
        day they touch, when one of them rates pain (an unrated session changes no other's flags)."""
        rated = [s.day for s in changed if _rates_pain(s)]
        if self.flags_for is not None and rated:
            self._reflag(db, self._reflag_since(min(rated)), self.flags_for)

    def add_flags(self, flags: Iterable[Flag]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO flags (session_id, day, rule, area, message) VALUES (?, ?, ?, ?, ?)",
                [(f.session_id, f.day, f.rule, f.area, f.message) for f in flags],
            )

    def iter_sessions(
        self,
        since_day: str | None = None,
        until_day: str | None = None,
        *,
        having: str | None = None,
        rated: bool = False,
        newest_first: bool = True,
        practice: str | None = None,
        note_contains: str | None = None,
    ) -> Iterator[Session]:
        """Sessions one at a time (memory stays flat however long the log), newest first
        unless `newest_first` is False; only those counting for days in [since, until],
        those with a `pro` or a `note` when `having` names one, and with a rating when `rated`.
        One statement, so what it yields is one moment of the log."""
        where, params = _window(since_day, until_day, "s.")
        if having is not None:
            assert having in ("pro", "note")
            where.append(f"s.{having} IS NOT NULL")
        if rated:
            where.append("(s.pain_before IS NOT NULL OR s.pain_after IS NOT NULL OR s.stress_before IS NOT NULL)")
        more, more_params = _filters(practice, note_contains)
        where += more
        params += more_params
        # A window of days is found by day and then sorted; the whole log is read in the
        # order of its moments index, without sorting a million rows.
        index = " INDEXED BY sessions_day" if since_day or until_day else ""
        with self._guard():
            yield from _iter_where(self.db, where, params, order="DESC" if newest_first else "", index=index)

    def sessions(
        self, since_day: str | None = None, until_day: str | None = None, having: str | None = None
    ) -> list[Session]:
        """Sessions newest first, optionally only those counting for days in [since, until],
        and only those with a `pro` or a `note` when `having` names one."""
        return list(self.iter_sessions(since_day, until_day, having=having))

    def session(self, session_id: str) -> Session | None:
        with self._guard():
            rows = self.db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchall()
            if not rows:
                return None
            practices = self.db.execute(
                "SELECT practice_id, seconds, too_intense, status FROM session_practices WHERE session_id = ? ORDER BY position",
                (session_id,),
            ).fetchall()
        return _session(rows[0], [tuple(p) for p in practices])

    def find_sessions(self, prefix: str) -> list[str]:
        if not self.exists:
            return []
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [
            r[0] for r in self.query("SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' LIMIT 3", (escaped + "%",))
        ]

    def delete_session(self, session_id: str) -> Session | None:
        """Remove one session (its practices and flags go with it); the session removed, or
        None if it was not there. Found and deleted in one transaction, so two deletes
        at once never both report the same session."""
        if not self.exists:
            return None
        with self.transaction() as db:
            found = self.session(session_id)
            if found is None or db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount != 1:
                return None
            self._event(db, "session.delete", {"id": session_id, "session": found.to_dict()})
            self._reflag_after(db, found)
        return found

    def edit_session(self, before: Session, after: Session) -> None:
        """Replace a session's values by `after`'s (same id, checked by the caller), in one transaction."""
        fields = ("day", "logged_at", "seconds", "pain_before", "pain_after", "stress_before", "stress_after", "note")
        changed = [f for f in fields if getattr(before, f) != getattr(after, f)]
        if not changed and before.practice_seconds == after.practice_seconds:
            return
        words = {"day": "date"}

        # The practices' seconds follow the session's length: a device replaying the edit needs
        # them too, or its practices would add up to more than the session.
        resplit = before.practice_seconds != after.practice_seconds

        def shares(s: Session) -> JsonObject:
            return {"practice_seconds": list(s.practice_seconds)} if resplit else {}

        with self.transaction() as db:
            _update(db, after)
            _update_shares(db, after)
            self._event(
                db,
                "session.edit",
                {
                    "id": after.id,
                    "set": {words.get(f, f): getattr(after, f) for f in changed} | shares(after),
                    "was": {words.get(f, f): getattr(before, f) for f in changed} | shares(before),
                },
            )
            self._reflag_after(db, before, after)

    def _events_of_import(self, db: sqlite3.Connection, rests: list[Any]) -> None:
        """The events of what an import added (a session.add each, a rest.add each), a row at a
        time so that memory stays flat for a large import."""
        import json
        import uuid

        from .hlc import next_value

        device_row = db.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()
        device = device_row[0] if device_row else ""
        last = [db.execute("SELECT MAX(hlc) FROM events").fetchone()[0]]
        now = self.now_ms()

        def rows() -> Iterator[tuple[str, str, str, str, str]]:
            for s in _iter_where(db, ["s.id IN (SELECT id FROM temp.new_ids)"], [], order="", index=""):
                last[0] = next_value(last[0], now, device)
                yield str(uuid.uuid4()), last[0], device, "session.add", json.dumps({"session": s.to_dict()})
            for day, reason in rests:
                last[0] = next_value(last[0], now, device)
                payload = {"date": day, "reason": reason, "was": None, "source": "import"}
                yield str(uuid.uuid4()), last[0], device, "rest.add", json.dumps(payload)

        db.executemany("INSERT INTO events (id, hlc, device, kind, payload) VALUES (?, ?, ?, ?, ?)", rows())

    def changes(self) -> Iterator[Change]:
        """The changes made here that `undo` can take back, latest first (not imports, not
        undos themselves, not taken back already); then, for a log from before events were
        kept, its logged sessions."""
        import json

        if not self.exists:
            return
        rows = self.query(
            "SELECT e.id, e.kind, e.payload FROM events e WHERE e.undoes IS NULL "
            "AND e.device = (SELECT COALESCE((SELECT value FROM meta WHERE key = 'device'), '')) "
            "AND e.kind IN ('session.add', 'session.edit', 'session.delete', 'rest.add', 'rest.remove') "
            "AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undoes = e.id) "
            "AND 'import' NOT IN (COALESCE(json_extract(e.payload, '$.session.source'), ''), "
            "COALESCE(json_extract(e.payload, '$.source'), '')) "
            "ORDER BY e.seq DESC LIMIT 50"
        )
        for row in rows:
            yield Change(row[0], row[1], json.loads(row[2]))
        for (sid,) in self.query("SELECT id FROM sessions WHERE source != 'import' ORDER BY rowid DESC LIMIT 50"):
            yield Change(None, "session.add", {"session": {"id": sid}})

    def undo(self) -> Change | None:
        """Take back the latest change made here, in one transaction that also chooses it (two
        undos at once take back two changes, and each reports its own); what was taken back,
        or None when there is nothing to undo."""
        if not self.exists:
            return None
        with self.transaction():
            for change in self.changes():
                done = self._take_back(change)
                if done is not None:
                    return done
        return None

    def _take_back(self, change: Change) -> Change | None:
        """Undo one change inside the caller's transaction; None if what it changed is gone
        (taken back meanwhile by another command), so the one before is tried."""
        db = self.db
        p = change.payload
        if change.kind == "session.add":
            sid = p["session"]["id"]
            found = self.session(sid)
            if found is None or db.execute("DELETE FROM sessions WHERE id = ?", (sid,)).rowcount != 1:
                return None
            self._event(db, "session.delete", {"id": sid, "session": found.to_dict()}, undoes=change.id)
            self._reflag_after(db, found)
            return change._replace(payload={"session": found.to_dict()})
        if change.kind == "session.delete":
            restored = Session.from_dict(p["session"])
            if db.execute("SELECT 1 FROM sessions WHERE id = ?", (restored.id,)).fetchone():
                return None  # back already
            _insert(db, restored)
            self._event(db, "session.add", {"session": restored.to_dict()}, undoes=change.id)
            self._reflag_after(db, restored)
            return change
        if change.kind == "session.edit":
            before = self.session(p["id"])
            if before is None:
                return None
            names = {"date": "day"}
            after = before._replace(**{names.get(k, k): v for k, v in p["was"].items()})
            _update(db, after)
            if "practice_seconds" in p["was"]:
                _update_shares(db, after)
            self._event(db, "session.edit", {"id": p["id"], "set": p["was"], "was": p["set"]}, undoes=change.id)
            self._reflag_after(db, before, after)
            return change
        if change.kind == "rest.add":
            if p.get("was") is None:
                if db.execute("DELETE FROM rest_days WHERE day = ?", (p["date"],)).rowcount != 1:
                    return None
                self._event(db, "rest.remove", {"date": p["date"], "was": {"reason": p["reason"]}}, undoes=change.id)
            else:
                db.execute("UPDATE rest_days SET reason = ? WHERE day = ?", (p["was"]["reason"], p["date"]))
                self._event(
                    db,
                    "rest.add",
                    {"date": p["date"], "reason": p["was"]["reason"], "was": {"reason": p["reason"]}},
                    undoes=change.id,
                )
            return change
        if change.kind == "rest.remove":
            reason = p["was"]["reason"]
            db.execute(
                "INSERT OR REPLACE INTO rest_days (day, reason, created_at) VALUES (?, ?, ?)",
                (p["date"], reason, p.get("created_at") or ""),
            )
            self._event(db, "rest.add", {"date": p["date"], "reason": reason, "was": None}, undoes=change.id)
            return change
        return None

    def last_logged(self) -> Session | None:
        """The session most recently added by log or start (imports are not undone one by one)."""
        rows = self.query("SELECT id FROM sessions WHERE source != 'import' ORDER BY rowid DESC LIMIT 1")
        return self.session(rows[0][0]) if rows else None

    # --- import -------------------------------------------------------------

    def merge(self, staged: Staging, created_at: str) -> Merged:
        """Add what `staged` holds and the log does not, in one transaction: sessions with new
        ids (with their practices), rest days not marked yet, and red flags not known yet
        whose session is in the log once the sessions are in; flags whose session is
        missing are left out and listed."""
        with self._guard():
            db = self.db
            for table, columns in _STAGED.items():
                db.execute(f"DROP TABLE IF EXISTS temp.{table}")
                db.execute(f"CREATE TEMP TABLE {table} ({columns})")
            # Copied into this connection before the write lock is taken: the lock is held
            # only while SQLite moves the rows, however long the file took to read.
            for table, columns in _STAGED.items():
                names = ", ".join(c.split()[0] for c in columns.split(", ") if not c.startswith("PRIMARY"))
                marks = ", ".join("?" * len(names.split(", ")))
                db.executemany(
                    f"INSERT INTO temp.{table} ({names}) VALUES ({marks})",  # noqa: S608 - fixed names
                    staged.db.execute(f"SELECT {names} FROM {table}"),  # noqa: S608 - fixed names
                )
        try:
            with self.transaction() as db:
                db.execute(
                    "CREATE TEMP TABLE new_ids AS SELECT id FROM temp.staged_sessions WHERE id NOT IN (SELECT id FROM main.sessions)"
                )
                added = db.execute("SELECT COUNT(*) FROM temp.new_ids").fetchone()[0]
                db.execute(
                    "INSERT INTO main.sessions (id, day, logged_at, logged_ts, seconds, pain_before, pain_after, "
                    "stress_before, stress_after, note, pro, source) SELECT id, day, logged_at, logged_ts, seconds, "
                    "pain_before, pain_after, stress_before, stress_after, note, pro, source FROM temp.staged_sessions "
                    "WHERE id IN (SELECT id FROM temp.new_ids) ORDER BY idx"
                )
                db.execute(
                    "INSERT INTO main.session_practices (session_id, position, practice_id, seconds, too_intense, status) "
                    "SELECT session_id, position, practice_id, seconds, too_intense, status FROM temp.staged_practices "
                    "WHERE session_id IN (SELECT id FROM temp.new_ids)"
                )
                new_rests = db.execute(
                    "SELECT day, reason FROM temp.staged_rests WHERE day NOT IN (SELECT day FROM main.rest_days) "
                    "ORDER BY idx"
                ).fetchall()
                before = db.total_changes
                db.execute(
                    "INSERT OR IGNORE INTO main.rest_days (day, reason, created_at) "
                    "SELECT day, reason, ? FROM temp.staged_rests ORDER BY idx",
                    (created_at,),
                )
                rests = db.total_changes - before
                self._events_of_import(db, new_rests)
                orphans = [
                    (r[0], r[1])
                    for r in db.execute(
                        "SELECT idx, session_id FROM temp.staged_flags WHERE session_id IS NOT NULL "
                        "AND session_id NOT IN (SELECT id FROM main.sessions) ORDER BY idx"
                    )
                ]
                db.execute(
                    "INSERT INTO main.flags (session_id, day, rule, area, message) "
                    "SELECT f.session_id, f.day, f.rule, f.area, f.message FROM temp.staged_flags f "
                    "WHERE (f.session_id IS NULL OR f.session_id IN (SELECT id FROM main.sessions)) "
                    "AND NOT EXISTS (SELECT 1 FROM main.flags g WHERE g.session_id IS f.session_id "
                    "AND g.day = f.day AND g.rule = f.rule AND g.area IS f.area) ORDER BY f.idx"
                )
                total = db.execute("SELECT COUNT(*) FROM temp.staged_sessions").fetchone()[0]
        finally:
            with self._guard():
                for table in (*_STAGED, "new_ids"):
                    self.db.execute(f"DROP TABLE IF EXISTS temp.{table}")
        return Merged(added=int(added), present=int(total - added), rest_days=int(rests), orphan_flags=orphans)

    # --- rest days ----------------------------------------------------------

    def add_rest(self, day: str, reason: str | None, created_at: str) -> bool:
        """Mark a rest day; False if it was marked already (the reason is updated)."""
        with self.transaction() as db:
            row = db.execute("SELECT reason FROM rest_days WHERE day = ?", (day,)).fetchone()
            db.execute(
                "INSERT INTO rest_days (day, reason, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (day) DO UPDATE SET reason = excluded.reason",
                (day, reason, created_at),
            )
            was = None if row is None else {"reason": row[0]}
            self._event(db, "rest.add", {"date": day, "reason": reason, "was": was})
        return row is None

    def remove_rest(self, day: str) -> RestDay | None:
        """Take a rest day back; the rest day removed, or None if `day` was not one."""
        with self.transaction() as db:
            row = db.execute("SELECT reason, created_at FROM rest_days WHERE day = ?", (day,)).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM rest_days WHERE day = ?", (day,))
            self._event(db, "rest.remove", {"date": day, "was": {"reason": row[0]}, "created_at": row[1]})
        return RestDay(day, row[0])

    def rest_days(self) -> list[RestDay]:
        return [RestDay(r[0], r[1]) for r in self.query("SELECT day, reason FROM rest_days ORDER BY day")]

    # --- aggregates (SQLite does the counting) ------------------------------

    def day_totals(self, since_day: str | None = None, until_day: str | None = None) -> dict[str, tuple[int, int]]:
        """day -> (sessions, seconds), for days with at least one session."""
        sql = "SELECT day, COUNT(*), SUM(seconds) FROM sessions"
        where, params = _window(since_day, until_day)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " GROUP BY day ORDER BY day"
        return {r[0]: (r[1], r[2] or 0) for r in self.query(sql, params)}

    def counted_days(self, until_day: str | None = None, since_day: str | None = None) -> list[str]:
        """The days with a session, oldest first, in [since, until]."""
        where, params = _window(since_day, until_day)
        sql = "SELECT DISTINCT day FROM sessions" + (" WHERE " + " AND ".join(where) if where else "")  # noqa: S608 - fixed terms
        return [r[0] for r in self.query(sql + " ORDER BY day", params)]

    def first_day(self, until_day: str) -> str | None:
        """The first day with a session, up to `until_day`."""
        rows = self.query("SELECT MIN(day) FROM sessions WHERE day <= ?", (until_day,))
        return rows[0][0] if rows else None

    def practice_totals(self, since_day: str, until_day: str) -> dict[str, tuple[int, int]]:
        """practice id -> (sessions it was in, seconds) for days in [since, until]."""
        rows = self.query(
            "SELECT sp.practice_id, COUNT(DISTINCT s.id), SUM(sp.seconds) FROM sessions s "
            "CROSS JOIN session_practices sp ON sp.session_id = s.id "
            "WHERE s.day BETWEEN ? AND ? AND sp.status != 'skipped' GROUP BY sp.practice_id",
            (since_day, until_day),
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def rating_summary(self, since_day: str, until_day: str, what: str) -> tuple[int, float | None, float | None]:
        """(sessions rated before and after, average before, average after) for 'pain' or 'stress'."""
        assert what in ("pain", "stress")
        row = self.query(
            f"SELECT COUNT(*), AVG({what}_before), AVG({what}_after) FROM sessions "  # noqa: S608 - 'pain' or 'stress'
            f"WHERE day BETWEEN ? AND ? AND {what}_before IS NOT NULL AND {what}_after IS NOT NULL",
            (since_day, until_day),
        )[0]
        return row[0], row[1], row[2]

    def rated_sessions(self, since_day: str | None = None, until_day: str | None = None) -> list[Session]:
        """Sessions with a pain or stress rating, oldest first (feedback and red flags)."""
        return list(self.iter_sessions(since_day, until_day, rated=True, newest_first=False))

    def practice_last_days(self, since_day: str) -> dict[str, str]:
        """practice id -> the last day it was done, for practices done since `since_day`."""
        rows = self.query(
            # CROSS JOIN keeps sessions (found by day) as the outer loop; left to
            # itself SQLite may scan every session_practices row instead.
            "SELECT sp.practice_id, MAX(s.day) FROM sessions s CROSS JOIN session_practices sp "
            "ON sp.session_id = s.id WHERE s.day >= ? AND sp.status != 'skipped' GROUP BY sp.practice_id",
            (since_day,),
        )
        return {r[0]: r[1] for r in rows}

    def flags(self, since_day: str | None = None, until_day: str | None = None) -> list[Flag]:
        sql = "SELECT session_id, day, rule, area, message FROM flags"
        params: list[str] = []
        if since_day and until_day:
            sql += " WHERE day BETWEEN ? AND ?"
            params = [since_day, until_day]
        return [Flag(*r) for r in self.query(sql + " ORDER BY day, id", params)]

    def add_clear(self, area: str, day: str, logged_at: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO clears (area, day, logged_at) VALUES (?, ?, ?)", (area, day, logged_at))
            self._event(db, "area.clear", {"area": area, "date": day, "logged_at": logged_at})

    def clears(self, since_day: str | None = None) -> dict[str, str]:
        """area -> the last day it was cleared (since `since_day`)."""
        sql = "SELECT area, MAX(day) FROM clears"
        params: list[str] = []
        if since_day:
            sql += " WHERE day >= ?"
            params.append(since_day)
        return {r[0]: r[1] for r in self.query(sql + " GROUP BY area", params)}

    def count_sessions(
        self, since_day: str | None = None, practice: str | None = None, note_contains: str | None = None
    ) -> int:
        where, params = _window(since_day, None, "s.")
        more, more_params = _filters(practice, note_contains)
        where += more
        sql = "SELECT COUNT(*) FROM sessions s" + (" WHERE " + " AND ".join(where) if where else "")  # noqa: S608 - fixed terms
        return int(self.query(sql, [*params, *more_params])[0][0])

    def version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])

    # --- sync: the events table as outbox and inbox (see selfcare.sync) ------

    def start_sync(self, device: str, name: str, profile: dict[str, str]) -> None:
        """Name this device, in one transaction: the events made here so far take its id, every
        session, rest day and clear of the log that has no event yet (a log older than its
        events) gets one, and the device's name and the profile become events. From then on the
        events describe the whole log."""
        import json

        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('device', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (device,),
            )
            db.execute("UPDATE events SET device = ?, hlc = hlc || ? WHERE device = ''", (device, device))
            for (sid,) in db.execute(
                "SELECT id FROM sessions WHERE 'session:' || id NOT IN (SELECT subject FROM events) ORDER BY logged_ts"
            ).fetchall():
                found = self.session(sid)
                assert found is not None
                self._event(db, "session.add", {"session": found.to_dict()})
            for day, reason in db.execute(
                "SELECT day, reason FROM rest_days WHERE 'rest:' || day NOT IN (SELECT subject FROM events) ORDER BY day"
            ).fetchall():
                self._event(db, "rest.add", {"date": day, "reason": reason, "was": None})
            logged = {
                (json.loads(p)["area"], json.loads(p)["date"], json.loads(p)["logged_at"])
                for (p,) in db.execute("SELECT payload FROM events WHERE kind = 'area.clear'")
            }
            for area, day, at in db.execute("SELECT area, day, logged_at FROM clears ORDER BY id").fetchall():
                if (area, day, at) not in logged:
                    self._event(db, "area.clear", {"area": area, "date": day, "logged_at": at})
            if self.device_names().get(device) != name:
                self._event(db, "device.name", {"name": name})
            self._record_profile(db, profile)

    def record_profile(self, values: dict[str, str], *, applied: bool = False) -> None:
        """Profile keys whose value differs from what the last sync left become profile.set events
        (a change made here); with `applied`, `values` is what the sync itself just wrote."""
        import json

        rows = self.query("SELECT value FROM meta WHERE key = 'sync.profile'")
        if not values or (rows and json.loads(rows[0][0]) == values):
            return  # nothing changed: no write at all
        with self.transaction() as db:
            self._record_profile(db, values, applied=applied)

    def _record_profile(self, db: sqlite3.Connection, values: dict[str, str], *, applied: bool = False) -> None:
        import json

        row = db.execute("SELECT value FROM meta WHERE key = 'sync.profile'").fetchone()
        known: dict[str, str] = json.loads(row[0]) if row else {}
        if not applied:
            for key, value in sorted(values.items()):
                if known.get(key) != value:
                    self._event(db, "profile.set", {"key": key, "value": value})
        if values and values != known:
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('sync.profile', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (json.dumps(values, sort_keys=True),),
            )

    def iter_events(self, after_seq: int = 0, device: str | None = None) -> Iterator[Event]:
        """The events after `after_seq` (all, or only those made by `device`), in order of arrival here."""
        import json

        from .merge import Event

        sql = "SELECT id, hlc, device, kind, payload, undoes FROM events WHERE seq > ?"
        params: list[Any] = [after_seq]
        if device is not None:
            sql += " AND device = ?"
            params.append(device)
        with self._guard():
            for row in self.db.execute(sql + " ORDER BY seq", params):
                yield Event(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5])

    def event_seq(self, event_id: str) -> int | None:
        rows = self.query("SELECT seq FROM events WHERE id = ?", (event_id,))
        return int(rows[0][0]) if rows else None

    def device_names(self) -> dict[str, str]:
        """device id -> the name it last gave itself."""
        import json

        names: dict[str, str] = {}
        for device, payload in self.query(
            "SELECT device, payload FROM events WHERE kind = 'device.name' ORDER BY hlc, id"
        ):
            names[device] = str(json.loads(payload).get("name"))
        return names

    def sync_cursors(self) -> dict[str, Cursor]:
        """journal file name -> how far it was read."""
        from .journal import Cursor

        return {
            r[0]: Cursor(r[1], r[2], r[3], r[4])
            for r in self.query("SELECT file, offset, line, head, tail FROM sync_cursors")
        }

    def forget_cursors(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM sync_cursors")

    def apply_events(
        self,
        events: list[Event],
        cursors: dict[str, Cursor],
        valid: Callable[[JsonObject], bool] | None = None,
        flags_for: Callable[[Store, Session], list[Flag]] | None = None,
        flags_since: str | None = None,
    ) -> Applied:
        """Merge events read from other devices, in one transaction: those not known yet are
        stored, each subject they touch is replayed from all its events (merge.py) and the
        result written over the log's rows; the journals' cursors move on in the same
        transaction. Red flags of the sessions on and after the earliest day that changed (and
        not before `flags_since`) are worked out again from the merged log (`flags_for`)."""
        import json

        from . import merge

        with self.transaction() as db:
            new: list[Event] = []
            for e in merge.distinct(events):
                cursor = db.execute(
                    "INSERT OR IGNORE INTO events (id, hlc, device, kind, payload, undoes) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        e.id,
                        e.hlc,
                        e.device,
                        e.kind,
                        json.dumps(e.payload, ensure_ascii=False, sort_keys=True),
                        e.undoes,
                    ),
                )
                if cursor.rowcount == 1:
                    new.append(e)
            days: set[str] = set()
            profile: dict[str, Any] = {}
            for key in sorted({merge.subject(e) for e in new}):
                group = [
                    merge.Event(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5])
                    for r in db.execute(
                        "SELECT id, hlc, device, kind, payload, undoes FROM events WHERE subject = ?", (key,)
                    )
                ]
                what, _, name = key.partition(":")
                if what == "session":
                    days |= self._put_session(db, name, merge.replay_session(group, valid))
                elif what == "rest":
                    present, reason = merge.replay_rest(group)
                    if present:
                        db.execute(
                            "INSERT INTO rest_days (day, reason, created_at) VALUES (?, ?, ?) "
                            "ON CONFLICT (day) DO UPDATE SET reason = excluded.reason",
                            (name, reason, _moment_of(max(group, key=lambda e: e.order).hlc)),
                        )
                    else:
                        db.execute("DELETE FROM rest_days WHERE day = ?", (name,))
                elif what == "profile":
                    profile[name] = merge.last_value(group, "value")
                elif group[0].kind == "area.clear":
                    p = group[0].payload
                    if not db.execute(
                        "SELECT 1 FROM clears WHERE area = ? AND day = ? AND logged_at = ?",
                        (p["area"], p["date"], p["logged_at"]),
                    ).fetchone():
                        db.execute(
                            "INSERT INTO clears (area, day, logged_at) VALUES (?, ?, ?)",
                            (p["area"], p["date"], p["logged_at"]),
                        )
            db.executemany(
                "INSERT INTO sync_cursors (file, offset, line, head, tail) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (file) DO UPDATE SET offset = excluded.offset, line = excluded.line, "
                "head = excluded.head, tail = excluded.tail",
                [(name, c.offset, c.line, c.head, c.tail) for name, c in cursors.items()],
            )
            if days and flags_for is not None:
                self._reflag(db, max(min(days), flags_since or ""), flags_for)
        return Applied(new, profile)

    def _put_session(self, db: sqlite3.Connection, sid: str, wanted: JsonObject | None) -> set[str]:
        """Make the log's row for session `sid` what the merge says; the days whose sessions changed."""
        have = self.session(sid)
        if wanted is None:
            if have is None:
                return set()
            db.execute("DELETE FROM sessions WHERE id = ?", (sid,))
            return {have.day}
        session = Session.from_dict(wanted)
        if have is not None:
            if have.to_dict() == session.to_dict():
                return set()
            db.execute("DELETE FROM session_practices WHERE session_id = ?", (sid,))
            db.execute(
                "UPDATE sessions SET day = ?, logged_at = ?, logged_ts = ?, seconds = ?, pain_before = ?, "
                "pain_after = ?, stress_before = ?, stress_after = ?, note = ?, pro = ?, source = ? WHERE id = ?",
                (
                    session.day,
                    session.logged_at,
                    _timestamp(session.logged_at),
                    session.seconds,
                    session.pain_before,
                    session.pain_after,
                    session.stress_before,
                    session.stress_after,
                    session.note,
                    session.pro,
                    session.source,
                    sid,
                ),
            )
            db.executemany(
                "INSERT INTO session_practices (session_id, position, practice_id, seconds, too_intense, status) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                _practice_rows(session),
            )
            return {have.day, session.day}
        _insert(db, session)
        return {session.day}

    def _reflag(self, db: sqlite3.Connection, since: str, flags_for: Callable[[Store, Session], list[Flag]]) -> None:
        """Work out again, in the order of their moments, the red flags of the sessions on and after `since`."""
        db.execute("DELETE FROM flags WHERE session_id IN (SELECT id FROM sessions WHERE day >= ?)", (since,))
        for session in list(self.iter_sessions(since, None, newest_first=False)):
            db.executemany(
                "INSERT INTO flags (session_id, day, rule, area, message) VALUES (?, ?, ?, ?, ?)",
                [(f.session_id, f.day, f.rule, f.area, f.message) for f in flags_for(self, session)],
            )


class Applied(NamedTuple):
    new: list[Event]  # the events that were not known here
    profile: dict[str, Any]  # profile key -> its merged value, for keys the new events touched


def _moment_of(hlc: str) -> str:
    """The moment a clock value was taken, as ISO 8601 in UTC."""
    from datetime import datetime, timezone

    return datetime.fromtimestamp(int(hlc[:13]) / 1000, timezone.utc).isoformat(timespec="seconds")


class Change(NamedTuple):
    """A change to the log as its event holds it (id None: a log from before events were kept)."""

    id: str | None
    kind: str
    payload: JsonObject


def _wall_ms() -> int:
    import time

    return int(time.time() * 1000)


class Merged(NamedTuple):
    added: int  # sessions added
    present: int  # sessions of the file the log held already
    rest_days: int  # rest days added
    orphan_flags: list[tuple[int, str]]  # (position in the file, session id) of flags left out: no such session


_STAGED = {
    "staged_sessions": (
        "id TEXT PRIMARY KEY, idx INTEGER, day TEXT, logged_at TEXT, logged_ts REAL, seconds INTEGER, "
        "pain_before INTEGER, pain_after INTEGER, stress_before INTEGER, stress_after INTEGER, note TEXT, "
        "pro TEXT, source TEXT"
    ),
    "staged_practices": "session_id TEXT, position INTEGER, practice_id TEXT, seconds INTEGER, too_intense INTEGER, status TEXT",
    "staged_rests": "day TEXT PRIMARY KEY, idx INTEGER, reason TEXT",
    "staged_flags": "idx INTEGER, session_id TEXT, day TEXT, rule TEXT, area TEXT, message TEXT",
}


class Duplicate(Exception):
    """The same session id or rest day twice in one import file."""


class Staging:
    """Where an import file's checked contents wait before `Store.merge`: a private
    temporary database (SQLite deletes it when closed), so an import of any size is
    read with flat memory and before the log is even opened."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)
        for table, columns in _STAGED.items():
            self.db.execute(f"CREATE TABLE {table} ({columns})")
        self.db.execute("BEGIN")
        self.sessions = 0

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    def add_session(self, idx: int, s: Session) -> None:
        try:
            row = _values(s)
            self.db.execute(
                "INSERT INTO staged_sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (row[0], idx, *row[1:])
            )
        except sqlite3.IntegrityError:
            raise Duplicate(s.id) from None
        self.db.executemany("INSERT INTO staged_practices VALUES (?, ?, ?, ?, ?, ?)", _practice_rows(s))
        self.sessions += 1

    def add_rest(self, idx: int, rest: RestDay) -> None:
        try:
            self.db.execute("INSERT INTO staged_rests VALUES (?, ?, ?)", (rest.day, idx, rest.reason))
        except sqlite3.IntegrityError:
            raise Duplicate(rest.day) from None

    def add_flag(self, idx: int, f: Flag) -> None:
        self.db.execute(
            "INSERT INTO staged_flags VALUES (?, ?, ?, ?, ?, ?)", (idx, f.session_id, f.day, f.rule, f.area, f.message)
        )

    def flag_sessions(self) -> set[str]:
        return {
            r[0] for r in self.db.execute("SELECT DISTINCT session_id FROM staged_flags WHERE session_id IS NOT NULL")
        }

    def has_session(self, session_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM staged_sessions WHERE id = ?", (session_id,)).fetchone() is not None


def _window(since_day: str | None, until_day: str | None, prefix: str = "") -> tuple[list[str], list[str]]:
    """WHERE terms and parameters for sessions counting for days in [since, until]."""
    where, params = [], []
    if since_day:
        where.append(f"{prefix}day >= ?")
        params.append(since_day)
    if until_day:
        where.append(f"{prefix}day <= ?")
        params.append(until_day)
    return where, params


def _iter_where(
    db: sqlite3.Connection, where: list[str], params: list[str], *, order: str, index: str
) -> Iterator[Session]:
    """Sessions matching `where`, one at a time, in the order of their moments."""
    sql = (
        f"SELECT {_SESSION_COLUMNS}, sp.practice_id, sp.seconds, sp.too_intense, sp.status "  # noqa: S608 - fixed terms
        f"FROM sessions s{index} LEFT JOIN session_practices sp ON sp.session_id = s.id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY s.logged_ts {order}, s.rowid {order}, sp.position"
    )
    # Plain tuples, read by position: a year of sessions is read for a report, and sqlite3.Row's
    # lookups by name cost more than the rest of building them.
    cursor = db.cursor()
    cursor.row_factory = None
    current: tuple[Any, ...] | None = None
    practices: list[tuple[str, int, int, str]] = []
    for row in cursor.execute(sql, params):
        if current is None or row[0] != current[0]:
            if current is not None:
                yield _from_columns(current, practices)
            current, practices = row, []
        if row[12] is not None:
            practices.append((row[12], row[13], row[14], row[15]))
    if current is not None:
        yield _from_columns(current, practices)


_SESSION_COLUMNS = (
    "s.id, s.day, s.logged_at, s.seconds, s.pain_before, s.pain_after, s.stress_before, s.stress_after, "
    "s.note, s.pro, s.source, s.rowid"
)


def _from_columns(row: tuple[Any, ...], practices: list[tuple[str, int, int, str]]) -> Session:
    """A session from the columns of _SESSION_COLUMNS, in their order."""
    done = [p for p in practices if p[3] != "skipped"]
    skipped = [p for p in practices if p[3] == "skipped"]
    return Session(
        id=row[0],
        day=row[1],
        logged_at=row[2],
        practices=tuple(p for p, _, _, _ in done),
        seconds=row[3],
        practice_seconds=tuple(s for _, s, _, _ in done),
        pain_before=row[4],
        pain_after=row[5],
        stress_before=row[6],
        stress_after=row[7],
        note=row[8],
        pro=row[9],
        source=row[10],
        too_intense=tuple(p for p, _, t, _ in practices if t),
        partial=tuple(p for p, _, _, status in done if status == "partial"),
        skipped=tuple(p for p, _, _, _ in skipped),
        skipped_seconds=tuple(s for _, s, _, _ in skipped),
    )


def _filters(practice: str | None, note_contains: str | None) -> tuple[list[str], list[str]]:
    """WHERE terms for `history --practice ID --contains TEXT` (a note's text, any case)."""
    where, params = [], []
    if practice is not None:
        where.append(
            "EXISTS (SELECT 1 FROM session_practices f WHERE f.session_id = s.id AND f.practice_id = ? "
            "AND f.status != 'skipped')"
        )
        params.append(practice)
    if note_contains is not None:
        escaped = note_contains.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("lower(s.note) LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    return where, params


def _timestamp(logged_at: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(logged_at).timestamp()


def _practice_rows(s: Session) -> list[tuple[str, int, str, int, int, str]]:
    """A session's practices as rows: those done or begun, then those skipped (a guided session's truth)."""
    seconds = s.practice_seconds or split_seconds(s.seconds, len(s.practices))
    rows = [
        (pid, secs, "partial" if pid in s.partial else "done") for pid, secs in zip(s.practices, seconds, strict=False)
    ]
    skipped = s.skipped_seconds or (0,) * len(s.skipped)
    rows += [(pid, secs, "skipped") for pid, secs in zip(s.skipped, skipped, strict=False)]
    return [(s.id, i, pid, secs, int(pid in s.too_intense), status) for i, (pid, secs, status) in enumerate(rows)]


def _rates_pain(s: Session) -> bool:
    return s.pain_before is not None or s.pain_after is not None


def _values(s: Session) -> tuple[object, ...]:
    """A session's own values in the order of the sessions table's columns."""
    return (
        s.id,
        s.day,
        s.logged_at,
        _timestamp(s.logged_at),
        s.seconds,
        s.pain_before,
        s.pain_after,
        s.stress_before,
        s.stress_after,
        s.note,
        s.pro,
        s.source,
    )


def _update(db: sqlite3.Connection, s: Session) -> None:
    """A session's own values (not its practices) set to `s`'s."""
    db.execute(
        "UPDATE sessions SET day = ?, logged_at = ?, logged_ts = ?, seconds = ?, pain_before = ?, "
        "pain_after = ?, stress_before = ?, stress_after = ?, note = ? WHERE id = ?",
        (*_values(s)[1:10], s.id),  # day ... note
    )


def _update_shares(db: sqlite3.Connection, s: Session) -> None:
    """The seconds of a session's practices (those done or begun) set to `s`'s."""
    for pid, secs in zip(s.practices, s.practice_seconds, strict=False):
        db.execute(
            "UPDATE session_practices SET seconds = ? WHERE session_id = ? AND practice_id = ? AND status != 'skipped'",
            (secs, s.id, pid),
        )


def _insert(db: sqlite3.Connection, s: Session) -> None:
    db.execute(
        "INSERT INTO sessions (id, day, logged_at, logged_ts, seconds, pain_before, pain_after, "
        "stress_before, stress_after, note, pro, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _values(s),
    )
    db.executemany(
        "INSERT INTO session_practices (session_id, position, practice_id, seconds, too_intense, status) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        _practice_rows(s),
    )


def split_seconds(total: int, parts: int) -> tuple[int, ...]:
    """`total` seconds shared out as evenly as whole seconds allow."""
    if parts <= 0:
        return ()
    base, extra = divmod(total, parts)
    return tuple(base + (1 if i < extra else 0) for i in range(parts))


def _session(row: sqlite3.Row, practices: list[tuple[str, int, int, str]]) -> Session:
    done = [p for p in practices if p[3] != "skipped"]
    skipped = [p for p in practices if p[3] == "skipped"]
    return Session(
        id=row["id"],
        day=row["day"],
        logged_at=row["logged_at"],
        practices=tuple(p for p, _, _, _ in done),
        practice_seconds=tuple(s for _, s, _, _ in done),
        partial=tuple(p for p, _, _, status in done if status == "partial"),
        skipped=tuple(p for p, _, _, _ in skipped),
        skipped_seconds=tuple(s for _, s, _, _ in skipped),
        seconds=row["seconds"],
        pain_before=row["pain_before"],
        pain_after=row["pain_after"],
        stress_before=row["stress_before"],
        stress_after=row["stress_after"],
        note=row["note"],
        pro=row["pro"],
        source=row["source"],
        too_intense=tuple(p for p, _, t, _ in practices if t),
    )


def _to_wal(db: sqlite3.Connection) -> None:
    """Switch a new log to WAL. SQLite answers "locked" at once, without waiting in
    the busy handler, while another process is switching or writing the same new
    file, so wait here for it, up to the busy timeout."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)  # a back-off while another process holds the lock, not a wait for speed
        pause = min(pause * 2, 0.1)


def open_store(path: Path, *, create: bool = True, lazy: bool = False) -> Store:
    """Connect to the log at `path`, creating (0600) and migrating it as needed.

    With `lazy`, a log that does not exist yet is created only when first used.
    """
    if lazy and create and not path.exists():
        return Store(None, path, connect=lambda: _connect(path, create=True))
    return Store(_connect(path, create=create), path)


def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    try:
        exists = path.exists()
    except OSError as exc:
        raise EnvironmentFault(f"cannot reach {path}: {exc.strerror}") from None
    if exists:
        if path.is_dir():
            raise _corrupt(path, "it is a folder")
        problem = file_problem(path)
        if problem:
            raise _corrupt(path, problem)
    elif create:
        _create_private(path)
    else:
        raise SelfcareError(f"no log at {path} yet")
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise EnvironmentFault(f"cannot open {path}: {exc}") from None
    db.row_factory = sqlite3.Row
    store = Store(db, path)
    try:
        with store._guard():
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA foreign_keys = ON")
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                _to_wal(db)
            db.execute("PRAGMA synchronous = NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version < 0:
                raise _corrupt(path, f"schema version {version} is not one selfcare ever wrote")
            if version != VERSION:
                migrate(db)
            else:
                db.execute("SELECT 1 FROM sessions LIMIT 1").fetchall()
    except BaseException:
        db.close()
        raise
    return db
