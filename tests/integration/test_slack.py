"""The Slack endpoint over real HTTP: signed requests in, a fake Slack Web API records the replies.

The app is FastAPI with `slack_router` included, served by uvicorn on 127.0.0.1; the bot's
WebClient points at a small http.server that answers `auth.test` and records
`chat.postMessage` (and `response_url`) payloads.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from slack_sdk.signature import SignatureVerifier

from qa_service.slack import slack_router

pytestmark = pytest.mark.integration

SECRET = "test-signing-secret"
BOT_USER, BOT_ID = "U0BOT", "B0BOT"
ZDF = "004_35332417cd3628a0.txt"
QUESTION = "Was sagte Merz zur Bundeswehr?"


class FakeSlack(ThreadingHTTPServer):
    """Slack's Web API as far as the bot uses it; every call is kept in `calls`."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FakeSlackHandler)
        self.calls: list[tuple[str, dict]] = []
        self.changed = threading.Condition()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, method: str, payload: dict) -> None:
        with self.changed:
            self.calls.append((method, payload))
            self.changed.notify_all()

    def posts(self, channel: str) -> list[dict]:
        return [
            p
            for m, p in self.calls
            if m in ("chat.postMessage", "respond") and p.get("channel") == channel
        ]

    def wait_posts(self, channel: str, count: int = 1, timeout: float = 60) -> list[dict]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.posts(channel)) >= count, timeout)
        return self.posts(channel)


class _FakeSlackHandler(BaseHTTPRequestHandler):
    server: FakeSlack

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            payload = json.loads(raw or "{}")
        else:
            payload = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        path = self.path.split("?")[0]
        if path.startswith("/respond/"):  # a slash command's response_url
            method, payload = "respond", {**payload, "channel": path.rsplit("/", 1)[1]}
            body: dict = {"ok": True}
        else:
            method = path.rsplit("/", 1)[1]
            body = {"ok": True}
            if method == "auth.test":
                body |= {"user_id": BOT_USER, "bot_id": BOT_ID, "team_id": "T1", "user": "qa"}
            elif method == "chat.postMessage":
                body |= {"channel": payload.get("channel"), "ts": f"{time.time():.6f}"}
        if isinstance(payload.get("blocks"), str):
            payload["blocks"] = json.loads(payload["blocks"])
        self.server.record(method, payload)
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@contextmanager
def serve(app) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on a free loopback port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    thread = threading.Thread(target=fake.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.shutdown()
    fake.server_close()


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


def signed_headers(body: str, *, ts: int | None = None, secret: str = SECRET) -> dict[str, str]:
    timestamp = str(int(time.time()) if ts is None else ts)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def event_body(event: dict, event_id: str) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}],
            "event": event,
        }
    )


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
