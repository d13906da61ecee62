"""The API's contract as pydantic models: requests (with every constraint the server enforces, so
that the OpenAPI document declares them), the answer object, and every other response. The request
models depend on the settings (the question's length limit)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .config import Settings

MAX_HISTORY_ITEMS = 32  # turns a request may send (the pipeline keeps the last max_history_turns)
MAX_TURN_CHARS = 8000  # characters of one turn
ANSWER_ID = r"^[0-9a-f]{16}$"
# "Not only spaces", the same in every regex engine (Python's, ECMA's, Rust's): a character that no
# engine counts as a space (Python also counts \x1c-\x1f and \x85 as spaces, ECMA \ufeff).
NOT_ONLY_SPACES = r"[^\s\x1c-\x1f\x85\ufeff]"
LANGUAGE_TAG_CHARS = 64


class Turn(BaseModel):
    """One earlier message of the conversation."""

    model_config = ConfigDict(regex_engine="python-re")

    role: Literal["user", "assistant"] = Field(description="'user' (a question) or 'assistant' (an answer)")
    content: str = Field(max_length=MAX_TURN_CHARS, description="The message's text.")


def request_models(settings: Settings) -> tuple[type[BaseModel], type[BaseModel]]:
    """(AskRequest, FeedbackRequest) for these settings."""

    class AskRequest(BaseModel):
        """A question, with the earlier turns of the conversation for follow-ups."""

        model_config = ConfigDict(regex_engine="python-re", json_schema_extra={
            "examples": [{"question": "When is the signing ceremony?", "history": []}]})

        question: str = Field(
            min_length=1, max_length=settings.max_question_chars, pattern=NOT_ONLY_SPACES,
            description=f"The journalist's question, in any language: at most {settings.max_question_chars:,} "
                        "characters, not only spaces.")
        history: list[Turn] = Field(
            default_factory=list, max_length=MAX_HISTORY_ITEMS,
            description=f"Earlier turns, oldest first (at most {MAX_HISTORY_ITEMS}; the last "
                        f"{settings.max_history_turns} within {settings.max_history_chars:,} characters are used). "
                        f"The whole body is at most {settings.max_body_bytes:,} bytes (else 413).")
        stream: bool = Field(
            False, description="true (or the header Accept: text/event-stream): the answer as server-sent "
                               "events: 'token' {text} as the LLM writes (not yet validated), 'sentence' "
                               "{index, text} once a sentence passes validation, 'withdraw' {reason} when one "
                               "fails (the sentences shown are withdrawn), and last 'answer' (the answer "
                               "object) or 'error' ({error: {code, message}}). Without an LLM, only 'answer'.")

        @field_validator("stream", mode="before")
        @classmethod
        def _boolean(cls, value: object) -> object:
            if not isinstance(value, bool):  # not 1 or "true"
                raise ValueError("'stream' must be true or false")
            return value

    class FeedbackRequest(BaseModel):
        """A thumbs up or down on an answer this service gave."""

        model_config = ConfigDict(regex_engine="python-re", json_schema_extra={
            "examples": [{"answer_id": "5f0c2a9be4d1c8a7", "vote": 1}]})

        answer_id: str = Field(pattern=ANSWER_ID, min_length=16, max_length=16,
                               description="The answer_id of an answer from POST /api/ask (or the chat).")
        vote: Literal[1, -1] = Field(description="1 (thumbs up) or -1 (thumbs down)")

        @field_validator("vote", mode="before")
        @classmethod
        def _integer(cls, value: object) -> object:
            if isinstance(value, bool) or not isinstance(value, int):  # not true, 1.0 or "1"
                raise ValueError("'vote' must be the integer 1 or -1")
            return value

    return AskRequest, FeedbackRequest


# --- responses --------------------------------------------------------------------------------------


class SourceOut(BaseModel):
    title: str
    publisher: str
    url: str
    published: str


class CitationOut(BaseModel):
    """Entry ``n`` of the answer's sources: ``quote`` is an exact part of ``text``."""

    n: int = Field(ge=1)
    passage_id: str
    doc_id: str
    title: str
    publisher: str
    url: str
    published: str
    language: str
    text: str = Field(description="The whole passage, verbatim from the knowledge file.")
    quote: str = Field(description="The exact part of text that the answer quotes.")
    as_of: str = Field(description="The date the facts are current as of ('' if none).")
    translation: str = Field(description="'official' or 'unofficial' for a translation, else ''.")
    translation_of: str = Field(description="For a translation: the passage id of its original, else ''.")
    sources: list[SourceOut] = Field(description="Where the passage's facts come from.")


class ConflictValueOut(BaseModel):
    value: str
    citations: list[int] = Field(description="The citation numbers that state this value.")
    as_of: str


