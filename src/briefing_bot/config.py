"""One typed ``Settings`` class: defaults, then an optional TOML file, then ``BRIEFING_BOT_*`` variables."""

from __future__ import annotations

import os
from pathlib import Path

from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from .errors import ConfigError

CONFIG_ENV = "BRIEFING_BOT_CONFIG"
DEFAULT_CONFIG_FILE = "briefing-bot.toml"


class Settings(BaseSettings):
    """Every setting of briefing-bot. Relative paths are taken from the working directory."""

    model_config = SettingsConfigDict(env_prefix="BRIEFING_BOT_", extra="forbid", frozen=True)

    knowledge_dir: Path = Path("knowledge")
    models_dir: Path = Field(Path(".briefing-bot/models"), description="provisioned embedding models")
    chroma_dir: Path = Field(Path(".briefing-bot/chroma"), description="the local index (unless chroma_url)")
    model: str = Field("default", description="'default' (EmbeddingGemma-300m), 'fast' "
                       "(multilingual-e5-small), a model folder, or a Hugging Face model id")
    chroma_url: str | None = Field(None, description="Chroma server URL; unset = local folder")
    collection_prefix: str = "briefing_bot"
    torch_threads: int = Field(0, ge=0, description="0 = all cores")

    max_question_chars: int = Field(2000, ge=1)
    max_history_turns: int = Field(8, ge=0)
    max_history_chars: int = Field(4000, ge=0)

    candidates: int = Field(24, ge=1, description="passages taken from each retriever")
    max_quotes: int = Field(3, ge=1)
    min_evidence: float = Field(0.0, description="decline below this evidence score; "
                                "0 = the calibrated value of the model")
    min_faq: float = Field(0.0, description="route to an FAQ entry at this question similarity; "
                           "0 = the calibrated value of the model")
    fallback_languages: tuple[str, ...] = ("en",)

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    root_path: str = Field("", description="path prefix when served behind a reverse proxy")
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed to embed the widget and call the API from a "
        "browser, comma-separated (https://news.example,https://gov.example); empty = none")
    rate_limit_per_minute: int = Field(30, ge=1, description="questions per client and minute")
    rate_limit_burst: int = Field(10, ge=1, description="questions a client may ask at once")
    max_body_bytes: int = Field(16_384, ge=1024)
    trust_forwarded_for: bool = Field(False, description="take the client from X-Forwarded-For "
                                      "(only behind a trusted reverse proxy)")
    feedback_db: Path = Path(".briefing-bot/feedback.sqlite")

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.replace(" ", ",").split(",") if part]
        if isinstance(value, list):
            for origin in value:
                if not isinstance(origin, str) or not origin.startswith(("http://", "https://")) \
                        or origin.rstrip("/").count("/") != 2:
                    raise ValueError(f"'{origin}' is not an origin such as https://news.example")
            return [origin.rstrip("/") for origin in value]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = [init_settings, env_settings]
        path = os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_FILE
        if Path(path).is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def load_settings(**overrides: object) -> Settings:
    """Build the settings, raising ``ConfigError`` with a readable message when they are invalid."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit and not Path(explicit).is_file():
        raise ConfigError(f"{CONFIG_ENV} points to {explicit}, which is not a file. "
                          "Create it or unset the variable.")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"Invalid settings ({problems}). Check the BRIEFING_BOT_* variables "
                          f"and {explicit or DEFAULT_CONFIG_FILE}.") from None
    except (OSError, ValueError) as exc:  # unreadable or malformed TOML
        raise ConfigError(f"Cannot read the settings file {explicit or DEFAULT_CONFIG_FILE}: {exc}. "
                          "Fix the file or remove it.") from None
