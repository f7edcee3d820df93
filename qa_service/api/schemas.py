"""Request and response DTOs of the REST API, kept apart from the domain models.

The domain types (`qa_service.models`) may grow fields; these classes fix what the HTTP
interface promises, and carry the OpenAPI examples (German and English) shown at /docs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from qa_service.models import Filters, check_date_range

# A question needs one visible character: the service strips spaces and control characters,
# and refuses a question of only invisible ones (zero-width, direction marks, BOM).
QUESTION_PATTERN = r"[^\s\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"


class _Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# -- errors ------------------------------------------------------------------------------


class ErrorBody(BaseModel):
    code: str = Field(description="Stable, machine-readable error code.")
    message: str = Field(description="What went wrong, for people.")
    details: list[dict[str, Any]] | None = Field(
        None, description="Per-field problems of a request that failed validation."
    )


class ErrorResponse(BaseModel):
    """Every error the API returns has this shape."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"error": {"code": "invalid_question", "message": "the question is empty"}}
            ]
        }
    )

    error: ErrorBody


_ERROR_DESCRIPTIONS = {
    400: "Malformed request body (e.g. broken multipart data)",
    401: "API key missing",
    403: "Wrong API key",
    404: "No document with this id",
    413: "Request body or file over QA_MAX_UPLOAD_BYTES",
    415: "A file type that cannot be ingested",
    422: "Invalid request",
    429: "Too many questions from this API key or address; see Retry-After",
    503: "Index or model unavailable",
}


