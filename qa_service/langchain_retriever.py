"""QARetriever: our hybrid retrieval (dense + BM25, with filters) as a LangChain retriever.

For LangChain users who want our passages in their own chain. Each passage becomes a
`Document` whose metadata says exactly where it sits: `get_document(doc_id).text[start:end]`
is its `page_content`, so a chain can still cite verbatim.
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from qa_service.models import Filters, Passage
from qa_service.service import QAService


def passage_document(passage: Passage) -> Document:
    return Document(
        id=passage.chunk_id,
        page_content=passage.text,
        metadata={
            "doc_id": passage.doc_id,
            "chunk_id": passage.chunk_id,
            "title": passage.title,
            "source": passage.source,
            "start": passage.start,
            "end": passage.end,
            "score": passage.score,
            "date": passage.date.isoformat() if passage.date else None,
            "publisher": passage.publisher,
            "rank": passage.rank,
        },
    )


class QARetriever(BaseRetriever):
    """`QARetriever(service=..., k=5, filters=Filters(...))`; `invoke(query, k=3)` and
    `invoke(query, filters=...)` override either per call."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    service: QAService
    k: int = Field(5, ge=1, le=50)
    filters: Filters | None = None

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> list[Document]:
        k = k or self.k
        _, _, retrieval = self.service.retrieve(query, k=k, filters=filters or self.filters)
        return [passage_document(p) for p in retrieval.passages[:k]]
