"""The seams: a second store, embedder or answerer is a new class, not an `if`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from qa_service.models import (
    Chunk,
    Document,
    DocumentInfo,
    DocumentWrite,
    FileReport,
    Filters,
    IngestReport,
    Language,
    Passage,
    Retrieval,
    SearchMode,
    StoredSentence,
    Vector,
)

if TYPE_CHECKING:
    from qa_service.embedders.token_vectors import TokenProjection


@runtime_checkable
class Embedder(Protocol):
    """Turns text into vectors. Queries and passages differ (e5 prefixes), so two methods."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def warm_up(self) -> None:
        """Load the model; idempotent, and called by the embed methods if nobody did."""

    def embed_documents(self, texts: Sequence[str]) -> list[Vector]: ...

    def embed_query(self, text: str) -> Vector: ...


@runtime_checkable
class ReleasableEmbedder(Embedder, Protocol):
    """An embedder whose loaded model can be freed when a process is done encoding (a one-shot
    ingest before it builds the corpus snapshot); the next embed call loads it again."""

    def release(self) -> None: ...


@runtime_checkable
class SpanEmbedder(Embedder, Protocol):
    """An embedder that also returns vectors of spans of its texts from the same encoder
    pass (late chunking): each span's vector is the mean of its tokens' outputs, so a
    document's sentences cost no second pass over their text."""

    def embed_documents_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[list[Vector], list[list[Vector]]]: ...


@runtime_checkable
class TokenSpanEmbedder(SpanEmbedder, Protocol):
    """A span embedder that also hands out each span's token vectors from the same pass,
    packed by a `TokenProjection` (`embedders/token_vectors.py`), stored with the sentence
    for the question-to-sentence alignment."""

    def embed_documents_with_span_tokens(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        projection: TokenProjection,
    ) -> tuple[list[Vector], list[list[Vector]], list[list[bytes]]]: ...


# A page of stored sentence vectors: each sentence's (doc_id, start, end), and its vector
# (a row of an array where the store hands one out, so a bulk read copies nothing more).
SentenceVectorPage = tuple[list[tuple[str, int, int]], Sequence[Vector]]


@runtime_checkable
class Store(Protocol):
    """Documents with their chunks and sentences, each with its vector.

    `write_documents` (and `write_document`, for one) is the only way in; it stores chunks
    and sentences first and the document records last, so a document record marks a
    completely written document.
    """

    def check_embedding(self, model_id: str, dim: int) -> None:
        """Record the model on first use; raise EmbeddingMismatchError on a different one."""

    def write_document(
        self,
        doc: Document,
        chunks: Sequence[Chunk],
        vectors: Sequence[Vector],
        index_key: str = "",
        sentences: Sequence[StoredSentence] = (),
    ) -> None:
        """Replace whatever the store holds for `doc.id`; `index_key` says how it was indexed."""

    def write_documents(self, writes: Sequence[DocumentWrite]) -> None:
        """`write_document` for several documents in one round: a store's call costs about
        as much as a document's rows (Chroma: 144 GNAD articles 7.7 s one by one, 3.2 s
        eight at a time), so an ingest writes a few together and a crash loses at most
        those."""

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document, its chunks and its sentences; False if it was not there."""

    def get_sentences(self, doc_ids: Sequence[str]) -> list[StoredSentence]:
        """The stored sentences of these documents, by document in the order given, then by
        offset; a document stored without sentences (indexed before they existed) has none."""

    def sentence_vectors(self, page: int = 5000) -> Iterator[SentenceVectorPage]:
        """Every stored sentence's key and vector, `page` at a time, in no particular order:
        one bulk read for a reader that keeps them all in memory."""

    def get_document(self, doc_id: str) -> Document | None: ...

    def list_documents(self) -> list[DocumentInfo]: ...

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """Chunks in the order of `ids`; missing ids are skipped."""

    def all_chunks(self) -> list[Chunk]: ...

    def count(self) -> int:
        """Number of chunks."""

    def fingerprint(self) -> str:
        """Changes whenever the set of documents changes; lets readers rebuild derived indexes."""

    def search(self, vector: Vector, top_k: int, filters: Filters | None = None) -> list[Passage]:
        """Nearest chunks by cosine similarity, best first."""


class Retriever(Protocol):
    """Finds passages for a question in the current corpus snapshot."""

    def retrieve(
        self,
        question: str,
        k: int,
        filters: Filters | None = None,
        language: Language | None = None,
        mode: SearchMode | None = None,
    ) -> Retrieval: ...


class Indexer(Protocol):
    """The one way documents get into the store (and out of it)."""

    def ingest_paths(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: Callable[[FileReport], None] | None = None,
    ) -> IngestReport: ...

    def ingest_bytes(self, name: str, data: bytes) -> FileReport: ...

    def delete(self, doc_id: str) -> bool: ...
