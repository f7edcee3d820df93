"""configure_logging(): called once by entry points, never at import time.

Every record goes through one stderr handler: JSON Lines by default (`QA_LOG_FORMAT=json`;
`text` for people at a terminal), with the request id of the HTTP request it belongs to and
every secret of the settings blanked out. uvicorn's loggers are routed to the same handler
(`uvicorn_log_config`), so a server writes nothing but these lines.

What is logged about a request is decided in `qa_service.api.request_log`: method, path,
status and duration, never headers, keys or question text (questions are the users' words and
may name people; the request id ties a complaint to its line without them).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.config
import sys
from collections.abc import Iterable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from pydantic import SecretBytes, SecretStr

if TYPE_CHECKING:
    from qa_service.settings import Settings

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the HTTP request being served; set by the API's middleware, copied into threads."""

REDACTED = "[redacted]"

# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}
_DROPPED = {"color_message"}  # uvicorn's ANSI-coloured copy of the message
# Capped at WARNING whatever the level: chatty, and slack_bolt logs the whole body of a
# request with a bad signature (a user's message, or anything a stranger sends) at INFO.
_NOISY = (
    "chromadb",
    "httpx",
    "httpcore",
    "sentence_transformers",
    "transformers",
    "slack_bolt",
    "slack_sdk",
)
# Silenced but for crashes: on every page it cannot read, trafilatura logs WARNING and ERROR
# lines that name no file, while ingest.article logs the outcome with the file's name.
_SILENT = ("trafilatura", "htmldate", "courlan", "justext")


def secret_values(settings: Settings) -> list[str]:
    """The value of every secret field, found by type: a new SecretStr field is covered too."""
    values = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            values.append(value.get_secret_value())
        elif isinstance(value, SecretBytes):
            values.append(value.get_secret_value().decode(errors="replace"))
    return [v for v in values if v]


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None) on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class RedactSecrets(logging.Filter):
    """Replaces secret values in a record's message, arguments, extras and traceback.

    The message is formatted here (and `args` cleared), so a secret passed as an argument is
    caught as well as one inside the format string. Longest values first, so a secret that
    contains another is blanked whole.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def _leaks(self, text: str) -> bool:
        return any(secret in text for secret in self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format call: the handler reports it as usual
            return True
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key in _STANDARD or value is None or isinstance(value, bool | int | float):
                continue
            if isinstance(value, str):
                setattr(record, key, self.redact(value))
            elif self._leaks(text := json.dumps(value, default=str, ensure_ascii=False)):
                setattr(record, key, self.redact(text))
        return True


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        k: v
        for k, v in vars(record).items()
        if k not in _STANDARD and k not in _DROPPED and not k.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id when there is
    one, the record's extra fields, and the traceback as `exception`."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid is not None:
            out["request_id"] = rid
        for key, value in _extras(record).items():
            out.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exception"] = record.exc_text
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger [request id]: message key=value ...` for reading at a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(rid)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", None)
        record.rid = f" [{rid}]" if rid else ""
        try:
            line = super().format(record)
        finally:
            del record.rid
        extras = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        return f"{line} {extras}" if extras else line


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's `log_config`: its loggers hand their records to ours (the root handler),
    and its access log is off (`qa_service.api.request_log` writes one line per request)."""
    routed = {"handlers": [], "propagate": True, "level": "NOTSET"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {
            "uvicorn": routed,
            "uvicorn.error": routed,
            "uvicorn.asgi": routed,
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }


def configure_logging(settings: Settings | None = None, default_level: str = "INFO") -> None:
    """Install the stderr handler on the root logger at `QA_LOG_LEVEL` (else `default_level`)
    in `QA_LOG_FORMAT`.

    Idempotent: a second call replaces the handler it installed and leaves others alone.
    """
    if settings is None:
        from qa_service.settings import get_settings

        settings = get_settings()
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactSecrets(secret_values(settings)))
    handler._qa_service = True  # type: ignore[attr-defined]

    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_qa_service", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    level = logging.getLevelName(settings.log_level or default_level.upper())
    root.setLevel(level)
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    for silent in _SILENT:
        logging.getLogger(silent).setLevel(logging.CRITICAL)
    logging.captureWarnings(True)
    logging.config.dictConfig(uvicorn_log_config())
