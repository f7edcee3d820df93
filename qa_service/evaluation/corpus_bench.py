"""`qa bench --corpus DIR`: what a folder of articles costs, side by side in one run.

Each stage runs in its own child process, so its peak RSS (VmHWM) is its own and a stage
cannot warm the next one's caches:
- encoder: the chunk texts our ingest encodes, through the bare encoder: the limit;
- ingest: `QAService.ingest` into a fresh data dir (chunks, sentence vectors, records, the
  snapshot at the end);
- peer: the plain LangChain pipeline (RecursiveCharacterTextSplitter 1000/150 +
  langchain_chroma on disk, the same encoder in float32, as sentence-transformers loads it),
  chunk vectors only; where our encoder runs in bfloat16, the peer again on that encoder;
- snapshot: building the corpus snapshot from the store, against loading its cache;
- cold ask: `qa ask` as a new process, wall time;
- ask: a warm service wired as the server is (every sentence vector in memory, timed once
  the background load has ended), ask p50/p95 against the floor (query embedding + vector
  search); the cold ask above is the CLI's path (sentence vectors read per document);
- server: `python app.py` on the index: time to ready, REST ask p50/p95 and RSS, and asks
  while `qa ingest` adds documents beside it and after it; the slowest of those that
  overlapped one of the server's snapshot builds (timed against its log) is how long
  answering waited for a rebuild.
Questions are the titles of every n-th document: a reader's words about that article.
Timings on a shared machine are only comparable within one run: read the ratios.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from qa_service.settings import Settings, get_settings


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


def _documents(corpus: Path):
    from ingest.indexing import iter_files
    from ingest.loading import load_document

    return [load_document(p) for p in iter_files([corpus])]


def _count_tokens(embedder, texts: list[str]) -> int:
    """Tokens the passage encoder reads (0 for an embedder without a SentenceTransformer)."""
    passages = getattr(embedder, "passage_embedder", embedder)
    tokenizer = getattr(getattr(passages, "model", None), "tokenizer", None)
    return sum(len(ids) for ids in tokenizer(texts)["input_ids"]) if tokenizer else 0


def _stage_encoder(corpus: str, settings: Settings) -> dict:
    from ingest.chunking import chunk_document
    from qa_service.container import build_embedder
    from qa_service.embedders.st import encoder_dtype

    embedder = build_embedder(settings)
    embedder.warm_up()
    texts = [
        c.text
        for doc in _documents(Path(corpus))
        for c in chunk_document(
            doc,
            target_chars=settings.chunk_target_chars,
            max_chars=settings.chunk_max_chars,
            overlap_sentences=settings.chunk_overlap_sentences,
        )
    ]
    tokens = _count_tokens(embedder, texts)
    t = time.perf_counter()
    embedder.embed_documents(texts)
    return {
        "seconds": time.perf_counter() - t,
        "chunks": len(texts),
        "tokens": tokens,
        "model": embedder.model_id,
        "dtype": encoder_dtype(settings.embedding_dtype, settings.embedding_quantize),
    }


def _stage_ingest(corpus: str, settings: Settings) -> dict:
    from qa_service.container import build_service

    service = build_service(settings)
    service.warm_up()
    t = time.perf_counter()
    report = service.ingest([Path(corpus)], release_encoder=True)  # as `qa ingest`
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "documents": report.count("added") + report.count("updated"),
        "failed": report.count("error"),
        "chunks": report.chunks_written,
        "sentences": report.sentences_written,
    }


def _stage_peer(corpus: str, settings: Settings, directory: str) -> dict:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.indexing import iter_files
    from qa_service.container import build_embedder
    from qa_service.embedders.langchain import LangChainEmbeddings

    embedder = build_embedder(settings)
    embedder.warm_up()
    t = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=150)
    store = Chroma(
        collection_name="peer",
        embedding_function=LangChainEmbeddings(embedder),
        client=chromadb.PersistentClient(
            path=directory, settings=ChromaSettings(anonymized_telemetry=False)
        ),
        collection_metadata={"hnsw:space": "cosine"},
    )
    chunks = 0
    for path in iter_files([Path(corpus)]):
        docs = splitter.create_documents(
            [path.read_text(encoding="utf-8", errors="replace")], [{"source": str(path)}]
        )
        store.add_documents(docs)  # per file, as a pipeline reading a folder does
        chunks += len(docs)
    return {"seconds": time.perf_counter() - t, "chunks": chunks}


def _stage_snapshot(settings: Settings) -> dict:
    from qa_service.container import build_store
    from qa_service.corpus.snapshot import CorpusSnapshots, SnapshotCache

    store = build_store(settings)
    t = time.perf_counter()
    built = CorpusSnapshots(store).current()
    build_s = time.perf_counter() - t
    cache = SnapshotCache(settings.snapshots_dir)
    cache.save(built)
    t = time.perf_counter()
    loaded = CorpusSnapshots(store, cache=cache).current()
    load_s = time.perf_counter() - t
    assert loaded.fingerprint == built.fingerprint
    size = sum(p.stat().st_size for p in settings.snapshots_dir.glob("*.pickle"))
    return {"build_s": build_s, "load_s": load_s, "cache_mb": size / 2**20}


def _stage_ask(settings: Settings, questions: list[str]) -> dict:
    from qa_service.container import build_service
    from qa_service.embedders.query_tokens import forget_questions

    service = build_service(settings, resident_vectors=True)
    service.warm_up()
    resident = service.answerer.unit_vectors.wait_loaded()
    ask_ms, floor_ms, refused = [], [], 0
    for q in questions:
        forget_questions(service.embedder)
        t = time.perf_counter()
        service.store.search(service.embedder.embed_query(q), settings.candidate_k)
        floor_ms.append((time.perf_counter() - t) * 1000)
        forget_questions(service.embedder)
        t = time.perf_counter()
        answer = service.ask(q)
        ask_ms.append((time.perf_counter() - t) * 1000)
        refused += not answer.answered
    return {"ask_ms": ask_ms, "floor_ms": floor_ms, "refused": refused, "resident": resident}


def _child(stage: Callable[..., dict], args: tuple, out) -> None:
    try:
        result = stage(*args)
        result["peak_rss_mb"] = _peak_rss_mb()
    except BaseException:
        result = {"error": traceback.format_exc()}
    out.put(result)


def _in_child(stage: Callable[..., dict], *args) -> dict:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_child, args=(stage, args, out))
    proc.start()
    while True:
        try:
            result = out.get(timeout=5)
            break
        except queue.Empty:
            if not proc.is_alive():
                raise RuntimeError(f"bench stage {stage.__name__} died ({proc.exitcode})") from None
    proc.join()
    if "error" in result:
        raise RuntimeError(f"bench stage {stage.__name__} failed:\n{result['error']}")
    return result


def _child_env(settings: Settings) -> dict[str, str]:
    """What a `qa` or server process needs to read the bench's index with the same model."""
    env = {"QA_DATA_DIR": str(settings.data_dir), "QA_ANSWERER": "extractive"}
    if settings.embedding_model is not None:
        env["QA_EMBEDDING_MODEL"] = str(settings.embedding_model)
    return env


