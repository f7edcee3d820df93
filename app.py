"""The deployed process: REST API at /api/v1, chat UI at /, Slack at /slack/events.

    python app.py                      # QA_HOST / QA_PORT
    uvicorn --factory app:create       # any uvicorn options

Importing this module does nothing; the work happens in `qa_service.server`.
"""

from __future__ import annotations

from fastapi import FastAPI


def create() -> FastAPI:
    """Factory for `uvicorn --factory app:create`: settings from the environment.

    Logging is configured here too, replacing uvicorn's own (and its access log).
    """
    from qa_service.logging import configure_logging
    from qa_service.server import build_server
    from qa_service.settings import (
        apply_process_environment,
        let_waiting_threads_sleep,
        switch_threads_often,
    )

    apply_process_environment()
    let_waiting_threads_sleep()
    switch_threads_often()
    configure_logging()
    return build_server()


def main(host: str | None = None, port: int | None = None) -> None:
    from qa_service.server import serve

    serve(host=host, port=port)


if __name__ == "__main__":
    main()
