"""The HTTP edge without a model: auth, limits, error shapes, routing and the OpenAPI document.

The service here is a stand-in that can only warm up; every request in this file must be
decided before the service would be asked (an `AttributeError` would show it was not).
The answering paths are tested over real HTTP in tests/integration/test_api.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qa_service.api import create_app
from qa_service.errors import EmbeddingMismatchError
from qa_service.settings import Settings

KEY = "unit-key"
ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
OPENAI_ERROR_CONTENT = {
    "application/json": {"schema": {"$ref": "#/components/schemas/OpenAIErrorResponse"}}
}
WRITES = {("post", "/api/v1/documents"), ("delete", "/api/v1/documents/{doc_id}")}


class IdleService:
    """Warms up and knows its question limit; anything else would raise AttributeError."""

    max_question_chars = 100

    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure

    def warm_up(self) -> None:
        if self.failure is not None:
            raise self.failure


def _client(service: Any = None, **settings: Any) -> TestClient:
    values = {"max_question_chars": 100, "max_upload_bytes": 1000, **settings}
    app = create_app(service or IdleService(), Settings(_env_file=None, **values))
    return TestClient(app, raise_server_exceptions=True)


@pytest.fixture()
def client() -> Iterator[TestClient]:
    with _client(api_key=KEY) as c:
        yield c


def _error(response, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text
    return response.json()["error"]


def test_upload_without_or_with_a_wrong_key_is_refused(client: TestClient) -> None:
    files = [("files", ("a.txt", b"Text", "text/plain"))]
    assert _error(client.post("/api/v1/documents", files=files), 401)["code"] == "missing_api_key"
    wrong = {"Authorization": "Bearer nope"}
    response = client.post("/api/v1/documents", files=files, headers=wrong)
    assert _error(response, 403)["code"] == "invalid_api_key"
    assert _error(client.delete("/api/v1/documents/x", headers=wrong), 403)


def test_question_over_the_configured_limit_is_422(client: TestClient) -> None:
    error = _error(client.post("/api/v1/ask", json={"question": "x" * 101}), 422)
    assert error["code"] == "invalid_question" and "100" in error["message"]


def test_validation_errors_use_the_error_shape(client: TestClient) -> None:
    error = _error(client.post("/api/v1/ask", json={"question": 5, "k": 0}), 422)
    assert error["code"] == "invalid_request"
    assert {tuple(d["loc"]) for d in error["details"]} == {("body", "question"), ("body", "k")}


def test_declared_oversize_body_is_413_json_without_reading_it(client: TestClient) -> None:
    headers = {**{"Authorization": f"Bearer {KEY}"}, "content-type": "multipart/form-data"}
    response = client.post("/api/v1/documents", content=b"x" * 200_000, headers=headers)
    assert _error(response, 413)["code"] == "content_too_large"


def test_declared_oversize_chat_completion_is_413_in_openai_shape(client: TestClient) -> None:
    body = b'{"messages": [{"role": "user", "content": "' + b"x" * 3_000_000 + b'"}]}'
    headers = {"content-type": "application/json"}
    response = client.post("/v1/chat/completions", content=body, headers=headers)
    error = _error(response, 413)
    assert response.headers["content-type"] == "application/json"
    assert (error["type"], error["code"]) == ("invalid_request_error", "content_too_large")


def test_wrong_method_is_405_with_every_allowed_method(client: TestClient) -> None:
    response = client.patch("/api/v1/documents/abc")
    assert _error(response, 405)["code"] == "method_not_allowed"
    assert response.headers["allow"] == "GET, DELETE"


def test_unknown_api_path_is_json_404(client: TestClient) -> None:
    assert _error(client.get("/api/v1/unknown/path"), 404)["code"] == "not_found"


def test_failed_warm_up_keeps_liveness_and_refuses_work() -> None:
    failure = EmbeddingMismatchError("index built with model A, configured model B")
    with _client(IdleService(failure)) as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        error = _error(c.get("/readyz"), 503)
        assert error == {"code": "embedding_mismatch", "message": str(failure)}
        assert _error(c.post("/api/v1/ask", json={"question": "Merz?"}), 503)
        assert _error(c.get("/api/v1/documents"), 503)


@pytest.mark.parametrize(
    ("settings", "secured"),
    [
        ({}, set()),
        ({"api_key": KEY}, WRITES),
        (
            {"api_key": KEY, "api_key_read": True},
            WRITES
            | {
                ("post", "/api/v1/ask"),
                ("post", "/api/v1/ask/stream"),
                ("get", "/api/v1/documents"),
                ("get", "/api/v1/documents/{doc_id}"),
                ("get", "/v1/models"),
                ("get", "/v1/models/{model}"),
                ("post", "/v1/chat/completions"),
                ("post", "/api/v1/feedback"),
            },
        ),
    ],
)
def test_openapi_security_follows_the_settings(settings: dict, secured: set) -> None:
    spec = _client(**settings).get("/openapi.json").json()
    found = {
        (method, path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if operation.get("security")
    }
    assert found == secured
    assert set(spec.get("components", {}).get("securitySchemes", {})) == (
        {"ApiKey"} if secured else set()
    )


def test_openapi_errors_are_json_error_responses() -> None:
    spec = _client().get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    assert response["content"] == (
                        OPENAI_ERROR_CONTENT if path.startswith("/v1/") else ERROR_CONTENT
                    )
    question = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert question["maxLength"] == 100
