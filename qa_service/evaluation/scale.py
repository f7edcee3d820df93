"""`qa bench --scale`: how ingest, query latency, memory and disk grow from 1k to 100k chunks,
for embedded Chroma and a `chroma run` server.

The corpus is synthetic and says so: every document id and title starts with `synthetic-`.
Passages (~450 characters, cut by our chunker) come from the five sample articles and the 48
XQuAD articles; a synthetic chunk is a distinct pair of passages joined.

Embedding 100k chunks with the real model would take over an hour per backend on this CPU, so:

- 1k chunks go end to end through the real ingest path (files -> load, clean, chunk, embed
  with the real model -> ChromaStore), which measures the real per-chunk cost;
- at every size, the store is filled through `ChromaStore.write_document` (our real write
  path) with vectors computed cheaply but honestly: every passage is embedded once with the
  real model, and a chunk's vector is the normalised mean of its two passages' vectors (pairs
  are distinct, so no two vectors are equal);
- queries are the gold questions, embedded once with the real model; the query embedding's
  own cost is reported separately. Timed per size: the vector search (`ChromaStore.search`,
  30 candidates) and the full hybrid retrieval (`HybridRetriever`: search + BM25 + fusion).

Each size and backend is measured in a fresh child process (spawned, without the model), so
its RSS is the store's and the keyword index's, not the model's; the Chroma server's RSS is
read from its own process.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa_service.corpus.snapshot import CorpusSnapshots
from qa_service.evaluation.datasets import SHARED, gold_dataset
from qa_service.evaluation.served import chroma_server
from qa_service.models import Chunk, Document
from qa_service.settings import Settings, get_settings

SEED = 20260106
CHUNKS_PER_DOCUMENT = 20
PASSAGE_TARGET, PASSAGE_MAX = 450, 700
CANDIDATES = Settings.model_fields["candidate_k"].default
REPEATS = 2  # each gold question is timed this often per size and backend
LABEL = "synthetic (recombined passages of the sample articles and XQuAD; not real articles)"


# -- the synthetic corpus ---------------------------------------------------------------


def cut_passages(paths: Sequence[Path]) -> list[str]:
    """Distinct passages of ~450 characters, cut by our chunker from the cleaned articles."""
    from ingest.chunking import chunk_document
    from ingest.loading import load_document

    seen: dict[str, None] = {}
    for path in paths:
        doc = load_document(path)
        for chunk in chunk_document(doc, PASSAGE_TARGET, PASSAGE_MAX, overlap_sentences=0):
            text = " ".join(chunk.text.split())
            if len(text) >= 100:
                seen.setdefault(text)
    return list(seen)


def distinct_pairs(n: int, count: int, seed: int = SEED) -> list[tuple[int, int]]:
    """`count` distinct unordered pairs of passage indices (in the drawn order), seeded."""
    if count > n * (n - 1) // 2:
        raise ValueError(f"{n} passages make fewer than {count} distinct pairs")
    rng = np.random.default_rng(seed)
    chosen: dict[tuple[int, int], tuple[int, int]] = {}
    while len(chosen) < count:
        draw = rng.integers(0, n, size=(2 * (count - len(chosen)) + 16, 2))
        for a, b in draw.tolist():
            if a != b:
                chosen.setdefault((min(a, b), max(a, b)), (a, b))
                if len(chosen) == count:
                    break
    return list(chosen.values())


def _normalise(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def synthetic_documents(
    passages: Sequence[str], vectors: np.ndarray, count: int, tag: str
) -> Iterator[tuple[Document, list[Chunk], np.ndarray]]:
    """`count` chunks in documents of 20; each chunk two passages, its vector their mean."""
    pairs = distinct_pairs(len(passages), count)
    for d in range(math.ceil(count / CHUNKS_PER_DOCUMENT)):
        group = pairs[d * CHUNKS_PER_DOCUMENT : (d + 1) * CHUNKS_PER_DOCUMENT]
        texts = [f"{passages[a]} {passages[b]}" for a, b in group]
        doc_id = f"synthetic-{tag}-{d:06d}"
        title, source = f"{doc_id}: {LABEL}", f"synthetic/{doc_id}.txt"
        text = "\n\n".join(texts)
        doc = Document(
            id=doc_id,
            title=title,
            text=text,
            source=source,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
        )
        chunks, start = [], 0
        for i, chunk_text in enumerate(texts):
            end = start + len(chunk_text)
            chunks.append(
                Chunk(
                    id=f"{doc_id}-{i:02d}",
                    doc_id=doc_id,
                    index=i,
                    text=chunk_text,
                    start=start,
                    end=end,
                    title=title,
                    source=source,
                )
            )
            start = end + 2
        pair_vectors = vectors[[a for a, _ in group]] + vectors[[b for _, b in group]]
        yield doc, chunks, _normalise(pair_vectors)


def write_article_files(
    passages: Sequence[str], vectors: np.ndarray, chunks: int, folder: Path, settings: Settings
) -> int:
    """Synthetic .txt articles until our chunker makes at least `chunks` chunks of them;
    returns that number."""
    from ingest.chunking import chunk_document
    from ingest.loading import load_document

    made = 0
    for doc, doc_chunks, _ in synthetic_documents(passages, vectors, 20 * chunks, "e2e"):
        path = folder / f"{doc.id}.txt"
        paragraphs = "\n\n".join(c.text for c in doc_chunks[:5])  # ~5 chunks per article
        path.write_text(f"{doc.title}\n\n{paragraphs}\n", encoding="utf-8")
        made += len(
            chunk_document(
                load_document(path),
                settings.chunk_target_chars,
                settings.chunk_max_chars,
                settings.chunk_overlap_sentences,
            )
        )
        if made >= chunks:
            return made
    raise ValueError("not enough synthetic text")  # pragma: no cover


# -- measuring ----------------------------------------------------------------------------


class PrecomputedQueries:
    """The Embedder seam for the retriever in a child process: the gold questions' vectors,
    embedded beforehand by the real model (their cost is measured apart)."""

    def __init__(self, vectors: dict[str, list[float]], model_id: str) -> None:
        self._vectors, self._model_id = vectors, model_id

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return len(next(iter(self._vectors.values())))

    def warm_up(self) -> None:
        pass

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError("documents come with their vectors in the scale benchmark")

    def embed_query(self, text: str) -> list[float]:
        return self._vectors[text]


def _proc_status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class StoreJob:
    backend: str
    size: int
    path: str | None
    host: str | None
    port: int
    passages: list[str]
    vectors: np.ndarray
    questions: list[tuple[str, str]]  # (text, language)
    query_vectors: dict[str, list[float]]
    model_id: str
    settings: Settings


def measure_store(job: StoreJob) -> dict:
    """Fill a ChromaStore with `job.size` synthetic chunks, then time searches and hybrid
    retrievals. Runs in a fresh child process."""
    from qa_service.container import build_retriever
    from qa_service.stores.chroma import ChromaStore

    if job.path is not None:
        store = ChromaStore(path=job.path, collection="scale")
    else:
        store = ChromaStore(host=job.host, port=job.port, collection="scale")
    store.check_embedding(job.model_id, job.vectors.shape[1])
    t0 = time.perf_counter()
    for doc, chunks, vectors in synthetic_documents(
        job.passages, job.vectors, job.size, str(job.size)
    ):
        store.write_document(doc, chunks, vectors.tolist(), index_key="synthetic")
    write_s = time.perf_counter() - t0
    count = store.count()

    vectors = [job.query_vectors[q] for q, _ in job.questions]
    store.search(vectors[0], CANDIDATES)  # untimed: loads the vector index
    search_ms = []
    for _ in range(REPEATS):
        for vector in vectors:
            t = time.perf_counter()
            store.search(vector, CANDIDATES)
            search_ms.append((time.perf_counter() - t) * 1000)

    # The production retriever and fusion, from Settings (the candidate count as timed above).
    settings = job.settings.model_copy(update={"candidate_k": CANDIDATES})
    snapshots = CorpusSnapshots(store)
    retriever = build_retriever(
        settings, store, PrecomputedQueries(job.query_vectors, job.model_id), snapshots
    )
    t = time.perf_counter()
    snapshots.current()  # keyword index, documents, sentences and speakers
    bm25_s = time.perf_counter() - t
    hybrid_ms = []
    for _ in range(REPEATS):
        for question, language in job.questions:
            t = time.perf_counter()
            retriever.retrieve(question, 5, language=language)
            hybrid_ms.append((time.perf_counter() - t) * 1000)
    return {
        "chunks": count,
        "write_s": write_s,
        "search_ms": search_ms,
        "hybrid_ms": hybrid_ms,
        "bm25_s": bm25_s,
        "rss_mb": _proc_status_mb("VmRSS"),
        "peak_mb": _proc_status_mb("VmHWM"),
    }


def _in_child(job: StoreJob) -> dict:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(measure_store, job).result()


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]


# -- the run -------------------------------------------------------------------------------


def _end_to_end(embedder, passages, vectors, questions, settings, chunks, backend, tmp) -> str:
    """The real ingest path at ~`chunks` chunks: files -> ... -> ChromaStore; then retrieves
    (query embedding included)."""
    from qa_service.container import build_service

    folder = tmp / "articles"
    folder.mkdir(exist_ok=True)
    if not any(folder.iterdir()):
        write_article_files(passages, vectors, chunks, folder, settings)

    def run(update: dict, server=None) -> str:
        service = build_service(settings.model_copy(update=update), embedder=embedder)
        report = service.ingest([folder])
        service.warm_up()
        retrieve_ms = []
        for question, _ in questions:
            t = time.perf_counter()
            service.retrieve(question)
            retrieve_ms.append((time.perf_counter() - t) * 1000)
        server_rss = f"{server.rss_mb():8.0f}" if server else "       -"
        return (
            f"{backend:9} {report.chunks_written:>7} {report.seconds:>8.1f} "
            f"{report.chunks_written / report.seconds:>8.1f} "
            f"{statistics.median(retrieve_ms):>8.1f} {_pct(retrieve_ms, 0.95):>8.1f} {server_rss}"
        )

    base = {"data_dir": tmp / f"data-{backend}", "collection": "scale_e2e"}
    if backend == "embedded":
        line = run(base | {"chroma_host": None})
        return f"{line} {disk_mb(tmp / f'data-{backend}' / 'chroma'):>8.1f}"
    with chroma_server(tmp / "chroma-e2e") as server:
        line = run(base | {"chroma_host": server.host, "chroma_port": server.port}, server)
    return f"{line} {disk_mb(tmp / 'chroma-e2e'):>8.1f}"


def _store_row(job: StoreJob, tmp: Path) -> str:
    server_rss = "       -"
    if job.backend == "embedded":
        result = _in_child(job)
        disk = disk_mb(Path(job.path))
    else:
        folder = tmp / f"chroma-{job.size}"
        with chroma_server(folder) as server:
            result = _in_child(StoreJob(**{**vars(job), "host": server.host, "port": server.port}))
            server_rss = f"{server.rss_mb():8.0f}"
        disk = disk_mb(folder)
    s, h = result["search_ms"], result["hybrid_ms"]
    return (
        f"{job.backend:9} {result['chunks']:>7} {result['write_s']:>7.1f} "
        f"{result['chunks'] / result['write_s']:>8.0f} "
        f"{statistics.median(s):>7.1f} {_pct(s, 0.95):>7.1f} "
        f"{statistics.median(h):>7.1f} {_pct(h, 0.95):>7.1f} {result['bm25_s']:>6.1f} "
        f"{result['rss_mb']:>7.0f} {result['peak_mb']:>7.0f} {server_rss} {disk:>8.1f}"
    )


def run_scale(
    sizes: Sequence[int] = (1_000, 10_000, 100_000),
    settings: Settings | None = None,
    end_to_end_chunks: int = 1_000,
    progress: Callable[[str], None] | None = None,
) -> str:
    """Run everything and return the printed report; `progress` gets lines as they come."""
    from ingest.indexing import iter_files
    from qa_service.container import build_embedder

    settings = settings or get_settings()
    out: list[str] = []
    started = time.monotonic()

    def emit(line: str = "") -> None:
        out.append(line)
        if progress:
            progress(line)

    articles = list(iter_files([SHARED / "corpus", SHARED / "eval" / "xquad" / "corpus"]))
    passages = cut_passages(articles)
    embedder = build_embedder(settings)
    embedder.warm_up()
    t = time.perf_counter()
    vectors = np.asarray(embedder.embed_documents(passages), dtype=np.float32)
    passage_rate = len(passages) / (time.perf_counter() - t)
    questions = [(q.question, q.lang) for q in gold_dataset(settings.eval_gold_file).questions]
    query_vectors, query_ms = {}, []
    for question, _ in questions:
        t = time.perf_counter()
        query_vectors[question] = list(embedder.embed_query(question))
        query_ms.append((time.perf_counter() - t) * 1000)

    emit(
        f"qa bench --scale: {LABEL}; ids and titles start with 'synthetic-'; "
        f"{len(passages)} passages from {len(articles)} articles, a chunk = 2 of them "
        f"(~{statistics.mean(map(len, passages)) * 2:.0f} characters)"
    )
    emit(
        f"model {embedder.model_id}: {passage_rate:.1f} passages/s embedding the passages; "
        f"query embedding p50 {statistics.median(query_ms):.1f} ms, "
        f"p95 {_pct(query_ms, 0.95):.1f} ms ({len(questions)} gold questions); "
        f"load average at start {_load()}"
    )
    emit()
    emit(
        f"end to end, ~{end_to_end_chunks} chunks: files -> load, clean, chunk, embed (real "
        "model) -> ChromaStore; retrieve = query embedding + hybrid retrieval (ms); "
        "srv RSS = Chroma server (MB)"
    )
    emit("backend    chunks  ingest s  chunks/s  retr p50  retr p95 srv RSS  disk MB")
    with tempfile.TemporaryDirectory(prefix="qa-scale-") as tmp_name:
        tmp = Path(tmp_name)
        for backend in ("embedded", "server"):
            emit(
                _end_to_end(
                    embedder,
                    passages,
                    vectors,
                    questions,
                    settings,
                    end_to_end_chunks,
                    backend,
                    tmp,
                )
            )
        emit()
        emit(
            "write path with precomputed vectors (ChromaStore.write_document; chunk vector = "
            "normalised mean of its 2 passages' real vectors); search = vector search, "
            f"{CANDIDATES} candidates; hybrid = search + BM25 + fusion, query vector given (ms); "
            "RSS/peak of the measuring process (no model), srv RSS of the Chroma server (MB)"
        )
        emit(
            "backend    chunks write s chunks/s  search    p95  hybrid    p95 bm25 s"
            "     RSS    peak srv RSS  disk MB"
        )
        for backend in ("embedded", "server"):
            for size in sizes:
                job = StoreJob(
                    backend,
                    size,
                    str(tmp / f"embedded-{size}") if backend == "embedded" else None,
                    None,
                    0,
                    passages,
                    vectors,
                    questions,
                    query_vectors,
                    embedder.model_id,
                    settings,
                )
                emit(_store_row(job, tmp))
    emit(f"total {time.monotonic() - started:.0f} s; load average at the end {_load()}")
    return "\n".join(out)


def _load() -> str:
    """The 1/5/15-minute load averages: other work on the machine shows in every figure."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
