"""QAService: the one library API behind the CLI, REST, Gradio and Slack.

ask(): validate -> retrieve -> answer (the answerer refuses below its calibrated confidence,
raised when the question names what the corpus never mentions) -> verify citations. Knows
only the Protocols and its parts' interfaces, never a concrete model, store or framework.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.runnables import Runnable

from ingest.indexing import FileReport, Indexer, IngestReport
from qa_service.answering.base import AnswerRequest, Draft
from qa_service.answering.verify import verify_citations
from qa_service.errors import QuestionError
from qa_service.language import detect_language
from qa_service.models import Answer, Document, DocumentInfo, Filters, Language
from qa_service.prompts import PromptLibrary
from qa_service.protocols import Embedder, Store
from qa_service.retrieval.entities import missing_names
from qa_service.retrieval.hybrid import HybridRetriever, Mode, Retrieval

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0, DEL and C1 controls


@dataclass(frozen=True)
class IndexStatus:
    documents: int
    chunks: int
    embedding_model: str
    store: str


def clean_question(question: str, max_chars: int) -> str:
    """Strip control characters and surrounding space; refuse empty or over-long questions."""
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", question)).strip()
    # Only invisible characters (zero-width spaces, direction marks, BOMs) is empty too.
    if not text or all(unicodedata.category(c)[0] in "CZ" for c in text):
        raise QuestionError("the question is empty")
    if len(text) > max_chars:
        raise QuestionError(
            f"the question is too long ({len(text)} characters, at most {max_chars})"
        )
    return text


class QAService:
    def __init__(
        self,
        *,
        store: Store,
        embedder: Embedder,
        retriever: HybridRetriever,
        answerer: Runnable[AnswerRequest, Draft],
        indexer: Indexer,
        prompts: PromptLibrary,
        k: int = 5,
        max_question_chars: int = 2000,
    ) -> None:
        self.store, self.embedder, self.retriever = store, embedder, retriever
        self.answerer, self.indexer, self.prompts = answerer, indexer, prompts
        self.k = k
        self.max_question_chars = max_question_chars
        self._docs: dict[str, Document] = {}
        self._docs_fingerprint: str | None = None

    def warm_up(self) -> None:
        """Load the model and build the keyword index now rather than on the first question."""
        self.embedder.warm_up()
        self.store.check_embedding(self.embedder.model_id, self.embedder.dim)
        self.retriever.bm25()

    # -- asking ------------------------------------------------------------------------

    def retrieve(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        mode: Mode | None = None,
    ) -> tuple[str, Language, Retrieval]:
        text = clean_question(question, self.max_question_chars)
        language = detect_language(text)
        return text, language, self.retriever.retrieve(text, k or self.k, filters, language, mode)

    def ask(self, question: str, k: int | None = None, filters: Filters | None = None) -> Answer:
        t0 = time.perf_counter()
        text, language, retrieval = self.retrieve(question, k, filters)
        t1 = time.perf_counter()
        if retrieval.passages:
            draft = self.answerer.invoke(self.answer_request(text, language, retrieval))
        else:
            draft = Draft(text=self.prompts.render("no_answer", language), answered=False)
        citations, rejected = verify_citations(draft.citations, self._document)
        t2 = time.perf_counter()
        timings = dict(retrieval.timings)
        timings.update(
            retrieve_ms=(t1 - t0) * 1000, answer_ms=(t2 - t1) * 1000, total_ms=(t2 - t0) * 1000
        )
        answered = draft.answered and bool(citations)
        return Answer(
            question=text,
            answer=draft.text if answered else self.prompts.render("no_answer", language),
            language=language,
            mode=draft.mode,
            answered=answered,
            confidence=None if draft.confidence is None else round(draft.confidence, 4),
            citations=citations if answered else (),
            passages=tuple(retrieval.passages),
            timings={key: round(v, 2) for key, v in timings.items()},
        )

    def answer_request(self, text: str, language: Language, retrieval: Retrieval) -> AnswerRequest:
        return AnswerRequest(
            question=text,
            language=language,
            passages=tuple(retrieval.passages),
            query_vector=retrieval.query_vector,
            missing_names=tuple(missing_names(text, language, self.retriever.bm25().vocabulary)),
        )

    def _document(self, doc_id: str) -> Document | None:
        """Documents for citation checks, cached until the store changes (in any process)."""
        if self._docs_fingerprint != self.retriever.fingerprint:
            self._docs.clear()
            self._docs_fingerprint = self.retriever.fingerprint
        doc = self._docs.get(doc_id)
        if doc is None:
            doc = self.store.get_document(doc_id)
            if doc is not None:
                self._docs[doc_id] = doc
        return doc

    # -- the index ---------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: Callable[[FileReport], None] | None = None,
    ) -> IngestReport:
        try:
            return self.indexer.ingest_paths(paths, prune=prune, progress=progress)
        finally:
            self._changed()

    def ingest_bytes(self, name: str, data: bytes) -> FileReport:
        try:
            return self.indexer.ingest_bytes(name, data)
        finally:
            self._changed()

    def delete_document(self, doc_id: str) -> bool:
        try:
            return self.indexer.delete(doc_id)
        finally:
            self._changed()

    def _changed(self) -> None:
        self._docs.clear()
        self.retriever.invalidate()

    def list_documents(self) -> list[DocumentInfo]:
        return self.store.list_documents()

    def get_document(self, doc_id: str) -> Document | None:
        return self.store.get_document(doc_id)

    def status(self) -> IndexStatus:
        docs = self.store.list_documents()
        return IndexStatus(
            documents=len(docs),
            chunks=self.store.count(),
            embedding_model=self.embedder.model_id,
            store=getattr(self.store, "location", type(self.store).__name__),
        )
