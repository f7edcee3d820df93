"""POST /api/v1/feedback over real HTTP, and `qa feedback export --format gold` on the result."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from qa_service.api.app import create_app
from qa_service.cli import app as cli
from qa_service.settings import get_settings
from tests.integration.support import serve, sse_events

pytestmark = pytest.mark.integration

QUESTION = "Was sagte Merz zur Bundeswehr?"
GOLD_FIELDS = ["id", "lang", "question", "answerable", "gold_docs", "expected_any", "note"]


@pytest.fixture(scope="module")
def settings(make_settings):
    return make_settings()


@pytest.fixture(scope="module")
def api(corpus_service, settings) -> Iterator[str]:
    with serve(create_app(corpus_service, settings)) as url:
        yield f"{url}/api/v1"


@pytest.fixture(scope="module")
def answer(api) -> dict:
    response = httpx.post(f"{api}/ask", json={"question": QUESTION, "k": 4}, timeout=60)
    assert response.status_code == 200
    return response.json()


def rate(api: str, body) -> httpx.Response:
    return httpx.post(f"{api}/feedback", json=body, timeout=10)


def test_feedback_on_an_answer_is_recorded(api, answer):
    body = {"answer_id": answer["id"], "rating": "down", "reason": "Zitat fehlt"}
    response = rate(api, body)
    assert response.status_code == 201
    assert response.json() == {"status": "recorded", "answer_id": answer["id"], "rating": "down"}


def test_a_streamed_answer_can_be_rated_too(api):
    with httpx.stream(
        "POST",
        f"{api}/ask/stream",
        json={"question": "Who represented the US in Paris?"},
        timeout=60,
    ) as response:
        done = [data for name, data in sse_events(response) if name == "done"]
    assert rate(api, {"answer_id": done[0]["id"], "rating": "up"}).status_code == 201


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"answer_id": "0" * 32, "rating": "up"}, 404),
        ({"answer_id": 123, "rating": "up"}, 422),
        ({"rating": "up"}, 422),
        ({"answer_id": "x", "rating": "meh"}, 422),
        ({"answer_id": "x", "rating": 1}, 422),
        ({"answer_id": "x", "rating": "up", "reason": 5}, 422),
        ({"answer_id": "x", "rating": "up", "reason": "a" * 2001}, 422),
        ({"answer_id": "x", "rating": "up", "extra": 1}, 422),
        ([], 422),
    ],
)
def test_bad_feedback_gets_a_clear_4xx(api, body, status):
    response = rate(api, body)
    assert response.status_code == status
    assert response.json()["error"]["code"]


def test_the_gold_export_lists_the_rated_answers_for_review(api, answer, settings, monkeypatch):
    assert rate(api, {"answer_id": answer["id"], "rating": "up"}).status_code == 201
    monkeypatch.setenv("QA_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        run = CliRunner().invoke(cli, ["feedback", "export", "--format", "gold"])
    finally:
        get_settings.cache_clear()
    assert run.exit_code == 0, run.output
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    [mine] = [line for line in lines if line["id"] == f"fb-{answer['id'][:12]}"]
    assert list(mine) == GOLD_FIELDS and mine["question"] == QUESTION
    assert mine["note"].startswith("REVIEW: 👍 up via api")  # the latest rating counts
    assert mine["gold_docs"] == list(
        dict.fromkeys(c["source"].rsplit("/", 1)[-1] for c in answer["citations"])
    )
    assert "answers exported for review" in run.stderr
