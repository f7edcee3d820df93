"""The outbox retries a failing post with growing delays and counts what it gave up on."""

from __future__ import annotations

import threading
import time

from qa_service.chat.outbox import Outbox, PermanentError


def wait_until(predicate, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_a_post_that_fails_twice_is_delivered_on_the_third_try():
    outbox = Outbox("t", attempts=5, base_delay=0.05)
    tries: list[float] = []
    done = threading.Event()

    def send():
        tries.append(time.monotonic())
        if len(tries) < 3:
            raise ConnectionRefusedError("down")
        done.set()

    outbox.submit("answer", send, "req-1")
    assert done.wait(10)
    assert wait_until(lambda: outbox.status()["delivered"] == 1)
    status = outbox.status()
    assert status | {"last_failure": None} == {
        "pending": 0,
        "delivered": 1,
        "retried": 2,
        "failed": 0,
        "last_failure": None,
    }
    assert tries[2] - tries[1] > tries[1] - tries[0]  # the delay doubles


def test_giving_up_is_visible_with_the_request_id():
    outbox = Outbox("t", attempts=2, base_delay=0.01)

    def send():
        raise ConnectionRefusedError("still down")

    outbox.submit("answer in C1", send, "req-2")
    assert wait_until(lambda: outbox.status()["failed"] == 1)
    failure = outbox.status()["last_failure"]
    assert failure["request_id"] == "req-2" and failure["attempts"] == 2
    assert "still down" in failure["error"] and failure["what"] == "answer in C1"


def test_a_permanent_refusal_is_not_retried():
    outbox = Outbox("t", attempts=5, base_delay=0.01)
    calls = []

    def send():
        calls.append(1)
        raise PermanentError("channel_not_found")

    outbox.submit("answer", send, None)
    assert wait_until(lambda: outbox.status()["failed"] == 1)
    assert calls == [1] and outbox.status()["retried"] == 0
