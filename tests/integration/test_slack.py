"""The Slack endpoint over real HTTP: signed requests in, a fake Slack Web API records the replies.

The app is FastAPI with `slack_router` included, served by uvicorn on 127.0.0.1; the bot's
WebClient points at a small http.server that answers `auth.test` and records
`chat.postMessage` (and `response_url`) payloads.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from qa_service.slack import slack_router
from tests.integration.support import (
    BOT_ID,
    BOT_USER,
    SLACK_SECRET,
    FakeSlack,
    event_body,
    fake_slack_server,
    serve,
    signed_headers,
)

pytestmark = pytest.mark.integration

SECRET = SLACK_SECRET
ZDF = "004_35332417cd3628a0.txt"
QUESTION = "Was sagte Merz zur Bundeswehr?"


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    with fake_slack_server() as fake:
        yield fake


@pytest.fixture(scope="module")
def slack_url(corpus_service, make_settings, fake_slack) -> Iterator[str]:
    settings = make_settings(
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=f"{fake_slack.url}/api/",
    )
    router = slack_router(corpus_service, settings)
    assert router is not None
    app = FastAPI()
    app.include_router(router)
    with serve(app) as url:
        yield f"{url}/slack/events"


def mention(channel: str, text: str = f"<@{BOT_USER}> {QUESTION}", ts: str = "1767800000.000100"):
    event = {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": channel}
    return event_body(event, f"Ev{channel}")


def post_event(url: str, body: str, headers: dict | None = None, **sign) -> httpx.Response:
    headers = {
        "Content-Type": "application/json",
        **signed_headers(body, **sign),
        **(headers or {}),
    }
    return httpx.post(url, content=body, headers=headers, timeout=10)


def context_texts(post: dict) -> list[str]:
    return [e["text"] for b in post["blocks"] if b["type"] == "context" for e in b["elements"]]


def assert_quiet(fake: FakeSlack, channel: str, wait: float = 1.5) -> None:
    time.sleep(wait)
    assert fake.posts(channel) == []


def test_mention_gets_a_threaded_answer_with_citations(slack_url, fake_slack, corpus_service):
    t0 = time.monotonic()
    response = post_event(slack_url, mention("C_MENTION"))
    assert response.status_code == 200
    assert time.monotonic() - t0 < 3
    [post] = fake_slack.wait_posts("C_MENTION")
    assert post["thread_ts"] == "1767800000.000100"
    section, *contexts = post["blocks"]
    expected = corpus_service.ask(QUESTION)
    assert section["type"] == "section" and post["text"] == expected.answer
    assert len(contexts) == len(expected.citations) >= 1
    assert any(ZDF in text for text in context_texts(post))
    assert all(text.startswith(f"*[{i}] ") for i, text in enumerate(context_texts(post), 1))


def test_a_mention_in_a_thread_is_a_follow_up_of_the_thread(slack_url, fake_slack):
    channel, thread = "C_THREAD", "1767800000.000100"
    fake_slack.threads[(channel, thread)] = [
        {"ts": thread, "user": "U1", "text": f"<@{BOT_USER}> {QUESTION}"},
        {"ts": "1767800001.000100", "bot_id": BOT_ID, "user": BOT_USER, "text": "Merz [1]"},
        {
            "ts": "1767800002.000100",
            "user": "U1",
            "text": f"<@{BOT_USER}> Und was sagte Macron dazu?",
        },
    ]
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": f"<@{BOT_USER}> Und was sagte Macron dazu?",
        "ts": "1767800002.000100",
        "thread_ts": thread,
        "channel": channel,
    }
    assert post_event(slack_url, event_body(event, "EvThread")).status_code == 200
    [post] = fake_slack.wait_posts(channel)
    assert post["thread_ts"] == thread
    searched = [t for t in context_texts(post) if t.startswith("Gesucht nach")]
    assert searched == [
        "Gesucht nach · searched for: _Und was sagte Macron dazu? (Merz, Bundeswehr)_"
    ]


def test_slash_command_acks_fast_then_posts(slack_url, fake_slack):
    body = urllib.parse.urlencode(
        {
            "command": "/frage",
            "text": QUESTION,
            "team_id": "T1",
            "channel_id": "C_SLASH",
            "user_id": "U1",
            "response_url": f"{fake_slack.url}/respond/C_SLASH",
            "trigger_id": "1.2.3",
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    t0 = time.monotonic()
    response = httpx.post(slack_url, content=body, headers=headers, timeout=10)
    assert response.status_code == 200 and time.monotonic() - t0 < 3
    [post] = fake_slack.wait_posts("C_SLASH")
    assert QUESTION in post["blocks"][0]["elements"][0]["text"]
    assert any(ZDF in text for text in context_texts(post))


def test_direct_message_is_answered(slack_url, fake_slack):
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": "Who represented the US in Paris?",
        "ts": "1767800001.000200",
        "channel": "D_USER",
    }
    assert post_event(slack_url, event_body(event, "EvDM")).status_code == 200
    [post] = fake_slack.wait_posts("D_USER")
    assert post["thread_ts"] == "1767800001.000200"
    assert post["blocks"][0]["type"] == "section"


def test_empty_question_gets_a_short_error_reply(slack_url, fake_slack):
    assert post_event(slack_url, mention("C_EMPTY", text=f"<@{BOT_USER}>")).status_code == 200
    [post] = fake_slack.wait_posts("C_EMPTY")
    assert post["text"].startswith(":warning:") and "empty" in post["text"]
    assert not post.get("blocks")


def test_forged_signature_is_rejected(slack_url, fake_slack):
    response = post_event(slack_url, mention("C_FORGED"), secret="not-the-secret")
    assert response.status_code == 401
    assert_quiet(fake_slack, "C_FORGED")


def test_stale_timestamp_is_rejected(slack_url, fake_slack):
    response = post_event(slack_url, mention("C_STALE"), ts=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    assert_quiet(fake_slack, "C_STALE")


def test_retry_gets_no_second_answer(slack_url, fake_slack):
    body = mention("C_RETRY")
    assert post_event(slack_url, body).status_code == 200
    fake_slack.wait_posts("C_RETRY")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert post_event(slack_url, body, headers=retry).status_code == 200
    time.sleep(1.5)
    assert len(fake_slack.posts("C_RETRY")) == 1


def test_own_and_other_bot_messages_are_ignored(slack_url, fake_slack):
    own = {
        "type": "message",
        "channel_type": "im",
        "user": BOT_USER,
        "bot_id": BOT_ID,
        "text": QUESTION,
        "ts": "1767800002.000300",
        "channel": "D_BOT",
    }
    other = {**own, "user": None, "bot_id": "B_OTHER", "subtype": "bot_message"}
    assert post_event(slack_url, event_body(own, "EvOwn")).status_code == 200
    assert post_event(slack_url, event_body(other, "EvOther")).status_code == 200
    assert_quiet(fake_slack, "D_BOT")


def test_url_verification_challenge(slack_url):
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    response = post_event(slack_url, body)
    assert response.status_code == 200 and "c-123" in response.text
