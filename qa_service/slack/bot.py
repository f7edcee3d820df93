"""Slack bot: mentions, direct messages and /frage, /ask answered by the same `QAService.ask`.

A mention inside a thread is a follow-up: the thread's earlier messages are the chat history
(`conversations.replies`), so "Und was sagte Macron dazu?" is condensed like in the chat UI.

Slack wants an ack within 3 seconds, so every listener acks at once and answers in a Bolt
lazy listener (a worker thread). The Bolt `App` is built without `auth.test`: the server must
start, and reject forged requests, without reaching Slack. Bolt calls `auth.test` once on the
first verified event instead, which also tells it the bot's own ids to ignore.
"""

from __future__ import annotations

import logging
import re
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from qa_service.errors import ConfigError, QAError
from qa_service.models import Answer, Turn

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient

    from qa_service.service import QAService
    from qa_service.settings import Settings

log = logging.getLogger(__name__)

COMMANDS = ("/frage", "/ask")
MAX_TEXT = 3000  # Slack's limit for a text object in a block
MAX_QUOTE = 600
MAX_CITATIONS = 20  # a message holds at most 50 blocks
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


# -- Block Kit -------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack mrkdwn needs only &, < and > escaped; everything else is literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def citation_line(citation: Any) -> str:
    """`*[n] Title* · publisher · date · file` then the quote, one context block's text."""
    meta = [citation.publisher, citation.date.isoformat() if citation.date else None]
    head = f"*[{citation.n}] {escape(citation.title)}*"
    tail = " · ".join(escape(m) for m in [*meta, PurePath(citation.source).name] if m)
    quote = clip(" ".join(citation.quote.split()), MAX_QUOTE)
    return clip(f"{head} · {tail}\n> {escape(quote)}", MAX_TEXT)


def format_blocks(answer: Answer) -> list[dict]:
    """The answer as a section, then one context block per citation (title, date, quote)."""
    text = clip(escape(answer.answer), MAX_TEXT)
    blocks: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if answer.condensed_question:
        searched = clip(f"Gesucht nach · searched for: _{escape(answer.condensed_question)}_", 300)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": searched}]})
    for citation in answer.citations[:MAX_CITATIONS]:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": citation_line(citation)}]}
        )
    return blocks


def question_block(question: str, user_id: str | None) -> dict:
    """For slash commands: the channel does not see the command, so repeat the question."""
    who = f"<@{user_id}> " if user_id else ""
    text = clip(f"{who}fragt · asks: _{escape(question)}_", MAX_TEXT)
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def clean_mention(text: str) -> str:
    return " ".join(_MENTION.sub(" ", text or "").split())


# -- the Bolt app ----------------------------------------------------------------------


def is_retry(request: Any) -> bool:
    return bool(request.headers.get("x-slack-retry-num"))


