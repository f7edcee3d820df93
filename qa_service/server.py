"""The deployed process, assembled in one place: the HTTP APIs and the Gradio chat.

`app.py` (repo root) and `qa serve` both end up here, so the two start the same process.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fastapi import FastAPI

from qa_service.settings import Settings, get_settings

if TYPE_CHECKING:
    from qa_service.service import QAService

log = logging.getLogger(__name__)


def build_server(
    settings: Settings | None = None, service: QAService | None = None, *, ui: bool = True
) -> FastAPI:
    """Every HTTP API (`create_app`: REST, OpenAI-compatible, MCP, Slack, Mattermost) and the
    chat at "/" unless `ui=False`. The service defaults to one wired from `settings` (the
    environment), which reads every sentence vector into memory once it is warm."""
    from qa_service.api.app import create_app
    from qa_service.container import build_service

    settings = settings or get_settings()
    if service is None:
        service = build_service(settings, resident_vectors=True)
    app = create_app(service, settings)

    # Mounted last: a mount at "/" catches every path the routes above do not take.
    if ui:
        import gradio

        from qa_service.ui.gradio import build_ui

        gradio.mount_gradio_app(
            app, build_ui(service, settings, feedback=app.state.feedback), path="/"
        )
    return app


def serve(
    host: str | None = None, port: int | None = None, settings: Settings | None = None
) -> None:
    """Run uvicorn until interrupted; host and port default to QA_HOST and QA_PORT."""
    from qa_service.settings import (
        apply_process_environment,
        let_waiting_threads_sleep,
        switch_threads_often,
    )

    let_waiting_threads_sleep()
    switch_threads_often()
    import uvicorn

    from qa_service.logging import configure_logging, uvicorn_log_config

    apply_process_environment()
    settings = settings or get_settings()
    configure_logging(settings)
    host, port = host or settings.host, port or settings.port
    app = build_server(settings)
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
