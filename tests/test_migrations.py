"""Migrations: on a blank database, from every earlier version, and run twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from selfcare import store
from selfcare.models import Session


def _tables(path: Path) -> dict[str, list[str]]:
    db = sqlite3.connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: [c[1] for c in db.execute(f"PRAGMA table_info({n})")] for n in names}


def test_blank_database_reaches_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "selfcare.db"
    with store.open_store(path) as s:
        assert s.version() == store.VERSION
    assert "too_intense" in _tables(path)["session_practices"]


@pytest.mark.parametrize("start", range(store.VERSION))
def test_upgrade_from_every_earlier_version_keeps_the_data(tmp_path: Path, start: int) -> None:
    path = tmp_path / "selfcare.db"
    db = sqlite3.connect(path, isolation_level=None)
    store.migrate(db, upto=start)
    assert db.execute("PRAGMA user_version").fetchone()[0] == start
    if start >= 1:
        db.execute(
            "INSERT INTO sessions (id, day, logged_at, logged_ts, seconds, source) VALUES ('a', '2026-01-01', '2026-01-01T10:00:00+00:00', 0, 60, 'manual')"
        )
        db.execute(
            "INSERT INTO session_practices (session_id, position, practice_id, seconds) VALUES ('a', 0, 'p', 60)"
        )
    db.close()
    with store.open_store(path) as s:
        assert s.version() == store.VERSION
        if start >= 1:
            [kept] = s.sessions()
            assert (kept.id, kept.practices, kept.seconds, kept.too_intense) == ("a", ("p",), 60, ())
    assert _tables(path) == _tables_fresh(tmp_path)


def _tables_fresh(tmp_path: Path) -> dict[str, list[str]]:
    fresh = tmp_path / "fresh.db"
    store.open_store(fresh).close()
    return _tables(fresh)


def test_running_migrations_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "selfcare.db"
    store.open_store(path).close()
    before = _tables(path)
    db = sqlite3.connect(path, isolation_level=None)
    assert store.migrate(db) == store.VERSION
    assert store.migrate(db) == store.VERSION
    db.close()
    with store.open_store(path) as s:
        s.add_session(
            Session(id="b", day="2026-01-02", logged_at="2026-01-02T10:00:00+01:00", practices=("x",), seconds=30)
        )
    assert _tables(path) == before


def test_a_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "selfcare.db"
    store.open_store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {store.VERSION + 5}")
    db.commit()
    db.close()
    with pytest.raises(Exception, match="newer than this selfcare"):
        store.open_store(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == store.VERSION + 5
