"""The Slack endpoint over real HTTP: signed requests in, a fake Slack Web API records the replies.

The app is FastAPI with `slack_router` included, served by uvicorn on 127.0.0.1; the bot's
WebClient points at a small http.server that records `chat.postMessage` (and `response_url`)
payloads. A second server, the whole app (`create_app`), starts while its Slack Web API is a
closed port: signed requests must still be acked in time, and the answers must arrive once
the fake comes up on that port (the outbox retries), with the counts in /readyz.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from qa_service.api.app import create_app
from qa_service.chat.outbox import Outbox
from qa_service.feedback import SQLiteFeedbackStore
from qa_service.slack import slack_router
from tests.integration.support import (
    BOT_ID,
    BOT_USER,
    SLACK_SECRET,
    FakeSlack,
    event_body,
    fake_slack_server,
    free_port,
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
def feedback(tmp_path_factory) -> SQLiteFeedbackStore:
    return SQLiteFeedbackStore(tmp_path_factory.mktemp("feedback") / "feedback.sqlite3")


@pytest.fixture(scope="module")
def slack_url(corpus_service, make_settings, fake_slack, feedback) -> Iterator[str]:
    settings = make_settings(
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=f"{fake_slack.url}/api/",
    )
    router = slack_router(corpus_service, settings, outbox=Outbox("slack"), feedback=feedback)
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
    section, *contexts, actions = post["blocks"]
    assert actions["type"] == "actions"
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
    assert searched == ["Gesucht nach · searched for: _Und was sagte Macron dazu? (Bundeswehr)_"]


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


def slash_body(channel: str, question: str = QUESTION, response_url: str = "") -> str:
    return urllib.parse.urlencode(
        {
            "command": "/frage",
            "text": question,
            "team_id": "T1",
            "channel_id": channel,
            "user_id": "U1",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


def post_form(url: str, body: str) -> httpx.Response:
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    return httpx.post(url, content=body, headers=headers, timeout=10)


def click(url: str, fake: FakeSlack, channel: str, answer_id: str, rating: str):
    """A signed `block_actions` payload as Slack sends it when a button is pressed."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T1", "domain": "t"},
        "user": {"id": "U1", "name": "anna", "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy",
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": False},
        "trigger_id": "1.2.3",
        "channel": {"id": channel, "name": "news"},
        "message": {"type": "message", "ts": "1767800000.000900", "text": "…"},
        "response_url": f"{fake.url}/respond/{channel}",
        "actions": [
            {
                "type": "button",
                "block_id": "qa_feedback",
                "action_id": f"qa_feedback_{rating}",
                "value": answer_id,
                "action_ts": "1767800001.1",
            }
        ],
    }
    return post_form(url, urllib.parse.urlencode({"payload": json.dumps(payload)}))


def test_feedback_buttons_are_recorded_on_the_answer(slack_url, fake_slack, feedback):
    assert post_event(slack_url, mention("C_FB")).status_code == 200
    [post] = fake_slack.wait_posts("C_FB")
    [button] = [e for e in post["blocks"][-1]["elements"] if e["action_id"] == "qa_feedback_down"]
    response = click(slack_url, fake_slack, "C_FB", button["value"], "down")
    assert response.status_code == 200
    [record] = [r for r in feedback.records() if r.answer_id == button["value"]]
    assert (record.rating, record.interface, record.question) == ("down", "slack", QUESTION)
    assert record.answer == post["text"] and record.citations
    _, thanks = fake_slack.wait_posts("C_FB", count=2)
    assert thanks["response_type"] == "ephemeral" and thanks["replace_original"] is False


def test_a_click_for_an_unknown_answer_is_acked_and_not_stored(slack_url, fake_slack, feedback):
    before = list(feedback.records())
    assert click(slack_url, fake_slack, "C_FB_UNKNOWN", "no-such-id", "up").status_code == 200
    assert list(feedback.records()) == before


def test_a_forged_click_is_rejected(slack_url, feedback):
    body = urllib.parse.urlencode({"payload": json.dumps({"type": "block_actions"})})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **signed_headers(body, secret="wrong"),
    }
    assert httpx.post(slack_url, content=body, headers=headers, timeout=10).status_code == 401


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


# -- Slack's Web API unreachable ---------------------------------------------------------


@pytest.fixture(scope="module")
def down_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def down_server(corpus_service, make_settings, down_port) -> Iterator[str]:
    """The whole app, started while its Slack Web API is a closed port."""
    settings = make_settings(
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=f"http://127.0.0.1:{down_port}/api/",
        chat_post_attempts=8,
        chat_retry_seconds=0.25,  # tries at 0, .25, .75, 1.75, 3.75, 7.75 … s
    )
    with serve(create_app(corpus_service, settings)) as url:
        yield url


def slack_status(url: str) -> dict:
    response = httpx.get(f"{url}/readyz", timeout=10)
    assert response.status_code == 200
    return response.json()["details"]["chat"]["slack"]


def wait_status(url: str, predicate, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while not predicate(status := slack_status(url)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return status


def test_signed_requests_are_acked_while_slack_is_down_and_answered_when_it_is_back(
    down_server, down_port
):
    events = f"{down_server}/slack/events"
    for send in (
        lambda: post_form(events, slash_body("C_DOWN_SLASH", response_url="")),
        lambda: post_event(events, mention("C_DOWN_EVENT")),
    ):
        t0 = time.monotonic()
        response = send()
        assert response.status_code == 200
        assert time.monotonic() - t0 < 3  # Slack's deadline for the ack
    # both answers are made, their posts refused (connection refused) and waiting
    status = wait_status(down_server, lambda s: s["retried"] >= 2)
    assert status["retried"] >= 2 and status["pending"] == 2 and status["delivered"] == 0
    with fake_slack_server(port=down_port) as fake:
        [slash] = fake.wait_posts("C_DOWN_SLASH", timeout=30)
        [event] = fake.wait_posts("C_DOWN_EVENT", timeout=30)
        status = wait_status(down_server, lambda s: s["delivered"] >= 2)
    assert QUESTION in slash["blocks"][0]["elements"][0]["text"]
    assert event["thread_ts"] == "1767800000.000100"
    assert any(ZDF in text for text in context_texts(event))
    assert status["pending"] == 0 and status["failed"] == 0


def test_a_post_slack_refuses_is_visible_in_readyz_with_the_request_id(down_server, down_port):
    with fake_slack_server(port=down_port) as fake:
        fake.gone_channels.add("C_GONE")
        response = post_event(
            f"{down_server}/slack/events", mention("C_GONE"), headers={"X-Request-ID": "req-gone"}
        )
        assert response.status_code == 200
        status = wait_status(down_server, lambda s: s["failed"] >= 1)
    failure = status["last_failure"]
    assert failure["request_id"] == "req-gone" and "channel_not_found" in failure["error"]
    assert failure["attempts"] == 1  # a refusal is final, not retried
