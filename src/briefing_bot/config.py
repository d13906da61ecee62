"""One typed ``Settings`` class: defaults, then an optional TOML file, then ``BRIEFING_BOT_*`` variables."""

from __future__ import annotations

import os
from pathlib import Path

from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
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
    ingest_wait_seconds: float = Field(600.0, ge=0, description="how long an ingest waits for another "
                                       "one to finish before giving up (0 = do not wait)")
    index_grace_seconds: float = Field(600.0, ge=0, description="how long a replaced index generation is "
                                       "kept for servers still answering from it (more than the longest "
                                       "request; 0 = drop it at the next ingest)")
    torch_threads: int = Field(0, ge=0, description="threads of the embedding model (torch or ONNX "
                               "Runtime); 0 = all cores")
    runtime: Literal["auto", "torch", "onnx"] = Field(
        "auto", description="how the embedding model runs: 'onnx' (ONNX Runtime, about 3x faster per "
        "question; the graph 'briefing-bot models fetch' exports), 'torch' (sentence-transformers), or "
        "'auto' (onnx when the model's folder has the exported graph, else torch)")
    onnx_precision: Literal["fp32", "int8"] = Field(
        "fp32", description="the ONNX graph used: 'fp32' (the torch vectors, cosine 1.0) or 'int8' "
        "(faster, vectors slightly different: the index is rebuilt for it; export it with "
        "'briefing-bot models fetch NAME --precision int8')")

    language_detector: Literal["fasttext", "lingua"] = Field(
        "fasttext", description="the statistical model that tells the language of a question where script "
        "and function words do not: 'fasttext' (5 MB, loads at once) or 'lingua' (high-accuracy n-grams: "
        "2 more right of 346 short questions, about 690 MB and 10 s to load)")

    max_question_chars: int = Field(2000, ge=1)
    max_history_turns: int = Field(8, ge=0)
    max_history_chars: int = Field(4000, ge=0)

    candidates: int = Field(24, ge=1, description="passages taken from each retriever")
    max_quotes: int = Field(3, ge=1)
    min_answerable: float = Field(0.0, ge=0.0, le=1.0, description="decline when the chance that the "
                                  "knowledge answers the question is below this (0-1); 0 = the calibrated "
                                  "threshold of the model")
    calibration: Path | None = Field(None, description="fitted answer-selection parameters (JSON written by "
                                     "'briefing-bot calibrate'); unset = the model's own in the package")
    fallback_languages: tuple[str, ...] = ("en",)

    llm_url: str | None = Field(None, description="an OpenAI-compatible server (http://127.0.0.1:8081/v1) that "
                                "writes generated answers from the passages, each sentence validated against "
                                "them; unset = extractive answers only")
    llm_model: str = Field("local", description="the model name sent to the LLM server")
    llm_api_key: SecretStr | None = Field(None, description="the LLM server's API key, if it needs one (never "
                                          "logged or shown)")
    llm_timeout_seconds: float = Field(20.0, gt=0, description="a generated answer not finished by then falls "
                                       "back to the extractive one (reason llm_timeout)")
    llm_concurrency: int = Field(2, ge=1, le=64, description="generated answers written at once per process; a "
                                 "question beyond them gets its extractive answer at once (reason llm_busy)")
    llm_max_tokens: int = Field(300, ge=16, description="longest generated answer, in tokens")
    llm_min_similarity: float = Field(0.0, ge=0.0, le=1.0, description="a generated sentence whose similarity "
                                      "to its cited passage is below this fails validation; 0 = the cut-off "
                                      "fitted by 'briefing-bot calibrate --grounding' for the model")

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    root_path: str = Field("", description="path prefix when served behind a reverse proxy")
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed to embed the widget and call the API from a "
        "browser, comma-separated (https://news.example,https://gov.example); empty = none")
    rate_limit_per_minute: int = Field(30, ge=1, description="questions per client and minute (API, chat "
                                       "page, widget and the chat's Gradio API together)")
    rate_limit_burst: int = Field(10, ge=1, description="questions a client may ask at once (then one "
                                  "every 60/rate_limit_per_minute seconds)")
    feedback_rate_limit_per_minute: int = Field(20, ge=1, description="votes per client and minute")
    request_rate_limit_per_minute: int = Field(300, ge=1, description="requests per client and minute on "
                                               "every route but static files (pages, events, API)")
    rate_limit_storage: str = Field("memory://", description="where the rate limits count: a `limits` "
                                    "storage URI (memory:// = this process; redis://host:6379 to share "
                                    "them between processes); unset with redis_url = that Redis")
    redis_url: str | None = Field(None, description="a Redis server (redis://host:6379/0) shared by every "
                                  "process: the answer cache, and the rate limits unless rate_limit_storage is "
                                  "set; unset = each process keeps its own")
    answer_cache: bool = Field(True, description="answer a question asked again (same question, context, index "
                               "generation and settings) from the answer cache")
    answer_cache_bytes: int = Field(64 * 2**20, ge=0, description="size of the in-process answer cache (least "
                                    "recently used answers go first; unused with redis_url)")
    answer_cache_ttl_seconds: int = Field(86_400, ge=1, description="how long an answer stays in Redis "
                                          "(with redis_url)")
    max_body_bytes: int = Field(16_384, ge=1024, description="larger request bodies (chunked or not) get 413")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="addresses or networks of the reverse proxies whose "
        "X-Forwarded-For names the client (uvicorn's proxy-headers handling), comma-separated; "
        "empty = the connecting address is the client")
    trust_forwarded_for: bool = Field(False, description="replaced by trusted_proxies (an error if set)")
    queue_size: int = Field(32, ge=1, description="questions waiting for the answer worker; beyond, 503")
    answer_timeout_seconds: float = Field(30.0, gt=0, description="a question not answered by then gets 504 "
                                          "and its work is dropped")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_questions: bool = Field(False, description="put the question text in the request log lines")
    metrics_clients: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"], description="addresses or networks that may read "
        "/metrics, comma-separated (default: this machine)")
    feedback_db: Path = Field(Path(".briefing-bot/feedback.sqlite"), description="votes and the record of "
                              "asked questions (no IP addresses), as a SQLite file (unless database_url)")
    database_url: str | None = Field(None, description="a database for votes and the record of asked "
                                     "questions, as a SQLAlchemy URL: postgresql://user:password@host:5432/name "
                                     "(psycopg) to share them between replicas; unset = the SQLite file feedback_db")
    retention_days: int = Field(90, ge=1, description="asked questions and votes are deleted after this many days")

    @field_validator("trusted_proxies", "metrics_clients", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.replace(" ", ",").split(",") if part]
        if isinstance(value, list):
            import ipaddress

            for item in value:
                if item == "*":
                    continue
                try:
                    ipaddress.ip_network(str(item), strict=False)
                except ValueError:
                    raise ValueError(f"'{item}' is not an IP address or network such as 10.0.0.5 "
                                     "or 10.0.0.0/24 (or * for any)") from None
        return value

    @field_validator("root_path")
    @classmethod
    def _root_path(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and (not value.startswith("/") or any(c in value for c in "?#% ")):
            raise ValueError(f"'{value}' is not a path prefix such as /bot")
        return value

    @field_validator("trust_forwarded_for")
    @classmethod
    def _replaced(cls, value: bool) -> bool:
        if value:
            raise ValueError("BRIEFING_BOT_TRUST_FORWARDED_FOR is replaced by BRIEFING_BOT_TRUSTED_PROXIES: "
                             "list the addresses of your reverse proxies (e.g. 127.0.0.1)")
        return value

    @field_validator("rate_limit_storage")
    @classmethod
    def _storage(cls, value: str) -> str:
        from limits.storage import SCHEMES

        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme.removeprefix("async+") not in SCHEMES:
            known = ", ".join(sorted(s for s in SCHEMES if not s.startswith("async+")))
            raise ValueError(f"'{value}' is not a rate-limit storage URI (schemes: {known})")
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from sqlalchemy import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            make_url(value).get_dialect()
        except (ArgumentError, NoSuchModuleError, ValueError):
            raise ValueError("not a database URL such as postgresql://user:password@host:5432/briefing_bot "
                             "or sqlite:///path/feedback.sqlite") from None
        return value

    @model_validator(mode="after")
    def _one_database(self) -> Settings:
        if self.database_url and "feedback_db" in self.model_fields_set:
            raise ValueError("set BRIEFING_BOT_DATABASE_URL or BRIEFING_BOT_FEEDBACK_DB, not both (the "
                             "database URL replaces the SQLite file)")
        return self

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://")):
            raise ValueError(f"'{value}' is not a Redis URL such as redis://localhost:6379/0 (or rediss:// for TLS)")
        return value or None

    @field_validator("llm_url")
    @classmethod
    def _llm_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"'{value}' is not a URL such as http://127.0.0.1:8081/v1")
        return value.rstrip("/") if value else None

    @property
    def rate_limit_uri(self) -> str:
        """Where the rate limits count: ``rate_limit_storage``, or Redis when ``redis_url`` is set
        and ``rate_limit_storage`` is not (so that replicas share the limits)."""
        if self.redis_url and "rate_limit_storage" not in self.model_fields_set:
            return self.redis_url
        return self.rate_limit_storage

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"'{value}' is not one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

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
