"""JSON log lines, request ids and the secret filter (qa_service/logging.py), without a server."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from qa_service.api.request_log import choose_request_id
from qa_service.logging import REDACTED, configure_logging, request_id, secret_values
from qa_service.settings import Settings

SECRETS = {
    "api_key": "key-Ab3dEf9h",
    "slack_signing_secret": "sig-5ecret-77",
    "slack_bot_token": "xoxb-123-456-abc",
    "mattermost_bot_token": "mm-bot-1-A1-zz9",
}


class FutureSettings(Settings):
    """Settings with a secret field added later (say, an LLM key): it must be covered too."""

    llm_api_key: SecretStr | None = None


@pytest.fixture
def settings() -> FutureSettings:
    return FutureSettings(_env_file=None, llm_api_key="sk-llm-0000zz", **SECRETS)


@pytest.fixture
def lines(settings, capsys) -> Iterator[callable]:
    """Configure logging as the server does; yields a function returning the lines so far."""
    root = logging.getLogger()
    level = root.level
    configure_logging(settings)

    def read() -> list[dict]:
        return [json.loads(line) for line in capsys.readouterr().err.splitlines()]

    yield read
    for handler in [h for h in root.handlers if getattr(h, "_qa_service", False)]:
        root.removeHandler(handler)
    root.setLevel(level)


def test_secret_values_finds_every_secret_field(settings):
    assert sorted(secret_values(settings)) == sorted([*SECRETS.values(), "sk-llm-0000zz"])


def test_one_json_object_per_line_with_extras_and_request_id(lines):
    log = logging.getLogger("qa_service.test")
    log.info("plain %s", "message", extra={"doc_id": "d1", "chunks": 3})
    token = request_id.set("req-42")
    try:
        log.warning("inside a request")
    finally:
        request_id.reset(token)
    first, second = lines()
    assert first["message"] == "plain message" and first["level"] == "INFO"
    assert first["logger"] == "qa_service.test" and first["time"].endswith("+00:00")
    assert first["doc_id"] == "d1" and first["chunks"] == 3
    assert "request_id" not in first
    assert second["request_id"] == "req-42"


def test_secrets_are_blanked_everywhere(lines, settings):
    log = logging.getLogger("qa_service.test")
    every = secret_values(settings)
    log.error("key in the format string: " + every[0])
    log.error("key as an argument: %s and %r", every[1], every[2])
    log.error("key in an extra", extra={"token": every[3], "nested": {"key": every[4]}})
    try:
        raise RuntimeError(f"failed with {every[0]}")
    except RuntimeError:
        log.exception("key in a traceback")
    out = lines()
    text = json.dumps(out)
    assert len(out) == 4
    for secret in every:
        assert secret not in text
    assert REDACTED in out[0]["message"] and out[1]["message"].count(REDACTED) == 2
    assert out[2]["token"] == REDACTED and REDACTED in out[2]["nested"]
    assert "RuntimeError" in out[3]["exception"] and REDACTED in out[3]["exception"]


def test_uvicorn_goes_through_the_same_handler_and_its_access_log_is_off(lines):
    logging.getLogger("uvicorn.error").info("Uvicorn running on %s", "http://127.0.0.1:1")
    logging.getLogger("uvicorn.access").info("127.0.0.1 - GET / 200")
    [line] = lines()
    assert line["logger"] == "uvicorn.error" and line["message"].startswith("Uvicorn running")


def test_log_level_from_the_environment_any_case(monkeypatch):
    assert Settings(_env_file=None).log_level is None  # the entry point's default applies
    monkeypatch.setenv("QA_LOG_LEVEL", "debug")
    assert Settings(_env_file=None).log_level == "DEBUG"


def test_level_default_and_override(settings):
    root = logging.getLogger()
    level = root.level
    try:
        configure_logging(settings, default_level="WARNING")
        assert root.level == logging.WARNING
        configure_logging(settings.model_copy(update={"log_level": "DEBUG"}), "WARNING")
        assert root.level == logging.DEBUG
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_qa_service", False)]:
            root.removeHandler(handler)
        root.setLevel(level)


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("abc-123", True),
        ("f47ac10b-58cc-4372-a567-0e02b2c3d479", True),
        ("trace:1.2_3", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("", False),
        ("evil\nline", False),
        ("<script>", False),
        ("x y", False),
        (None, False),
    ],
)
def test_incoming_request_ids_are_kept_only_when_sane(incoming, kept):
    chosen = choose_request_id(incoming)
    assert (chosen == incoming) is kept
    assert 1 <= len(chosen) <= 128
