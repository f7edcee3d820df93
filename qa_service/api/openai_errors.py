"""Errors under /v1 in OpenAI's shape: `{"error": {"message", "type", "code", "param"}}`.

The app's own handlers (qa_service.api.errors) decide what went wrong; this adapter only
restates their answer for OpenAI clients, whose SDKs pick the exception by status: a wrong key
is 401 there (403 in our REST API) and an invalid request 400 (422 in ours).
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from qa_service.errors import QAError

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}
_KEPT_HEADERS = ("retry-after", "www-authenticate", "allow")


def openai_error(response: Response) -> JSONResponse:
    """Our `{"error": {"code", "message"}}` response, restated in OpenAI's shape and status."""
    error = json.loads(bytes(response.body))["error"]
    status = response.status_code
    if status == 422:
        status = 400
    elif status == 403 and error["code"] == "invalid_api_key":
        status = 401
    body = {
        "message": error["message"],
        "type": _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error"),
        "code": error["code"],
        "param": None,
    }
    headers = {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def install_openai_errors(app: FastAPI, prefix: str) -> None:
    """Wrap the installed handlers: requests under `prefix` get their errors OpenAI-shaped."""
    for exc_class in (HTTPException, RequestValidationError, QAError):
        base = app.exception_handlers[exc_class]

        async def handler(request: Request, exc: Exception, base=base) -> Response:
            response = await base(request, exc)
            if request.url.path.startswith(prefix + "/"):
                return openai_error(response)
            return response

        app.add_exception_handler(exc_class, handler)
