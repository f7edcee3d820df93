"""Real servers for the interface tests: our app under uvicorn, and a fake Slack Web API.

Both listen on 127.0.0.1 only; the fake stands in for Slack's own servers (the one edge we
cannot reach) and records what the bot sends.
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
from typing import Any

from slack_sdk.signature import SignatureVerifier

from qa_service.evaluation.served import stop_process as stop_process  # re-exported for tests

SLACK_SECRET = "test-signing-secret"
BOT_USER, BOT_ID = "U0BOT", "B0BOT"


@contextmanager
def serve(app, startup_timeout: float = 180) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on a free loopback port; yields its URL
    once startup (the lifespan's warm-up) is done."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def sse_events(response) -> list[tuple[str, Any]]:
    """Parse text/event-stream: `event:` and `data:` lines, a blank line ends an event."""
    events: list[tuple[str, Any]] = []
    name, data = "message", []
    for line in response.iter_lines():
        if not line:
            if data:
                events.append((name, json.loads("\n".join(data))))
            name, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            name = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data.append(line.removeprefix("data:").removeprefix(" "))
    return events


class FakeSlack(ThreadingHTTPServer):
    """Slack's Web API as far as the bot uses it; every call is kept in `calls`."""

    daemon_threads = True

    allow_reuse_address = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _FakeSlackHandler)
        self.calls: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        self.threads: dict[tuple[str, str], list[dict]] = {}  # conversations.replies
        self.gone_channels: set[str] = set()  # chat.postMessage answers channel_not_found

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


@contextmanager
def fake_slack_server(port: int = 0) -> Iterator[FakeSlack]:
    fake = FakeSlack(port)
    thread = threading.Thread(target=fake.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.shutdown()
        fake.server_close()


class _FakeSlackHandler(BaseHTTPRequestHandler):
    server: FakeSlack

    def do_GET(self) -> None:  # the SDK reads (conversations.replies) with GET and a query
        query = urllib.parse.urlsplit(self.path).query
        self._answer({k: v[0] for k, v in urllib.parse.parse_qs(query).items()})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            payload = json.loads(raw or "{}")
        else:
            payload = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        self._answer(payload)

    def _answer(self, payload: dict) -> None:
        path = self.path.split("?")[0]
        if path.startswith("/respond/"):  # a slash command's response_url
            method, payload = "respond", {**payload, "channel": path.rsplit("/", 1)[1]}
            body: dict = {"ok": True}
        else:
            method = path.rsplit("/", 1)[1]
            body = {"ok": True}
            if method == "auth.test":
                body |= {"user_id": BOT_USER, "bot_id": BOT_ID, "team_id": "T1", "user": "qa"}
            elif (
                method == "chat.postMessage" and payload.get("channel") in self.server.gone_channels
            ):
                body = {"ok": False, "error": "channel_not_found"}
            elif method == "chat.postMessage":
                body |= {"channel": payload.get("channel"), "ts": f"{time.time():.6f}"}
            elif method == "conversations.replies":
                key = (payload.get("channel"), payload.get("ts"))
                body |= {"messages": self.server.threads.get(key, []), "has_more": False}
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


def free_port() -> int:
    """A loopback port nothing listens on (connection refused) until someone binds it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signed_headers(
    body: str, *, ts: int | None = None, secret: str = SLACK_SECRET
) -> dict[str, str]:
    """Headers of a request signed the way Slack signs (v0, HMAC-SHA256 over ts:body)."""
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
