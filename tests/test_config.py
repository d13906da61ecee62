"""Settings: defaults, environment, TOML file, readable errors; the web server's settings."""

from __future__ import annotations

import pytest

from briefing_bot.config import Settings, load_settings
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


def test_web_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("BRIEFING_BOT_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    monkeypatch.setenv("BRIEFING_BOT_METRICS_CLIENTS", "192.168.1.5")
    monkeypatch.setenv("BRIEFING_BOT_RATE_LIMIT_STORAGE", "redis://cache:6379/0")
    monkeypatch.setenv("BRIEFING_BOT_ROOT_PATH", "/bot/")
    monkeypatch.setenv("BRIEFING_BOT_LOG_LEVEL", "warning")
    settings = load_settings()
    assert settings.trusted_proxies == ["127.0.0.1", "10.0.0.0/8"] and settings.metrics_clients == ["192.168.1.5"]
    assert (settings.rate_limit_storage, settings.root_path, settings.log_level) == ("redis://cache:6379/0", "/bot", "WARNING")


def test_web_defaults_are_safe(monkeypatch):
    monkeypatch.delenv("BRIEFING_BOT_CONFIG", raising=False)
    defaults = Settings()
    assert defaults.allowed_origins == [] and defaults.metrics_clients == ["127.0.0.1", "::1"]
    assert (defaults.trusted_proxies, defaults.rate_limit_storage, defaults.log_questions) == ([], "memory://", False)
    assert (defaults.queue_size, defaults.answer_timeout_seconds, defaults.retention_days) == (32, 30.0, 90)


@pytest.mark.parametrize("variable, value, message", [
    ("BRIEFING_BOT_TRUSTED_PROXIES", "proxy.example", "not an IP address or network"),
    ("BRIEFING_BOT_METRICS_CLIENTS", "10.0.0.300", "not an IP address or network"),
    ("BRIEFING_BOT_RATE_LIMIT_STORAGE", "postgres://db", "not a rate-limit storage URI"),
    ("BRIEFING_BOT_TRUST_FORWARDED_FOR", "true", "replaced by BRIEFING_BOT_TRUSTED_PROXIES"),
    ("BRIEFING_BOT_ROOT_PATH", "bot", "not a path prefix"),
    ("BRIEFING_BOT_QUEUE_SIZE", "0", "queue_size"),
    ("BRIEFING_BOT_LOG_LEVEL", "LOUD", "not one of"),
    ("BRIEFING_BOT_RETENTION_DAYS", "0", "retention_days"),
    ("BRIEFING_BOT_REDIS_URL", "cache:6379", "not a Redis URL"),
    ("BRIEFING_BOT_ANSWER_CACHE_BYTES", "-1", "answer_cache_bytes"),
])
def test_bad_web_settings_are_one_clear_line(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings()
    assert "\n" not in str(caught.value)


def test_a_rate_limit_storage_that_cannot_be_used_is_a_config_error():
    from briefing_bot.ratelimit import RateLimits, rules_from

    with pytest.raises(ConfigError, match="BRIEFING_BOT_RATE_LIMIT_STORAGE"):
        RateLimits("memcached://cache:11211", rules_from(Settings()))  # its client library is not installed


def test_redis_url_is_the_rate_limit_storage_unless_that_is_set(monkeypatch):
    monkeypatch.delenv("BRIEFING_BOT_CONFIG", raising=False)
    assert Settings().rate_limit_uri == "memory://"
    monkeypatch.setenv("BRIEFING_BOT_REDIS_URL", "redis://cache:6379/0")
    assert load_settings().rate_limit_uri == "redis://cache:6379/0"  # replicas share the limits
    monkeypatch.setenv("BRIEFING_BOT_RATE_LIMIT_STORAGE", "memory://")  # set: per process, as asked
    assert load_settings().rate_limit_uri == "memory://"
    assert Settings(redis_url="redis://cache:6379/0", rate_limit_storage="redis://other:6379").rate_limit_uri == \
        "redis://other:6379"