class ConflictOut(BaseModel):
    """A figure on which the cited sources disagree (or that changed over time)."""

    claim: str
    kind: Literal["disagreement", "changed"]
    values: list[ConflictValueOut]


class AnswerOut(BaseModel):
    """The answer object (the CLI's ``ask --json`` gives the same, without ``answer_id``)."""

    question: str
    answer: str = Field(description="Verbatim sentences, each followed by [n]; or a polite decline.")
    answered: bool = Field(description="false: a decline (the sources do not answer it)")
    language: str = Field(description="ISO 639-1 code of the question")
    citations: list[CitationOut]
    conflicts: list[ConflictOut]
    suggestions: list[str] = Field(description="Questions the bot can answer (with a decline).")
    support: float = Field(ge=0, le=1, description="Estimated chance that the answer is right (0 for a decline).")
    supported: Literal["well", "partly", ""] = Field(description="'well' or 'partly' supported; '' for a decline.")
    timings_ms: dict[str, float] = Field(description="retrieve, answer and total (ms); only total (the lookup) "
                                         "for an answer from the cache.")
    cached: bool = Field(description="true: the answer cache gave it (the same question was answered in the "
                                     "same context on the same index generation before).")
    mode: Literal["extractive", "generated"] = Field(
        description="'extractive': verbatim quotes; 'generated': written by the LLM (optional, llm_url) from the "
                    "cited passages, every sentence validated against them.")
    fallback_reason: str | None = Field(
        description="Why a generated answer was tried and not shown: 'declined', 'llm_no_answer', "
                    "'llm_unreachable', 'llm_timeout', 'llm_error', 'llm_uncalibrated', or 'validation_failed: "
                    "<which sentence and why>'; null when none was tried (no LLM) or it is shown.")
    answer_id: str = Field(pattern=ANSWER_ID, description="Refer to the answer with this id (POST /api/feedback).")


class StreamEventOut(BaseModel):
    """One server-sent event of a streamed answer (``stream``: true, or Accept: text/event-stream)."""

    event: Literal["token", "sentence", "withdraw", "answer", "error"] = Field(
        description="token: text as the LLM writes it (not yet validated); sentence: a sentence that passed "
                    "validation; withdraw: the sentences shown are withdrawn; answer (last): the answer object; "
                    "error (last): something failed after the stream began")
    data: str = Field(description="JSON: {text} (token), {index, text} (sentence), {reason} (withdraw), the answer "
                                  "object with answer_id (answer), {error: {code, message}} (error).",
                      json_schema_extra={"contentMediaType": "application/json"})


class ErrorBody(BaseModel):
    code: str = Field(description="A stable, machine-readable code (e.g. rate_limited).")
    message: str = Field(description="What went wrong and what to do, in English.")


class ErrorOut(BaseModel):
    """Every error: ``{"error": {"code", "message"}}``."""

    error: ErrorBody


class HealthOut(BaseModel):
    """``ok`` (200) when questions are answered; ``starting`` or ``degraded`` (503) otherwise, with
    the reason in ``detail``."""

    status: Literal["ok", "starting", "degraded"]
    detail: str = ""
    model: str = ""
    passages: int = 0
    built_at: str = ""
    generation: str = ""
    queue: int = Field(0, ge=0, description="Questions waiting to be answered.")
    restarts: int = Field(0, ge=0, description="Times the answer worker was restarted.")


class ChangeOut(BaseModel):
    date: str
    change: str
    reason: str


class SourceRowOut(BaseModel):
    """A document that the bot cites."""

    doc_id: str
    title: str
    language: str
    published: str
    updated: str
    changes: list[ChangeOut]
    publisher: str
    kind: str
    url: str
    passages: int = Field(ge=0)
    translation_of: str
    translation: str


class SuggestionsOut(BaseModel):
    language: str = Field(description="The language used: the tag's, or 'en' when it is not covered.")
    questions: list[str]
    labels: dict[str, str] = Field(description="The widget's words in that language (plain text).")


ERRORS = {
    400: "Malformed JSON or body (code malformed_json, bad_request)",
    403: "Not allowed from this address (code forbidden)",
    404: "Unknown answer id (code unknown_answer)",
    413: "Body larger than max_body_bytes (code body_too_large)",
    422: "A constraint of the request is not met (code invalid_request, invalid_question)",
    429: "Too many requests from this client; see Retry-After (code rate_limited)",
    503: "Cannot answer now: starting, degraded, overloaded, or the database of votes is unreachable "
         "(code not_ready, unavailable, overloaded); see Retry-After",
    504: "Not answered in time; the work was dropped (code timeout)",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}}


def errors(*codes: int) -> dict:
    """OpenAPI ``responses`` for these error statuses."""
    return {code: {"model": ErrorOut, "description": ERRORS[code],
                   **({"headers": RETRY_AFTER} if code in (429, 503) else {})} for code in codes}
