"""Ingests in flight: what /readyz shows while uploads run on the server's worker threads.

Each running ingest has one immutable record, replaced whole under a lock as files finish,
so a reader on another thread never sees a half-updated one. A record lives exactly as long
as its ingest: it is dropped when the ingest returns or raises.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

from qa_service.models import FileReport


@dataclass(frozen=True)
class IngestProgress:
    """One running ingest, as of the moment it was read."""

    id: int
    files_done: int
    files_total: int
    chunks: int
    sentences: int
    started_at: dt.datetime
    current_file: str | None


class IngestsInFlight:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, IngestProgress] = {}
        self._ids = itertools.count(1)

    @contextmanager
    def track(self, sources: Sequence[str]) -> Iterator[Callable[[FileReport], None]]:
        """Record an ingest of `sources`, in the order they are indexed; yields the callback
        to call with each file's report as it finishes."""
        sources = list(sources)
        ingest_id = next(self._ids)

        def finished(report: FileReport) -> None:
            if report.status == "pruned":  # not one of the files, and not counted in total
                return
            written = report.status in ("added", "updated")
            with self._lock:
                p = self._running[ingest_id]
                done = p.files_done + 1
                self._running[ingest_id] = replace(
                    p,
                    files_done=done,
                    chunks=p.chunks + report.chunks * written,
                    sentences=p.sentences + report.sentences * written,
                    current_file=sources[done] if done < len(sources) else None,
                )

        with self._lock:
            self._running[ingest_id] = IngestProgress(
                id=ingest_id,
                files_done=0,
                files_total=len(sources),
                chunks=0,
                sentences=0,
                started_at=dt.datetime.now(dt.UTC),
                current_file=sources[0] if sources else None,
            )
        try:
            yield finished
        finally:
            with self._lock:
                del self._running[ingest_id]

    def running(self) -> list[IngestProgress]:
        """The ingests running now, oldest first."""
        with self._lock:
            return sorted(self._running.values(), key=lambda p: p.id)
