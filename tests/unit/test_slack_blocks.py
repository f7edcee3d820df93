"""Slack formatting and wiring that need no network: Block Kit, mention text, disabled router."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_service.errors import ConfigError
from qa_service.models import Answer, Citation
from qa_service.settings import Settings
from qa_service.slack import run_socket_mode, slack_router
from qa_service.slack.bot import MAX_TEXT, build_app, clean_mention, format_blocks, is_user_dm


def citation(n: int, quote: str = "Die Bundeswehr wird gestärkt.") -> Citation:
    return Citation(
        n=n,
        doc_id="d",
        title="Merz <& Macron>",
        source="/corpus/004_x.txt",
        start=0,
        end=len(quote),
        quote=quote,
        date=dt.date(2026, 1, 7),
        publisher="ZDF",
    )


def test_answer_section_then_one_context_block_per_citation():
    answer = Answer(
        question="q",
        answer="Merz sagte <x> & y [1][2].",
        language="de",
        citations=(citation(1), citation(2)),
    )
    blocks = format_blocks(answer)
    assert [b["type"] for b in blocks] == ["section", "context", "context"]
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": "Merz sagte &lt;x&gt; &amp; y [1][2]."}
    first = blocks[1]["elements"][0]
    assert first["type"] == "mrkdwn"
    assert first["text"].startswith("*[1] Merz &lt;&amp; Macron&gt;*")
    assert " · ZDF · 2026-01-07 · 004_x.txt\n" in first["text"]
    assert first["text"].endswith("> Die Bundeswehr wird gestärkt.")


def test_unanswered_is_a_single_section():
    answer = Answer(question="q", answer="Keine Antwort.", language="de", answered=False)
    assert format_blocks(answer) == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Keine Antwort."}}
    ]


def test_long_texts_stay_within_slack_limits():
    long = "Wort " * 2000
    answer = Answer(question="q", answer=long, language="de", citations=(citation(1, long),))
    blocks = format_blocks(answer)
    assert len(blocks[0]["text"]["text"]) <= MAX_TEXT
    assert len(blocks[1]["elements"][0]["text"]) <= MAX_TEXT
    assert "\n" not in blocks[1]["elements"][0]["text"].split("\n> ", 1)[1]


def test_mentions_are_stripped_from_the_question():
    assert clean_mention("<@U0BOT> Was sagte Merz?") == "Was sagte Merz?"
    assert clean_mention("Hallo <@U1|anna>, <@U0BOT>  frage") == "Hallo , frage"


def test_only_a_persons_own_dm_counts():
    assert is_user_dm({"channel_type": "im", "text": "hi", "user": "U1"})
    assert not is_user_dm({"channel_type": "channel", "text": "hi"})
    assert not is_user_dm({"channel_type": "im", "subtype": "bot_message", "bot_id": "B1"})
    assert not is_user_dm({"channel_type": "im", "bot_id": "B1"})
    assert not is_user_dm({"channel_type": "im", "subtype": "message_changed"})


def test_missing_slack_settings_disable_the_router():
    assert slack_router(None, Settings(slack_bot_token="xoxb-1")) is None
    assert slack_router(None, Settings(slack_signing_secret="s")) is None


def test_socket_mode_needs_the_app_token():
    with pytest.raises(ConfigError, match="QA_SLACK_APP_TOKEN"):
        run_socket_mode(None, Settings(slack_signing_secret="s", slack_bot_token="xoxb-1"))


def test_the_app_is_built_without_calling_slack():
    # outbound sockets are blocked: an auth.test at construction would fail here
    app = build_app(None, Settings(slack_signing_secret="s", slack_bot_token="xoxb-1"))
    assert app.client.base_url == "https://slack.com/api/"
