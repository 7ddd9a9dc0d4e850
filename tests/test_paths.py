"""Where files live: on Linux selfcare names its folders without importing platformdirs (it costs
milliseconds on every command); whatever the environment, it names the same folders platformdirs does."""

from __future__ import annotations

import sys

import platformdirs
import pytest

from selfcare import paths

CASES = [
    {"HOME": "/home/ana"},
    {"HOME": "/home/ana", "XDG_CONFIG_HOME": "/srv/cfg", "XDG_DATA_HOME": "/srv/data", "XDG_CACHE_HOME": "/srv/c"},
    {"HOME": "/home/ana", "XDG_CONFIG_HOME": "relative/cfg", "XDG_DATA_HOME": "", "XDG_CACHE_HOME": "  "},
    {"HOME": "/home/ana", "XDG_DATA_HOME": "/srv/data/"},
    {"HOME": "/home/ana with spaces", "XDG_CACHE_HOME": "/tmp/ça"},
]


@pytest.mark.skipif(sys.platform != "linux", reason="the folders are named without platformdirs on Linux only")
@pytest.mark.parametrize("env", CASES, ids=range(len(CASES)))
def test_the_folders_are_the_ones_platformdirs_names(env: dict[str, str], monkeypatch) -> None:
    monkeypatch.delenv("SELFCARE_HOME", raising=False)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert paths.config_dir() == platformdirs.user_config_path("selfcare")
    assert paths.data_dir() == platformdirs.user_data_path("selfcare")
    assert paths.cache_dir() == platformdirs.user_cache_path("selfcare")


def test_selfcare_home_puts_everything_under_one_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SELFCARE_HOME", str(tmp_path))
    assert (paths.config_file(), paths.db_file(), paths.user_routines_dir(), paths.cache_dir()) == (
        tmp_path / "config.yaml",
        tmp_path / "selfcare.db",
        tmp_path / "routines",
        tmp_path / "cache",
    )
