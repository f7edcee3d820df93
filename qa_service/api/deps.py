"""Typed dependencies: the service, the settings and the API-key checks.

`create_app` puts the service and settings on `app.state`; routes get them from here, so
tests can swap either with `app.dependency_overrides`.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from qa_service.api.openapi import READ_SCHEME, WRITE_SCHEME
from qa_service.service import QAService
from qa_service.settings import Settings


def get_service(request: Request) -> QAService:
    return request.app.state.service


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def require_ready(request: Request) -> None:
    """Refuse work while the index could not be opened at start-up (e.g. model mismatch)."""
    problem = request.app.state.startup_error
    if problem is not None:
        raise HTTPException(503, detail={"code": problem[0], "message": problem[1]})


ServiceDep = Annotated[QAService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

# Two schemes for one key, so the OpenAPI document can tell write from read operations
# (see qa_service.api.openapi, which keeps only what the settings require).
_write_bearer = HTTPBearer(
    scheme_name=WRITE_SCHEME,
    auto_error=False,
    description="QA_API_KEY: needed for uploads and deletions (and for reading with "
    "QA_API_KEY_READ=true).",
)
_read_bearer = HTTPBearer(scheme_name=READ_SCHEME, auto_error=False)
WriteBearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_write_bearer)]
ReadBearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_read_bearer)]


def _check_key(settings: Settings, credentials: HTTPAuthorizationCredentials | None) -> None:
    if settings.api_key is None:
        return
    if credentials is None:
        raise HTTPException(
            401,
            detail={"code": "missing_api_key", "message": "send 'Authorization: Bearer <key>'"},
            headers={"WWW-Authenticate": "Bearer"},
        )
    expected = settings.api_key.get_secret_value().encode()
    if not secrets.compare_digest(credentials.credentials.encode(), expected):
        raise HTTPException(403, detail={"code": "invalid_api_key", "message": "wrong API key"})


def require_write_key(settings: SettingsDep, credentials: WriteBearer) -> None:
    """Uploads and deletions change the index: they need the key whenever one is set."""
    _check_key(settings, credentials)


def require_read_key(settings: SettingsDep, credentials: ReadBearer) -> None:
    """Reading is open unless QA_API_KEY_READ=true extends the key to it."""
    if settings.api_key_read:
        _check_key(settings, credentials)
