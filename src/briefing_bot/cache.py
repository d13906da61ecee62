"""The answer cache: the same question, in the same context, on the same index generation, with the
same model and answer settings, gets the answer it got before without embedding or retrieval.

- The key is the sha256 of the normalised question (``normalize_question``: Unicode NFKC, case
  folded, spaces collapsed, trailing punctuation dropped), its context (what the answer depends on
  besides the question: its language, and the earlier question a follow-up is read with) and the
  identity of what answers (index generation, model, fitted selection, answer settings). A new
  generation is a new key space: nothing from another generation is ever served.
- Entries live in this process (``MemoryBackend``: least recently used first out, bounded in
  bytes, with ``cachetools``), or in Redis when ``redis_url`` is set (``RedisBackend``: shared by
  every process using it, each entry expiring after ``answer_cache_ttl_seconds``).
- A backend that fails never fails a question: the lookup is a miss, the answer is not stored, a
  warning is logged (at most once a minute while it fails, and once when it works again), the
  error is counted, and the backend is left alone for ``RETRY_AFTER`` seconds.
- Answers and declines are cached (both are what the knowledge gives for that question); errors
  never are.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import unicodedata
from typing import Protocol, Sequence

from .config import Settings
from .logs import event
from .types import Answer

FORMAT = 2  # bumped when the stored form of an answer changes (part of every key)
RETRY_AFTER = 1.0  # seconds a failed backend is left alone (lookups are misses meanwhile)
WARN_EVERY = 60.0  # seconds between two warnings about a backend that keeps failing
ENTRY_OVERHEAD = 200  # bytes an in-process entry costs besides its value (key, links), roughly

_SPACES = re.compile(r"\s+")


def normalize_question(text: str) -> str:
    """The form of a question that the cache compares: NFKC, case folded, runs of spaces as one,
    no punctuation or spaces at the end ("Who signed?" and "who  signed" are the same question)."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    end = len(text)
    while end and (text[end - 1] == " " or unicodedata.category(text[end - 1]).startswith("P")):
        end -= 1
    return text[:end]


def cache_key(texts: Sequence[str], facts: Sequence[object]) -> str:
    """The key of an answer: ``texts`` (the question and its context) compared normalised, ``facts``
    (language, generation, model, settings) compared as they are."""
    parts = [FORMAT, [normalize_question(t) for t in texts], list(facts)]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


class CacheBackend(Protocol):
    """Where entries live. Both methods may raise: ``AnswerCache`` turns failures into misses."""

    name: str

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes) -> None: ...


class MemoryBackend:
    """This process's entries, least recently used out first, within ``max_bytes``."""

    name = "memory"

    def __init__(self, max_bytes: int) -> None:
        from cachetools import LRUCache

        self.entries: LRUCache[str, bytes] = LRUCache(max_bytes, getsizeof=lambda value: len(value) + ENTRY_OVERHEAD)
        self.lock = threading.Lock()  # cachetools' caches are not thread-safe

    def get(self, key: str) -> bytes | None:
        with self.lock:
            return self.entries.get(key)

    def set(self, key: str, value: bytes) -> None:
        if len(value) + ENTRY_OVERHEAD <= self.entries.maxsize:  # a larger one would not fit at all
            with self.lock:
                self.entries[key] = value


class RedisBackend:
    """Entries in Redis (``redis_url``), shared by every process that uses it; each expires after
    ``ttl`` seconds. Connects on first use; short timeouts, so that a Redis that hangs costs little."""

    name = "redis"

    def __init__(self, url: str, ttl: int, prefix: str, timeout: float = 0.5) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self.ttl = ttl
        self.prefix = f"{prefix}:answer:"

    def get(self, key: str) -> bytes | None:
        return self.client.get(self.prefix + key)

    def set(self, key: str, value: bytes) -> None:
        self.client.set(self.prefix + key, value, ex=self.ttl)


class AnswerCache:
    """Answers by key over a backend, counting hits, misses and backend errors (``counts``, read
    by the metrics). ``get`` and ``put`` never raise (see the module's documentation)."""

    def __init__(self, backend: CacheBackend) -> None:
        self.backend = backend
        self.counts = {"hit": 0, "miss": 0, "error": 0}
        self._lock = threading.Lock()
        self._failing_since = 0.0  # when the backend started failing (0: it works)
        self._retry_at = 0.0
        self._warned = 0.0

    def get(self, key: str) -> Answer | None:
        """The answer stored under ``key``, or None."""
        value = self._call(self.backend.get, key)
        answer = None
        if value is not None:
            try:
                answer = Answer.from_dict(json.loads(value))
            except (ValueError, TypeError, KeyError):  # not an answer of this version: a miss
                answer = None
        self._count("hit" if answer is not None else "miss")
        return answer

    def put(self, key: str, answer: Answer) -> None:
        """Store ``answer`` under ``key``."""
        self._call(self.backend.set, key, json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8"))

    def _call(self, method, *args):
        if self._failing_since and time.monotonic() < self._retry_at:
            return None
        try:
            result = method(*args)
        except Exception as exc:  # noqa: BLE001 - answering matters more than caching
            self._failed(exc)
            return None
        if self._failing_since:
            event("answer_cache_back", f"The answer cache ({self.backend.name}) works again after "
                  f"{time.monotonic() - self._failing_since:.0f} s.", backend=self.backend.name)
            self._failing_since = 0.0
        return result

    def _failed(self, exc: Exception) -> None:
        self._count("error")
        now = time.monotonic()
        self._failing_since = self._failing_since or now
        self._retry_at = now + RETRY_AFTER
        if now - self._warned >= WARN_EVERY:
            self._warned = now
            event("answer_cache_failed", f"The answer cache ({self.backend.name}) failed: {type(exc).__name__}: "
                  f"{str(exc).rstrip('.')}. Answering without it until it works again.", logging.WARNING, backend=self.backend.name)

    def _count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1


def make_cache(settings: Settings) -> AnswerCache | None:
    """The answer cache of the settings: in Redis with ``redis_url``, else in this process; None
    when ``answer_cache`` is off."""
    if not settings.answer_cache:
        return None
    if settings.redis_url:
        return AnswerCache(RedisBackend(settings.redis_url, settings.answer_cache_ttl_seconds,
                                        settings.collection_prefix))
    return AnswerCache(MemoryBackend(settings.answer_cache_bytes))
