"""QAService: the one library API behind the CLI, REST, Gradio and Slack.

ask(): validate -> retrieve -> answer (the answerer refuses below the learned abstainer's
threshold, or where the question names only what the corpus never mentions) -> verify
citations. Knows only the Protocols and its parts' interfaces, never a concrete model, store
or framework.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa_service.analysis.question import QuestionAnalysis, analyse
from qa_service.answering.base import Answerer, AnswerRequest, Draft, Reset, TextPiece
from qa_service.answering.compose import quotes_text
from qa_service.answering.condense import Condenser
from qa_service.answering.refusal import Refusal, refusal_draft
from qa_service.answering.verify import verify_citations
from qa_service.corpus.snapshot import CorpusSnapshots
from qa_service.errors import QuestionError
from qa_service.foreground import answering
from qa_service.ingest_progress import IngestsInFlight
from qa_service.language import detect_language
from qa_service.models import (
    Answer,
    Citation,
    Document,
    DocumentInfo,
    FileReport,
    Filters,
    IngestReport,
    Language,
    Retrieval,
    SearchMode,
    Turn,
)
from qa_service.prompts import PromptLibrary
from qa_service.protocols import Embedder, Indexer, ReleasableEmbedder, Retriever, Store
from qa_service.retrieval.entities import absent

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0, DEL and C1 controls


def _applied(filters: Filters | None, analysis: QuestionAnalysis) -> Filters | None:
    """The caller's filters with the question's own time range ("gestern") laid over them."""
    time = analysis.time
    if time.date_from is None and time.date_to is None:
        return filters if filters is not None and not filters.is_empty() else None
    base = filters or Filters()
    return base.model_copy(update={"date_from": time.date_from, "date_to": time.date_to})


@dataclass(frozen=True)
class IndexStatus:
    documents: int
    chunks: int
    embedding_model: str
    store: str


@dataclass(frozen=True)
class Citations:
    """The verified citations, once the answer is complete."""

    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Done:
    answer: Answer


StreamEvent = TextPiece | Reset | Citations | Done


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()


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
        retriever: Retriever,
        answerer: Answerer,
        indexer: Indexer,
        prompts: PromptLibrary,
        snapshots: CorpusSnapshots,
        condenser: Condenser | None = None,
        k: int = 5,
        max_question_chars: int = 2000,
        today: Callable[[], dt.date | None] = lambda: None,
    ) -> None:
        self.store, self.embedder, self.retriever = store, embedder, retriever
        self.answerer, self.indexer, self.prompts = answerer, indexer, prompts
        self.snapshots = snapshots
        self.ingests = IngestsInFlight()
        self.condenser = condenser or Condenser(prompts)
        self.k = k
        self.max_question_chars = max_question_chars
        self.today = today

    def reference_day(self) -> dt.date:
        """The day relative dates ("gestern", "am Montag") are read against: QA_TODAY if set,
        else the newest article's date (news is asked about as of its own days, not as of
        the wall clock, which may be years later), else the real today."""
        return self.today() or self.snapshots.current().newest_date or dt.date.today()

    def warm_up(self) -> None:
        """Load the model and build the corpus snapshot now rather than on the first question."""
        self.embedder.warm_up()
        self.store.check_embedding(self.embedder.model_id, self.embedder.dim)
        self.snapshots.keep_warm()
        self.answerer.warm_up()

    # -- asking ------------------------------------------------------------------------

    def retrieve(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        mode: SearchMode | None = None,
    ) -> tuple[str, Language, Retrieval]:
        text = clean_question(question, self.max_question_chars)
        language = detect_language(text)
        with answering():
            return (
                text,
                language,
                self.retriever.retrieve(text, k or self.k, filters, language, mode),
            )

    def ask(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        history: Sequence[Turn] = (),
    ) -> Answer:
        for event in self.stream(question, k, filters, history):
            if isinstance(event, Done):
                return event.answer
        raise AssertionError("stream() always ends with Done")

    def stream(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        history: Sequence[Turn] = (),
    ) -> Iterator[StreamEvent]:
        """Answer pieces as they become certain, a Reset if a fallback replaces them, then the
        verified citations and Done with the whole Answer (which is what counts)."""
        with answering():  # the server's background work waits meanwhile
            yield from self._stream(question, k, filters, history)

    def _stream(
        self,
        question: str,
        k: int | None,
        filters: Filters | None,
        history: Sequence[Turn],
    ) -> Iterator[StreamEvent]:
        t0 = time.perf_counter()
        text = clean_question(question, self.max_question_chars)
        language = detect_language(text)
        condensed = self.condenser.condense(text, history, language) if history else None
        asked = condensed or text
        analysis = analyse(asked, language, self.reference_day())
        retrieval = self.retriever.retrieve(asked, k or self.k, filters, language)
        t1 = time.perf_counter()
        first_piece: float | None = None
        if retrieval.passages:
            request = self.answer_request(asked, language, analysis, retrieval, filters)
            draft = None
            for event in self.answerer.events(request):
                if isinstance(event, Draft):
                    draft = event
                    continue
                if first_piece is None and isinstance(event, TextPiece):
                    first_piece = time.perf_counter()
                yield event
            assert draft is not None
        else:
            reason = "no_passages" if self.store.count() else "empty_index"
            draft = refusal_draft(Refusal(reason), self.prompts, language)
            yield TextPiece(draft.text)
        # Against the store as it is now, not the snapshot: a document another process
        # replaced since retrieval must not be quoted from its old text.
        documents: dict[str, Document] = {}

        def get_document(doc_id: str) -> Document | None:
            if doc_id not in documents and (doc := self.store.get_document(doc_id)) is not None:
                documents[doc_id] = doc
            return documents.get(doc_id)

        citations, rejected = verify_citations(draft.citations, get_document)
        if rejected and draft.answered:
            if citations:
                # The draft's text quotes what did not verify: rebuild it from what did.
                shown, citations = quotes_text(citations, documents, self.prompts, language)
                mode = "extractive" if draft.mode == "extractive" else "extractive_fallback"
                draft = draft.model_copy(
                    update={"text": shown, "citations": citations, "mode": mode}
                )
            else:
                draft = refusal_draft(
                    Refusal("unverified", draft.confidence), self.prompts, language
                )
            yield Reset()
            yield TextPiece(draft.text)
        t2 = time.perf_counter()
        timings = dict(retrieval.timings)
        timings.update(
            retrieve_ms=(t1 - t0) * 1000, answer_ms=(t2 - t1) * 1000, total_ms=(t2 - t0) * 1000
        )
        if first_piece is not None:
            timings["first_text_ms"] = (first_piece - t0) * 1000
        answered = draft.answered
        answer = Answer(
            question=text,
            condensed_question=condensed,
            answer=draft.text,
            language=language,
            mode=draft.mode,
            answered=answered,
            confidence=None if draft.confidence is None else round(draft.confidence, 4),
            citations=citations if answered else (),
            passages=tuple(retrieval.passages),
            generation=draft.generation,
            refusal_reason=None if answered else draft.refusal_reason,
            filters_applied=_applied(filters, analysis),
            timings={key: round(v, 2) for key, v in timings.items()},
        )
        yield Citations(answer.citations)
        yield Done(answer)

    async def astream(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        history: Sequence[Turn] = (),
    ) -> AsyncIterator[StreamEvent]:
        """stream() on a worker thread: the model and the embedder block, the event loop
        must not. Errors (a bad question, a busy model) surface here, in the caller."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        def produce() -> None:
            try:
                for event in self.stream(question, k, filters, history):
                    loop.call_soon_threadsafe(queue.put_nowait, event)
            except BaseException as exc:  # handed to the consumer, re-raised there
                loop.call_soon_threadsafe(queue.put_nowait, _Failed(exc))
            loop.call_soon_threadsafe(queue.put_nowait, _END)

        # Not awaited: a client that goes away leaves the answer to finish on its thread.
        loop.run_in_executor(None, produce)
        while (event := await queue.get()) is not _END:
            if isinstance(event, _Failed):
                raise event.error
            yield event

    @staticmethod
    def answer_request(
        text: str,
        language: Language,
        analysis: QuestionAnalysis,
        retrieval: Retrieval,
        filters: Filters | None = None,
    ) -> AnswerRequest:
        """Built from the retrieval alone: the snapshot it searched is the one answered from."""
        snapshot = retrieval.snapshot
        missing = absent(text, language, snapshot.vocabulary)
        return AnswerRequest(
            question=text,
            language=language,
            passages=tuple(retrieval.passages),
            analysis=analysis,
            filters=filters,
            snapshot=snapshot,
            query_vector=retrieval.query_vector,
            missing_names=tuple(missing.names),
            missing_nouns=tuple(missing.nouns),
        )

    # -- the index ---------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: Callable[[FileReport], None] | None = None,
        release_encoder: bool = False,
    ) -> IngestReport:
        """Index `paths`, then rebuild the corpus snapshot. `release_encoder` frees the
        encoder's memory before that rebuild, for a process that encodes nothing more (`qa
        ingest`): the snapshot of a thousand articles is then built in the memory the encoder
        held instead of on top of it."""
        from ingest.indexing import iter_files  # the files listed first: the record's total

        files = list(iter_files(paths))
        try:
            with self.ingests.track([str(f) for f in files]) as record:

                def finished(file: FileReport) -> None:
                    record(file)
                    if progress:
                        progress(file)

                return self.indexer.ingest_paths(files, prune=prune, progress=finished)
        finally:
            if release_encoder and isinstance(self.embedder, ReleasableEmbedder):
                self.embedder.release()
            self._changed()

    def ingest_bytes(self, name: str, data: bytes) -> FileReport:
        return self.ingest_uploads([(name, data)])[0]

    def ingest_uploads(self, uploads: Sequence[tuple[str, bytes]]) -> list[FileReport]:
        """Uploaded files (name, bytes) one after another, as one ingest in `self.ingests`;
        the snapshot is rebuilt once, after the last."""
        reports = []
        try:
            with self.ingests.track([name for name, _ in uploads]) as record:
                for name, data in uploads:
                    reports.append(self.indexer.ingest_bytes(name, data))
                    record(reports[-1])
        finally:
            self._changed()
        return reports

    def delete_document(self, doc_id: str) -> bool:
        return self.delete_documents([doc_id]) == 1

    def delete_documents(self, doc_ids: Iterable[str]) -> int:
        """Delete documents by id; how many there were. The snapshot is rebuilt once, after
        the last."""
        try:
            return sum(self.indexer.delete(doc_id) for doc_id in doc_ids)
        finally:
            self._changed()

    def _changed(self) -> None:
        self.snapshots.changed()

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
