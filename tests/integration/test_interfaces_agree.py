"""One server, three interfaces, one answer: REST, Slack and the chat UI show the same
answer text and the same citations for the same question."""

from __future__ import annotations

import html

import httpx
import pytest

from qa_service.server import build_server
from qa_service.ui.gradio import respond
from tests.integration.support import (
    BOT_USER,
    SLACK_SECRET,
    event_body,
    fake_slack_server,
    serve,
    signed_headers,
)

QUESTIONS = ["Was sagte Merz zur Bundeswehr?", "Who represented the US in Paris?"]


@pytest.fixture(scope="module")
def live(corpus_service, make_settings):
    with fake_slack_server() as slack:
        settings = make_settings(
            slack_signing_secret=SLACK_SECRET,
            slack_bot_token="xoxb-test",
            slack_api_url=f"{slack.url}/api/",
        )
        with serve(build_server(settings, corpus_service)) as url:
            yield url, slack


@pytest.mark.parametrize("question", QUESTIONS)
def test_rest_slack_and_ui_agree(live, corpus_service, question):
    url, slack = live
    rest = httpx.post(f"{url}/api/v1/ask", json={"question": question}, timeout=60).json()
    assert rest["answered"] and rest["citations"]

    channel = f"C{abs(hash(question)) % 10**8}"
    body = event_body(
        {
            "type": "app_mention",
            "user": "U1",
            "text": f"<@{BOT_USER}> {question}",
            "ts": "1.0",
            "channel": channel,
        },
        f"Ev{channel}",
    )
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    assert (
        httpx.post(f"{url}/slack/events", content=body, headers=headers, timeout=10).status_code
        == 200
    )
    [post] = slack.wait_posts(channel)
    assert post["text"] == rest["answer"]
    contexts = [b for b in post["blocks"] if b["type"] == "context"]
    assert len(contexts) == len(rest["citations"])

    history, sources_html, _ = respond(corpus_service, question, [], None, None, [])
    assert history[-1]["content"] == rest["answer"]
    for c in rest["citations"]:
        assert html.escape(c["quote"][:30]) in sources_html
