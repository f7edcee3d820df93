"""The service as an MCP server: tools `ask`, `search` and `get_document` for agent clients.

Built on the official SDK's MCPServer (FastMCP in mcp 1.x). `qa mcp` serves it over stdio
(Claude Desktop, IDE agents); the web server mounts it at /mcp over streamable HTTP,
stateless, so any number of app processes can answer. Every tool result has a text block
for the model to read and structured content (the same fields as the REST API) for code.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Annotated

from fastapi import FastAPI
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from qa_service.api.schemas import (
    CitationResponse,
    DocumentResponse,
    FiltersRequest,
    PassageResponse,
)
from qa_service.errors import QAError
from qa_service.models import Filters
from qa_service.plain_answer import answer_with_sources
from qa_service.service import QAService
from qa_service.settings import Settings

MCP_PATH = "/mcp"
_READ_ONLY = ToolAnnotations(readOnlyHint=True, openWorldHint=False)


class AskResult(BaseModel):
    answer: str = Field(description="The answer with [n] markers pointing into `citations`.")
    answered: bool = Field(description="False when the articles hold no evidence.")
    refusal_reason: str | None = None
    answer_id: str
    language: str
    mode: str
    citations: list[CitationResponse] = Field(
        description="Verbatim quotes: the document's text[start:end] equals `quote`."
    )


class SearchResult(BaseModel):
    question: str = Field(description="The query as searched (cleaned).")
    passages: list[PassageResponse]


def _filters(
    date_from: dt.date | None, date_to: dt.date | None, sources: list[str] | None
) -> Filters | None:
    try:
        filters = FiltersRequest(date_from=date_from, date_to=date_to, sources=sources or [])
    except ValidationError as exc:
        raise ToolError(f"invalid filters: {exc.errors()[0]['msg']}") from exc
    domain = filters.to_domain()
    return None if domain.is_empty() else domain


K = Annotated[int | None, Field(ge=1, le=50, description="How many passages to retrieve.")]
DateFrom = Annotated[dt.date | None, Field(description="Only articles from this day on.")]
DateTo = Annotated[dt.date | None, Field(description="Only articles up to this day.")]
Sources = Annotated[
    list[str] | None,
    Field(description="Only these source files, by file name (e.g. 2026-01-15-rentenreform.txt)."),
]


def build_mcp_server(service: QAService) -> MCPServer:
    """The three tools over `service`; they run on worker threads (the model blocks)."""
    server = MCPServer(
        "qa-service",
        instructions=(
            "Questions about German news articles (ask in German or English). `ask` answers "
            "with verbatim citations; `search` returns passages; `get_document` the full text "
            "every citation's start/end offsets point into."
        ),
    )

    @server.tool(annotations=_READ_ONLY)
    def ask(
        question: Annotated[str, Field(description="German or English.")],
        k: K = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        sources: Sources = None,
    ) -> Annotated[CallToolResult, AskResult]:
        """Answer a question from the articles, citing verbatim quotes ([n] markers)."""
        try:
            answer = service.ask(question, k=k, filters=_filters(date_from, date_to, sources))
        except QAError as exc:
            raise ToolError(str(exc)) from exc
        result = AskResult(
            answer=answer.answer,
            answered=answer.answered,
            refusal_reason=answer.refusal_reason,
            answer_id=answer.id,
            language=answer.language,
            mode=answer.mode,
            citations=[CitationResponse.model_validate(c) for c in answer.citations],
        )
        return CallToolResult(
            content=[TextContent(type="text", text=answer_with_sources(answer))],
            structured_content=result.model_dump(mode="json"),
        )

    @server.tool(annotations=_READ_ONLY)
    def search(
        query: Annotated[str, Field(description="German or English.")],
        k: K = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        sources: Sources = None,
    ) -> SearchResult:
        """Passages of the articles for a query (hybrid dense + keyword retrieval), with their
        document offsets: get_document(doc_id).text[start:end] is the passage text."""
        try:
            text, _, retrieval = service.retrieve(
                query, k=k, filters=_filters(date_from, date_to, sources)
            )
        except QAError as exc:
            raise ToolError(str(exc)) from exc
        passages = [PassageResponse.model_validate(p) for p in retrieval.passages]
        return SearchResult(question=text, passages=passages)

    @server.tool(annotations=_READ_ONLY)
    def get_document(
        doc_id: Annotated[str, Field(description="A doc_id from a citation or a passage.")],
    ) -> DocumentResponse:
        """The full text and metadata of one article."""
        try:
            doc = service.get_document(doc_id)
        except QAError as exc:
            raise ToolError(str(exc)) from exc
        if doc is None:
            raise ToolError(f"no document with id {doc_id!r}")
        return DocumentResponse.model_validate(doc)

    return server


def mount_mcp(
    app: FastAPI, service: QAService, settings: Settings
) -> Callable[[], AbstractAsyncContextManager[None]]:
    """Serve the tools at /mcp on `app`; returns what the app's lifespan must run."""
    server = build_mcp_server(service)
    http_app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, host=settings.host
    )
    app.router.routes.append(Route(MCP_PATH, endpoint=_RequireReadKey(http_app, settings)))
    return server.session_manager.run


class _RequireReadKey:
    """The REST API's rule for reading: the key is needed only with QA_API_KEY_READ=true."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        key = settings.api_key if settings.api_key_read else None
        self.expected = None if key is None else f"Bearer {key.get_secret_value()}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.expected is not None:
            sent = dict(scope["headers"]).get(b"authorization", b"")
            if not secrets.compare_digest(sent, self.expected):
                message = "send 'Authorization: Bearer <key>' with the right key"
                body = {"error": {"code": "invalid_api_key", "message": message}}
                response = JSONResponse(body, 401, headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
