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

`open_store(path)` is the one door: it connects (WAL, a busy timeout so that
several terminals can log at once, foreign keys) and applies migrations, each
with its version bump in one transaction. A file that is not a selfcare log is
named in the error and never overwritten or repaired.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .errors import CorruptStore, EnvironmentFault, SelfcareError
from .models import Flag, RestDay, Session

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

BUSY_TIMEOUT_MS = 30_000
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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m1_base, _m2_feedback, _m3_truth_and_clears]
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
    """The open log. Use `open_store`; close with `close()` or a `with` block."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self.on_change: Callable[[], None] | None = None  # called after each write commits

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all or nothing."""
        with self._guard():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        if self.on_change is not None:
            self.on_change()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise EnvironmentFault(f"{self.path} is busy in another selfcare; try again in a moment") from None
            if isinstance(exc, sqlite3.IntegrityError):
                raise SelfcareError(f"{self.path}: the log refused a value ({text})") from None
            if "readonly" in text or "read-only" in text:
                raise EnvironmentFault(f"{self.path} is read-only; check the folder's permissions") from None
            if "disk is full" in text or "disk I/O" in text:
                raise EnvironmentFault(f"cannot write {self.path}: {text}; free some space") from None
            raise _corrupt(self.path, text) from None

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        with self._guard():
            return self.db.execute(sql, tuple(params)).fetchall()

    # --- sessions -----------------------------------------------------------

    def add_session(self, session: Session) -> None:
        with self.transaction() as db:
            _insert(db, session)

    def add_flags(self, flags: Iterable[Flag]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO flags (session_id, day, rule, area, message) VALUES (?, ?, ?, ?, ?)",
                [(f.session_id, f.day, f.rule, f.area, f.message) for f in flags],
            )

    def import_all(
        self, sessions: list[Session], rest_days: list[RestDay], created_at: str, flags: list[Flag] | None = None
    ) -> tuple[int, int]:
        """Add sessions, rest days and flags not present yet, in one transaction; (sessions, rest days) added."""
        with self.transaction() as db:
            have: set[str] = set()
            ids = [s.id for s in sessions]
            for chunk in range(0, len(ids), 500):
                part = ids[chunk : chunk + 500]
                marks = ",".join("?" * len(part))
                have.update(r[0] for r in db.execute(f"SELECT id FROM sessions WHERE id IN ({marks})", part))  # noqa: S608 - placeholders only
            added = 0
            for session in sessions:
                if session.id not in have:
                    _insert(db, session)
                    have.add(session.id)
                    added += 1
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO rest_days (day, reason, created_at) VALUES (?, ?, ?)",
                [(r.day, r.reason, created_at) for r in rest_days],
            )
            rests = db.total_changes - before
            for flag in flags or []:
                known = db.execute(
                    "SELECT 1 FROM flags WHERE session_id IS ? AND day = ? AND rule = ? AND area IS ?",
                    (flag.session_id, flag.day, flag.rule, flag.area),
                ).fetchone()
                if not known:
                    db.execute(
                        "INSERT INTO flags (session_id, day, rule, area, message) VALUES (?, ?, ?, ?, ?)",
                        (flag.session_id, flag.day, flag.rule, flag.area, flag.message),
                    )
        return added, rests

    def sessions(
        self, since_day: str | None = None, until_day: str | None = None, having: str | None = None
    ) -> list[Session]:
        """Sessions newest first, optionally only those counting for days in [since, until],
        and only those with a `pro` or a `note` when `having` names one."""
        where, params = _window(since_day, until_day)
        if having is not None:
            assert having in ("pro", "note")
            where.append(f"{having} IS NOT NULL")
        sql = "SELECT * FROM sessions" + (" WHERE " + " AND ".join(where) if where else "")  # noqa: S608 - fixed terms
        sql += " ORDER BY logged_ts DESC, rowid DESC"
        with self._guard():
            rows = self.db.execute(sql, params).fetchall()
            return self._with_practices(rows)

    def _with_practices(self, rows: list[sqlite3.Row]) -> list[Session]:
        if not rows:
            return []
        by_id: dict[str, list[tuple[str, int, int, str]]] = {r["id"]: [] for r in rows}
        ids = list(by_id)
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            for sid, pid, secs, too, status in self.db.execute(
                f"SELECT session_id, practice_id, seconds, too_intense, status FROM session_practices "  # noqa: S608 - placeholders only
                f"WHERE session_id IN ({marks}) ORDER BY session_id, position",
                part,
            ):
                by_id[sid].append((pid, secs, too, status))
        return [_session(r, by_id[r["id"]]) for r in rows]

    def session(self, session_id: str) -> Session | None:
        with self._guard():
            rows = self.db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchall()
            found = self._with_practices(rows)
        return found[0] if found else None

    def find_sessions(self, prefix: str) -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [
            r[0] for r in self.query("SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' LIMIT 3", (escaped + "%",))
        ]

    def delete_session(self, session_id: str) -> Session | None:
        found = self.session(session_id)
        if found is None:
            return None
        with self.transaction() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return found

    def last_logged(self) -> Session | None:
        """The session most recently added by log or start (imports are not undone one by one)."""
        rows = self.query("SELECT id FROM sessions WHERE source != 'import' ORDER BY rowid DESC LIMIT 1")
        return self.session(rows[0][0]) if rows else None

    # --- rest days ----------------------------------------------------------

    def add_rest(self, day: str, reason: str | None, created_at: str) -> bool:
        """Mark a rest day; False if it was marked already (the reason is updated)."""
        with self.transaction() as db:
            existed = db.execute("SELECT 1 FROM rest_days WHERE day = ?", (day,)).fetchone() is not None
            db.execute(
                "INSERT INTO rest_days (day, reason, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (day) DO UPDATE SET reason = excluded.reason",
                (day, reason, created_at),
            )
        return not existed

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

    def counted_days(self, until_day: str | None = None) -> list[str]:
        if until_day:
            return [
                r[0] for r in self.query("SELECT DISTINCT day FROM sessions WHERE day <= ? ORDER BY day", (until_day,))
            ]
        return [r[0] for r in self.query("SELECT DISTINCT day FROM sessions ORDER BY day")]

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
        where, params = _window(since_day, until_day)
        where.append("(pain_before IS NOT NULL OR pain_after IS NOT NULL OR stress_before IS NOT NULL)")
        with self._guard():
            rows = self.db.execute(
                "SELECT * FROM sessions WHERE " + " AND ".join(where) + " ORDER BY logged_ts, rowid",  # noqa: S608 - fixed terms
                params,
            ).fetchall()
            return self._with_practices(rows)

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

    def clears(self, since_day: str | None = None) -> dict[str, str]:
        """area -> the last day it was cleared (since `since_day`)."""
        sql = "SELECT area, MAX(day) FROM clears"
        params: list[str] = []
        if since_day:
            sql += " WHERE day >= ?"
            params.append(since_day)
        return {r[0]: r[1] for r in self.query(sql + " GROUP BY area", params)}

    def count_sessions(self) -> int:
        return int(self.query("SELECT COUNT(*) FROM sessions")[0][0])

    def version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])


