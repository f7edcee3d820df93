"""Slack formatting and wiring that need no network: Block Kit, mention text, disabled router."""

from __future__ import annotations

import datetime as dt

from qa_service.chat.outbox import Outbox
from qa_service.feedback import SQLiteFeedbackStore
from qa_service.models import Answer, Citation
from qa_service.settings import Settings
from qa_service.slack import slack_router
from qa_service.slack.bot import MAX_TEXT, build_app, clean_mention, format_blocks, is_user_dm

TODAY = dt.date(2026, 1, 10)


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
    blocks = format_blocks(answer, TODAY)
    assert [b["type"] for b in blocks] == ["section", "context", "context", "actions"]
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": "Merz sagte &lt;x&gt; &amp; y [1][2]."}
    first = blocks[1]["elements"][0]
    assert first["type"] == "mrkdwn"
    assert first["text"].startswith("*[1] Merz &lt;&amp; Macron&gt;*")
    assert " · ZDF, 7. Januar 2026, vor 3 Tagen · 004_x.txt\n" in first["text"]
    assert first["text"].endswith("> Die Bundeswehr wird gestärkt.")


def test_speaker_ticker_time_and_other_outlets_are_shown():
    quoted = citation(1).model_copy(
        update={"speaker": "Merz", "section_time": dt.datetime(2026, 1, 6, 6, 11)}
    )
    answer = Answer(question="q", answer="a [1]", language="de", citations=(quoted,))
    line = format_blocks(answer, TODAY)[1]["elements"][0]["text"]
    assert " · Merz (ZDF, 6. Januar 2026, 6.11 Uhr, vor 4 Tagen) · 004_x.txt" in line


def test_unanswered_is_a_section_and_the_feedback_buttons():
    answer = Answer(question="q", answer="Keine Antwort.", language="de", answered=False)
    section, actions = format_blocks(answer, TODAY)
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": "Keine Antwort."}}
    assert [e["action_id"] for e in actions["elements"]] == ["qa_feedback_up", "qa_feedback_down"]
    assert {e["value"] for e in actions["elements"]} == {answer.id}


def test_long_texts_stay_within_slack_limits():
    long = "Wort " * 2000
    answer = Answer(question="q", answer=long, language="de", citations=(citation(1, long),))
    blocks = format_blocks(answer, TODAY)
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
    parts = {"outbox": Outbox("slack"), "feedback": None}
    assert slack_router(None, Settings(slack_bot_token="xoxb-1"), **parts) is None
    assert slack_router(None, Settings(slack_signing_secret="s"), **parts) is None


def test_the_app_is_built_without_calling_slack(tmp_path):
    # outbound sockets are blocked: an auth.test at construction would fail here
    app = build_app(
        None,
        Settings(slack_signing_secret="s", slack_bot_token="xoxb-1"),
        outbox=Outbox("slack"),
        feedback=SQLiteFeedbackStore(tmp_path / "f.sqlite3"),
    )
    assert app.client.base_url == "https://slack.com/api/"
