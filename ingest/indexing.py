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
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ingest.chunking import CHUNKER_VERSION, chunk_document
from ingest.loading import SUPPORTED_SUFFIXES, extractor_version, load_bytes, load_document
from qa_service.errors import IngestError
from qa_service.models import (
    Chunk,
    Document,
    FileReport,
    IngestReport,
    StoredSentence,
    Vector,
)
from qa_service.protocols import Embedder, SpanEmbedder, Store
from qa_service.sentences import split_sentences

log = logging.getLogger(__name__)

# Part of every index key. 2: sentence units stored with each document, so re-ingesting an
# index written before them re-indexes every document (and fills its sentences). 3: sentence
# vectors read from their chunk's encoder pass (late chunking), no longer encoded alone.
# 4: the publisher read only where the text credits an outlet (ingest/metadata.py).
INDEX_VERSION = 4


# Documents are encoded together until they hold this many chunks: one encoder call sorts
# them by length into full batches, where a document alone (3.6 chunks on average in GNAD)
# gives batches of three or four. On 34 GNAD articles the encoder took 106.7 s one document
# at a time against 57.5 s for the same chunks in batches of 16 across documents. A crash
# loses at most the group in flight; reports and writes stay per document, in file order.
GROUP_CHUNKS = 32

Spans = Sequence[tuple[int, int]]


def embed_chunks_and_sentences(
    embedder: Embedder,
    documents: Sequence[tuple[str, Spans, Spans]],
    late: bool = True,
) -> list[tuple[list[Vector], list[Vector]]]:
    """Vectors of each document's chunks and sentences, given as (text, chunk spans,
    sentence spans), from one encoder call for all of them. A SpanEmbedder reads each
    sentence's vector from the pass over the chunk that holds it (late chunking), so the
    text goes through the encoder once; a sentence no chunk holds whole, and every sentence
    of another embedder, is embedded on its own in the same call."""
    late = late and isinstance(embedder, SpanEmbedder)
    texts: list[str] = []
    local: list[list[tuple[int, int]]] = []
    plans: list[tuple[int, int, list[list[int]], list[int]]] = []
    for text, chunks, sentences in documents:
        home: list[int | None] = [
            next((i for i, (a, z) in enumerate(chunks) if a <= s and e <= z), None)
            if late
            else None
            for s, e in sentences
        ]
        members: list[list[int]] = [[] for _ in chunks]
        for k, h in enumerate(home):
            if h is not None:
                members[h].append(k)
        alone = [k for k, h in enumerate(home) if h is None]
        plans.append((len(texts), len(chunks), members, alone))
        texts += [text[a:z] for a, z in chunks] + [text[slice(*sentences[k])] for k in alone]
        local += [
            [(sentences[k][0] - a, sentences[k][1] - a) for k in ks]
            for (a, _), ks in zip(chunks, members, strict=True)
        ] + [[] for _ in alone]
    if not texts:
        return [([], []) for _ in documents]
    if late:
        assert isinstance(embedder, SpanEmbedder)
        vectors, span_vectors = embedder.embed_documents_with_spans(texts, local)
    else:
        vectors = embedder.embed_documents(texts)  # one batched pass
    results = []
    for (base, n, members, alone), (_, _, sentences) in zip(plans, documents, strict=True):
        out: list[Vector | None] = [None] * len(sentences)
        if late:
            for h, ks in enumerate(members):
                for k, v in zip(ks, span_vectors[base + h], strict=True):
                    out[k] = v
        for k, v in zip(alone, vectors[base + n : base + n + len(alone)], strict=True):
            out[k] = v
        results.append((vectors[base : base + n], [v for v in out if v is not None]))
    return results


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to ingest: given files as they are, folders recursively (supported types only)."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path


