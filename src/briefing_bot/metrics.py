"""Prometheus metrics (``/metrics``): requests and their latency per route, answers and declines
by language, rate-limited and refused requests, the answer queue's depth, worker restarts, the
index generation being served, and the answer cache's hits, misses and errors. Each application
has its own registry."""

from __future__ import annotations

from typing import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Routes by name (the label of every request metric: a fixed set, never a raw path).
ROUTES = {"/", "/widget", "/widget.js", "/widget.css", "/embed.js", "/api/ask", "/api/health", "/api/sources",
          "/api/suggestions", "/api/feedback", "/metrics", "/docs", "/openapi.json", "/config",
          "/gradio_api/queue/join", "/gradio_api/queue/data", "/gradio_api/info", "/gradio_api/cancel",
          "/theme.css", "/favicon.ico", "/manifest.json"}
STATIC = ("/assets/", "/static/", "/svelte/")


def route_label(path: str) -> str:
    """The route a request path belongs to (bounded cardinality)."""
    if path in ROUTES:
        return path
    if path.startswith(STATIC):
        return "/" + path.split("/")[1] + "/*"
    if path.startswith("/gradio_api/"):
        parts = path.split("/")
        return "/gradio_api/" + parts[2] + ("/*" if len(parts) > 3 else "") if parts[2].isidentifier() else "other"
    return "other"


class Metrics:
    """The application's metrics in their own registry (so that several apps can live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("briefing_bot_http_requests", "HTTP requests by route, method and status",
                                ["route", "method", "status"], registry=r)
        self.latency = Histogram("briefing_bot_http_request_duration_seconds", "HTTP request latency by route",
                                 ["route"], registry=r,
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
        self.answers = Counter("briefing_bot_answers", "Questions answered or declined, by language",
                               ["language", "answered"], registry=r)
        self.declines = Counter("briefing_bot_declines", "Declined questions (the knowledge lacks the answer), "
                                "by language", ["language"], registry=r)
        self.answer_latency = Histogram("briefing_bot_answer_duration_seconds", "Time from queueing a question "
                                        "to its answer", registry=r,
                                        buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60))
        self.refused = Counter("briefing_bot_refused", "Questions refused: overloaded (queue full), timeout, "
                               "unavailable (worker not ready)", ["reason"], registry=r)
        self.rate_limited = Counter("briefing_bot_rate_limited", "Requests refused by a rate limit",
                                    ["limit"], registry=r)
        self.worker_restarts = Counter("briefing_bot_worker_restarts", "Restarts of the answer worker", registry=r)
        self.queue_depth = Gauge("briefing_bot_queue_depth", "Questions waiting for the answer worker", registry=r)
        self.ready = Gauge("briefing_bot_ready", "1 when the service can answer, else 0", registry=r)
        self.index = Gauge("briefing_bot_index_generation", "The index generation being served (value 1)",
                           ["generation", "model", "built_at"], registry=r)
        self._index: tuple[str, str, str] | None = None

    def watch(self, queue_depth: Callable[[], float], ready: Callable[[], float]) -> None:
        """Read the queue depth and readiness when scraped."""
        self.queue_depth.set_function(queue_depth)
        self.ready.set_function(ready)

    def watch_cache(self, counts: dict[str, int]) -> None:
        """Read the answer cache's counts (``hit``, ``miss``, ``error``) when scraped."""
        self.registry.register(CacheCounts(counts))

    def set_index(self, generation: str, model: str, built_at: str) -> None:
        """The generation now served (the previous one's series is removed)."""
        labels = (generation, model, built_at)
        if labels == self._index:
            return
        if self._index is not None:
            self.index.remove(*self._index)
        self.index.labels(*labels).set(1)
        self._index = labels

    def answered(self, language: str, answered: bool, seconds: float) -> None:
        self.answers.labels(language or "und", "true" if answered else "false").inc()
        if not answered:
            self.declines.labels(language or "und").inc()
        self.answer_latency.observe(seconds)

    def request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method if method in ("GET", "POST", "HEAD", "OPTIONS") else "other",
                             str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class CacheCounts:
    """The answer cache's lookups by result (hit, miss) and its backend's errors, as counters."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts

    def collect(self):
        lookups = CounterMetricFamily("briefing_bot_answer_cache_lookups", "Answer cache lookups by result: hit "
                                      "(answered from the cache) or miss", labels=["result"])
        for result in ("hit", "miss"):
            lookups.add_metric([result], self.counts[result])
        yield lookups
        yield CounterMetricFamily("briefing_bot_answer_cache_errors", "Answer cache backend failures (Redis down: "
                                  "answered without the cache)", value=self.counts["error"])
