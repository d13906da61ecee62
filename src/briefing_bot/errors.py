"""Typed errors raised by the library. Only the CLI, web UI and API turn them into messages."""


class BriefingBotError(Exception):
    """Base class: ``str(error)`` says what went wrong and what to do."""


class ConfigError(BriefingBotError):
    """The settings (environment or TOML file) are invalid."""


class InvalidQuestion(BriefingBotError):
    """The question is empty, too long or otherwise unusable."""


class KnowledgeError(BriefingBotError):
    """A knowledge file cannot be read or parsed."""


class ModelError(BriefingBotError):
    """An embedding model is missing, corrupt or cannot be provisioned."""


class StoreError(BriefingBotError):
    """The vector store is unreachable or its index is inconsistent."""


class FeedbackError(BriefingBotError):
    """The database of asked questions and votes cannot be reached or written."""


class IndexNotReady(StoreError):
    """No index has been built yet (or one is being built)."""


class IngestLocked(StoreError):
    """Another ingest holds the index lock and did not finish within the wait allowed."""


class LLMError(BriefingBotError):
    """The LLM server failed to write an answer; ``reason`` is the answer's ``fallback_reason``."""

    reason = "llm_error"


class LLMUnavailable(LLMError):
    """The LLM server cannot be reached (refused, unknown host, connection dropped)."""

    reason = "llm_unreachable"


class LLMBusy(LLMError):
    """Every slot for generated answers is taken (``llm_concurrency``); the answer stays extractive."""

    reason = "llm_busy"


class LLMTimeout(LLMError):
    """The LLM server did not finish the answer within ``llm_timeout_seconds``."""

    reason = "llm_timeout"
