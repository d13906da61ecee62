"""Per-client rate limits, counted by the ``limits`` library (moving windows) in the storage that
``Settings.rate_limit_uri`` names: ``memory://`` (this process) or a shared one such as Redis (with
the ``redis`` package's client).

Named limits (``ask``, ``feedback``, ``requests``) each hold one or more rates; a request passes a
limit when it is under every rate."""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.aio.strategies import MovingWindowRateLimiter

from .config import Settings
from .errors import ConfigError
from .logs import event


def rules_from(settings: Settings) -> dict[str, list[RateLimitItem]]:
    """The named limits of the settings. A burst of B with R a minute is "B within the time R a
    minute takes to earn B", so a full burst is followed by one question every 60/R seconds."""
    burst_window = max(1, math.ceil(settings.rate_limit_burst * 60 / settings.rate_limit_per_minute))
    return {
        "ask": [RateLimitItemPerMinute(settings.rate_limit_per_minute),
                RateLimitItemPerSecond(settings.rate_limit_burst, burst_window)],
        "feedback": [RateLimitItemPerMinute(settings.feedback_rate_limit_per_minute)],
        "requests": [RateLimitItemPerMinute(settings.request_rate_limit_per_minute)],
    }


class RateLimits:
    """``await hit(name, client)``: 0 when the client may go on (and it is counted), else the
    seconds until it may. A storage that fails lets requests through (and says so in the log)."""

    def __init__(self, storage_uri: str, rules: dict[str, list[RateLimitItem]]) -> None:
        uri = storage_uri if storage_uri.startswith("async+") else "async+" + storage_uri
        options = {"implementation": "redispy"} if uri.startswith("async+redis") else {}  # not coredis
        try:
            self.storage = storage_from_string(uri, **options)
        except Exception as exc:  # noqa: BLE001 - unknown scheme, missing driver: one clear line
            raise ConfigError(f"Cannot use the rate-limit storage {storage_uri}: {exc}. Check "
                              "BRIEFING_BOT_RATE_LIMIT_STORAGE.") from None
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.rules = rules
        self._warned = 0.0

    async def hit(self, name: str, client: str) -> int:
        items = self.rules.get(name, ())
        try:
            for item in items:
                if not await self.limiter.test(item, name, client):
                    reset, _remaining = await self.limiter.get_window_stats(item, name, client)
                    return max(1, math.ceil(reset - time.time()))
            for item in items:
                await self.limiter.hit(item, name, client)
        except Exception as exc:  # noqa: BLE001 - fail open: answering matters more than counting
            if time.monotonic() - self._warned > 60:
                self._warned = time.monotonic()
                event("rate_limit_storage_failed", f"The rate-limit storage failed ({exc}); requests are "
                      "not limited until it works again.", logging.ERROR)
        return 0

    async def reset(self) -> None:
        await self.storage.reset()