def _window(since_day: str | None, until_day: str | None) -> tuple[list[str], list[str]]:
    """WHERE terms and parameters for sessions counting for days in [since, until]."""
    where, params = [], []
    if since_day:
        where.append("day >= ?")
        params.append(since_day)
    if until_day:
        where.append("day <= ?")
        params.append(until_day)
    return where, params


def _insert(db: sqlite3.Connection, s: Session) -> None:
    from datetime import datetime

    ts = datetime.fromisoformat(s.logged_at).timestamp()
    db.execute(
        "INSERT INTO sessions (id, day, logged_at, logged_ts, seconds, pain_before, pain_after, "
        "stress_before, stress_after, note, pro, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            s.id,
            s.day,
            s.logged_at,
            ts,
            s.seconds,
            s.pain_before,
            s.pain_after,
            s.stress_before,
            s.stress_after,
            s.note,
            s.pro,
            s.source,
        ),
    )
    seconds = s.practice_seconds or split_seconds(s.seconds, len(s.practices))
    rows = [
        (pid, secs, "partial" if pid in s.partial else "done") for pid, secs in zip(s.practices, seconds, strict=False)
    ]
    rows += [
        (pid, secs, "skipped") for pid, secs in zip(s.skipped, s.skipped_seconds or [0] * len(s.skipped), strict=False)
    ]
    db.executemany(
        "INSERT INTO session_practices (session_id, position, practice_id, seconds, too_intense, status) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(s.id, i, pid, secs, int(pid in s.too_intense), status) for i, (pid, secs, status) in enumerate(rows)],
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


def open_store(path: Path, *, create: bool = True) -> Store:
    """Connect to the log at `path`, creating (0600) and migrating it as needed."""
    if path.exists():
        if path.is_dir():
            raise _corrupt(path, "it is a folder")
        try:
            with path.open("rb") as handle:
                header = handle.read(16)
        except OSError as exc:
            raise EnvironmentFault(f"cannot read {path}: {exc.strerror}; check its permissions") from None
        if header and header != SQLITE_HEADER:
            raise _corrupt(path, "not an SQLite database")
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
    with store._guard():
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            _to_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")
        if db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            migrate(db)
        else:
            db.execute("SELECT 1 FROM sessions LIMIT 1").fetchall()
    return store