@dataclass(frozen=True, slots=True)
class _Pending:
    """A document read and cut up, waiting for its group's encoder call."""

    source: str
    doc: Document
    key: str
    replaces: bool
    chunks: list[Chunk]
    spans: list[tuple[int, int]]
    seconds: float


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
        if (extractor := extractor_version(doc.source)) is not None:
            spec["extractor"] = extractor  # only here: other files keep the keys they had
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:24]

    def ingest_paths(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: Callable[[FileReport], None] | None = None,
    ) -> IngestReport:
        t0 = time.perf_counter()
        report = IngestReport()
        files = list(iter_files(paths))

        def done(file_report: FileReport) -> None:
            report.files.append(file_report)
            if progress:
                progress(file_report)

        with self._locked():
            self.store.check_embedding(self.embedder.model_id, self.embedder.dim)
            known = {d.id: d for d in self.store.list_documents()}
            queue: list[_Pending | FileReport] = []
            for path in files:
                source = str(path.resolve())
                queue.append(self._prepare(source, partial(load_document, path), known))
                if sum(len(q.chunks) for q in queue if isinstance(q, _Pending)) >= GROUP_CHUNKS:
                    for file_report in self._write(queue):
                        done(file_report)
                    queue = []
            for file_report in self._write(queue):
                done(file_report)
            if prune:
                for file_report in self._prune():
                    done(file_report)
        report.seconds = time.perf_counter() - t0
        return report

    def ingest_bytes(self, name: str, data: bytes) -> FileReport:
        """Ingest an upload; its source is its (sanitised) file name."""
        safe = Path(name.replace("\\", "/")).name
        with self._locked():
            self.store.check_embedding(self.embedder.model_id, self.embedder.dim)
            known = {d.id: d for d in self.store.list_documents()}
            return self._write([self._prepare(safe, lambda: load_bytes(data, safe), known)])[0]

    def delete(self, doc_id: str) -> bool:
        with self._locked():
            return self.store.delete_document(doc_id)

    def _prepare(
        self, source: str, load: Callable[[], Document], known: dict
    ) -> _Pending | FileReport:
        """The document chunked and split into sentences, ready to encode; or its report
        when it failed to load or is indexed already."""
        t0 = time.perf_counter()
        try:
            doc = load()
        except IngestError as exc:
            log.warning("ingest failed", extra={"source": source, "error": str(exc)})
            return FileReport(source, "error", message=str(exc))
        except OSError as exc:
            return FileReport(
                source, "error", message=f"{source}: cannot read file ({exc.strerror or exc})"
            )
        key = self.index_key(doc)
        old = known.get(doc.id)
        if old is not None and old.index_key == key:
            return FileReport(source, "unchanged", doc.id, doc.title, old.chunks)
        chunks = chunk_document(doc, **self.chunking)
        spans = split_sentences(doc.text)
        return _Pending(source, doc, key, old is not None, chunks, spans, time.perf_counter() - t0)

    def _write(self, queue: Sequence[_Pending | FileReport]) -> list[FileReport]:
        """The queued documents encoded in one call, then written one by one, in order; a
        document's seconds are its own reading and writing plus its share of the encoding."""
        pending = [q for q in queue if isinstance(q, _Pending)]
        t0 = time.perf_counter()
        vectors = iter(
            embed_chunks_and_sentences(
                self.embedder,
                [(p.doc.text, [(c.start, c.end) for c in p.chunks], p.spans) for p in pending],
                self.late_chunking,
            )
        )
        share = (time.perf_counter() - t0) / max(1, sum(len(p.chunks) for p in pending))
        reports = []
        for item in queue:
            if isinstance(item, FileReport):
                reports.append(item)
                continue
            t1 = time.perf_counter()
            chunk_vectors, sentence_vectors = next(vectors)
            doc = item.doc
            sentences = [
                StoredSentence(doc_id=doc.id, start=s, end=e, text=doc.text[s:e], vector=v)
                for (s, e), v in zip(item.spans, sentence_vectors, strict=True)
            ]
            self.store.write_document(
                doc, item.chunks, chunk_vectors, index_key=item.key, sentences=sentences
            )
            reports.append(
                FileReport(
                    item.source,
                    "updated" if item.replaces else "added",
                    doc.id,
                    doc.title,
                    len(item.chunks),
                    seconds=item.seconds + share * len(item.chunks) + time.perf_counter() - t1,
                    sentences=len(sentences),
                )
            )
        return reports

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
