"""The OpenAI chat-completions wire format, as far as /v1 speaks it, plus our extension.

Requests accept what OpenAI clients send (sampling options and the like are read and ignored:
an extractive answer has no temperature). Responses are what the official SDKs parse, with two
extra top-level fields they keep (`completion.model_extra`): `citations`, the verified quotes,
and `qa`, how the answer came about.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from qa_service.api.schemas import CitationResponse, FiltersRequest

# -- request -----------------------------------------------------------------------------


class TextPart(BaseModel):
    """A content part; only text parts can be asked (no images, audio or files)."""

    model_config = ConfigDict(extra="ignore")

    type: Literal["text"]
    text: Annotated[str, Field(max_length=20_000)]


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")  # name, tool_calls, refusal, ...

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: Annotated[str, Field(max_length=20_000)] | list[TextPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content)
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(
        extra="ignore",  # temperature, top_p, max_tokens, user, tools, ... have no effect
        json_schema_extra={
            "examples": [
                {
                    "model": "qa-service-extractive",
                    "messages": [
                        {"role": "user", "content": "Was sagte Brunner zur Rentenreform?"}
                    ],
                }
            ]
        },
    )

    model: str = Field(description="A model id from GET /v1/models.")
    messages: list[ChatMessage] = Field(
        min_length=1,
        max_length=100,
        description=(
            "The conversation, oldest first. The last message must be the user's question; "
            "earlier user and assistant messages are the history a follow-up is condensed "
            "with. System and developer messages are ignored: answers come from the articles."
        ),
    )
    stream: bool = Field(False, strict=True)
    n: int = Field(1, ge=1, le=1, strict=True, description="Only one choice is generated.")
    k: int | None = Field(
        None, ge=1, le=50, strict=True, description="Extension: passages to retrieve."
    )
    filters: FiltersRequest | None = Field(
        None, description="Extension: only articles in this date range or from these sources."
    )


# -- response ----------------------------------------------------------------------------


class QAInfo(BaseModel):
    """Extension `qa`: how the answer came about (the same values as POST /api/v1/ask)."""

    answer_id: str = Field(description="Names this answer (e.g. for feedback).")
    answered: bool = Field(description="False when the articles hold no evidence.")
    refusal_reason: str | None = Field(None, description="Why `answered` is false.")
    mode: Literal["extractive", "generated", "extractive_fallback"]
    language: Literal["de", "en"]
    question: str = Field(description="The question as answered (cleaned).")
    condensed_question: str | None = Field(
        None, description="The follow-up rewritten with the history; what was retrieved for."
    )
    confidence: float | None = None
    filters_applied: FiltersRequest | None = Field(
        None, description="The filters used: the request's and those read from the question."
    )


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(description="The answer with [n] markers, then a plain-text source list.")


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    citations: list[CitationResponse] = Field(
        description="Extension: the verified quotes behind the [n] markers."
    )
    qa: QAInfo


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One `data:` event of a stream. The last one before `data: [DONE]` has
    `finish_reason: "stop"` and carries the `citations` and `qa` extensions."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    citations: list[CitationResponse] | None = None
    qa: QAInfo | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "qa-service"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# -- errors ------------------------------------------------------------------------------


class OpenAIErrorBody(BaseModel):
    message: str
    type: str = Field(description="invalid_request_error, authentication_error, ...")
    code: str | None = None
    param: str | None = None


class OpenAIErrorResponse(BaseModel):
    """Errors under /v1 have OpenAI's shape, so its SDKs raise their typed exceptions."""

    error: OpenAIErrorBody
