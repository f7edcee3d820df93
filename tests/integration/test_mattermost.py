"""Mattermost over real HTTP: the form posts Mattermost sends, a fake Mattermost REST API.

The whole app (`create_app`) runs under uvicorn; its Mattermost client points at a small
http.server on 127.0.0.1 that serves `GET /api/v4/posts/{id}/thread` and records
`POST /api/v4/posts`, checking the bot token on both. Field names follow Mattermost's docs
for custom slash commands and outgoing webhooks.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from qa_service.api.app import create_app
from tests.integration.support import serve

pytestmark = pytest.mark.integration

BOT_TOKEN, COMMAND_TOKEN, WEBHOOK_TOKEN = "mm-bot-token", "mm-command-token", "mm-hook-token"
QUESTION = "Was sagte Merz zur Bundeswehr?"
ZDF = "004_35332417cd3628a0.txt"


class FakeMattermost(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posts: list[dict] = []
        self.threads: dict[str, dict] = {}  # post id -> {"order": [...], "posts": {...}}
        self.changed = threading.Condition()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def wait_posts(self, channel: str, count: int = 1, timeout: float = 60) -> list[dict]:
        def mine() -> list[dict]:
            return [p for p in self.posts if p["channel_id"] == channel]

        with self.changed:
            self.changed.wait_for(lambda: len(mine()) >= count, timeout)
        return mine()


class _Handler(BaseHTTPRequestHandler):
    server: FakeMattermost

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            self._reply(401, {"id": "api.context.session_expired.app_error"})
            return False
        return True

    def do_GET(self) -> None:
        match = re.fullmatch(r"/api/v4/posts/(\w+)/thread", self.path)
        if not self._authorized():
            return
        if match and match.group(1) in self.server.threads:
            self._reply(200, self.server.threads[match.group(1)])
        else:
            self._reply(404, {"id": "app.post.get.app_error"})

    def do_POST(self) -> None:
        if self.path != "/api/v4/posts" or not self._authorized():
            return self._reply(404, {}) if self.path != "/api/v4/posts" else None
        post = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.changed:
            self.server.posts.append(post)
            self.server.changed.notify_all()
        self._reply(201, {"id": f"p{len(self.server.posts)}", **post})

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def fake_mm() -> Iterator[FakeMattermost]:
    fake = FakeMattermost()
    thread = threading.Thread(target=fake.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.shutdown()
    fake.server_close()


@pytest.fixture(scope="module")
def server(corpus_service, make_settings, fake_mm) -> Iterator[str]:
    settings = make_settings(
        mattermost_url=fake_mm.url,
        mattermost_bot_token=BOT_TOKEN,
        mattermost_command_token=COMMAND_TOKEN,
        mattermost_webhook_token=WEBHOOK_TOKEN,
    )
    app = create_app(corpus_service, settings)
    with serve(app) as url:
        yield url


def slash(channel: str, text: str = QUESTION, token: str | None = COMMAND_TOKEN) -> dict:
    """The fields of Mattermost's slash command request (application/x-www-form-urlencoded)."""
    fields = {
        "channel_id": channel,
        "channel_name": "town-square",
        "command": "/frage",
        "response_url": "http://127.0.0.1:9/hooks/commands/x",
        "team_domain": "newsroom",
        "team_id": "team1",
        "text": text,
        "trigger_id": "trig1",
        "user_id": "user1",
        "user_name": "anna",
    }
    if token is not None:
        fields["token"] = token
    return fields


def outgoing(channel: str, post_id: str, text: str, token: str | None = WEBHOOK_TOKEN) -> dict:
    """The fields of Mattermost's outgoing webhook request."""
    fields = {
        "channel_id": channel,
        "channel_name": "town-square",
        "team_domain": "newsroom",
        "team_id": "team1",
        "post_id": post_id,
        "text": text,
        "timestamp": "1767800000",
        "trigger_word": "@qa",
        "user_id": "user1",
        "user_name": "anna",
        "file_ids": "",
    }
    if token is not None:
        fields["token"] = token
    return fields


