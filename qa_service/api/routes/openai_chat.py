"""POST /v1/chat/completions and GET /v1/models: the service as an OpenAI-compatible model.

Any OpenAI client (the SDKs, Open WebUI, LibreChat, ...) can ask. The last user message is
the question, the earlier user and assistant messages the history a follow-up is condensed
with. The content is the answer with its [n] markers and a plain-text source list, so every
client shows something useful; the verified citations travel in the `citations` and `qa`
extension fields, of the completion and of a stream's last chunk.

A stream sends its text only once the answer is verified: OpenAI clients cannot take back
text, and a generated answer may still be replaced by the extractive one at its end.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from qa_service.api.deps import ServiceDep, SettingsDep, require_read_key, require_ready
from qa_service.api.errors import classify, install_api_fallback
from qa_service.api.openai_errors import install_openai_errors
from qa_service.api.openai_schemas import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatMessage,
    Choice,
    ChunkChoice,
    Delta,
    ModelCard,
    ModelList,
    OpenAIErrorResponse,
    QAInfo,
)
from qa_service.api.ratelimit import rate_limit
from qa_service.api.schemas import CitationResponse, FiltersRequest
from qa_service.errors import QAError, QuestionError
from qa_service.models import Answer, Filters, Turn
from qa_service.plain_answer import answer_with_sources, strip_sources
from qa_service.service import Done
from qa_service.settings import Settings

PREFIX = "/v1"
MAX_HISTORY_TURNS = 20
_STARTED = int(time.time())
_CHUNK_REF = "#/components/schemas/ChatCompletionChunk"
# One event of the stream, as FastAPI documents its own (`itemSchema`): `data` is a string,
# here the JSON of a chunk, or `[DONE]` at the end.
_EVENT_SCHEMA = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "string",
            "if": {"const": "[DONE]"},
            "else": {"contentMediaType": "application/json", "contentSchema": {"$ref": _CHUNK_REF}},
        }
    },
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OpenAIErrorResponse, "description": "Invalid request"},
    401: {"model": OpenAIErrorResponse, "description": "API key missing or wrong"},
    404: {"model": OpenAIErrorResponse, "description": "Unknown model"},
    413: {"model": OpenAIErrorResponse, "description": "Request body too large"},
    429: {"model": OpenAIErrorResponse, "description": "Too many questions; see Retry-After"},
    503: {"model": OpenAIErrorResponse, "description": "Index or model unavailable"},
}

router = APIRouter(
    prefix=PREFIX,
    tags=["openai"],
    dependencies=[Depends(require_read_key), Depends(require_ready)],
    responses=_ERRORS,
)


def model_id(settings: Settings) -> str:
    return f"qa-service-{settings.answerer}"


@router.get("/models", response_model=ModelList, summary="The one model: this service")
def list_models(settings: SettingsDep) -> ModelList:
    return ModelList(data=[ModelCard(id=model_id(settings), created=_STARTED)])


@router.get("/models/{model}", response_model=ModelCard, summary="A model by id")
def get_model(model: str, settings: SettingsDep) -> ModelCard:
    _check_model(model, settings)
    return ModelCard(id=model, created=_STARTED)


def _check_model(model: str, settings: Settings) -> None:
    if model != model_id(settings):
        raise HTTPException(
            404,
            detail={
                "code": "model_not_found",
                "message": f"no model {model!r}; this service is {model_id(settings)!r}",
            },
        )


def conversation(messages: Sequence[ChatMessage], max_chars: int) -> tuple[str, list[Turn]]:
    """The question (the last message, the user's) and the chat before it as history."""
    if messages[-1].role != "user":
        raise HTTPException(
            400,
            detail={
                "code": "invalid_messages",
                "message": "the last message must be the user's question",
            },
        )
    question = messages[-1].text()
    if len(question) > max_chars:  # before cleaning, as POST /api/v1/ask does
        raise QuestionError(
            f"the question is too long ({len(question)} characters, at most {max_chars})"
        )
    history = [
        Turn(role=m.role, content=strip_sources(m.text()))
        for m in messages[:-1]
        if m.role in ("user", "assistant") and m.text().strip()
    ]
    return question, history[-MAX_HISTORY_TURNS:]


def _extensions(answer: Answer) -> dict[str, Any]:
    return {
        "citations": [CitationResponse.model_validate(c) for c in answer.citations],
        "qa": QAInfo(
            answer_id=answer.id,
            answered=answer.answered,
            refusal_reason=answer.refusal_reason,
            mode=answer.mode,
            language=answer.language,
            question=answer.question,
            condensed_question=answer.condensed_question,
            confidence=answer.confidence,
            filters_applied=_filters(answer.filters_applied),
        ),
    }


def _filters(filters: Filters | None) -> FiltersRequest | None:
    if filters is None:
        return None
    return FiltersRequest.model_construct(
        date_from=filters.date_from, date_to=filters.date_to, sources=list(filters.sources)
    )


def _arguments(request: ChatCompletionRequest, history: list[Turn]) -> dict[str, Any]:
    return {
        "k": request.k,
        "filters": request.filters.to_domain() if request.filters else None,
        "history": history,
    }


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    dependencies=[Depends(rate_limit)],
    summary="Answer the last user message, OpenAI-style, with verified citations",
    responses={
        200: {
            "description": (
                "`stream: false`: a `chat.completion`. `stream: true`: server-sent events, "
                "each `data:` a `chat.completion.chunk` (schema ChatCompletionChunk), the last "
                "with `citations` and `qa`, then `data: [DONE]`."
            ),
            "content": {"text/event-stream": {"itemSchema": _EVENT_SCHEMA}},
        }
    },
)
async def chat_completions(
    request: ChatCompletionRequest, service: ServiceDep, settings: SettingsDep
) -> Any:
    """The extension fields `citations` (the verbatim quotes behind the [n] markers) and `qa`
    (answer id, answered, refusal reason, mode, condensed question) come on the completion,
    and on a stream's last chunk. Extension request fields: `k` and `filters`."""
    _check_model(request.model, settings)
    question, history = conversation(request.messages, service.max_question_chars)
    arguments = _arguments(request, history)
    if not request.stream:
        answer = await run_in_threadpool(service.ask, question, **arguments)
        return ChatCompletion(
            id=f"chatcmpl-{answer.id}",
            created=int(time.time()),
            model=request.model,
            choices=[Choice(message=AssistantMessage(content=answer_with_sources(answer)))],
            **_extensions(answer),
        )
    events = service.astream(question, **arguments)
    first = await anext(events)  # a bad question or a busy model fails with its status here
    return StreamingResponse(
        _chunks(first, events, request.model),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _chunks(first: object, events: AsyncIterator[object], model: str) -> AsyncIterator[str]:
    """The role first, the verified text and sources once Done has it, then [DONE]."""
    chunk_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(delta: Delta, answer: Answer | None = None) -> str:
        body = ChatCompletionChunk(
            id=chunk_id,
            created=created,
            model=model,
            choices=[ChunkChoice(delta=delta, finish_reason="stop" if answer else None)],
            **(_extensions(answer) if answer else {}),
        )
        # `citations` and `qa` only on the last chunk, where they are complete
        return f"data: {body.model_dump_json(exclude=None if answer else {'citations', 'qa'})}\n\n"

    yield chunk(Delta(role="assistant", content=""))
    try:
        event = first
        while not isinstance(event, Done):
            event = await anext(events)
    except QAError as exc:
        _, code = classify(exc)
        error = {"message": str(exc), "type": "server_error", "code": code, "param": None}
        yield f"data: {json.dumps({'error': error})}\n\n"
        return
    yield chunk(Delta(content=answer_with_sources(event.answer)))
    yield chunk(Delta(), event.answer)
    yield "data: [DONE]\n\n"


def install_openai_api(app: FastAPI, max_body_size: int) -> None:
    """The /v1 routes, their OpenAI-shaped errors and a JSON 404 for any other /v1 path."""
    app.include_router(router, max_body_size=max_body_size)
    install_api_fallback(app, PREFIX)
    install_openai_errors(app, PREFIX)
    _correct_openapi(app)


def _correct_openapi(app: FastAPI) -> None:
    """/v1 answers invalid requests with 400, never 422; and ChatCompletionChunk (only a
    stream's events, so FastAPI never sees it) joins the components the stream refers to."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        spec = generate()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        if "ChatCompletionChunk" not in schemas:
            for path, item in spec["paths"].items():
                if path.startswith(PREFIX + "/"):
                    for operation in item.values():
                        operation["responses"].pop("422", None)
            chunk = ChatCompletionChunk.model_json_schema(
                ref_template="#/components/schemas/{model}", mode="serialization"
            )
            for name, schema in chunk.pop("$defs", {}).items():
                schemas.setdefault(name, schema)
            schemas["ChatCompletionChunk"] = chunk
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
