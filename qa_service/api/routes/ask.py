"""POST /ask and /ask/stream: the same answer, as one JSON document or as server-sent events."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterable, Iterator
from typing import Annotated

from fastapi import APIRouter, Body, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from qa_service.api.deps import ServiceDep, require_read_key, require_ready
from qa_service.api.errors import classify
from qa_service.api.ratelimit import rate_limit
from qa_service.api.schemas import (
    ANSWER_EXAMPLES,
    ASK_EXAMPLES,
    AnswerChunkEvent,
    AnswerResponse,
    AskRequest,
    CitationsEvent,
    error_responses,
)
from qa_service.errors import QAError, QuestionError
from qa_service.service import clean_question

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/ask",
    tags=["ask"],
    dependencies=[Depends(require_read_key), Depends(require_ready), Depends(rate_limit)],
    responses=error_responses(
        400, 401, 403, 413, 422, 429, 503, e422="Empty, over-long or malformed question"
    ),
)


def checked_request(
    request: Annotated[AskRequest, Body(openapi_examples=ASK_EXAMPLES)], service: ServiceDep
) -> AskRequest:
    """Reject a bad question before anything is retrieved, and before a stream starts."""
    if len(request.question) > service.max_question_chars:
        raise QuestionError(
            f"the question is too long ({len(request.question)} characters, "
            f"at most {service.max_question_chars})"
        )
    clean_question(request.question, service.max_question_chars)
    return request


CheckedAsk = Annotated[AskRequest, Depends(checked_request)]


def _ask(service: ServiceDep, request: AskRequest) -> AnswerResponse:
    filters = request.filters.to_domain() if request.filters else None
    answer = service.ask(request.question, k=request.k, filters=filters)
    return AnswerResponse.model_validate(answer, from_attributes=True)


@router.post(
    "",
    response_model=AnswerResponse,
    summary="Answer a question with verbatim citations",
    responses={200: {"content": {"application/json": {"examples": ANSWER_EXAMPLES}}}},
)
def ask(request: CheckedAsk, service: ServiceDep) -> AnswerResponse:
    """Retrieve passages, answer from them and return only citations checked to be verbatim."""
    return _ask(service, request)


_PIECE = re.compile(r"\S+\s*|\s+")


def answer_pieces(text: str, words: int = 4) -> Iterator[str]:
    """Split an answer into a few words per event; the pieces join back to the exact text."""
    tokens = _PIECE.findall(text)
    for i in range(0, len(tokens), words):
        yield "".join(tokens[i : i + words])


@router.post(
    "/stream",
    response_class=EventSourceResponse,
    summary="The same answer as server-sent events",
    description=(
        'Events, in order: `answer` (repeated; `{"text": ...}` pieces of the answer text, '
        'which concatenate to the full answer), `citations` (once; `{"citations": [...]}`), '
        "then `done` (the complete answer, the same JSON as POST /api/v1/ask). A failure after "
        'the stream started arrives as an `error` event with `{"error": {code, message}}`.'
    ),
)
async def ask_stream(request: CheckedAsk, service: ServiceDep) -> AsyncIterable[ServerSentEvent]:
    # The extractive answerer produces the whole text at once; it is sent in pieces so
    # clients are written against the streaming contract a generating answerer will use.
    try:
        response = await run_in_threadpool(_ask, service, request)
    except QAError as exc:
        _, code = classify(exc)
        log.warning("stream failed", extra={"code": code})
        yield ServerSentEvent(event="error", data={"error": {"code": code, "message": str(exc)}})
        return
    for piece in answer_pieces(response.answer):
        yield ServerSentEvent(event="answer", data=AnswerChunkEvent(text=piece))
    yield ServerSentEvent(event="citations", data=CitationsEvent(citations=response.citations))
    yield ServerSentEvent(event="done", data=response)
