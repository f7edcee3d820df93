"""Rate limiting on /ask: a token bucket per API key or client address, 429 + Retry-After."""

from __future__ import annotations

from fastapi.testclient import TestClient

from qa_service.api import create_app
from qa_service.api.ratelimit import RateLimiter
from qa_service.settings import Settings


def test_bucket_allows_a_burst_then_refills_at_the_rate():
    limiter = RateLimiter(per_minute=60, burst=2)
    assert limiter.acquire("a", now=0.0) == 0.0
    assert limiter.acquire("a", now=0.0) == 0.0
    assert limiter.acquire("a", now=0.0) == 1.0  # one token per second
    assert limiter.acquire("b", now=0.0) == 0.0  # another client has its own bucket
    assert limiter.acquire("a", now=1.0) == 0.0


def test_zero_disables_the_limit():
    assert not RateLimiter(per_minute=0, burst=1).enabled


def test_ask_answers_429_with_retry_after_per_client():
    class Idle:
        max_question_chars = 100

        def warm_up(self) -> None:
            pass

    settings = Settings(_env_file=None, rate_limit_per_minute=1, rate_limit_burst=2)
    with TestClient(create_app(Idle(), settings)) as client:
        # Empty questions are refused (422) after the limit is checked, so no model is needed.
        codes = [client.post("/api/v1/ask", json={"question": ""}).status_code for _ in range(3)]
        assert codes == [422, 422, 429]
        limited = client.post("/api/v1/ask", json={"question": ""})
        assert limited.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        other = client.post(
            "/api/v1/ask", json={"question": ""}, headers={"Authorization": "Bearer other"}
        )
        assert other.status_code == 422
