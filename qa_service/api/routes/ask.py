"""POST /ask and /ask/stream: the same answer, as one JSON document or as server-sent events."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable
from typing import Annotated

from fastapi import APIRouter, Body, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent

from qa_service.answering.base import Reset, TextPiece
from qa_service.api.deps import ServiceDep, require_read_key, require_ready
from qa_service.api.errors import classify
from qa_service.api.ratelimit import rate_limit
from qa_service.api.routes.feedback import FeedbackDep
from qa_service.api.schemas import (
    ANSWER_EXAMPLES,
    ASK_EXAMPLES,
    AnswerChunkEvent,
    AnswerResponse,
    AskRequest,
    CitationResponse,
    CitationsEvent,
    ResetEvent,
    error_responses,
)
from qa_service.errors import QAError, QuestionError
from qa_service.models import Turn
from qa_service.service import Citations, Done, clean_question

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
    """Reject a bad question before anything is retrieved, and before a stream starts; the
    cleaned question is what the service gets. The raw length is the OpenAPI `maxLength`
    (set from the settings, so pydantic cannot check it); the rest is the service's rule."""
    if len(request.question) > service.max_question_chars:
        raise QuestionError(
            f"the question is too long ({len(request.question)} characters, "
            f"at most {service.max_question_chars})"
        )
    question = clean_question(request.question, service.max_question_chars)
    return request.model_copy(update={"question": question})


CheckedAsk = Annotated[AskRequest, Depends(checked_request)]


def _arguments(request: AskRequest) -> dict:
    return {
        "k": request.k,
        "filters": request.filters.to_domain() if request.filters else None,
        "history": [Turn(role=t.role, content=t.content) for t in request.history],
    }


def _ask(service: ServiceDep, request: AskRequest, feedback: FeedbackDep) -> AnswerResponse:
    arguments = _arguments(request)
    answer = service.ask(request.question, **arguments)
    feedback.record_answer(
        answer, interface="api", k=request.k or service.k, filters=arguments["filters"]
    )
    return AnswerResponse.model_validate(answer, from_attributes=True)


@router.post(
    "",
    response_model=AnswerResponse,
    summary="Answer a question with verbatim citations",
    responses={200: {"content": {"application/json": {"examples": ANSWER_EXAMPLES}}}},
)
def ask(request: CheckedAsk, service: ServiceDep, feedback: FeedbackDep) -> AnswerResponse:
    """Retrieve passages, answer from them and return only citations checked to be verbatim.
    The answer is recorded, so `POST /api/v1/feedback` can rate it by its `id`."""
    return _ask(service, request, feedback)


@router.post(
    "/stream",
    response_class=EventSourceResponse,
    summary="The same answer as server-sent events",
    description=(
        'Events, in order: `answer` (repeated; `{"text": ...}` pieces of the answer text, '
        "which concatenate to the full answer; with a language model each piece is a sentence "
        "already resolved to its verified quotes), possibly `reset` (discard the pieces so far: "
        "the model's answer could not be verified and the extractive answer follows), "
        '`citations` (once; `{"citations": [...]}`), then `done` (the complete answer, the '
        "same JSON as POST /api/v1/ask). A failure after the stream started arrives as an "
        '`error` event with `{"error": {code, message}}`.'
    ),
)
async def ask_stream(
    request: CheckedAsk, service: ServiceDep, feedback: FeedbackDep
) -> AsyncIterable[ServerSentEvent]:
    arguments = _arguments(request)
    try:
        async for event in service.astream(request.question, **arguments):
            if isinstance(event, TextPiece):
                yield ServerSentEvent(event="answer", data=AnswerChunkEvent(text=event.text))
            elif isinstance(event, Reset):
                yield ServerSentEvent(event="reset", data=ResetEvent(reason="unverified"))
            elif isinstance(event, Citations):
                citations = [CitationResponse.model_validate(c) for c in event.citations]
                yield ServerSentEvent(event="citations", data=CitationsEvent(citations=citations))
            elif isinstance(event, Done):
                k, filters = request.k or service.k, arguments["filters"]
                feedback.record_answer(event.answer, interface="api", k=k, filters=filters)
                answer = AnswerResponse.model_validate(event.answer, from_attributes=True)
                yield ServerSentEvent(event="done", data=answer)
    except QAError as exc:
        _, code = classify(exc)
        log.warning("stream failed", extra={"code": code})
        yield ServerSentEvent(event="error", data={"error": {"code": code, "message": str(exc)}})
