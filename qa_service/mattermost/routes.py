"""POST /mattermost/command (slash command) and /mattermost/webhook (outgoing webhook).

Mattermost sends both as form posts (the webhook optionally as JSON) with the integration's
token in `token`; it is compared in constant time and a wrong or missing one is a 401.
Both are acknowledged at once; the answer is made after the response (a background task)
and posted with the bot token through the outbox, which retries while Mattermost is down.
A slash command's answer is a new post (the root of a thread); a webhook's goes into the
thread of the triggering post, and the thread's earlier posts are the follow-up's history.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from typing import TYPE_CHECKING

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from qa_service.chat.display import Clock
from qa_service.chat.outbox import Outbox
from qa_service.errors import QAError
from qa_service.logging import request_id
from qa_service.mattermost.client import MattermostClient
from qa_service.mattermost.format import answer_post, error_post
from qa_service.models import Turn

if TYPE_CHECKING:
    from pydantic import SecretStr

    from qa_service.feedback import FeedbackStore
    from qa_service.service import QAService
    from qa_service.settings import Settings

log = logging.getLogger(__name__)

MAX_HISTORY = 20
MAX_FORM = 64 * 1024


def token_ok(given: str | None, expected: SecretStr | None) -> bool:
    if not given or expected is None:
        return False
    return secrets.compare_digest(given.encode(), expected.get_secret_value().encode())


async def read_fields(request: Request) -> dict[str, str]:
    """The form (or, for a webhook set to application/json, the JSON object) as strings."""
    body = await request.body()
    if len(body) > MAX_FORM:
        raise HTTPException(413, detail={"code": "too_large", "message": "request too large"})
    if "json" in request.headers.get("content-type", ""):
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            raise HTTPException(400, detail={"code": "bad_json", "message": "not JSON"}) from None
        if not isinstance(data, dict):
            raise HTTPException(400, detail={"code": "bad_json", "message": "not an object"})
        return {k: str(v) for k, v in data.items() if v is not None}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def require_token(fields: dict[str, str], request: Request, expected: SecretStr | None) -> None:
    """Slash commands also send `Authorization: Token <token>`; either place is accepted."""
    header = request.headers.get("authorization", "")
    given = fields.get("token") or (header[6:] if header.startswith("Token ") else None)
    if not token_ok(given, expected):
        raise HTTPException(401, detail={"code": "invalid_token", "message": "wrong or no token"})


def strip_trigger(text: str, trigger: str | None) -> str:
    text = text.strip()
    if trigger and text.startswith(trigger):
        text = text[len(trigger) :]
    return " ".join(text.split())


def thread_history(thread: dict, post_id: str, trigger: str | None) -> tuple[str, list[Turn]]:
    """(root post id, the turns before `post_id`). Our own answers carry `qa_question` and
    `qa_answer` props, so they come back as the question and the answer they were."""
    posts = sorted((thread.get("posts") or {}).values(), key=lambda p: p.get("create_at", 0))
    this = (thread.get("posts") or {}).get(post_id, {})
    root = this.get("root_id") or post_id
    turns: list[Turn] = []
    for p in posts:
        if p.get("id") == post_id:
            break
        props = p.get("props") or {}
        if props.get("qa_answer"):
            if props.get("qa_question") and not turns:
                turns.append(Turn(role="user", content=props["qa_question"][:4000]))
            turns.append(Turn(role="assistant", content=props["qa_answer"][:4000]))
        elif props.get("from_bot") != "true" and (
            text := strip_trigger(p.get("message", ""), trigger)
        ):
            turns.append(Turn(role="user", content=text[:4000]))
    return root, turns[-MAX_HISTORY:]


def mattermost_enabled(settings: Settings) -> bool:
    tokens = settings.mattermost_command_token or settings.mattermost_webhook_token
    return bool(tokens and settings.mattermost_url and settings.mattermost_bot_token)


def mattermost_router(
    service: QAService,
    settings: Settings,
    *,
    outbox: Outbox,
    feedback: FeedbackStore,
    clock: Clock = dt.date.today,
) -> APIRouter | None:
    """None unless QA_MATTERMOST_URL, _BOT_TOKEN and a command or webhook token are set."""
    if not mattermost_enabled(settings):
        log.info(
            "Mattermost disabled: set QA_MATTERMOST_URL, QA_MATTERMOST_BOT_TOKEN and "
            "QA_MATTERMOST_COMMAND_TOKEN or QA_MATTERMOST_WEBHOOK_TOKEN to enable it"
        )
        return None
    client = MattermostClient(
        settings.mattermost_url, settings.mattermost_bot_token.get_secret_value()
    )
    router = APIRouter(prefix="/mattermost", tags=["mattermost"])

    def answer(question: str, history: list[Turn], channel: str, root: str, rid, asked_by=None):
        try:
            result = service.ask(question, history=history)
        except QAError as exc:
            post = error_post(str(exc), channel_id=channel, root_id=root)
        else:
            feedback.record_answer(result, interface="mattermost", k=service.k, filters=None)
            post = answer_post(
                result, channel_id=channel, root_id=root, today=clock(), asked_by=asked_by
            )
        outbox.submit(f"answer in {channel}", lambda: client.create_post(post), rid)

    def answer_command(fields: dict[str, str], rid: str | None) -> None:
        question = fields.get("text", "").strip()
        root = fields.get("root_id", "")  # used when present (typed in a thread), else a new post
        answer(question, [], fields.get("channel_id", ""), root, rid, fields.get("user_name"))

    def answer_webhook(fields: dict[str, str], rid: str | None) -> None:
        trigger, post_id = fields.get("trigger_word"), fields.get("post_id", "")
        question = strip_trigger(fields.get("text", ""), trigger)
        try:
            root, history = thread_history(client.thread(post_id), post_id, trigger)
        except Exception as exc:  # noqa: BLE001 - unreachable or refused: answer on its own
            log.warning("thread of %s not read (%s); no history", post_id, exc)
            root, history = post_id, []
        answer(question, history, fields.get("channel_id", ""), root, rid)

    @router.post("/command", summary="Mattermost slash command /frage")
    async def command(request: Request, background: BackgroundTasks) -> JSONResponse:
        fields = await read_fields(request)
        require_token(fields, request, settings.mattermost_command_token)
        text = fields.get("text", "").strip()
        if not text:
            hint = "Bitte eine Frage anhängen: `/frage Was sagte Brunner?` · Add a question."
            return JSONResponse({"response_type": "ephemeral", "text": hint})
        background.add_task(answer_command, fields, request_id.get())
        note = f"Einen Moment … · One moment … ({text[:200]})"
        return JSONResponse({"response_type": "ephemeral", "text": note})

    @router.post("/webhook", summary="Mattermost outgoing webhook (trigger word or mention)")
    async def webhook(request: Request, background: BackgroundTasks) -> Response:
        fields = await read_fields(request)
        require_token(fields, request, settings.mattermost_webhook_token)
        if fields.get("post_id"):
            background.add_task(answer_webhook, fields, request_id.get())
        return Response(status_code=200)

    return router
