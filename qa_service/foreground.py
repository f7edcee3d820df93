"""Questions first: a background thread of this process pauses while a question is answered.

A server's background work (the corpus snapshot rebuilt or loaded after another process's
write) is Python on the same interpreter as the asks. An ask gives up the GIL at every call
into NumPy or Chroma and waits to take it back each time, so a rebuild beside it made the
ask two to four times slower however short the switch interval. Work run `in_background()`
checks before every function call whether a question is being answered (`answering()`), and
sleeps, holding no GIL, until none is. So that a stream of questions cannot starve it, it
pauses for at most `PATIENCE` seconds at a time and then runs as long before it pauses again:
under a constant load the background work runs at half speed.

The check is a profile hook on that thread only (`sys.setprofile`): it costs the background
work time on every call (the rebuild after one changed article of 1,017: 0.90 -> 1.30-1.34 s
with no question asked), and nothing anywhere else.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

PATIENCE = 0.05  # seconds a background thread waits for questions before it runs again

_answering = 0  # questions being answered now, on any thread
_count_lock = threading.Lock()


@contextmanager
def answering() -> Iterator[None]:
    """Around answering one question: background work pauses meanwhile."""
    global _answering
    with _count_lock:
        _answering += 1
    try:
        yield
    finally:
        with _count_lock:
            _answering -= 1


@contextmanager
def in_background() -> Iterator[None]:
    """Run the block on this thread as background work (see the module docstring)."""
    free_until = 0.0

    def pause(_frame, _event, _arg) -> None:
        nonlocal free_until
        if not _answering:
            return
        now = time.monotonic()
        if now < free_until:
            return
        deadline = now + PATIENCE
        while _answering and (now := time.monotonic()) < deadline:
            time.sleep(0.001)
        if now >= deadline:  # waited the whole while: now as long without waiting
            free_until = now + PATIENCE

    previous = sys.getprofile()
    sys.setprofile(pause)
    try:
        yield
    finally:
        sys.setprofile(previous)