def _cold_asks(settings: Settings, question: str, repeats: int) -> list[float]:
    env = {**os.environ, **_child_env(settings)}
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "qa_service.cli", "ask", question],
            env=env,
            check=True,
            capture_output=True,
        )
        out.append(time.perf_counter() - t)
    return out


def _served(settings: Settings, questions: list[str], extra: Path) -> dict:
    import httpx

    from qa_service.evaluation.served import served_app

    work = Path(tempfile.mkdtemp(prefix="qa-bench-server-"))
    env = _child_env(settings) | {"QA_RATE_LIMIT_PER_MINUTE": "0"}
    t = time.perf_counter()
    try:
        with served_app(work, env) as app, httpx.Client(base_url=app.url, timeout=120) as client:
            ready_s = time.perf_counter() - t

            spans: list[tuple[float, float]] = []  # every ask's wall-clock start and end

            def ask(q: str) -> float:
                t, start = time.perf_counter(), time.time()
                client.post("/api/v1/ask", json={"question": q}).raise_for_status()
                spans.append((start, time.time()))
                return (time.perf_counter() - t) * 1000

            quiet = [ask(q) for q in questions]
            spans.clear()
            started = len(_rebuilds(app.stderr))  # the server's own start
            ingest = subprocess.Popen(
                [sys.executable, "-m", "qa_service.cli", "ingest", str(extra)],
                env={**os.environ, **_child_env(settings)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            during: list[float] = []
            while ingest.poll() is None:
                during += [ask(q) for q in questions[:5]]
            # Asked on until the server has taken up the ingest's writes (its check runs every
            # 2 s while asked; a state the writer cached is loaded at once), then ten more.
            after: list[float] = []
            deadline = time.monotonic() + _TAKEN_UP_WITHIN
            while len(_rebuilds(app.stderr)) == started and time.monotonic() < deadline:
                after += [ask(q) for q in questions[:5]]
            after += [ask(q) for q in questions[:10]]
            rebuilds = _rebuilds(app.stderr)[started:]
            return {
                "ready_s": ready_s,
                "ask_ms": quiet,
                "during_ms": during,
                "after_ms": after,
                "rss_mb": app.rss_mb(),
                "rebuild_s": [end - start for start, end in rebuilds],
                "overlapping_ms": [
                    (end - start) * 1000
                    for start, end in spans
                    if any(start < b and end > a for a, b in rebuilds)
                ],
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)


_TAKEN_UP_WITHIN = 60.0  # seconds: the server's settle limit is 30


def _rebuilds(log: Path) -> list[tuple[float, float]]:
    """The server's snapshot builds and loads as (start, end) wall-clock times, from its
    JSON log lines: which asks overlapped one is the target's measure."""
    out = []
    for line in log.read_text(errors="replace").splitlines():
        if '"corpus snapshot ' not in line:
            continue
        with contextlib.suppress(ValueError, KeyError):
            record = json.loads(line)
            if record["message"] in ("corpus snapshot built", "corpus snapshot loaded"):
                end = dt.datetime.fromisoformat(record["time"]).timestamp()
                out.append((end - float(record["seconds"]), end))
    return out


def _line(label: str, value: str, note: str = "") -> str:
    return f"{label:<24}{value:>14}   {note}".rstrip()


def run_corpus_bench(
    corpus: Path,
    questions: int = 30,
    extra: Path | None = None,
    settings: Settings | None = None,
    progress: Callable[[str], None] = print,
) -> str:
    """The table; `extra` is a folder ingested beside the running server (default: none)."""
    base = settings or get_settings()
    work = Path(tempfile.mkdtemp(prefix="qa-bench-corpus-"))
    settings = base.model_copy(
        update={"data_dir": work / "data", "chroma_host": None, "answerer": "extractive"}
    )
    # The models folder is reused, not converted again into the temporary data dir.
    (work / "data").mkdir(parents=True)
    if base.models_dir.exists():
        (work / "data" / "models").symlink_to(base.models_dir.resolve())
    try:
        progress("encoder: the chunk texts through the bare encoder")
        enc = _in_child(_stage_encoder, str(corpus), settings)
        progress(f"  {enc['seconds']:.0f} s; ingest")
        ing = _in_child(_stage_ingest, str(corpus), settings)
        progress(f"  {ing['seconds']:.0f} s; peer")
        plain = settings.model_copy(update={"embedding_dtype": "float32"})
        peer = _in_child(_stage_peer, str(corpus), plain, str(work / "peer"))
        peer_ours = None
        if enc["dtype"] != "float32":
            progress(f"  {peer['seconds']:.0f} s; peer on our {enc['dtype']} encoder")
            peer_ours = _in_child(_stage_peer, str(corpus), settings, str(work / "peer-ours"))
        progress(f"  {(peer_ours or peer)['seconds']:.0f} s; snapshot")
        snap = _in_child(_stage_snapshot, settings)
        docs = sorted(
            (d for d in _documents(corpus) if d.title),
            key=lambda d: d.id,
        )
        step = max(1, len(docs) // questions)
        qs = [d.title for d in docs[::step]][:questions]
        progress("cold qa ask")
        cold = _cold_asks(settings, qs[0], 3)
        progress("ask")
        ask = _in_child(_stage_ask, settings, qs)
        served = None
        if extra is not None:
            progress("server")
            served = _served(settings, qs, extra)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    n = ing["documents"]
    per_min = 60 * n / ing["seconds"]
    tok = enc["tokens"]
    p50, floor = statistics.median(ask["ask_ms"]), statistics.median(ask["floor_ms"])
    rows = [
        f"qa bench --corpus {corpus}: {n} documents ({ing['failed']} failed), "
        f"{len(qs)} questions (titles), model {enc['model']} in {enc['dtype']}",
        _line(
            "encoder alone",
            f"{enc['seconds']:.0f} s",
            f"{enc['chunks']} chunks, "
            f"{tok / enc['seconds']:.0f} tokens/s, peak RSS {enc['peak_rss_mb']:.0f} MB",
        ),
        _line(
            "qa ingest",
            f"{ing['seconds']:.0f} s",
            f"{per_min:.0f} articles/min, "
            f"{tok / ing['seconds']:.0f} tokens/s, {ing['chunks']} chunks + "
            f"{ing['sentences']} sentence vectors, peak RSS {ing['peak_rss_mb']:.0f} MB",
        ),
        _line(
            "LangChain peer",
            f"{peer['seconds']:.0f} s",
            f"{peer['chunks']} chunks, chunk vectors only, float32, "
            f"peak RSS {peer['peak_rss_mb']:.0f} MB",
        ),
        _line(
            "ingest / peer",
            f"{ing['seconds'] / peer['seconds']:.2f}x",
            f"ingest / encoder {ing['seconds'] / enc['seconds']:.2f}x",
        ),
    ]
    if peer_ours is not None:
        rows += [
            _line(
                f"peer in {enc['dtype']}",
                f"{peer_ours['seconds']:.0f} s",
                f"the peer on our encoder: ingest / it "
                f"{ing['seconds'] / peer_ours['seconds']:.2f}x, "
                f"peak RSS {peer_ours['peak_rss_mb']:.0f} MB",
            )
        ]
    rows += [
        _line(
            "snapshot build",
            f"{snap['build_s']:.1f} s",
            f"cache load {snap['load_s']:.2f} s ({snap['cache_mb']:.0f} MB on disk)",
        ),
        _line(
            "cold qa ask",
            f"{statistics.median(cold):.2f} s",
            "median of 3 new processes, wall: " + ", ".join(f"{c:.2f}" for c in cold),
        ),
        _line(
            "server-path ask p50",
            f"{p50:.0f} ms",
            f"p95 {_pct(ask['ask_ms'], 0.95):.0f} ms, "
            f"refused {ask['refused']}/{len(qs)}, peak RSS {ask['peak_rss_mb']:.0f} MB, "
            + (
                "sentence vectors in memory"
                if ask["resident"]
                else "sentence vectors per document (over QA_SENTENCE_VECTORS_MB)"
            ),
        ),
        _line("floor p50", f"{floor:.0f} ms", f"ask / floor {p50 / floor:.2f}"),
    ]
    if served is not None:
        asked = len(served["ask_ms"]) + len(served["during_ms"]) + len(served["after_ms"])
        rows += [
            _line(
                "server ready",
                f"{served['ready_s']:.1f} s",
                f"RSS after {asked} asks {served['rss_mb']:.0f} MB",
            ),
            _line(
                "REST ask p50",
                f"{statistics.median(served['ask_ms']):.0f} ms",
                f"p95 {_pct(served['ask_ms'], 0.95):.0f} ms",
            ),
            _line(
                "during qa ingest",
                f"{statistics.median(served['during_ms']):.0f} ms",
                f"p95 {_pct(served['during_ms'], 0.95):.0f}, max "
                f"{max(served['during_ms']):.0f} ms over {len(served['during_ms'])} asks "
                f"(after: max {max(served['after_ms']):.0f} ms)",
            ),
            _line(
                "overlapping a rebuild",
                f"{max(served['overlapping_ms'], default=0):.0f} ms",
                f"max of the {len(served['overlapping_ms'])} asks that overlapped the server's "
                f"snapshot builds/loads after the ingest's writes ("
                + (", ".join(f"{s:.2f} s" for s in served["rebuild_s"]) or "none seen")
                + ")",
            ),
        ]
    return "\n".join(rows)