def is_user_dm(event: dict) -> bool:
    """A person's own message in a DM: not a bot, not an edit, join or other subtype."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and not event.get("app_id")
    )


MAX_HISTORY = 20


def thread_history(client: WebClient, event: dict, bot_user: str | None) -> list[Turn]:
    """The thread's messages before this one, as chat turns (the bot's own are the answers).
    Without a thread, or when Slack refuses (missing scope), there is no history."""
    from slack_sdk.errors import SlackApiError

    thread = event.get("thread_ts")
    if not thread or thread == event.get("ts"):
        return []
    try:
        replies = client.conversations_replies(channel=event["channel"], ts=thread, limit=50)
    except SlackApiError as exc:
        log.info("conversations.replies failed (%s); no history", exc.response.get("error"))
        return []
    turns = []
    for m in replies.get("messages", []):
        if m.get("ts") == event.get("ts"):
            break
        mine = bool(m.get("bot_id")) or (bot_user is not None and m.get("user") == bot_user)
        text = clean_mention(m.get("text", ""))
        if text:
            turns.append(Turn(role="assistant" if mine else "user", content=text[:4000]))
    return turns[-MAX_HISTORY:]


def reply(
    service: QAService, question: str, history: list[Turn] | None = None
) -> tuple[str, list[dict] | None]:
    """(fallback text, blocks); a user-facing error becomes a short text reply."""
    try:
        answer = service.ask(question, history=history or ())
    except QAError as exc:
        return f":warning: {exc}", None
    return clip(answer.answer, MAX_TEXT), format_blocks(answer)


def build_app(service: QAService, settings: Settings, *, socket_mode: bool = False) -> App:
    """A Bolt App with the listeners registered; makes no network call."""
    from slack_bolt import App, BoltResponse
    from slack_sdk import WebClient

    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    secret = settings.slack_signing_secret
    base_url = settings.slack_api_url.rstrip("/") + "/"
    app = App(
        client=WebClient(token=token, base_url=base_url),
        signing_secret=secret.get_secret_value() if secret else "",
        token_verification_enabled=False,
        request_verification_enabled=not socket_mode,
        process_before_response=not socket_mode,
        logger=log,
    )

    @app.middleware
    def skip_retries(request, next):  # Bolt injects arguments by name
        """Slack retries when the ack was late; the first delivery is already being answered."""
        if is_retry(request):
            return BoltResponse(status=200, body="")
        return next()

    def ack_now(ack) -> None:
        ack()

    def ack_command(ack, command) -> None:
        ack(f"Einen Moment … · One moment … ({clip(command.get('text', ''), 200)})")

    def answer_event(event: dict, client: WebClient, context) -> None:
        question = clean_mention(event.get("text", ""))
        history = thread_history(client, event, context.get("bot_user_id"))
        text, blocks = reply(service, question, history)
        client.chat_postMessage(
            channel=event["channel"],
            thread_ts=event.get("thread_ts") or event["ts"],
            text=text,
            blocks=blocks,
        )

    def answer_command(command: dict, client: WebClient, respond) -> None:
        from slack_sdk.errors import SlackApiError

        question = command.get("text", "").strip()
        text, blocks = reply(service, question)
        blocks = [question_block(question, command.get("user_id")), *(blocks or [])]
        try:
            client.chat_postMessage(channel=command["channel_id"], text=text, blocks=blocks)
        except SlackApiError as exc:  # the bot is not in that channel: answer via response_url
            log.info("chat.postMessage failed (%s); using response_url", exc.response.get("error"))
            respond(text=text, blocks=blocks, response_type="in_channel")

    app.event("app_mention")(ack=ack_now, lazy=[answer_event])
    app.event("message", matchers=[is_user_dm])(ack=ack_now, lazy=[answer_event])
    app.event("message")(ack_now)  # other messages (channels, edits, bots): ack, do nothing
    for name in COMMANDS:
        app.command(name)(ack=ack_command, lazy=[answer_command])
    return app


def slack_enabled(settings: Settings) -> bool:
    return bool(settings.slack_signing_secret and settings.slack_bot_token)


def slack_router(service: QAService, settings: Settings) -> APIRouter | None:
    """POST /slack/events for events and slash commands; None when Slack is not configured."""
    if not slack_enabled(settings):
        log.info("Slack disabled: set QA_SLACK_SIGNING_SECRET and QA_SLACK_BOT_TOKEN to enable it")
        return None
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

    app = build_app(service, settings)
    router = APIRouter(tags=["slack"])

    @router.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        # Bolt's dispatch is synchronous (signature check, first auth.test, ack): off the loop.
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(app.dispatch, bolt_request))

    return router


def run_socket_mode(service: QAService, settings: Settings) -> None:
    """Answer over Socket Mode (no public URL needed); blocks until interrupted."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if not (settings.slack_app_token and settings.slack_bot_token):
        raise ConfigError("Socket Mode needs QA_SLACK_APP_TOKEN and QA_SLACK_BOT_TOKEN")
    app = build_app(service, settings, socket_mode=True)
    log.info("Slack Socket Mode: connecting")
    SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
