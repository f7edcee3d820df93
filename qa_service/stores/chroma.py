"""ChromaStore: the only module that imports chromadb.

Three collections: `<name>_chunks` (our own vectors, cosine space), `<name>_sentence_packs`
(every sentence of every document with its vector, embedded at ingest so answering embeds
only the question, a few consecutive sentences to a record: `_PACK_BYTES`) and
`<name>_documents` (full document texts, so a citation can always be checked against its
source). A sentence is never searched by vector, so a record of its own bought nothing but
cost: Chroma writes ~1.3 ms a record (its metadata rows, the full-text index of its text, the
vector index). Chroma's default embedding function is never used: it would download a model at
run time. `<name>_locks` holds the rows of the ingest lease (`qa_service.stores.lease`), so
that writers sharing a Chroma server take turns.

Embedded Chroma keeps each collection's vector index in memory and never re-reads it from
disk, so a process that has searched does not see another process's writes (a `qa ingest`
while the server runs), and when it writes next it may save its stale index over theirs.
Every write therefore changes a generation marker next to the database, and a store that
finds the marker changed opens a fresh client before its next operation.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np

from qa_service.errors import EmbeddingMismatchError, StoreUnavailableError
from qa_service.models import (
    Chunk,
    Document,
    DocumentInfo,
    DocumentWrite,
    Filters,
    Passage,
    Section,
    StoredSentence,
    Vector,
    check_writes,
    source_name,
)
from qa_service.protocols import SentenceVectorPage
from qa_service.stores.lease import Claim

log = logging.getLogger(__name__)

_DOC_VECTOR = [1.0]  # the documents collection is only read by id, never searched


def _client_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _date_int(value: dt.date | None) -> int:
    return int(value.strftime("%Y%m%d")) if value else 0


def _iso(value: dt.date | dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


# Embedded Chroma saves a collection's vector index every `sync_threshold` vectors written and
# replays the vectors written since from its log on each open: with Chroma's 1000, 979 chunk
# vectors of the 1,017-article index were re-inserted by every new process (0.41-0.68 s of a
# cold `qa ask`; 0.03 s once saved). 100 is the lowest Chroma takes with its batch_size of
# 100; a save of the chunk index writes ~1.7 KB a chunk.
_CHUNKS_SYNC_THRESHOLD = 100

_GENERATION = "qa-generation"  # file in the Chroma directory; see the module docstring
_OPEN_LOCK = threading.Lock()  # Chroma's per-process client cache is not thread-safe


_P = ParamSpec("_P")
_R = TypeVar("_R")
# Waits before a read is tried again on a fresh client (see `_read`): ~0.75 s in all.
_READ_RETRIES = (0.05, 0.2, 0.5)


def _read(
    method: Callable[Concatenate[ChromaStore, _P], _R],
) -> Callable[Concatenate[ChromaStore, _P], _R]:
    """A read that meets another process's write half done is tried again on a fresh client.

    Embedded Chroma reads a collection's vector index from files that a writing process
    replaces as it saves: asked beside a `qa ingest` of five changed files into the 1,012
    GNAD articles' index, 3 of ~10 runs of ~300 asks met "Error deserializing pickle file:
    EOF while parsing" (a 500). A moment later the files are whole. After the last retry the
    error is a StoreUnavailableError.
    """

    @functools.wraps(method)
    def read(self: ChromaStore, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        from chromadb.errors import ChromaError

        for delay in _READ_RETRIES if self._path is not None else ():
            try:
                return method(self, *args, **kwargs)
            except ChromaError as exc:
                log.warning("Chroma read failed; trying again", extra={"error": str(exc)})
                self._retire()
                time.sleep(delay)
        try:
            return method(self, *args, **kwargs)
        except ChromaError as exc:
            raise StoreUnavailableError(f"Chroma at {self.location}: {exc}") from exc

    return read


@dataclass
class _Connection:
    client: Any
    chunks: Any
    docs: Any
    sentences: Any
    locks: Any
    generation: str | None  # the marker when this client was opened (embedded only)
    system: Any = None  # our private chromadb System (embedded only), stopped when retired
    users: int = 0
    retired: bool = False
    chunks_checked: bool = False  # `_save_chunk_index_often` ran on this client


def _private_client(path: str) -> tuple[Any, Any]:
    """A PersistentClient on its own chromadb System.

    chromadb caches one System per path and process and hands it to every client; a fresh
    one is the only way to re-read the disk, and one nobody shares can be stopped safely.
    `clear_system_cache()` (public) empties that cache before and after the client is made;
    the System it got is read once, from the client, to stop it when it is retired.
    """
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient

    with _OPEN_LOCK:
        SharedSystemClient.clear_system_cache()
        client = chromadb.PersistentClient(path=path, settings=_client_settings())
        system = client._system
        SharedSystemClient.clear_system_cache()
    return client, system


class ChromaStore:
    """Store backed by Chroma: a PersistentClient on disk, or a `chroma run` server."""

    def __init__(
        self,
        path: str | None = None,
        host: str | None = None,
        port: int = 8000,
        collection: str = "articles",
    ) -> None:
        if (path is None) == (host is None):
            raise ValueError("give either a path (embedded) or a host (server)")
        self._path, self._host, self._port, self._name = path, host, port, collection
        self._conn: _Connection | None = None
        self._lock = threading.Lock()
        self._fingerprint: tuple[str, str] | None = None  # (generation marker, fingerprint)

    @property
    def location(self) -> str:
        return f"http://{self._host}:{self._port}" if self._host else str(self._path)

    # -- connection ---------------------------------------------------------------------

    def _marker(self) -> Path | None:
        return Path(self._path) / _GENERATION if self._path is not None else None

    def _generation(self) -> str | None:
        marker = self._marker()
        try:
            return marker.read_text() if marker is not None else None
        except FileNotFoundError:
            return None

    def _bump_generation(self, conn: _Connection) -> None:
        """Tell other processes (and other stores in this one) that the index changed."""
        token = self._new_generation()
        if token is None:
            return
        with self._lock:
            if self._conn is conn:
                conn.generation = token  # our own client already holds this write

    def _new_generation(self) -> str | None:
        marker = self._marker()
        if marker is None:
            return None
        token = uuid.uuid4().hex
        tmp = marker.with_name(f"{_GENERATION}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(token)
        os.replace(tmp, marker)
        return token

    def _open(self) -> _Connection:
        import chromadb

        # Read before opening: a write that lands while we open is noticed next time.
        generation = self._generation()
        system = None
        try:
            if self._host:
                client = chromadb.HttpClient(
                    host=self._host, port=self._port, settings=_client_settings()
                )
                client.heartbeat()
            else:
                client, system = _private_client(str(self._path))
            config = {"hnsw": {"space": "cosine"}}
            chunks = client.get_or_create_collection(
                f"{self._name}_chunks",
                configuration={
                    "hnsw": {**config["hnsw"], "sync_threshold": _CHUNKS_SYNC_THRESHOLD}
                },
                embedding_function=None,
            )
            docs = client.get_or_create_collection(
                f"{self._name}_documents", configuration=config, embedding_function=None
            )
            sentences = client.get_or_create_collection(
                f"{self._name}_sentence_packs", configuration=config, embedding_function=None
            )
            locks = client.get_or_create_collection(
                f"{self._name}_locks", configuration=config, embedding_function=None
            )
        except Exception as exc:  # chromadb raises many types; the user needs one message
            raise StoreUnavailableError(f"cannot open Chroma at {self.location}: {exc}") from exc
        # An index from before packed sentences: packed by whichever process opens it first,
        # reader or writer, so its answers never fall back to embedding sentences per ask.
        try:
            if _pack_legacy_sentences(client, sentences, f"{self._name}_sentences"):
                generation = self._new_generation()
        except Exception:  # another process packed it meanwhile, or a server refused
            log.warning("packing an older index's sentences failed", exc_info=True)
        return _Connection(client, chunks, docs, sentences, locks, generation, system)

    @contextmanager
    def _use(self) -> Iterator[_Connection]:
        """The current client for one operation; reopened first if another writer changed
        the index. A replaced client is stopped once no operation uses it any more."""
        with self._lock:
            conn = self._conn
            stale = conn is not None and self._path is not None
            if conn is None or (stale and self._generation() != conn.generation):
                if conn is not None:
                    log.info("index changed by another writer; reopening Chroma")
                    self._drop_client()
                conn = self._conn = self._open()
            conn.users += 1
        try:
            yield conn
        finally:
            with self._lock:
                conn.users -= 1
                self._release(conn)

    def _retire(self) -> None:
        """Open a fresh client for the next operation (this one's view may be broken)."""
        with self._lock:
            self._drop_client()

    def _drop_client(self) -> None:
        """Retire the current client (held `_lock`): stopped once no operation uses it."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.retired = True
            self._release(conn)

    @staticmethod
    def _release(conn: _Connection) -> None:
        if conn.retired and conn.users == 0 and conn.system is not None:
            conn.system.stop()
            conn.system = None

    # -- model record -------------------------------------------------------------------

    def check_embedding(self, model_id: str, dim: int) -> None:
        with self._use() as c:
            meta = dict(c.chunks.metadata or {})
            stored_id, stored_dim = meta.get("embedding_model"), meta.get("embedding_dim")
            if stored_id is None:
                if c.chunks.count():
                    raise EmbeddingMismatchError(
                        "the index holds chunks but no record of their embedding model; "
                        "delete the data directory and re-index (qa ingest)"
                    )
                c.chunks.modify(metadata={"embedding_model": model_id, "embedding_dim": dim})
                self._bump_generation(c)
                return
        if stored_id != model_id or stored_dim != dim:
            raise EmbeddingMismatchError(
                f"the index was built with embedding model {stored_id!r} ({stored_dim}-d), "
                f"but {model_id!r} ({dim}-d) is configured; re-index with that model "
                "(delete the data directory, then qa ingest) or configure the original one"
            )

    # -- writes -------------------------------------------------------------------------

    def write_document(
        self,
        doc: Document,
        chunks: Sequence[Chunk],
        vectors: Sequence[Vector],
        index_key: str = "",
        sentences: Sequence[StoredSentence] = (),
    ) -> None:
        self.write_documents([DocumentWrite(doc, chunks, vectors, index_key, sentences)])

    def write_documents(self, writes: Sequence[DocumentWrite]) -> None:
        check_writes(writes)
        if not writes:
            return
        doc_ids = [w.doc.id for w in writes]
        chunks = [ch for w in writes for ch in w.chunks]
        vectors = [list(v) for w in writes for v in w.vectors]
        mine = {"doc_id": {"$in": doc_ids}}
        with self._use() as c:
            # Before and after: a writer killed half-way still makes readers reopen.
            self._bump_generation(c)
            if not c.chunks_checked:
                _save_chunk_index_often(c.chunks)
                c.chunks_checked = True
            old_ids = set(c.chunks.get(where=mine, include=[])["ids"])
            ids = [ch.id for ch in chunks]
            for part in _batches(c.client, len(chunks)):
                c.chunks.upsert(
                    ids=ids[part],
                    embeddings=vectors[part],
                    documents=[ch.text for ch in chunks[part]],
                    metadatas=[_chunk_meta(ch) for ch in chunks[part]],
                )
            stale = sorted(old_ids - set(ids))
            for part in _batches(c.client, len(stale)):
                c.chunks.delete(ids=stale[part])
            # Sentences after the chunks: a crash in between leaves chunks without a record,
            # which prune finds, and removing a document removes its sentences too.
            old_ids = set(c.sentences.get(where=mine, include=[])["ids"])
            packs = [
                (f"{w.doc.id}:{k}", p) for w in writes for k, p in enumerate(_packs(w.sentences))
            ]
            for part in _batches(c.client, len(packs)):
                c.sentences.upsert(
                    ids=[i for i, _ in packs[part]],
                    embeddings=[_DOC_VECTOR] * len(packs[part]),
                    metadatas=[p for _, p in packs[part]],
                )
            stale = sorted(old_ids - {i for i, _ in packs})
            for part in _batches(c.client, len(stale)):
                c.sentences.delete(ids=stale[part])
            # The document records go last: a record's presence marks a complete write.
            for part in _batches(c.client, len(writes)):
                c.docs.upsert(
                    ids=doc_ids[part],
                    embeddings=[_DOC_VECTOR] * len(writes[part]),
                    documents=[w.doc.text for w in writes[part]],
                    metadatas=[_doc_meta(w.doc, len(w.chunks), w.index_key) for w in writes[part]],
                )
            self._bump_generation(c)

    def delete_document(self, doc_id: str) -> bool:
        with self._use() as c:
            self._bump_generation(c)
            existed = bool(c.docs.get(ids=[doc_id], include=[])["ids"])
            # Record first, then chunks: a crash in between leaves orphans that prune removes.
            c.docs.delete(ids=[doc_id])
            c.chunks.delete(where={"doc_id": doc_id})
            c.sentences.delete(where={"doc_id": doc_id})
            self._bump_generation(c)
        return existed

    # -- reads --------------------------------------------------------------------------

    @_read
    def get_document(self, doc_id: str) -> Document | None:
        with self._use() as c:
            got = c.docs.get(ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return _doc_from(doc_id, got["documents"][0], got["metadatas"][0])

    @_read
    def list_documents(self) -> list[DocumentInfo]:
        with self._use() as c:
            got = c.docs.get(include=["metadatas"])
        infos = [_info_from(i, m) for i, m in zip(got["ids"], got["metadatas"], strict=True)]
        return sorted(infos, key=lambda d: d.source)

    @_read
    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        if not ids:
            return []
        with self._use() as c:
            got = c.chunks.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {
            i: _chunk_from(i, t, m)
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }
        return [by_id[i] for i in ids if i in by_id]

    @_read
    def get_sentences(self, doc_ids: Sequence[str]) -> list[StoredSentence]:
        wanted = list(dict.fromkeys(doc_ids))
        if not wanted:
            return []
        with self._use() as c:
            got = c.sentences.get(where={"doc_id": {"$in": wanted}}, include=["metadatas"])
        by_doc: dict[str, list[StoredSentence]] = {d: [] for d in wanted}
        for m in got["metadatas"]:
            by_doc[m["doc_id"]] += _unpack(m)
        return [st for d in wanted for st in sorted(by_doc[d], key=lambda st: st.start)]

    def sentence_vectors(self, page: int = 5000) -> Iterator[SentenceVectorPage]:
        # Records of about `page` sentences; the texts and word vectors come along (Chroma
        # returns every metadata field) but are not decoded.
        records = max(1, page // _SENTENCES_PER_PACK)
        with self._use() as c:
            total = c.sentences.count()
            for offset in range(0, total, records):
                got = c.sentences.get(include=["metadatas"], limit=records, offset=offset)
                keys: list[tuple[str, int, int]] = []
                vectors: list[np.ndarray] = []
                for m in got["metadatas"]:
                    starts, ends, matrix = _unpack_vectors(m)
                    keys += [
                        (m["doc_id"], int(a), int(b)) for a, b in zip(starts, ends, strict=True)
                    ]
                    vectors.append(matrix)
                if keys:
                    yield keys, np.concatenate(vectors)

    @_read
    def all_chunks(self) -> list[Chunk]:
        out: list[Chunk] = []
        page = 5000
        with self._use() as c:
            total = c.chunks.count()
            for offset in range(0, total, page):
                got = c.chunks.get(include=["documents", "metadatas"], limit=page, offset=offset)
                out.extend(
                    _chunk_from(i, t, m)
                    for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
                )
        return sorted(out, key=lambda ch: (ch.doc_id, ch.index))

    @_read
    def count(self) -> int:
        with self._use() as c:
            return c.chunks.count()

    def fingerprint(self) -> str:
        """A digest of every document's id and index key and the chunk count. Embedded, the
        generation marker changes with every write (before and after it, by any process), so
        while it has not changed the last digest holds: reading every document's metadata
        took 50-100 ms at 1,000 articles, on the ask that checks for a change every 2 s."""
        generation = self._generation()
        known = self._fingerprint
        if generation is not None and known is not None and known[0] == generation:
            return known[1]
        value = self._digest()
        if generation is not None:
            self._fingerprint = (generation, value)
        return value

    @_read
    def _digest(self) -> str:
        with self._use() as c:
            got = c.docs.get(include=["metadatas"])
            count = c.chunks.count()
        pairs = sorted(
            f"{i}:{m.get('index_key', '')}"
            for i, m in zip(got["ids"], got["metadatas"], strict=True)
        )
        h = hashlib.sha256("\n".join(pairs).encode())
        h.update(str(count).encode())
        return h.hexdigest()[:16]

    @_read
    def search(self, vector: Vector, top_k: int, filters: Filters | None = None) -> list[Passage]:
        with self._use() as c:
            if top_k <= 0 or not c.chunks.count():
                return []
            got = c.chunks.query(
                query_embeddings=[list(vector)],
                n_results=top_k,
                where=_where(filters),
                include=["documents", "metadatas", "distances"],
            )
        rows = zip(
            got["ids"][0],
            got["documents"][0],
            got["metadatas"][0],
            got["distances"][0],
            strict=True,
        )
        # A chunk another process removes while we search (re-ingesting its document) can
        # still be in the vector index this client loaded, its record gone: no metadata. An
        # ask beside `qa ingest` of changed files failed with a 500 on it (1 in ~300 asks).
        found = [(i, t, m, d) for i, t, m, d in rows if m is not None and t is not None]
        return [
            Passage.from_chunk(_chunk_from(i, t, m), score=1.0 - d, via="dense", rank=r)
            for r, (i, t, m, d) in enumerate(found, start=1)
        ]

    # -- the ingest lease's rows (ClaimTable); not index content, so no generation bump ------

    def claims(self) -> list[Claim]:
        with self._use() as c:
            got = c.locks.get(include=["metadatas"])
        return [
            Claim(i, int(m["number"]), bool(m["choosing"]), float(m["expires"]))
            for i, m in zip(got["ids"], got["metadatas"], strict=True)
        ]

    def put_claim(self, claim: Claim) -> None:
        meta = {"number": claim.number, "choosing": claim.choosing, "expires": claim.expires}
        with self._use() as c:
            c.locks.upsert(ids=[claim.owner], embeddings=[_DOC_VECTOR], metadatas=[meta])

    def drop_claim(self, owner: str) -> None:
        with self._use() as c:
            c.locks.delete(ids=[owner])


def _save_chunk_index_often(chunks) -> None:
    """An index made with Chroma's default gets `_CHUNKS_SYNC_THRESHOLD` at its next write
    (a reader leaves the configuration alone); the next process that opens it saves it. Read
    once per client: the configuration is a round trip to a `chroma run` server."""
    if chunks.configuration["hnsw"]["sync_threshold"] != _CHUNKS_SYNC_THRESHOLD:
        chunks.modify(configuration={"hnsw": {"sync_threshold": _CHUNKS_SYNC_THRESHOLD}})


def _where(filters: Filters | None) -> dict | None:
    """`Filters.matches` as a Chroma clause: `date` is 0 for an undated chunk (so any date
    bound excludes it) and `source_name` is `source_name(source)`, like the filter's."""
    if filters is None or filters.is_empty():
        return None
    clauses: list[dict] = []
    if filters.date_from:
        clauses.append({"date": {"$gte": _date_int(filters.date_from)}})
    if filters.date_to:
        clauses.append({"date": {"$lte": _date_int(filters.date_to)}})
        clauses.append({"date": {"$gt": 0}})
    if filters.sources:
        clauses.append({"source_name": {"$in": list(filters.sources)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


_SENTENCES_PER_PACK = 5  # about, at `_PACK_BYTES`: pages of records by sentences
# A pack's bytes before base64 (vectors, word vectors, texts). Chroma's writes slow with the
# collection's size once records pass some 50 KB: 1,000 GNAD-sized documents in writes of
# eight, one record each (~100 KB), took longer per write the more were stored (1.1 -> 3.7 s
# per 200); packs of about five sentences stayed flat and wrote in 8.6 s what one record
# per sentence wrote in 18.3 s (synthetic sentences of GNAD's sizes, one run each).
_PACK_BYTES = 16_000


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


def _packs(sentences: Sequence[StoredSentence]) -> list[dict[str, Any]]:
    """A document's sentences in order, in packs of at most `_PACK_BYTES` (or one sentence)."""
    packs: list[list[StoredSentence]] = []
    size = _PACK_BYTES
    for st in sentences:
        n = 4 * len(st.vector) + len(st.tokens or b"") + len(st.text.encode())
        if size + n > _PACK_BYTES:
            packs.append([])
            size = 0
        packs[-1].append(st)
        size += n
    return [_pack(p) for p in packs]


def _pack(sentences: Sequence[StoredSentence]) -> dict[str, Any]:
    """Sentences of one document as one record's metadata (Chroma keeps no bytes: base64):
    offsets as int32, vectors as one float32 matrix (what Chroma stored them as), the texts
    as a JSON list, the packed word vectors end to end with their sizes (-1: none)."""
    tokens = [st.tokens for st in sentences]
    return {
        "doc_id": sentences[0].doc_id,
        "count": len(sentences),
        "starts": _b64(np.asarray([st.start for st in sentences], dtype=np.int32)),
        "ends": _b64(np.asarray([st.end for st in sentences], dtype=np.int32)),
        "vectors": _b64(np.asarray([st.vector for st in sentences], dtype=np.float32)),
        "texts": json.dumps([st.text for st in sentences], ensure_ascii=False),
        "tokens": base64.b64encode(b"".join(t for t in tokens if t is not None)).decode(),
        "token_sizes": _b64(np.asarray([-1 if t is None else len(t) for t in tokens], np.int32)),
        "tokens_ids": json.dumps([st.tokens_id for st in sentences]),
    }


def _unpack_vectors(m: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = int(m["count"])
    starts = np.frombuffer(base64.b64decode(m["starts"]), dtype=np.int32)
    ends = np.frombuffer(base64.b64decode(m["ends"]), dtype=np.int32)
    vectors = np.frombuffer(base64.b64decode(m["vectors"]), dtype=np.float32).reshape(n, -1)
    return starts, ends, vectors


def _unpack(m: dict[str, Any]) -> list[StoredSentence]:
    doc_id = m["doc_id"]
    starts, ends, vectors = _unpack_vectors(m)
    texts, tokens_ids = json.loads(m["texts"]), json.loads(m["tokens_ids"])
    blob = base64.b64decode(m["tokens"])
    out, at = [], 0
    for i, size in enumerate(np.frombuffer(base64.b64decode(m["token_sizes"]), np.int32)):
        tokens = None if size < 0 else blob[at : at + size]
        at += max(0, int(size))
        out.append(
            StoredSentence(
                doc_id=doc_id,
                start=int(starts[i]),
                end=int(ends[i]),
                text=texts[i],
                vector=vectors[i].tolist(),
                tokens=tokens,
                tokens_id=tokens_ids[i],
            )
        )
    return out


def _batches(client: Any, n: int) -> Iterator[slice]:
    """Slices of `n` records no larger than the client takes in one call (at most 1,000)."""
    size = max(1, min(client.get_max_batch_size(), 1000))
    for i in range(0, n, size):
        yield slice(i, i + size)


def _pack_legacy_sentences(client: Any, packs: Any, legacy: str) -> bool:
    """An index written before sentences were packed keeps one record per sentence in
    `legacy`: pack them per document and drop that collection (True). Nothing is
    re-embedded; packing twice writes the same records."""
    if legacy not in {getattr(c, "name", c) for c in client.list_collections()}:
        return False
    old = client.get_collection(legacy, embedding_function=None)
    by_doc: dict[str, list[StoredSentence]] = {}
    total = old.count()
    for part in _batches(client, total):
        got = old.get(
            include=["documents", "metadatas", "embeddings"],
            limit=part.stop - part.start,
            offset=part.start,
        )
        for t, m, v in zip(got["documents"], got["metadatas"], got["embeddings"], strict=True):
            by_doc.setdefault(m["doc_id"], []).append(
                StoredSentence(
                    doc_id=m["doc_id"],
                    start=int(m["start"]),
                    end=int(m["end"]),
                    text=t,
                    vector=[float(x) for x in v],
                    tokens=base64.b64decode(m["tokens"]) if "tokens" in m else None,
                    tokens_id=m.get("tokens_id", ""),
                )
            )
    records = [
        (f"{d}:{k}", pack)
        for d, sentences in by_doc.items()
        for k, pack in enumerate(_packs(sorted(sentences, key=lambda st: st.start)))
    ]
    for part in _batches(client, len(records)):
        packs.upsert(
            ids=[r for r, _ in records[part]],
            embeddings=[_DOC_VECTOR] * len(records[part]),
            metadatas=[m for _, m in records[part]],
        )
    client.delete_collection(legacy)
    log.info(
        "packed the sentences of an older index",
        extra={"sentences": total, "documents": len(by_doc)},
    )
    return True


def _chunk_meta(c: Chunk) -> dict[str, Any]:
    return {
        "doc_id": c.doc_id,
        "index": c.index,
        "start": c.start,
        "end": c.end,
        "title": c.title,
        "source": c.source,
        "source_name": source_name(c.source),
        "date": _date_int(c.date),
        "publisher": c.publisher or "",
        "section": c.section or "",
        "section_time": _iso(c.section_time),
    }


def _chunk_from(chunk_id: str, text: str, m: dict[str, Any]) -> Chunk:
    date_int = int(m.get("date") or 0)
    return Chunk(
        id=chunk_id,
        doc_id=m["doc_id"],
        index=int(m["index"]),
        text=text,
        start=int(m["start"]),
        end=int(m["end"]),
        title=m["title"],
        source=m["source"],
        date=dt.datetime.strptime(str(date_int), "%Y%m%d").date() if date_int else None,
        publisher=m.get("publisher") or None,
        section=m.get("section") or None,
        section_time=_datetime(m.get("section_time")),
    )


def _doc_meta(doc: Document, n_chunks: int, index_key: str) -> dict[str, Any]:
    return {
        "title": doc.title,
        "source": doc.source,
        "content_hash": doc.content_hash,
        "index_key": index_key,
        "date": _iso(doc.date),
        "publisher": doc.publisher or "",
        "sections": json.dumps([s.model_dump(mode="json") for s in doc.sections]),
        "chunks": n_chunks,
    }


def _doc_from(doc_id: str, text: str, m: dict[str, Any]) -> Document:
    return Document(
        id=doc_id,
        title=m["title"],
        text=text,
        source=m["source"],
        content_hash=m["content_hash"],
        date=_date(m.get("date")),
        publisher=m.get("publisher") or None,
        sections=tuple(Section(**s) for s in json.loads(m.get("sections") or "[]")),
    )


def _info_from(doc_id: str, m: dict[str, Any]) -> DocumentInfo:
    return DocumentInfo(
        id=doc_id,
        title=m["title"],
        source=m["source"],
        content_hash=m["content_hash"],
        date=_date(m.get("date")),
        publisher=m.get("publisher") or None,
        chunks=int(m.get("chunks") or 0),
        index_key=m.get("index_key") or "",
    )
