"""Per-client rate limit for asking: a token bucket per API key or client address.

In memory and per process: it protects one server from one noisy client. Behind several app
processes the limit applies per process (a shared limit would need a shared store).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time

from fastapi import HTTPException, Request


class RateLimiter:
    def __init__(self, per_minute: int, burst: int, max_clients: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last time)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def acquire(self, key: str, now: float | None = None) -> float:
        """Take one token; returns 0 when allowed, else the seconds until one is free."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                if len(self._buckets) > self.max_clients:  # forget the longest idle client
                    oldest = min(self._buckets, key=lambda k: self._buckets[k][1])
                    del self._buckets[oldest]
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate


def client_key(request: Request) -> str:
    """The API key when one is sent (hashed: keys never sit in memory maps), else the address."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return "key:" + hashlib.sha256(auth[7:].encode()).hexdigest()[:16]
    return "ip:" + (request.client.host if request.client else "unknown")


def rate_limit(request: Request) -> None:
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is None or not limiter.enabled:
        return
    wait = limiter.acquire(client_key(request))
    if wait > 0:
        raise HTTPException(
            429,
            detail={
                "code": "rate_limited",
                "message": f"too many questions; retry in {math.ceil(wait)} s",
            },
            headers={"Retry-After": str(math.ceil(wait))},
        )
