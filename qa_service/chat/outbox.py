"""Posting answers to a chat service off the request path, retried with bounded backoff.

A chat door acks at once and answers later; when the chat's API is unreachable the post is
retried (delays doubling from `base_delay`, at most `max_delay`, `attempts` tries in all).
Every failure is logged with the request id of the message it answers, and `status()`
(shown in `/readyz` under `details.chat`) counts what is pending, delivered and given up.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


class PermanentError(Exception):
    """A post the chat service refused for good (no such channel, bad token): not retried."""


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    what: str = field(compare=False)
    send: Callable[[], object] = field(compare=False)
    request_id: str | None = field(compare=False)
    attempt: int = field(default=1, compare=False)


class Outbox:
    """One worker thread per chat service; jobs wait in a heap ordered by when they are due."""

    def __init__(
        self, name: str, *, attempts: int = 6, base_delay: float = 1.0, max_delay: float = 60.0
    ) -> None:
        self.name = name
        self.attempts, self.base_delay, self.max_delay = attempts, base_delay, max_delay
        self._heap: list[_Job] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self._running = 0
        self.delivered = self.retried = self.failed = 0
        self.last_failure: dict | None = None

    def submit(self, what: str, send: Callable[[], object], request_id: str | None) -> None:
        """Queue `send` (one HTTP call to the chat service); returns at once."""
        job = _Job(time.monotonic(), next(self._seq), what, send, request_id)
        with self._cv:
            heapq.heappush(self._heap, job)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name=f"outbox-{self.name}", daemon=True
                )
                self._thread.start()
            self._cv.notify()

    def status(self) -> dict:
        with self._cv:
            return {
                "pending": len(self._heap) + self._running,
                "delivered": self.delivered,
                "retried": self.retried,
                "failed": self.failed,
                "last_failure": self.last_failure,
            }

    def _work(self) -> None:
        while True:
            with self._cv:
                while not self._heap or self._heap[0].due > time.monotonic():
                    timeout = self._heap[0].due - time.monotonic() if self._heap else None
                    self._cv.wait(timeout)
                job = heapq.heappop(self._heap)
                self._running += 1
            try:
                self._run(job)
            finally:
                with self._cv:
                    self._running -= 1

    def _run(self, job: _Job) -> None:
        extra = {"request_id": job.request_id, "chat": self.name, "attempt": job.attempt}
        try:
            job.send()
        except Exception as exc:  # noqa: BLE001 - any failure of the chat's API is retried
            error = f"{type(exc).__name__}: {exc}"[:300]
            final = isinstance(exc, PermanentError) or job.attempt >= self.attempts
            with self._cv:
                if final:
                    self.failed += 1
                    self.last_failure = {
                        "what": job.what,
                        "request_id": job.request_id,
                        "error": error,
                        "attempts": job.attempt,
                        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    }
                else:
                    self.retried += 1
                    delay = min(self.max_delay, self.base_delay * 2 ** (job.attempt - 1))
                    job.due, job.attempt = time.monotonic() + delay, job.attempt + 1
                    heapq.heappush(self._heap, job)
            if final:
                log.error("%s: giving up on %s: %s", self.name, job.what, error, extra=extra)
            else:
                log.warning("%s: %s failed, retrying: %s", self.name, job.what, error, extra=extra)
            return
        with self._cv:
            self.delivered += 1
        if job.attempt > 1:
            log.info(
                "%s: %s delivered after %d tries", self.name, job.what, job.attempt, extra=extra
            )
