"""Slack bot: mentions, direct messages and /frage, /ask answered by the same `QAService.ask`.

A mention inside a thread is a follow-up: the thread's earlier messages are the chat history
(`conversations.replies`), so "Und was sagte Moreau dazu?" is condensed like in the chat UI.

Slack wants an ack within 3 seconds whatever its Web API does, so nothing on the request path
calls Slack: authorization comes from the configured bot token (a custom `authorize`, no
`auth.test`), every listener acks at once, the answer is made in a Bolt lazy listener (a
worker thread) and posted through an `Outbox`, which retries while Slack is unreachable and
counts what it gave up on (`/readyz` details). Each reply carries 👍/👎 buttons; their
`block_actions` payloads are recorded as feedback on the answer's id.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from qa_service.chat.display import Clock, source_line
from qa_service.chat.outbox import Outbox, PermanentError
from qa_service.clip import clip
from qa_service.errors import QAError
from qa_service.logging import request_id
from qa_service.models import Answer, Turn

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient

    from qa_service.feedback import FeedbackStore
    from qa_service.service import QAService
    from qa_service.settings import Settings

log = logging.getLogger(__name__)

COMMANDS = ("/frage", "/ask")
MAX_TEXT = 3000  # Slack's limit for a text object in a block
MAX_QUOTE = 600
MAX_CITATIONS = 20  # a message holds at most 50 blocks
FEEDBACK_ACTION = re.compile(r"^qa_feedback_(up|down)$")
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
# Slack errors worth another try; any other `ok: false` will not change by waiting.
_TRANSIENT = {"ratelimited", "internal_error", "fatal_error", "service_unavailable"}


# -- Block Kit -------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack mrkdwn needs only &, < and > escaped; everything else is literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def citation_line(citation: Any, today: dt.date, lang: str = "de") -> str:
    """`*[n] Title* · Brunner (Tagesblatt, 15. Januar 2026, vor 3 Tagen) · file` then the quote."""
    head = f"*[{citation.n}] {escape(citation.title)}*"
    meta = [source_line(citation, today, lang), PurePath(citation.source).name]
    tail = " · ".join(escape(m) for m in meta if m)
    quote = clip(" ".join(citation.quote.split()), MAX_QUOTE)
    return clip(f"{head} · {tail}\n> {escape(quote)}", MAX_TEXT)


def feedback_block(answer_id: str) -> dict:
    """👍/👎 buttons; the value is the answer's id, so the click needs no lookup."""
    buttons = [
        ("up", "👍 Hilfreich · helpful", "primary"),
        ("down", "👎 Falsch · wrong", "danger"),
    ]
    return {
        "type": "actions",
        "block_id": "qa_feedback",
        "elements": [
            {
                "type": "button",
                "action_id": f"qa_feedback_{rating}",
                "text": {"type": "plain_text", "text": label, "emoji": True},
                "value": answer_id,
                "style": style,
            }
            for rating, label, style in buttons
        ],
    }


def format_blocks(answer: Answer, today: dt.date | None = None) -> list[dict]:
    """The answer as a section, one context block per citation (who, where, when, quote),
    then the feedback buttons."""
    today = today or dt.date.today()
    text = clip(escape(answer.answer), MAX_TEXT)
    blocks: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if answer.condensed_question:
        searched = clip(f"Gesucht nach · searched for: _{escape(answer.condensed_question)}_", 300)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": searched}]})
    for citation in answer.citations[:MAX_CITATIONS]:
        line = citation_line(citation, today, answer.language)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line}]})
    blocks.append(feedback_block(answer.id))
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


def bot_user_of(body: dict) -> str | None:
    """The bot's own user id, from the event's `authorizations` (no `auth.test` needed)."""
    for auth in body.get("authorizations") or ():
        if auth.get("is_bot"):
            return auth.get("user_id")
    return None


def thread_history(client: WebClient, event: dict, bot_user: str | None) -> list[Turn]:
    """The thread's messages before this one, as chat turns (the bot's own are the answers).
    Without a thread, or when Slack refuses (missing scope) or cannot be reached, there is
    no history: the question is answered on its own."""
    from slack_sdk.errors import SlackApiError, SlackClientError

    thread = event.get("thread_ts")
    if not thread or thread == event.get("ts"):
        return []
    try:
        replies = client.conversations_replies(channel=event["channel"], ts=thread, limit=50)
    except SlackApiError as exc:
        log.info("conversations.replies failed (%s); no history", exc.response.get("error"))
        return []
    except (SlackClientError, OSError) as exc:
        log.warning("conversations.replies unreachable (%s); no history", exc)
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


class Replies:
    """Answers a question for Slack: asks, records the answer for feedback, formats it."""

    def __init__(self, service: QAService, feedback: FeedbackStore, clock: Clock) -> None:
        self.service, self.feedback, self.clock = service, feedback, clock

    def __call__(
        self, question: str, history: list[Turn] | None = None
    ) -> tuple[str, list[dict] | None]:
        """(fallback text, blocks); a user-facing error becomes a short text reply."""
        try:
            answer = self.service.ask(question, history=history or ())
        except QAError as exc:
            return f":warning: {exc}", None
        self.feedback.record_answer(answer, interface="slack", k=self.service.k, filters=None)
        return clip(answer.answer, MAX_TEXT), format_blocks(answer, self.clock())


