"""Typed seams between the stages: ingest -> store -> retrieve -> answer -> interfaces.

All models are frozen: a value handed from one stage to the next cannot be changed behind
the back of the stage that made it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:  # a type only: the snapshot is built from these models, not they from it
    from qa_service.corpus.snapshot import CorpusSnapshot

Vector = list[float]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Section(_Frozen):
    """A live-ticker entry ("6. Januar, 6.11 Uhr: ...") inside a document."""

    start: int
    end: int
    heading: str
    time: dt.datetime | None = None


class Document(_Frozen):
    """One cleaned article. `text` is what every offset in the system points into."""

    id: str
    title: str
    text: str
    source: str
    content_hash: str
    date: dt.date | None = None
    publisher: str | None = None
    sections: tuple[Section, ...] = ()
    breaks: tuple[int, ...] = ()
    """Offsets in `text` where cleaning cut content out (a caption, a teaser marker). No chunk
    spans one, so every chunk is also verbatim in the source file (whitespace aside)."""

    def info(self, chunks: int = 0) -> DocumentInfo:
        return DocumentInfo(
            id=self.id,
            title=self.title,
            date=self.date,
            publisher=self.publisher,
            source=self.source,
            content_hash=self.content_hash,
            chunks=chunks,
        )


class DocumentInfo(_Frozen):
    """A document without its text, as listed by `qa documents`."""

    id: str
    title: str
    source: str
    content_hash: str
    date: dt.date | None = None
    publisher: str | None = None
    chunks: int = 0
    index_key: str = ""


def chunk_id(doc_id: str, start: int, text: str) -> str:
    """Deterministic id, so re-ingesting the same text writes the same ids (idempotent)."""
    return hashlib.sha256(f"{doc_id}\x00{start}\x00{text}".encode()).hexdigest()[:32]


class Chunk(_Frozen):
    """A span of a document: `document.text[start:end] == text` always holds."""

    id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int
    title: str
    source: str
    date: dt.date | None = None
    publisher: str | None = None
    section: str | None = None
    section_time: dt.datetime | None = None


class StoredSentence(_Frozen):
    """A sentence of a document with its passage-side vector, embedded once at ingest:
    `document.text[start:end] == text`. Answerers read these instead of embedding. `tokens`:
    its tokens' vectors from the same pass, packed by the projection `tokens_id` names
    (`embedders/token_vectors.py`); None from an embedder without them."""

    doc_id: str
    start: int
    end: int
    text: str
    vector: Vector
    tokens: bytes | None = None
    tokens_id: str = ""


class Passage(_Frozen):
    """A retrieved chunk with its score; the fields a citation needs are flat on purpose."""

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
    rank: int = 0
    via: Literal["dense", "bm25", "hybrid"] = "dense"

    @classmethod
    def from_chunk(cls, chunk: Chunk, score: float, via: str = "dense", rank: int = 0) -> Passage:
        return cls(
            chunk_id=chunk.id,
            doc_id=chunk.doc_id,
            title=chunk.title,
            source=chunk.source,
            text=chunk.text,
            start=chunk.start,
            end=chunk.end,
            score=score,
            date=chunk.date,
            publisher=chunk.publisher,
            rank=rank,
            via=via,
        )


class AlsoIn(_Frozen):
    """The same sentence carried by another article (dpa text in several outlets)."""

    doc_id: str
    title: str
    source: str
    start: int
    end: int
    date: dt.date | None = None
    publisher: str | None = None


class Citation(_Frozen):
    """A verbatim quote: `document.text[start:end] == quote`, checked before it is returned.

    `speaker` is who the text says spoke the quote (as the text names them), `section_time`
    the ticker entry's time where the quote sits in one, `also_in` the other articles that
    carry the same sentence."""

    n: int
    doc_id: str
    title: str
    source: str
    start: int
    end: int
    quote: str
    date: dt.date | None = None
    publisher: str | None = None
    speaker: str | None = None
    section_time: dt.datetime | None = None
    also_in: tuple[AlsoIn, ...] = ()


def cite(passage: Passage, n: int, start: int, end: int) -> Citation:
    """Citation [n] for document offsets start:end inside a retrieved passage; the quote is
    cut from the passage's own text, so it can only be what the document says there."""
    return Citation(
        n=n,
        doc_id=passage.doc_id,
        title=passage.title,
        source=passage.source,
        date=passage.date,
        publisher=passage.publisher,
        start=start,
        end=end,
        quote=passage.text[start - passage.start : end - passage.start],
    )


def source_name(source: str) -> str:
    """The file name part of a source (a path or an upload's name): what filters compare."""
    return PurePath(source.replace("\\", "/")).name


