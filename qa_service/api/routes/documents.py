"""/documents: upload articles, list them, open one in full (to read a citation in context), delete.

Uploads are checked completely (type, size) before the first file is ingested, so a
refused request changes nothing. Ingest is idempotent: the same bytes again are "unchanged".
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Path, UploadFile

from ingest.loading import SUPPORTED_SUFFIXES
from qa_service.api.deps import (
    ServiceDep,
    SettingsDep,
    require_read_key,
    require_ready,
    require_write_key,
)
from qa_service.api.schemas import (
    DocumentInfoResponse,
    DocumentListResponse,
    DocumentResponse,
    FileOutcome,
    UploadResponse,
    error_responses,
)

MAX_FILES = 20

router = APIRouter(
    prefix="/documents",
    tags=["documents"],
    dependencies=[Depends(require_ready)],
    responses=error_responses(401, 403, 422, 503),
)

DocId = Annotated[str, Path(min_length=1, max_length=200, description="A document id.")]


def _not_found(doc_id: str) -> HTTPException:
    return HTTPException(
        404, detail={"code": "document_not_found", "message": f"no document with id {doc_id!r}"}
    )


def _read_upload(upload: UploadFile, max_bytes: int) -> tuple[str, bytes]:
    name = PurePath((upload.filename or "").replace("\\", "/")).name
    if not name:
        raise HTTPException(
            422, detail={"code": "missing_file_name", "message": "every file needs a file name"}
        )
    if PurePath(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise HTTPException(
            415,
            detail={
                "code": "unsupported_file_type",
                "message": f"{name}: unsupported file type (supported: {allowed})",
            },
        )
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise HTTPException(
            413,
            detail={
                "code": "file_too_large",
                "message": f"{name}: larger than the upload limit of {max_bytes} bytes",
            },
        )
    return name, data


@router.post(
    "",
    response_model=UploadResponse,
    summary="Upload and index articles (.txt, .md, .html)",
    dependencies=[Depends(require_write_key)],
    responses=error_responses(
        400, 413, 415, 422, e422="No file given, or none of the files could be read"
    ),
)
def upload_documents(
    files: Annotated[
        list[UploadFile],
        File(min_length=1, description=f"1 to {MAX_FILES} files, field name `files`."),
    ],
    service: ServiceDep,
    settings: SettingsDep,
) -> UploadResponse:
    """Index each file; the outcome is reported per file (added, updated, unchanged, error).
    The request returns when every file is indexed; meanwhile `/readyz` shows its progress."""
    if len(files) > MAX_FILES:
        raise HTTPException(
            422,
            detail={"code": "too_many_files", "message": f"at most {MAX_FILES} files per upload"},
        )
    payloads = [_read_upload(upload, settings.max_upload_bytes) for upload in files]
    reports = service.ingest_uploads(payloads)
    if all(r.status == "error" for r in reports):
        raise HTTPException(
            422,
            detail={"code": "ingest_failed", "message": "; ".join(r.message for r in reports)},
        )
    outcomes = [FileOutcome.model_validate(r, from_attributes=True) for r in reports]
    summary = {s: sum(o.status == s for o in outcomes) for s in ("added", "updated", "unchanged")}
    summary["error"] = sum(o.status == "error" for o in outcomes)
    return UploadResponse(files=outcomes, summary=summary)


@router.get(
    "",
    response_model=DocumentListResponse,
    summary="List the indexed documents",
    dependencies=[Depends(require_read_key)],
)
def list_documents(service: ServiceDep) -> DocumentListResponse:
    infos = sorted(service.list_documents(), key=lambda d: (d.source, d.id))
    documents = [DocumentInfoResponse.model_validate(d, from_attributes=True) for d in infos]
    return DocumentListResponse(count=len(documents), documents=documents)


@router.get(
    "/{doc_id}",
    response_model=DocumentResponse,
    summary="One document with its full text",
    dependencies=[Depends(require_read_key)],
    responses=error_responses(404),
)
def get_document(doc_id: DocId, service: ServiceDep) -> DocumentResponse:
    """Text and metadata; a citation's `start`/`end` index into `text`."""
    doc = service.get_document(doc_id)
    if doc is None:
        raise _not_found(doc_id)
    return DocumentResponse.model_validate(doc, from_attributes=True)


@router.delete(
    "/{doc_id}",
    status_code=204,
    summary="Remove a document and its chunks from the index",
    dependencies=[Depends(require_write_key)],
    responses=error_responses(404),
)
def delete_document(doc_id: DocId, service: ServiceDep) -> None:
    if not service.delete_document(doc_id):
        raise _not_found(doc_id)
