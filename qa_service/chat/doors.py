"""Mounts the chat doors on the server: feedback (REST), Slack, Mattermost.

Kept out of `create_app` so the app factory stays a list of routers; each door that is
configured gets its own `Outbox`, and `app.state.outboxes` is what `/readyz` reports.
"""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI

from qa_service.chat.display import Clock
from qa_service.service import QAService
from qa_service.settings import Settings


def include_chat_doors(
    app: FastAPI,
    service: QAService,
    settings: Settings,
    *,
    prefix: str,
    clock: Clock = dt.date.today,
) -> None:
    from qa_service.api.routes import feedback as feedback_routes
    from qa_service.container import build_feedback_store, build_outbox
    from qa_service.mattermost.routes import mattermost_router
    from qa_service.slack.bot import slack_router

    store = build_feedback_store(settings)
    app.state.feedback = store
    app.state.outboxes = {}
    app.include_router(feedback_routes.router, prefix=prefix)

    slack_outbox = build_outbox(settings, "slack")
    router = slack_router(service, settings, outbox=slack_outbox, feedback=store, clock=clock)
    if router is not None:  # None when Slack is not configured
        app.state.outboxes["slack"] = slack_outbox
        app.include_router(router)

    mm_outbox = build_outbox(settings, "mattermost")
    router = mattermost_router(service, settings, outbox=mm_outbox, feedback=store, clock=clock)
    if router is not None:
        app.state.outboxes["mattermost"] = mm_outbox
        app.include_router(router)
