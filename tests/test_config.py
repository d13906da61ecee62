"""Settings: defaults, environment, TOML file, readable errors; and the offline guard."""

from __future__ import annotations

import socket

import pytest

from briefing_bot.config import load_settings
from briefing_bot.errors import ConfigError


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("BRIEFING_BOT_MODEL", "fast")
    monkeypatch.setenv("BRIEFING_BOT_CHROMA_URL", "http://localhost:9000")
    settings = load_settings()
    assert (settings.model, settings.chroma_url, settings.max_question_chars) == ("fast", "http://localhost:9000", 2000)


def test_toml_file(tmp_path, monkeypatch):
    path = tmp_path / "bot.toml"
    path.write_text('model = "fast"\nmax_quotes = 2\n', encoding="utf-8")
    monkeypatch.setenv("BRIEFING_BOT_CONFIG", str(path))
    assert (load_settings().model, load_settings().max_quotes) == ("fast", 2)
    monkeypatch.setenv("BRIEFING_BOT_MAX_QUOTES", "1")  # the environment wins over the file
    assert load_settings().max_quotes == 1


@pytest.mark.parametrize("content, message", [("max_quotes = 0\n", "max_quotes"), ("colour = 'red'\n", "colour"),
                                              ("model = \n", "Cannot read")])
def test_bad_toml_is_a_config_error(tmp_path, monkeypatch, content, message):
    path = tmp_path / "bot.toml"
    path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("BRIEFING_BOT_CONFIG", str(path))
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_missing_config_file_is_a_config_error(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFING_BOT_CONFIG", str(tmp_path / "absent.toml"))
    with pytest.raises(ConfigError, match="not a file"):
        load_settings()


def test_unit_tests_have_no_network():
    with pytest.raises(Exception, match="(?i)socket|network"):
        socket.create_connection(("pypi.org", 443), timeout=2)
