"""Background work pauses while a question is answered, and a stream of questions cannot
starve it."""

from __future__ import annotations

import sys
import threading
import time

from qa_service import foreground
from qa_service.foreground import answering, in_background


def _count_steps(stop: threading.Event, steps: list[float]) -> None:
    with in_background():
        while not stop.is_set():
            steps.append(time.monotonic())
            sum(range(100))  # a call: where the background thread checks


def _steps_while(seconds: float, ask: bool) -> int:
    stop, steps = threading.Event(), []
    worker = threading.Thread(target=_count_steps, args=(stop, steps))
    worker.start()
    time.sleep(0.02)
    start = len(steps)
    if ask:
        with answering():
            time.sleep(seconds)
    else:
        time.sleep(seconds)
    done = len(steps) - start
    stop.set()
    worker.join()
    return done


def test_background_work_pauses_while_a_question_is_answered(monkeypatch) -> None:
    monkeypatch.setattr(foreground, "PATIENCE", 10.0)
    assert _steps_while(0.2, ask=False) > 1000
    assert _steps_while(0.2, ask=True) <= 1  # the step under way when the question came


def test_a_stream_of_questions_halves_it_but_does_not_stop_it(monkeypatch) -> None:
    """Waiting `PATIENCE` at most, then running as long: under a question that never ends
    the background thread gets about half of the time."""
    monkeypatch.setattr(foreground, "PATIENCE", 0.05)
    stop, steps = threading.Event(), []
    worker = threading.Thread(target=_count_steps, args=(stop, steps))
    with answering():
        worker.start()
        time.sleep(0.6)
        stop.set()
        worker.join()
    running = {round(t, 2) for t in steps}  # the 10 ms slots it ran in
    assert 10 <= len(running) <= 45  # of ~60: neither starved nor running through


def test_the_profile_hook_is_the_background_threads_alone() -> None:
    seen = []
    other = threading.Thread(target=lambda: seen.append(sys.getprofile()))
    with in_background():
        inside = sys.getprofile()
        other.start()
        other.join()
    assert inside is not None and sys.getprofile() is None and seen == [None]
