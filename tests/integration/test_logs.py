"""Logs of the real server process (`python app.py`): JSON Lines with request ids, no secrets.

The server runs with an API key and Slack secrets set and QA_LOG_LEVEL=INFO; the test makes
requests that succeed, fail authentication, miss, fail validation and come from Slack (signed
and forged), then reads everything the process wrote to stdout and stderr.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import httpx
import pytest

from qa_service.evaluation.served import served_app
from tests.integration.support import BOT_USER, event_body, fake_slack_server, signed_headers

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLE = """Wolkenheim eröffnet die längste Seilbahn der Region
Die Gemeinde Wolkenheim hat am Samstag eine neue Seilbahn über das Lindental eröffnet.
Die Bahn ist 4,2 Kilometer lang und soll jährlich rund 300.000 Fahrgäste befördern.
"""
QUESTION = "Wie lang ist die Seilbahn in Wolkenheim?"
LONG_QUESTION = "Seilbahn " * 300  # over the 2000-character limit: refused by the library


def test_every_line_is_json_with_request_ids_and_no_secrets(model_path: Path, tmp_path: Path):
    key = "log-test-key-" + secrets.token_hex(8)
    wrong_key = "wrong-key-" + secrets.token_hex(8)
    signing = "signing-" + secrets.token_hex(8)
    bot_token = "xoxb-" + secrets.token_hex(8)
    mm_token = "mm-" + secrets.token_hex(8)
    auth = {"Authorization": f"Bearer {key}"}
    with fake_slack_server() as slack:
        env = {
            "QA_DATA_DIR": str(tmp_path / "data"),
            "QA_EMBEDDING_MODEL": str(model_path),
            "QA_API_KEY": key,
            "QA_API_KEY_READ": "true",
            "QA_SLACK_SIGNING_SECRET": signing,
            "QA_SLACK_BOT_TOKEN": bot_token,
            "QA_MATTERMOST_BOT_TOKEN": mm_token,
            "QA_SLACK_API_URL": f"{slack.url}/api/",
            "QA_LOG_LEVEL": "INFO",
        }
        responses: dict[str, httpx.Response] = {}
        with (
            served_app(tmp_path / "server", env) as server,
            httpx.Client(base_url=server.url, timeout=120) as client,
        ):
            ask = "/api/v1/ask"
            responses["healthz"] = client.get("/healthz", headers={"X-Request-ID": "caller-id-1"})
            responses["bad id"] = client.get("/healthz", headers={"X-Request-ID": "<script>"})
            files = {"files": ("wolkenheim.txt", ARTICLE.encode(), "text/plain")}
            responses["upload"] = client.post("/api/v1/documents", files=files, headers=auth)
            responses["ask"] = client.post(ask, json={"question": QUESTION}, headers=auth)
            wrong = {"Authorization": f"Bearer {wrong_key}"}
            responses["wrong key"] = client.post(ask, json={"question": QUESTION}, headers=wrong)
            responses["no key"] = client.post(ask, json={"question": QUESTION})
            responses["404"] = client.get("/api/v1/nothing-here?token=abc", headers=auth)
            responses["422"] = client.post(ask, json={"question": LONG_QUESTION}, headers=auth)
            event = {
                "type": "app_mention",
                "user": "U1",
                "text": f"<@{BOT_USER}> {QUESTION}",
                "ts": "1767800000.000100",
                "channel": "C_LOGS",
            }
            body = event_body(event, "EvLogs")
            slack_headers = {"Content-Type": "application/json"}
            responses["slack"] = client.post(
                "/slack/events",
                content=body,
                headers=slack_headers | signed_headers(body, secret=signing),
            )
            [post] = slack.wait_posts("C_LOGS")
            assert post["text"]
            forged = signed_headers(body, secret="not-the-secret")
            responses["forged"] = client.post(
                "/slack/events", content=body, headers=slack_headers | forged
            )
        output = server.output()

    expected = {
        "healthz": 200,
        "bad id": 200,
        "upload": 200,
        "ask": 200,
        "wrong key": 403,
        "no key": 401,
        "404": 404,
        "422": 422,
        "slack": 200,
        "forged": 401,
    }
    assert {name: r.status_code for name, r in responses.items()} == expected
    assert responses["ask"].json()["answered"]

    lines = [line for line in output.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all(
        isinstance(r, dict) and {"time", "level", "logger", "message"} <= set(r) for r in records
    )

    # uvicorn's own lines come through the same formatter; its access log is off.
    assert any(
        r["logger"].startswith("uvicorn") and "Uvicorn running" in r["message"] for r in records
    )
    assert not any(r["logger"] == "uvicorn.access" for r in records)

    access = [r for r in records if r["logger"] == "qa_service.access"]
    by_id = {r["request_id"]: r for r in access}
    assert len(by_id) == len(access)  # one line per request, each its own id
    for name, response in responses.items():
        rid = response.headers["x-request-id"]
        line = by_id[rid]
        assert line["status"] == response.status_code, name
        assert line["path"] == response.request.url.path and "?" not in line["path"]
        assert line["method"] == response.request.method
        assert line["duration_ms"] >= 0
    assert responses["healthz"].headers["x-request-id"] == "caller-id-1"
    generated = responses["bad id"].headers["x-request-id"]
    assert generated != "<script>" and len(generated) == 32

    # A line written while a request was served carries that request's id.
    refused = [r for r in records if r["message"] == "request refused"]
    assert [r["request_id"] for r in refused] == [responses["422"].headers["x-request-id"]]

    for value in (key, wrong_key, signing, bot_token, mm_token):
        assert value not in output
    for question in (QUESTION, LONG_QUESTION.strip()):
        assert question not in output  # questions are never logged
