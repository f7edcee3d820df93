"""The REST API: a FastAPI app over one QAService (routers under /api/v1, health at the root)."""

from qa_service.api.app import create_app

__all__ = ["create_app"]