def error_responses(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for error codes, all with the `ErrorResponse` body.

    `descriptions` overrides the default text per code, keyed `e<code>` (e.g. e422="...").
    """
    return {
        code: {
            "model": ErrorResponse,
            "description": descriptions.get(f"e{code}", _ERROR_DESCRIPTIONS[code]),
        }
        for code in codes
    }


# -- asking ------------------------------------------------------------------------------


class FiltersRequest(BaseModel):
    date_from: dt.date | None = Field(None, description="Only articles from this day on.")
    date_to: dt.date | None = Field(None, description="Only articles up to this day.")
    sources: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list,
        max_length=100,
        description=(
            "Only these source files, by file name: the last part of a document's `source` "
            "(e.g. `2026-01-15-rentenreform.txt`)."
        ),
    )

    @field_validator("date_from", "date_to", mode="before")
    @classmethod
    def _iso_only(cls, value: object) -> object:
        # Pydantic would read a number as seconds since 1970; the schema promises a date string.
        if value is not None and not isinstance(value, str | dt.date):
            raise ValueError("expected a date as YYYY-MM-DD")
        return value

    @model_validator(mode="after")
    def _check_range(self) -> FiltersRequest:
        check_date_range(self.date_from, self.date_to)  # the domain's rule, as a 422
        return self

    def to_domain(self) -> Filters:
        return Filters(date_from=self.date_from, date_to=self.date_to, sources=tuple(self.sources))


class HistoryTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=4000)


class AskRequest(BaseModel):
    question: str = Field(
        min_length=1,
        pattern=QUESTION_PATTERN,
        description="German or English; at most QA_MAX_QUESTION_CHARS characters.",
    )
    k: int | None = Field(
        None, ge=1, le=50, strict=True, description="How many passages to retrieve."
    )
    filters: FiltersRequest | None = None
    history: list[HistoryTurn] = Field(
        default_factory=list,
        max_length=20,
        description=(
            "Earlier turns of a chat, oldest first. A follow-up question is condensed with "
            "them into a standalone question before retrieval (`condensed_question`)."
        ),
    )


ASK_EXAMPLES: dict[str, dict[str, Any]] = {
    "de": {
        "summary": "Frage auf Deutsch",
        "value": {"question": "Was sagte Brunner zur Rentenreform?"},
    },
    "en": {
        "summary": "Question in English",
        "value": {"question": "Who represented the unions at the talks?", "k": 5},
    },
    "filtered": {
        "summary": "Mit Filtern (date range and sources)",
        "value": {
            "question": "Wer nahm an den Gesprächen zur Rentenreform teil?",
            "filters": {"date_from": "2026-01-01", "date_to": "2026-01-31", "sources": []},
        },
    },
}


class AlsoInResponse(_Response):
    """The same sentence in another article (a dpa text carried by several outlets)."""

    doc_id: str
    title: str
    source: str
    start: int
    end: int
    date: dt.date | None = None
    publisher: str | None = None


class CitationResponse(_Response):
    """A verbatim quote: the document's text[start:end] equals `quote`."""

    n: int = Field(description="The [n] marker in the answer text.")
    doc_id: str
    title: str
    source: str
    start: int = Field(description="Character offset of the quote in the document text.")
    end: int
    quote: str
    date: dt.date | None = None
    publisher: str | None = None
    speaker: str | None = Field(None, description="Who spoke the quote, as the text names them.")
    section_time: dt.datetime | None = Field(
        None,
        description="Time of the live-ticker entry the quote sits in, if any (German time).",
    )
    also_in: list[AlsoInResponse] = Field(
        default_factory=list, description="Other articles that carry the same sentence."
    )

    @field_validator("section_time")
    @classmethod
    def _zoned(cls, value: dt.datetime | None) -> dt.datetime | None:
        """A ticker writes local time ("13.44 Uhr"); an RFC 3339 date-time needs its offset."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=ZoneInfo("Europe/Berlin"))
        return value


class PassageResponse(_Response):
    chunk_id: str
    doc_id: str
    title: str
    source: str
    text: str
    start: int
    end: int
    score: float
    date: dt.date | None = None
    publisher: str | None = None
    rank: int
    via: Literal["dense", "bm25", "hybrid"]


class GenerationResponse(_Response):
    """How a generated answer came about (QA_ANSWERER=local|openai)."""

    model: str
    sentences: int = Field(description="Sentences the model wrote.")
    supported: int = Field(
        description="Of those, resolved to a verified quote; the others were dropped."
    )
    fallback_reason: Literal["model_refused", "unsupported", "llm_error"] | None = Field(
        None, description="Why the extractive answer was returned instead, if it was."
    )
    first_token_ms: float | None = None
    tokens: int = 0
    tokens_per_s: float | None = None


class AnswerResponse(_Response):
    id: str = Field(description="Names this answer for `POST /api/v1/feedback`.")
    question: str = Field(description="The question as answered (cleaned).")
    condensed_question: str | None = Field(
        None,
        description="A follow-up rewritten with the chat history to stand alone; this is "
        "what was retrieved for.",
    )
    answer: str
    language: Literal["de", "en"]
    mode: Literal["extractive", "generated", "extractive_fallback"] = Field(
        description="generated: written by the language model, every sentence resolved to a "
        "verified quote; extractive: quotes selected without a model; extractive_fallback: "
        "the model's answer could not be verified (see generation.fallback_reason)."
    )
    answered: bool = Field(description="False when the articles hold no evidence for an answer.")
    confidence: float | None = Field(
        None,
        description="The learned abstainer's probability that the articles answer the "
        "question; below its threshold for the question's language the service refuses.",
    )
    citations: list[CitationResponse]
    passages: list[PassageResponse]
    generation: GenerationResponse | None = None
    timings: dict[str, float] = Field(description="Milliseconds per stage.")


# An invented article: the examples name no one of any corpus.
_ARTICLE = {
    "doc_id": "2026-01-15-rentenreform-667f536a",
    "title": "Rentenreform: Sozialminister legt Entwurf vor",
    "source": "articles/2026-01-15-rentenreform.txt",
    "date": "2026-01-15",
    "publisher": "Tagesblatt",
}
_PENSIONS = (
    "Sozialminister Elias Brunner hat eine Anhebung der Mindestrente um drei Prozent nach dem "
    "Budgetbeschluss in Aussicht gestellt."
)
_UNIONS = (
    "Für die Gewerkschaften nahmen nach Angaben des Ministeriums die Vorsitzende Leonie Obermayr "
    "(58) und ihr Stellvertreter Hartmut Zettl (61) an den Gesprächen teil."
)

ANSWER_EXAMPLES: dict[str, dict[str, Any]] = {
    "de": {
        "summary": "Antwort mit Beleg (passages gekürzt)",
        "value": {
            "id": "5f0c9a1e2b7d4c3a8e6f1d2c3b4a5968",
            "question": "Was sagte Brunner zur Rentenreform?",
            "answer": f"{_PENSIONS} [1]",
            "language": "de",
            "mode": "extractive",
            "answered": True,
            "confidence": 0.87,
            "citations": [{"n": 1, **_ARTICLE, "start": 412, "end": 538, "quote": _PENSIONS}],
            "passages": [],
            "timings": {"retrieve_ms": 245.3, "answer_ms": 30.2, "total_ms": 275.5},
        },
    },
    "en": {
        "summary": "Answer with citation (passages left out)",
        "value": {
            "id": "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
            "question": "Who represented the unions at the talks?",
            "answer": f"The German articles say: {_UNIONS} [1]",
            "language": "en",
            "mode": "extractive",
            "answered": True,
            "confidence": 0.83,
            "citations": [{"n": 1, **_ARTICLE, "start": 1187, "end": 1349, "quote": _UNIONS}],
            "passages": [],
            "timings": {"retrieve_ms": 26.7, "answer_ms": 25.1, "total_ms": 51.8},
        },
    },
    "no_answer": {
        "summary": "Keine Belege in den Artikeln / no evidence",
        "value": {
            "question": "Wie hoch ist der Eiffelturm?",
            "answer": "Die Artikel enthalten dazu keine Angaben.",
            "language": "de",
            "mode": "extractive",
            "answered": False,
            "confidence": None,
            "citations": [],
            "passages": [],
            "timings": {"retrieve_ms": 119.5, "answer_ms": 0.4, "total_ms": 119.9},
        },
    },
}


class AnswerChunkEvent(BaseModel):
    """`event: answer` — the next piece of the answer text: a sentence already resolved to
    its verified quotes, or the extractive answer."""

    text: str


class ResetEvent(BaseModel):
    """`event: reset` — discard the answer pieces so far; the pieces that follow replace them
    (the model's answer could not be verified and the extractive answer is sent instead)."""

    reason: str


class CitationsEvent(BaseModel):
    """`event: citations` — sent once, after the answer text."""

    citations: list[CitationResponse]


# -- documents ---------------------------------------------------------------------------


class DocumentInfoResponse(_Response):
    id: str
    title: str
    source: str
    content_hash: str
    date: dt.date | None = None
    publisher: str | None = None
    chunks: int = 0


class DocumentListResponse(BaseModel):
    count: int
    documents: list[DocumentInfoResponse]


class SectionResponse(_Response):
    """A live-ticker entry inside the document text."""

    start: int
    end: int
    heading: str
    time: str | None = Field(
        None,
        description="Local time of the entry as printed in the article, ISO 8601 without zone.",
        examples=["2026-01-06T06:11:00"],
    )

    @field_validator("time", mode="before")
    @classmethod
    def _iso(cls, value: object) -> object:
        return value.isoformat() if isinstance(value, dt.datetime) else value


class DocumentResponse(_Response):
    """A document with its text: every citation's offsets point into `text`."""

    id: str
    title: str
    source: str
    content_hash: str
    date: dt.date | None = None
    publisher: str | None = None
    text: str
    sections: list[SectionResponse] = []


class FileOutcome(_Response):
    source: str = Field(description="The uploaded file name.")
    status: Literal["added", "updated", "unchanged", "error"]
    doc_id: str | None = None
    title: str | None = None
    chunks: int = 0
    message: str = ""


class UploadResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "files": [
                        {
                            "source": "bericht.md",
                            "status": "added",
                            "doc_id": "bericht-5f1c2a9e",
                            "title": "Haushalt 2026: Bundestag beschließt Etat",
                            "chunks": 4,
                            "message": "",
                        }
                    ],
                    "summary": {"added": 1, "updated": 0, "unchanged": 0, "error": 0},
                }
            ]
        }
    )

    files: list[FileOutcome]
    summary: dict[str, int]