class Filters(_Frozen):
    """Which documents may answer. The one rule (`matches`) every store and index applies:
    dated inside the range (an undated document fails any date bound) and, with `sources`,
    a source whose file name is one of them (`source_name`; full paths are reduced too)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sources: tuple[str, ...] = ()

    @field_validator("sources")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(source_name(s) for s in value))

    @model_validator(mode="after")
    def _range(self) -> Filters:
        check_date_range(self.date_from, self.date_to)
        return self

    def is_empty(self) -> bool:
        return self.date_from is None and self.date_to is None and not self.sources

    def matches(self, date: dt.date | None, source: str) -> bool:
        if self.date_from and (date is None or date < self.date_from):
            return False
        if self.date_to and (date is None or date > self.date_to):
            return False
        return not self.sources or source_name(source) in self.sources


def check_date_range(date_from: dt.date | None, date_to: dt.date | None) -> None:
    """The range rule, for Filters and for interfaces that check input before building one."""
    if date_from and date_to and date_from > date_to:
        raise ValueError("date_from must not be after date_to")


Language = Literal["de", "en"]
Mode = Literal["extractive", "generated", "extractive_fallback"]


class Turn(_Frozen):
    """One earlier message of a chat, for condensing a follow-up question."""

    role: Literal["user", "assistant"]
    content: str


class Generation(_Frozen):
    """How a generated answer came about: what the model wrote and how much of it survived."""

    model: str
    sentences: int = 0  # sentences the model wrote
    supported: int = 0  # of those, resolved to a verified quote (the rest were dropped)
    fallback_reason: Literal["model_refused", "unsupported", "llm_error"] | None = None
    first_token_ms: float | None = None
    tokens: int = 0
    tokens_per_s: float | None = None


# Why an answer was declined; what each means: qa_service/answering/refusal.py.
RefusalReason = Literal[
    "absent_name",
    "speaker_not_quoted",
    "not_close_enough",
    "outside_time_range",
    "empty_index",
    "no_passages",
    "unverified",
]


def new_answer_id() -> str:
    return uuid.uuid4().hex


class Answer(_Frozen):
    """What every interface shows: the answer, the quotes it rests on, and what was retrieved.

    `id` names this answer for feedback; `refusal_reason` says why `answered` is false;
    `filters_applied` are the filters actually used (the caller's plus those read from the
    question, e.g. "gestern")."""

    id: str = Field(default_factory=new_answer_id)
    question: str
    answer: str
    language: Language
    condensed_question: str | None = None  # a follow-up rewritten to stand alone; retrieved
    mode: Mode = "extractive"
    answered: bool = True
    confidence: float | None = None
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    generation: Generation | None = None
    refusal_reason: RefusalReason | None = None
    filters_applied: Filters | None = None
    timings: dict[str, float] = Field(default_factory=dict)


@dataclass(frozen=True)
class DocumentWrite:
    """One document as a store takes it: its chunks with their vectors, its sentences, and
    the index key that says how it was indexed. A dataclass, not a model: the vectors are
    the encoder's own lists and are not checked again."""

    doc: Document
    chunks: Sequence[Chunk]
    vectors: Sequence[Vector]
    index_key: str = ""
    sentences: Sequence[StoredSentence] = ()


def check_writes(writes: Sequence[DocumentWrite]) -> None:
    """What every store refuses before it writes anything of `writes`."""
    for w in writes:
        if len(w.chunks) != len(w.vectors):
            raise ValueError("one vector per chunk")
        if any(st.doc_id != w.doc.id for st in w.sentences):
            raise ValueError("sentences of another document")
    if len({w.doc.id for w in writes}) != len(writes):
        raise ValueError("one write per document")


IngestStatus = Literal["added", "updated", "unchanged", "error", "pruned"]


@dataclass(frozen=True)
class FileReport:
    source: str
    status: IngestStatus
    doc_id: str | None = None
    title: str | None = None
    chunks: int = 0
    message: str = ""
    seconds: float = 0.0
    sentences: int = 0


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: IngestStatus) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def chunks_written(self) -> int:
        return sum(f.chunks for f in self.files if f.status in ("added", "updated"))

    @property
    def sentences_written(self) -> int:
        return sum(f.sentences for f in self.files if f.status in ("added", "updated"))

    def summary(self) -> dict[str, int]:
        keys: tuple[IngestStatus, ...] = ("added", "updated", "unchanged", "error", "pruned")
        return {k: self.count(k) for k in keys}


SearchMode = Literal["hybrid", "dense", "bm25"]


@dataclass
class Retrieval:
    """What retrieval found, and the corpus snapshot it searched: the answer request is
    built from this alone."""

    passages: list[Passage]
    snapshot: CorpusSnapshot
    timings: dict[str, float] = field(default_factory=dict)
    query_vector: tuple[float, ...] | None = None
