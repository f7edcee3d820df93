"""Request ids and the access log: one middleware around the whole app.

Each HTTP request gets an id: the caller's `X-Request-ID` when it is sane (at most 128
characters of letters, digits and `._:-`), else a fresh one. It is put in the `request_id`
context variable, so every log record written while the request is served carries it (worker
threads get a copy of the context), and returned as the `X-Request-ID` response header.

When the response is done, one line on `qa_service.access`: method, path (no query string),
status, duration_ms and the request id. Headers, keys and request bodies (questions) are
never logged.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa_service.logging import request_id

log = logging.getLogger("qa_service.access")

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def choose_request_id(incoming: str | None) -> str:
    """The caller's id if it is safe to echo and to log, else a new random one."""
    if incoming is not None and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = choose_request_id(Headers(scope=scope).get(HEADER))
        token = request_id.set(rid)
        status = 500  # what the client gets if the app fails before it answers
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", rid.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration_ms = round((time.perf_counter() - start) * 1000, 1)
            method, path = scope["method"], scope["path"]
            log.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )
            request_id.reset(token)
