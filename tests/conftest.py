"""Every test gets its own empty home (SELFCARE_HOME), a fixed clock and a fixed time zone."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from selfcare.cli import application

app = application()

NOW = "2026-11-27T09:00:00+01:00"  # a Friday morning in Paris

# Hypothesis profiles. "ci" (the default) draws the same examples on every run, so
# CI is repeatable; "quick" draws a tenth as many, for the edit-test loop (chosen
# by `pytest -m "not slow"` unless HYPOTHESIS_PROFILE says otherwise); "explore"
# draws new examples each run.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("quick", derandomize=True, deadline=None, max_examples=10)
settings.register_profile("explore", deadline=None)
_profile = {"name": os.environ.get("HYPOTHESIS_PROFILE", "ci")}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="rewrite the screens kept in tests/snapshots/ from what the program shows now (then review the diff)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if "HYPOTHESIS_PROFILE" not in os.environ and config.getoption("markexpr", "") == "not slow":
        _profile["name"] = "quick"
    settings.load_profile(_profile["name"])


@pytest.fixture(autouse=True, scope="session")
def _builtin_files_parsed_once() -> Iterator[None]:
    """The built-in routine files do not change while the tests run, so each is parsed once a
    session rather than once for every fresh home (about 60 ms a time, most of the quick run).

    Only the parsing is shared: every home still builds, writes and reads its own cache on
    disk, and a file that changes (another path, size or time) is parsed again. The parser is
    tested on files of its own in test_routine_files.
    """
    from selfcare import library

    real = library.parse_file
    parsed: dict[tuple[Any, ...], list[Any]] = {}

    def parse_file(path: Path, label: str | None = None, origin: str = "built-in") -> list[Any]:
        stat = path.stat()
        key = (str(path), label, origin, stat.st_mtime_ns, stat.st_size)
        if key not in parsed:
            parsed[key] = real(path, label, origin)
        return list(parsed[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(library, "parse_file", parse_file)
        yield


def examples(full: int) -> int:
    """How many examples a property test draws: `full` in CI, a tenth in the quick run."""
    return max(5, full // 10) if _profile["name"] == "quick" else full


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("SELFCARE_HOME", str(home))
    monkeypatch.setenv("SELFCARE_NOW", NOW)
    monkeypatch.setenv("TZ", "Europe/Paris")
    monkeypatch.setenv("COLUMNS", "120")
    time.tzset()
    yield home
    monkeypatch.undo()
    time.tzset()


class Run:
    """The real CLI, in process, through Typer's CliRunner."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0) -> Any:
        result = self.runner.invoke(app, list(args), input=input, env={"COLUMNS": "120"})
        if code is not None:
            assert result.exit_code == code, (
                f"selfcare {' '.join(args)} exited {result.exit_code}, wanted {code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
            )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)

    def fails(self, *args: str, code: int = 2) -> str:
        """Run a command that must fail: one line on stderr, no traceback; returns the line."""
        result = self(*args, code=code)
        err = result.stderr.strip()
        assert err.count("\n") == 0, f"more than one line: {err!r}"
        assert "Traceback" not in result.output
        assert err.startswith("selfcare: "), err
        return err


@pytest.fixture
def run() -> Run:
    return Run()


@pytest.fixture
def ids(run: Run) -> list[str]:
    """The library's practice ids, in its order."""
    return [p["id"] for p in run.json("routines", "list")]


def set_clock(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("SELFCARE_NOW", moment)


def file_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
