"""Indexer: files -> documents -> chunks and sentences -> vectors -> store, idempotent and
incremental.

Every sentence of a document is embedded here, in the same encoder call as its chunks, so
answering a question embeds only the question. A file is re-indexed only when its bytes, the
chunking settings, the embedding model or the index layout (`INDEX_VERSION`) changed (the
`index_key`); one file failing never stops the batch. Writes hold the lock the container
hands in (a file lock per data directory, or the store's lease when several processes share
a Chroma server), so two ingests, or an ingest and a prune, serialise instead of interleaving.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from ingest.chunking import CHUNKER_VERSION, chunk_document
from ingest.loading import SUPPORTED_SUFFIXES, extractor_version, load_bytes, load_document
from qa_service.embedders.token_vectors import shipped_projection
from qa_service.errors import IngestError
from qa_service.models import (
    Document,
    DocumentWrite,
    FileReport,
    IngestReport,
    IngestStatus,
    StoredSentence,
    Vector,
)
from qa_service.protocols import Embedder, SpanEmbedder, Store, TokenSpanEmbedder
from qa_service.sentences import split_sentences

log = logging.getLogger(__name__)

# Part of every index key. 2: sentence units stored with each document, so re-ingesting an
# index written before them re-indexes every document (and fills its sentences). 3: sentence
# vectors read from their chunk's encoder pass (late chunking), no longer encoded alone.
# 4: the publisher read only where the text credits an outlet (ingest/metadata.py).
# 5: the date read from a credit line or the text's head, never from its running text; a
# collection's running number ("_1026_") no title.
# 6: each sentence's word vectors stored with it (the answer's alignment feature).
INDEX_VERSION = 6

# Documents written together (Store.write_documents): a Chroma round trip costs about as much
# as an article's rows. Eight, or fewer when their encoding took half a second: on 144 GNAD
# articles `qa ingest --json` then printed a line at least every 1.6 s (2.4 s with a second),
# and a crash loses at most the documents of one write.
WRITE_DOCUMENTS = 8
WRITE_SECONDS = 0.5


def embed_chunks_and_sentences(
    embedder: Embedder,
    text: str,
    chunks: Sequence[tuple[int, int]],
    sentences: Sequence[tuple[int, int]],
    late: bool = True,
) -> tuple[list[Vector], list[Vector], list[bytes | None]]:
    """Vectors of a document's chunks and of its sentences, and each sentence's packed token
    vectors (None from an embedder without them). A SpanEmbedder reads each sentence's vector
    from the pass over the chunk that holds it (late chunking), so the text goes through the
    encoder once; a sentence no chunk holds whole, and every sentence of another embedder,
    is embedded on its own in the same batch."""
    if not chunks and not sentences:
        return [], [], []
    home: list[int | None] = [
        next((i for i, (a, z) in enumerate(chunks) if a <= s and e <= z), None)
        for s, e in sentences
    ]
    late = late and isinstance(embedder, SpanEmbedder)
    if not late:
        home = [None] * len(sentences)
    alone = [k for k, h in enumerate(home) if h is None]
    chunk_texts = [text[a:z] for a, z in chunks]
    extra = [text[slice(*sentences[k])] for k in alone]
    out: list[Vector | None] = [None] * len(sentences)
    tokens: list[bytes | None] = [None] * len(sentences)
    if late:
        local: list[list[tuple[int, int]]] = [[] for _ in chunks]
        members: list[list[int]] = [[] for _ in chunks]
        for k, h in enumerate(home):
            if h is not None:
                a = chunks[h][0]
                local[h].append((sentences[k][0] - a, sentences[k][1] - a))
                members[h].append(k)
        if isinstance(embedder, TokenSpanEmbedder):
            # a sentence embedded alone is its own span, for its tokens
            vectors, span_vectors, span_tokens = embedder.embed_documents_with_span_tokens(
                chunk_texts + extra,
                local + [[(0, len(t))] for t in extra],
                shipped_projection(),
            )
            for ks, packed in zip(members + [[k] for k in alone], span_tokens, strict=True):
                for k, t in zip(ks, packed, strict=True):
                    tokens[k] = t
        else:
            assert isinstance(embedder, SpanEmbedder)
            vectors, span_vectors = embedder.embed_documents_with_spans(
                chunk_texts + extra, local + [[] for _ in extra]
            )
        for h, ks in enumerate(members):
            for k, v in zip(ks, span_vectors[h], strict=True):
                out[k] = v
    else:
        vectors = embedder.embed_documents(chunk_texts + extra)  # one batched pass
    for k, v in zip(alone, vectors[len(chunks) :], strict=True):
        out[k] = v
    return vectors[: len(chunks)], [v for v in out if v is not None], tokens


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to ingest: given files as they are, folders recursively (supported types only),
    each file once (a folder and a file in it, or one file named twice, are one document:
    its id is its resolved path's)."""
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        children: Iterable[Path] = [path]
        if path.is_dir():
            children = (
                child
                for child in sorted(path.rglob("*"))
                if child.is_file()
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
                and child.suffix.lower() in SUPPORTED_SUFFIXES
            )
        for child in children:
            if (key := child.resolve()) not in seen:
                seen.add(key)
                yield child


