"""The journal files of a sync folder, read as real sync tools leave them."""

from __future__ import annotations

from pathlib import Path

from selfcare import journal
from selfcare.journal import Cursor, Own, cursor_at, read_lines


def read(path: Path, cursor: Cursor) -> tuple[list[bytes], Cursor, bool]:
    lines, again = read_lines(path, cursor)
    got = list(lines)
    return [line.text for line in got], (cursor_at(path, got[-1]) if got else cursor), again


def test_a_half_written_last_line_is_left_until_its_newline_comes(tmp_path: Path):
    path = tmp_path / "journal-abcd.jsonl"
    path.write_bytes(b'{"a":1}\n{"b":')
    texts, cursor, again = read(path, Cursor())
    assert texts == [b'{"a":1}'] and not again and cursor.line == 1
    path.write_bytes(b'{"a":1}\n{"b":2}\n')
    texts, cursor, again = read(path, cursor)
    assert texts == [b'{"b":2}'] and not again and cursor.line == 2


def test_a_journal_that_shrank_or_was_rewritten_is_read_again_from_its_start(tmp_path: Path):
    path = tmp_path / "journal-abcd.jsonl"
    path.write_bytes(b"one\ntwo\n")
    _, cursor, _ = read(path, Cursor())
    path.write_bytes(b"one\n")
    assert read(path, cursor)[0:3:2] == ([b"one"], True)
    path.write_bytes(b"ONE\ntwo\nthree\n")  # as long as before, and more: but not what was read
    texts, _, again = read(path, cursor)
    assert again and texts == [b"ONE", b"two", b"three"]


def test_a_line_too_long_to_be_an_event_is_read_as_damage_and_the_next_one_read(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(journal, "MAX_LINE", 100)
    monkeypatch.setattr(journal, "CHUNK", 64)
    path = tmp_path / "journal-abcd.jsonl"
    path.write_bytes(b"x" * 1000 + b"\nnext\n")
    texts, cursor, _ = read(path, Cursor())
    assert texts == [journal.TOO_LONG, b"next"] and cursor.offset == path.stat().st_size


def test_conflict_copies_count_and_files_in_transit_do_not():
    assert journal.is_journal("journal-abcd.jsonl")
    assert journal.is_journal("journal-abcd.sync-conflict-20261127-090000-ABCDEFG.jsonl")
    assert journal.is_journal("journal-abcd (laptop's conflicted copy 2026-11-27).jsonl")
    for name in ("journal-abcd.jsonl.tmp", ".syncthing.journal-abcd.jsonl.tmp", "journal-abcd.jsonl~", "notes.txt"):
        assert not journal.is_journal(name), name


def test_this_devices_journal_cuts_a_half_written_line_before_appending(tmp_path: Path):
    path = tmp_path / "journal-abcd.jsonl"
    path.write_bytes(b"first\nsecond\nthird-half")
    with Own(path) as own:
        assert own.last_line() == b"second"
        own.append([b"fourth"])
    assert path.read_bytes() == b"first\nsecond\nfourth\n"
    fresh = tmp_path / "journal-efgh.jsonl"
    with Own(fresh) as own:
        assert own.last_line() is None
        own.append([b"only"])
    assert fresh.stat().st_mode & 0o777 == 0o600
