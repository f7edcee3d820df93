"""/healthz: the process answers. /readyz: the model is warm and the index can be read, and
which ingests are in flight (an upload runs on a worker thread; this answers beside it)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from qa_service.api.deps import ServiceDep, require_ready
from qa_service.api.schemas import (
    HealthResponse,
    IngestInFlight,
    IngestStatus,
    ReadyResponse,
    error_responses,
)

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthResponse, summary="Liveness")
async def healthz() -> HealthResponse:
    """Answered on the event loop, so it stays up even when every worker thread is busy."""
    return HealthResponse()


@router.get(
    "/readyz",
    response_model=ReadyResponse,
    summary="Readiness: model loaded, index readable",
    dependencies=[Depends(require_ready)],
    responses=error_responses(503, e503="Not ready (the message says why)"),
)
def readyz(service: ServiceDep, request: Request) -> ReadyResponse:
    # status() reads the store, so an unreachable Chroma server shows up here as a 503.
    status = service.status()
    outboxes = getattr(request.app.state, "outboxes", None) or {}
    running = [IngestInFlight.model_validate(p) for p in service.ingests.running()]
    return ReadyResponse(
        documents=status.documents,
        chunks=status.chunks,
        embedding_model=status.embedding_model,
        ingest=IngestStatus(
            running=len(running),
            files_done=sum(p.files_done for p in running),
            files_total=sum(p.files_total for p in running),
            ingests=running,
        ),
        details={"chat": {n: o.status() for n, o in outboxes.items()}} if outboxes else None,
    )
