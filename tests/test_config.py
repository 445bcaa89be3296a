"""Settings: one table, layered sources, clear errors naming the setting."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from apwps.config import SETTINGS, Settings, load_settings
from apwps.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_has_a_field_with_the_same_default() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert set(fields) == {s.name for s in SETTINGS}
    for setting in SETTINGS:
        assert fields[setting.name] == setting.default, setting.name
        assert setting.help.strip(), setting.name


def test_later_sources_win(tmp_path: Path) -> None:
    (tmp_path / "apwps.toml").write_text("port = 6000\nmax_result_rows = 50\n", encoding="utf-8")
    env = {"APWPS_PORT": "7000"}
    settings = load_settings({"root": str(tmp_path)}, environ=env)
    assert settings.max_result_rows == 50  # from the file
    assert settings.port == 7000  # environment beats the file
    settings = load_settings({"root": str(tmp_path), "port": 8000}, environ=env)
    assert settings.port == 8000  # explicit override beats both


def test_bad_values_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="query_time_limit_ms"):
        load_settings(environ={"APWPS_QUERY_TIME_LIMIT_MS": "soon"})
    with pytest.raises(ConfigError, match="check_consistency"):
        load_settings(environ={"APWPS_CHECK_CONSISTENCY": "maybe"})
    with pytest.raises(ConfigError, match="max_result_rows"):
        load_settings({"max_result_rows": -1}, read_environment=False)
    (tmp_path / "apwps.toml").write_text("colour = 'red'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_settings({"root": str(tmp_path)}, environ={})
    with pytest.raises(ConfigError, match="APWPS_CONFIG"):
        load_settings(environ={"APWPS_CONFIG": str(tmp_path / "missing.toml")})


def test_every_setting_is_documented() -> None:
    """docs/settings.md has a heading per setting, so the docs cannot fall behind the table."""
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## `?([a-z_]+)`?\s*$", text, flags=re.MULTILINE))
    assert SETTINGS, "no settings found"
    missing = [s.name for s in SETTINGS if s.name not in headings]
    assert not missing, f"settings without a heading in docs/settings.md: {missing}"
