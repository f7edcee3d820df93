"""The OpenAPI document, corrected to say what this app with these settings really does.

FastAPI's generated spec is close but not exact: it documents validation errors in its
own `{"detail": [...]}` shape (ours is `ErrorResponse`), puts error bodies of the
streaming route under `text/event-stream`, and cannot know the settings: which operations
need the API key, and how long a question may be. Clients and schemathesis read the spec,
so it must be exact.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from qa_service.settings import Settings

WRITE_SCHEME = "ApiKey"
READ_SCHEME = "ReadApiKey"
_ERROR_REF = "#/components/schemas/ErrorResponse"
_FASTAPI_ERROR_REFS = {
    "#/components/schemas/HTTPValidationError",
    "#/components/schemas/ValidationError",
}


def install_openapi(app: FastAPI, settings: Settings) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _correct(generate(), settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _correct(schema: dict[str, Any], settings: Settings) -> dict[str, Any]:
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                if not status.startswith("2"):
                    _json_errors(response)
            _scope_security(operation, settings)
    components = schema.get("components", {})
    question = components.get("schemas", {}).get("AskRequest", {}).get("properties", {})
    if "question" in question:
        question["question"]["maxLength"] = settings.max_question_chars
    for name in ("HTTPValidationError", "ValidationError"):
        components.get("schemas", {}).pop(name, None)
    schemes = components.get("securitySchemes", {})
    schemes.pop(READ_SCHEME, None)
    if settings.api_key is None:
        schemes.pop(WRITE_SCHEME, None)
    if not schemes:
        components.pop("securitySchemes", None)
    return schema


def _json_errors(response: dict[str, Any]) -> None:
    """Error bodies are always JSON `ErrorResponse`, whatever the route's success type."""
    content = response.get("content")
    if not content:
        return
    schema = next((c.get("schema") for c in content.values() if c.get("schema")), None)
    if schema is None or schema.get("$ref") in _FASTAPI_ERROR_REFS:
        schema = {"$ref": _ERROR_REF}
    response["content"] = {"application/json": {"schema": schema}}


def _scope_security(operation: dict[str, Any], settings: Settings) -> None:
    """Reads need the key only with QA_API_KEY_READ=true; nothing needs it without a key."""
    requirements = []
    for requirement in operation.get("security", []):
        kept = {}
        for name, scopes in requirement.items():
            if name == READ_SCHEME and not settings.api_key_read:
                continue
            if settings.api_key is not None:
                kept[WRITE_SCHEME if name == READ_SCHEME else name] = scopes
        if kept and kept not in requirements:
            requirements.append(kept)
    if requirements:
        operation["security"] = requirements
    else:
        operation.pop("security", None)
