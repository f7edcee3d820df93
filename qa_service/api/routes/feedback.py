"""POST /feedback: 👍/👎 with an optional reason on an answer, named by its id."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from qa_service.api.deps import require_read_key
from qa_service.api.schemas import error_responses
from qa_service.feedback import FeedbackStore, UnknownAnswerError

MAX_REASON = 2000

router = APIRouter(
    prefix="/feedback",
    tags=["feedback"],
    dependencies=[Depends(require_read_key)],
    responses=error_responses(400, 401, 403, 404, 422, e404="No answer with this id"),
)


def get_feedback(request: Request) -> FeedbackStore:
    return request.app.state.feedback


FeedbackDep = Annotated[FeedbackStore, Depends(get_feedback)]


class FeedbackRequest(BaseModel):
    """Strict: a number where text belongs is a 422, not silently converted."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"answer_id": "3f2c…", "rating": "down", "reason": "Zitat passt nicht zur Frage"}
            ]
        },
    )

    answer_id: str = Field(min_length=1, max_length=64, description="`id` of the Answer.")
    rating: Literal["up", "down"]
    reason: str | None = Field(None, max_length=MAX_REASON)


class FeedbackResponse(BaseModel):
    status: Literal["recorded"] = "recorded"
    answer_id: str
    rating: Literal["up", "down"]


@router.post(
    "",
    response_model=FeedbackResponse,
    status_code=201,
    summary="Rate an answer (👍/👎, optional reason)",
)
def post_feedback(body: FeedbackRequest, store: FeedbackDep) -> FeedbackResponse:
    """Stored with the rated answer (question, answer, mode, citations, retrieval settings)
    for `qa feedback export --format gold`. 404 for an id this server never answered with."""
    try:
        store.add_feedback(body.answer_id, body.rating, reason=body.reason, interface="api")
    except UnknownAnswerError as exc:
        raise HTTPException(404, detail={"code": "unknown_answer", "message": str(exc)}) from None
    return FeedbackResponse(answer_id=body.answer_id, rating=body.rating)