class Indexer:
    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        *,
        target_chars: int,
        max_chars: int,
        overlap_sentences: int,
        late_chunking: bool = True,
        lock: AbstractContextManager | None = None,
    ) -> None:
        """Chunking has no defaults here: Settings holds the one set (the container passes it)."""
        self.store, self.embedder = store, embedder
        self.late_chunking = late_chunking
        self.chunking = {
            "target_chars": target_chars,
            "max_chars": max_chars,
            "overlap_sentences": overlap_sentences,
        }
        self._lock = lock if lock is not None else nullcontext()

    def _locked(self) -> AbstractContextManager:
        return self._lock

    def index_key(self, doc: Document) -> str:
        spec = {
            "hash": doc.content_hash,
            "index": INDEX_VERSION,
            "chunker": CHUNKER_VERSION,
            "chunking": self.chunking,
            "model": self.embedder.model_id,
            "sentence_vectors": "late" if self.late_chunking else "alone",
        }
        if self.late_chunking and isinstance(self.embedder, TokenSpanEmbedder):
            # a new projection re-reads the word vectors of every document
            spec["words"] = shipped_projection().id
        if (extractor := extractor_version(doc.source)) is not None:
            spec["extractor"] = extractor  # only here: other files keep the keys they had
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:24]

    def ingest_paths(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: Callable[[FileReport], None] | None = None,
    ) -> IngestReport:
        """Index `paths`. Documents are written a few at a time (`WRITE_DOCUMENTS`, or what
        `WRITE_SECONDS` of encoding gave): their files are reported, in order, once written,
        so a crash loses at most the documents of the write in flight."""
        t0 = time.perf_counter()
        report = IngestReport()
        files = list(iter_files(paths))
        pending: list[tuple[FileReport, DocumentWrite | None]] = []

        def flush() -> None:
            writes = [w for _, w in pending if w is not None]
            if writes:
                self.store.write_documents(writes)
            for file_report, _ in pending:
                report.files.append(file_report)
                if progress:
                    progress(file_report)
            pending.clear()

        with self._locked():
            self.store.check_embedding(self.embedder.model_id, self.embedder.dim)
            known = {d.id: d for d in self.store.list_documents()}
            since = time.perf_counter()
            for path in files:
                if not pending:
                    since = time.perf_counter()
                source = str(path.resolve())
                pending.append(self._prepare(source, lambda p=path: load_document(p), known))
                if len(pending) >= WRITE_DOCUMENTS or time.perf_counter() - since >= WRITE_SECONDS:
                    flush()
            flush()
            if prune:
                for file_report in self._prune():
                    report.files.append(file_report)
                    if progress:
                        progress(file_report)
        report.seconds = time.perf_counter() - t0
        return report

    def ingest_bytes(self, name: str, data: bytes) -> FileReport:
        """Ingest an upload; its source is its (sanitised) file name."""
        safe = Path(name.replace("\\", "/")).name
        with self._locked():
            self.store.check_embedding(self.embedder.model_id, self.embedder.dim)
            known = {d.id: d for d in self.store.list_documents()}
            file_report, write = self._prepare(safe, lambda: load_bytes(data, safe), known)
            if write is not None:
                self.store.write_documents([write])
            return file_report

    def delete(self, doc_id: str) -> bool:
        with self._locked():
            return self.store.delete_document(doc_id)

    def _prepare(
        self, source: str, load: Callable[[], Document], known: dict
    ) -> tuple[FileReport, DocumentWrite | None]:
        """A file's report, and what to write for it (None: failed or unchanged)."""
        t0 = time.perf_counter()
        try:
            doc = load()
        except IngestError as exc:
            log.warning("ingest failed", extra={"source": source, "error": str(exc)})
            return FileReport(source, "error", message=str(exc)), None
        except OSError as exc:
            message = f"{source}: cannot read file ({exc.strerror or exc})"
            return FileReport(source, "error", message=message), None
        key = self.index_key(doc)
        old = known.get(doc.id)
        if old is not None and old.index_key == key:
            return FileReport(source, "unchanged", doc.id, doc.title, old.chunks), None
        chunks = chunk_document(doc, **self.chunking)
        spans = split_sentences(doc.text)
        chunk_vectors, sentence_vectors, tokens = embed_chunks_and_sentences(
            self.embedder, doc.text, [(c.start, c.end) for c in chunks], spans, self.late_chunking
        )
        tokens_id = shipped_projection().id
        sentences = [
            StoredSentence(
                doc_id=doc.id,
                start=s,
                end=e,
                text=doc.text[s:e],
                vector=v,
                tokens=t,
                tokens_id=tokens_id if t is not None else "",
            )
            for (s, e), v, t in zip(spans, sentence_vectors, tokens, strict=True)
        ]
        status: IngestStatus = "updated" if old is not None else "added"
        file_report = FileReport(
            source,
            status,
            doc.id,
            doc.title,
            len(chunks),
            seconds=time.perf_counter() - t0,
            sentences=len(sentences),
        )
        return file_report, DocumentWrite(doc, chunks, chunk_vectors, key, sentences)

    def _prune(self) -> list[FileReport]:
        """Remove documents whose files are gone, and chunks no document record owns."""
        out = []
        documents = self.store.list_documents()
        for info in documents:
            path = Path(info.source)
            if path.is_absolute() and not path.exists():
                self.store.delete_document(info.id)
                out.append(FileReport(info.source, "pruned", info.id, info.title, info.chunks))
        owned = {d.id for d in documents}
        for orphan in sorted({c.doc_id for c in self.store.all_chunks()} - owned):
            self.store.delete_document(orphan)
            out.append(FileReport(orphan, "pruned", orphan, message="orphaned chunks"))
        return out
