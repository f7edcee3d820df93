"""Entry points for the deployed server: build the app from settings, or build and run it.

`app.py` (repo root) and `qa serve` both end up here, so the two start the same process.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from qa_service.settings import Settings, get_settings

log = logging.getLogger(__name__)


def build_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app over a service wired from `settings` (default: the environment)."""
    from qa_service.api.app import create_app
    from qa_service.container import build_service

    settings = settings or get_settings()
    return create_app(build_service(settings), settings)


def serve(
    host: str | None = None, port: int | None = None, settings: Settings | None = None
) -> None:
    """Run uvicorn until interrupted; host and port default to QA_HOST and QA_PORT."""
    import uvicorn

    from qa_service.logging import configure_logging, uvicorn_log_config

    settings = settings or get_settings()
    configure_logging(settings)
    host, port = host or settings.host, port or settings.port
    app = build_app(settings)
    # uvicorn logs "Uvicorn running on http://host:port" once the model is warm; its records
    # go through our handler, and its access log gives way to qa_service.api.request_log.
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
        log_config=uvicorn_log_config(),
        access_log=False,
    )