def form(url: str, fields: dict) -> httpx.Response:
    return httpx.post(url, data=fields, timeout=10)


def test_slash_command_is_acked_then_answered_with_sources_as_attachments(server, fake_mm):
    response = form(f"{server}/mattermost/command", slash("ch-slash"))
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    [post] = fake_mm.wait_posts("ch-slash")
    assert post["root_id"] == "" and post["message"].startswith("@anna fragt")
    attachments = post["props"]["attachments"]
    assert attachments and all(
        a["title"].startswith(f"[{i}] ") for i, a in enumerate(attachments, 1)
    )
    zdf = [a for a in attachments if ZDF in a["footer"]]
    assert zdf and zdf[0]["text"].startswith("> ") and "ZDF" in zdf[0]["footer"]
    assert re.search(r"\d+\. \w+ 20\d\d, (vor|heute|gestern)", zdf[0]["footer"])
    assert post["props"]["qa_question"] == QUESTION


def test_webhook_follow_up_uses_the_root_posts_thread(server, fake_mm):
    root = {"id": "root1", "root_id": "", "create_at": 1, "user_id": "bot", "message": "…"}
    root["props"] = {"from_bot": "true", "qa_question": QUESTION, "qa_answer": "Merz sagte … [1]"}
    follow = {
        "id": "post2",
        "root_id": "root1",
        "create_at": 2,
        "user_id": "user1",
        "message": "@qa Und was sagte Macron dazu?",
        "props": {},
    }
    fake_mm.threads["post2"] = {
        "order": ["post2", "root1"],
        "posts": {"root1": root, "post2": follow},
    }
    response = form(f"{server}/mattermost/webhook", outgoing("ch-hook", "post2", follow["message"]))
    assert response.status_code == 200
    [post] = fake_mm.wait_posts("ch-hook")
    assert post["root_id"] == "root1"
    assert "searched for: Und was sagte Macron dazu? (Bundeswehr)" in post["message"]


def test_webhook_as_json_in_a_new_thread(server, fake_mm):
    fields = outgoing("ch-json", "post9", f"@qa {QUESTION}")
    response = httpx.post(f"{server}/mattermost/webhook", json=fields, timeout=10)
    assert response.status_code == 200
    [post] = fake_mm.wait_posts("ch-json")  # thread unknown to the fake (404): the post is root
    assert post["root_id"] == "post9" and post["props"]["attachments"]


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("command", slash("ch-bad", token="wrong")),
        ("command", slash("ch-bad", token=None)),
        ("command", slash("ch-bad", token=WEBHOOK_TOKEN)),  # the other integration's token
        ("webhook", outgoing("ch-bad", "p", "@qa x", token="wrong")),
        ("webhook", outgoing("ch-bad", "p", "@qa x", token=None)),
    ],
)
def test_wrong_or_missing_token_is_401(server, fake_mm, path, fields):
    response = form(f"{server}/mattermost/{path}", fields)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_an_empty_command_gets_a_hint_and_no_post(server, fake_mm):
    response = form(f"{server}/mattermost/command", slash("ch-empty", text="  "))
    assert response.status_code == 200 and "/frage" in response.json()["text"]
    assert fake_mm.wait_posts("ch-empty", timeout=1) == []
    assert all(p["channel_id"] != "ch-bad" for p in fake_mm.posts)


def test_readyz_counts_the_mattermost_replies(server, fake_mm):
    form(f"{server}/mattermost/command", slash("ch-ready"))
    fake_mm.wait_posts("ch-ready")
    details = httpx.get(f"{server}/readyz", timeout=10).json()["details"]["chat"]
    assert details["mattermost"]["delivered"] >= 1 and details["mattermost"]["failed"] == 0