# -- health ------------------------------------------------------------------------------


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"


class IngestInFlight(_Response):
    """One ingest running now (an upload, or `qa ingest` in this process)."""

    id: int = Field(description="Tells this ingest apart from others across polls.")
    files_done: int = Field(
        description="Files finished so far: added, updated, unchanged or failed."
    )
    files_total: int = Field(description="Files in this ingest.")
    chunks: int = Field(description="Chunks written so far (an unchanged file writes none).")
    sentences: int = Field(description="Sentences (with their vectors) written so far.")
    started_at: dt.datetime = Field(description="When the ingest started (UTC).")
    current_file: str | None = Field(
        description="The file being indexed now, or waiting while another ingest holds the "
        "index; null once the last file is done."
    )


class IngestStatus(BaseModel):
    running: int = Field(description="Ingests running now; 0 when idle.")
    files_done: int = Field(description="Files finished, summed over the running ingests.")
    files_total: int = Field(description="Files to ingest, summed over the running ingests.")
    ingests: list[IngestInFlight] = Field(
        description="Each running ingest, oldest first; one disappears when it has finished "
        "(or failed)."
    )


class ReadyResponse(BaseModel):
    status: Literal["ready"] = "ready"
    documents: int
    chunks: int
    embedding_model: str
    ingest: IngestStatus = Field(
        description="Ingests in flight (uploads, done/total). Readiness stays 200 while they "
        "run: questions are answered meanwhile."
    )
    details: dict[str, Any] | None = Field(
        None,
        description="`chat`: per chat door (slack, mattermost) the replies pending, delivered, "
        "retried and given up (`failed`, with the last failure and its request id).",
    )
