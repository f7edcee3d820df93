"""Errors at the HTTP edge: every error response is `{"error": {"code", "message"}}`.

The library raises `QAError`s; this module alone decides their status codes, so the routes
stay free of try/except and the CLI, UI and Slack bot can make their own choices.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from qa_service.errors import (
    AnswererBusyError,
    EmbeddingMismatchError,
    IngestError,
    QAError,
    QuestionError,
    StoreUnavailableError,
)

log = logging.getLogger(__name__)

# Most specific first: the first matching class wins.
_STATUS: tuple[tuple[type[QAError], int, str], ...] = (
    (QuestionError, 422, "invalid_question"),
    (IngestError, 422, "ingest_failed"),
    (StoreUnavailableError, 503, "store_unavailable"),
    (EmbeddingMismatchError, 503, "embedding_mismatch"),
    (AnswererBusyError, 503, "answerer_busy"),
)


def classify(exc: QAError) -> tuple[int, str]:
    """Status and code for a library error; unlisted ones mean a backend is not usable (503)."""
    for cls, status, code in _STATUS:
        if isinstance(exc, cls):
            return status, code
    return 503, re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


async def _qa_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QAError)
    status, code = classify(exc)
    log.info("request refused", extra={"path": request.url.path, "code": code})
    retry = getattr(exc, "retry_after", None)  # only AnswererBusyError has one
    headers = {"Retry-After": str(retry)} if retry is not None else None
    return error_response(status, code, str(exc), headers=headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    if isinstance(exc.detail, dict):
        code, message = exc.detail["code"], exc.detail["message"]
    else:
        phrase = HTTPStatus(exc.status_code).phrase
        code = re.sub(r"\W+", "_", phrase.lower()).strip("_")
        message = exc.detail if isinstance(exc.detail, str) else phrase
    return error_response(exc.status_code, code, message, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes on this path; Starlette names only the first route's.

    Asks each route with each method, so routers included by FastAPI count as well.
    """
    allowed = []
    for method in _ALL_METHODS:
        scope = {**request.scope, "method": method}
        for route in request.app.router.routes:
            if isinstance(route, Mount) or getattr(route, "name", None) == _FALLBACK:
                continue
            if route.matches(scope)[0] is Match.FULL:
                allowed.append(method)
                break
    return allowed


_FALLBACK = "api_fallback"
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def install_api_fallback(app: FastAPI, prefix: str) -> None:
    """Unknown paths and methods under `prefix` get JSON 404/405 here.

    Without this they would fall through to the UI mounted at "/", which answers in its
    own format (and never with 405).
    """

    async def api_fallback(request: Request) -> None:
        if allowed_methods(request):
            raise HTTPException(405)
        raise HTTPException(
            404, detail={"code": "not_found", "message": f"no endpoint at {request.url.path}"}
        )

    app.add_api_route(
        prefix + "/{path:path}",
        api_fallback,
        methods=_ALL_METHODS,
        name=_FALLBACK,
        include_in_schema=False,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    summary = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in details[:5])
    return error_response(422, "invalid_request", summary, jsonable_encoder(details))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(QAError, _qa_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


class DeclaredSizeLimit:
    """Answer 413 in the JSON error shape when a Content-Length is over the limit of its path.

    The body is never read. FastAPI's `max_body_size` (set on the routers too) still counts
    bodies sent without a length, but for a declared length it replies in plain text. Each
    limit comes with how its path's errors are shaped (the OpenAI door restates ours).
    """

    def __init__(
        self, app: ASGIApp, limits: Sequence[tuple[str, int, Callable[[JSONResponse], Response]]]
    ) -> None:
        self.app, self.limits = app, tuple(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = next((lim for lim in self.limits if scope["path"].startswith(lim[0])), None)
            length = Headers(scope=scope).get("content-length", "")
            if found is not None and length.isdigit() and int(length) > found[1]:
                message = f"the request body is larger than the limit of {found[1]} bytes"
                response = found[2](error_response(413, "content_too_large", message))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
