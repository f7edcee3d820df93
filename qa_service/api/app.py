"""create_app(): every HTTP API of the service as one FastAPI app: REST, health checks, the
OpenAI-compatible chat API, MCP, feedback and the Slack and Mattermost endpoints.

The service comes in ready-built (see `qa_service.container`); this module only wires HTTP
around it. The whole process (this plus the Gradio chat) is assembled by
`qa_service.server.build_server`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from qa_service.api.errors import (
    DeclaredSizeLimit,
    classify,
    install_api_fallback,
    install_error_handlers,
)
from qa_service.api.openai_errors import openai_error
from qa_service.api.openapi import install_openapi
from qa_service.api.ratelimit import RateLimiter
from qa_service.api.request_log import RequestLog
from qa_service.api.routes import ask, documents, health
from qa_service.api.routes.openai_chat import PREFIX as OPENAI_PREFIX
from qa_service.api.routes.openai_chat import install_openai_api
from qa_service.errors import QAError
from qa_service.service import QAService
from qa_service.settings import Settings

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
# Multipart framing around the files themselves; the per-file limit is checked exactly.
_UPLOAD_OVERHEAD = 64 * 1024


def _as_is(response: JSONResponse) -> JSONResponse:
    """Errors under /api/v1 keep the app's own shape."""
    return response


def _ask_max_body(settings: Settings) -> int:
    """Room for any schema-valid question: history and filters take at most ~1.4 MB even
    with every character JSON-escaped (12 bytes), the question its limit times 12."""
    return 2 * 1024 * 1024 + 12 * settings.max_question_chars


_TAGS = [
    {"name": "ask", "description": "Fragen stellen / ask questions (German or English)."},
    {"name": "documents", "description": "Die Artikel im Index / the indexed articles."},
    {"name": "health", "description": "Liveness and readiness probes."},
]

_DESCRIPTION = """\
Question answering over German news articles. Every answer cites its sources with quotes
that are checked to be verbatim: `document.text[start:end] == quote`
(open the document with `GET /api/v1/documents/{doc_id}`).

Errors are JSON: `{"error": {"code": "...", "message": "..."}}`.
"""


def _version() -> str:
    try:
        return version("qa-service")
    except PackageNotFoundError:
        return "0"


def create_app(service: QAService, settings: Settings) -> FastAPI:
    """The HTTP APIs over `service`; the Gradio chat is mounted on it by `build_server`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load the model before the first request, on a worker thread so the loop stays free.
        try:
            await run_in_threadpool(service.warm_up)
        except QAError as exc:
            # Start anyway: /healthz answers and /readyz says why nothing else will.
            app.state.startup_error = (classify(exc)[1], str(exc))
            log.error("warm-up failed; serving 503", extra={"error": str(exc)})
        async with mcp_running():  # the MCP endpoint's session manager
            yield

    app = FastAPI(
        title="qa-service",
        summary="Fragen an deutsche Nachrichtenartikel, mit wörtlichen Belegen.",
        description=_DESCRIPTION,
        version=_version(),
        openapi_tags=_TAGS,
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.settings = settings
    app.state.startup_error = None
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
    install_error_handlers(app)
    install_openapi(app, settings)

    upload_limit = settings.max_upload_bytes + _UPLOAD_OVERHEAD
    ask_limit = _ask_max_body(settings)

    app.add_middleware(
        DeclaredSizeLimit,
        limits=[
            (API_PREFIX + "/documents", upload_limit, _as_is),
            (API_PREFIX + "/ask", ask_limit, _as_is),
            (OPENAI_PREFIX + "/", ask_limit, openai_error),  # the OpenAI door's asks
        ],
    )
    # Added last, so outermost: refused and failed requests get an id and a log line too.
    app.add_middleware(RequestLog)
    app.include_router(health.router)
    app.include_router(ask.router, prefix=API_PREFIX, max_body_size=ask_limit)
    app.include_router(documents.router, prefix=API_PREFIX, max_body_size=upload_limit)

    # Imported here: the chat doors and MCP are heavy, and most tests need neither.
    from qa_service.chat.doors import include_chat_doors
    from qa_service.mcp_server import mount_mcp

    include_chat_doors(app, service, settings, prefix=API_PREFIX)  # feedback, Slack, Mattermost
    install_api_fallback(app, API_PREFIX)  # after every route under the prefix
    install_openai_api(app, max_body_size=ask_limit)
    mcp_running = mount_mcp(app, service, settings)
    return app
