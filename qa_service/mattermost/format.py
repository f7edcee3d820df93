"""An answer as a Mattermost post: text, and the sources as Slack-style message attachments.

Mattermost renders `props.attachments` like Slack's legacy attachments (fallback, title, text,
footer, color); the source line comes from `qa_service.chat.display`, as in Gradio and Slack.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from qa_service.chat.display import source_line
from qa_service.clip import clip
from qa_service.models import Answer

MAX_MESSAGE = 16383  # Mattermost's post message limit
MAX_QUOTE = 600
MAX_CITATIONS = 20
COLOR = "#1f6feb"


def attachments(answer: Answer, today: dt.date) -> list[dict]:
    out = []
    for c in answer.citations[:MAX_CITATIONS]:
        quote = clip(" ".join(c.quote.split()), MAX_QUOTE)
        meta = " · ".join(
            m for m in (source_line(c, today, answer.language), PurePath(c.source).name) if m
        )
        out.append(
            {
                "fallback": f"[{c.n}] {c.title}: {quote}",
                "color": COLOR,
                "title": f"[{c.n}] {c.title}",
                "text": f"> {quote}",
                "footer": meta,
            }
        )
    return out


def answer_post(
    answer: Answer, *, channel_id: str, root_id: str, today: dt.date, asked_by: str | None = None
) -> dict:
    """The body of `POST /api/v4/posts`. `props.qa_question` / `qa_answer_id` let a later
    follow-up read this post back as the question and the answer it was."""
    message = answer.answer
    if answer.condensed_question:
        message += f"\n\n_Gesucht nach · searched for: {answer.condensed_question}_"
    if asked_by:
        message = f"@{asked_by} fragt · asks: _{answer.question}_\n\n{message}"
    return {
        "channel_id": channel_id,
        "root_id": root_id,
        "message": clip(message, MAX_MESSAGE),
        "props": {
            "attachments": attachments(answer, today),
            "qa_answer_id": answer.id,
            "qa_question": answer.question,
            "qa_answer": clip(answer.answer, 4000),
        },
    }


def error_post(text: str, *, channel_id: str, root_id: str) -> dict:
    return {"channel_id": channel_id, "root_id": root_id, "message": f":warning: {text}"}