def checked(response: Any) -> Any:
    """A Slack response or webhook reply that failed for good raises PermanentError; one that
    may succeed later (rate limit, 5xx) raises so the outbox retries."""
    status = getattr(response, "status_code", 200)
    if status == 429 or status >= 500:
        raise RuntimeError(f"HTTP {status}")
    if status >= 400:
        raise PermanentError(f"HTTP {status}: {str(getattr(response, 'body', ''))[:200]}")
    return response


def post_message(client: WebClient, **message: Any) -> None:
    from slack_sdk.errors import SlackApiError

    try:
        client.chat_postMessage(**message)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in _TRANSIENT or exc.response.status_code >= 500:
            raise
        raise PermanentError(f"chat.postMessage: {error}") from None


def build_app(
    service: QAService,
    settings: Settings,
    *,
    outbox: Outbox,
    feedback: FeedbackStore,
    clock: Clock = dt.date.today,
) -> App:
    """A Bolt App with the listeners registered; makes no network call, not even per request."""
    from slack_bolt import App, BoltResponse
    from slack_bolt.authorization import AuthorizeResult
    from slack_sdk import WebClient

    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    secret = settings.slack_signing_secret
    base_url = settings.slack_api_url.rstrip("/") + "/"
    reply = Replies(service, feedback, clock)

    def authorize(enterprise_id, team_id) -> AuthorizeResult:  # Bolt injects by name
        """One workspace, one configured token: nothing to look up, nothing to call."""
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)

    app = App(
        client=WebClient(base_url=base_url),
        authorize=authorize,
        # Two answers at a time, not Bolt's five: a burst of answers holds the GIL against
        # the acks of new requests (10 at once on a busy 2-core box: acks up to 2.2 s with
        # five workers, 0.9 s with two).
        listener_executor=ThreadPoolExecutor(max_workers=2, thread_name_prefix="slack-answer"),
        signing_secret=secret.get_secret_value() if secret else "",
        token_verification_enabled=False,
        process_before_response=True,
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

    def answer_event(event: dict, body: dict, client: WebClient, context) -> None:
        question = clean_mention(event.get("text", ""))
        history = thread_history(client, event, bot_user_of(body))
        text, blocks = reply(question, history)
        message = {
            "channel": event["channel"],
            "thread_ts": event.get("thread_ts") or event["ts"],
            "text": text,
            "blocks": blocks,
        }
        what = f"answer to {body.get('event_id')} in {event['channel']}"
        outbox.submit(what, lambda: post_message(client, **message), context.get("request_id"))

    def answer_command(command: dict, client: WebClient, respond, context) -> None:
        question = command.get("text", "").strip()
        text, blocks = reply(question)
        blocks = [question_block(question, command.get("user_id")), *(blocks or [])]

        def send() -> None:
            try:
                post_message(client, channel=command["channel_id"], text=text, blocks=blocks)
            except PermanentError as exc:  # the bot is not in that channel: the response_url
                log.info("%s; using response_url", exc)
                checked(respond(text=text, blocks=blocks, response_type="in_channel"))

        what = f"answer to {command.get('command')} in {command['channel_id']}"
        outbox.submit(what, send, context.get("request_id"))

    def record_feedback(ack, body: dict, action: dict) -> None:
        """Stored before the ack (one SQLite insert), so a 200 means it is kept."""
        rating = FEEDBACK_ACTION.match(action["action_id"]).group(1)
        try:
            feedback.add_feedback(action.get("value", ""), rating, reason=None, interface="slack")
        except QAError as exc:
            log.warning("feedback not recorded: %s", exc)
        ack()

    def thank(body: dict, respond, context) -> None:
        if body.get("response_url"):
            note = "Danke für die Rückmeldung. · Thanks for the feedback."
            what = f"feedback thanks in {(body.get('channel') or {}).get('id')}"
            outbox.submit(
                what,
                lambda: checked(
                    respond(text=note, response_type="ephemeral", replace_original=False)
                ),
                context.get("request_id"),
            )

    app.event("app_mention")(ack=ack_now, lazy=[answer_event])
    app.event("message", matchers=[is_user_dm])(ack=ack_now, lazy=[answer_event])
    app.event("message")(ack_now)  # other messages (channels, edits, bots): ack, do nothing
    for name in COMMANDS:
        app.command(name)(ack=ack_command, lazy=[answer_command])
    app.action(FEEDBACK_ACTION)(ack=record_feedback, lazy=[thank])
    return app


def slack_enabled(settings: Settings) -> bool:
    return bool(settings.slack_signing_secret and settings.slack_bot_token)


def slack_router(
    service: QAService,
    settings: Settings,
    *,
    outbox: Outbox,
    feedback: FeedbackStore,
    clock: Clock = dt.date.today,
) -> APIRouter | None:
    """POST /slack/events for events, slash commands and button clicks (interactivity);
    None when Slack is not configured."""
    if not slack_enabled(settings):
        log.info("Slack disabled: set QA_SLACK_SIGNING_SECRET and QA_SLACK_BOT_TOKEN to enable it")
        return None
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

    app = build_app(service, settings, outbox=outbox, feedback=feedback, clock=clock)
    router = APIRouter(tags=["slack"])

    @router.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        # Bolt's dispatch is synchronous (signature check, ack): off the loop. The request id
        # travels in the context to the lazy listener, so a failed post is logged with it.
        bolt_request = to_bolt_request(request, await request.body())
        bolt_request.context["request_id"] = request_id.get()
        return to_starlette_response(await run_in_threadpool(app.dispatch, bolt_request))

    return router
