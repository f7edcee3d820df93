"""`qa bench --snapshots DIR`: what the corpus snapshot costs as the corpus grows, from the
articles of DIR up to tens of thousands.

Beyond DIR's own articles the corpus is made of copies: the same text under another id, so
every copy's sentences are an original's. That makes the near-duplicate groups larger than a
real corpus's (each sentence in every copy's group) and makes reading a copy cheaper than
reading a new article (the tagger has seen its words; its cache is per process), so the full
build beyond DIR's size is a lower bound, the rebuild after one article is not. Per size, in
this process and the second one it starts (`snapshot._read_documents`):

- the full build: every document read, what `qa ingest` ends with on a new index;
- the cache written and read back: what a new process (a cold `qa ask`) loads instead;
- the rebuild after one more article: what an upload, or another process's `qa ingest` of
  one file, costs a running server on its background thread; only that article is read,
  the keyword index, near-duplicate groups and name index are built again whole.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.chunking import chunk_document
from ingest.indexing import iter_files
from ingest.loading import load_document
from qa_service.corpus.snapshot import SnapshotCache, build_snapshot, collector_paused
from qa_service.models import Chunk, Document
from qa_service.settings import get_settings


def copies(originals: Sequence[Document], n: int) -> list[Document]:
    """`n` documents: the originals, then copies of them in turn under new ids."""
    out = list(originals[:n])
    for i in range(len(out), n):
        d = originals[i % len(originals)]
        copy = f"copy{i // len(originals)}-{d.id}"
        out.append(d.model_copy(update={"id": copy, "source": f"{d.source}#{copy}"}))
    return out


def _chunks(docs: Sequence[Document]) -> list[Chunk]:
    s = get_settings()
    return [
        c
        for d in docs
        for c in chunk_document(
            d, s.chunk_target_chars, s.chunk_max_chars, s.chunk_overlap_sentences
        )
    ]


def run_snapshot_scale(
    corpus: Path, sizes: Sequence[int], progress: Callable[[str], None] = print
) -> str:
    originals = [load_document(p) for p in iter_files([corpus])]
    if not originals:
        raise ValueError(f"no articles in {corpus}")
    docs = copies(originals, max(sizes) + 1)
    lines = [
        f"qa bench --snapshots {corpus}: {len(originals)} articles, copies of them beyond",
        f"{'articles':>9} {'chunks':>8} {'full build':>11} {'cache write':>12} "
        f"{'cache read':>11} {'cache MB':>9} {'one more':>9}",
    ]
    with tempfile.TemporaryDirectory(prefix="qa-snapshots-") as tmp:
        for n in sorted(sizes):
            progress(f"{n} articles: chunking")
            chunks = _chunks(docs[:n])
            progress(f"{n} articles: full build")
            t = time.perf_counter()
            with collector_paused():
                snapshot = build_snapshot(f"s{n}", chunks, docs[:n])
            full, t = time.perf_counter() - t, time.perf_counter()
            cache = SnapshotCache(Path(tmp) / str(n))
            cache.save(snapshot)
            write, t = time.perf_counter() - t, time.perf_counter()
            loaded = cache.load(f"s{n}")
            read = time.perf_counter() - t
            assert loaded is not None and len(loaded.documents) == n
            mb = sum(p.stat().st_size for p in cache.directory.glob("*.pickle")) / 1e6
            progress(f"{n} articles: one more")
            more = chunks + _chunks(docs[n : n + 1])
            t = time.perf_counter()
            with collector_paused():
                bigger = build_snapshot(f"s{n}+1", more, docs[: n + 1], previous=snapshot)
            one = time.perf_counter() - t
            assert len(bigger.documents) == n + 1
            lines.append(
                f"{n:>9} {len(chunks):>8} {full:>10.1f}s {write:>11.2f}s {read:>10.2f}s "
                f"{mb:>9.0f} {one:>8.1f}s"
            )
            progress(lines[-1])
    return "\n".join(lines)
