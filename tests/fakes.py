"""Fast stand-ins for the two heavy parts, for the fast test tier (no model files, no disk).

`InMemoryStore` is a second Store that passes tests/contracts/store.py beside Chroma. It lives
here, not in the package, because no configuration of the service selects it: shipped, it
would be code only tests run. `HashEmbedder` is deterministic: hashed character trigrams,
so texts that share words get close vectors, in any process, without a model.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Iterator, Sequence

from qa_service.errors import EmbeddingMismatchError
from qa_service.models import (
    Chunk,
    Document,
    DocumentInfo,
    DocumentWrite,
    Filters,
    Passage,
    StoredSentence,
    Vector,
    check_writes,
)
from qa_service.protocols import SentenceVectorPage
from qa_service.stores.lease import Claim

_WORD = re.compile(r"\w+")


class HashEmbedder:
    """Bag of hashed character trigrams of the lower-cased words, L2-normalised."""

    def __init__(self, dim: int = 512) -> None:
        self._dim = dim
        self.calls = 0  # embed_documents calls, so tests can see batching

    @property
    def model_id(self) -> str:
        return f"test/hash-trigrams-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def warm_up(self) -> None:
        return None

    def _vector(self, text: str) -> Vector:
        v = [0.0] * self._dim
        for word in _WORD.findall(text.lower()):
            padded = f" {word} "
            for i in range(len(padded) - 2):
                h = hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4).digest()
                v[int.from_bytes(h, "little") % self._dim] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        if isinstance(texts, str):
            raise TypeError("embed_documents takes a list of texts")
        self.calls += 1
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> Vector:
        return self._vector(text)


class InMemoryStore:
    """A Store in dicts: chunks first, the document record last, like Chroma."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: tuple[str, int] | None = None
        self._docs: dict[str, tuple[Document, int, str]] = {}  # id -> (doc, chunks, index_key)
        self._chunks: dict[str, tuple[Chunk, tuple[float, ...]]] = {}
        self._sentences: dict[str, list[StoredSentence]] = {}
        self._claims: dict[str, Claim] = {}
        self._generation = 0

    @property
    def location(self) -> str:
        return "memory"

    def check_embedding(self, model_id: str, dim: int) -> None:
        with self._lock:
            if self._model is None:
                if self._chunks:
                    raise EmbeddingMismatchError("chunks without a model record; re-index")
                self._model = (model_id, dim)
                return
        if self._model != (model_id, dim):
            raise EmbeddingMismatchError(
                f"the index was built with {self._model[0]!r} ({self._model[1]}-d), but "
                f"{model_id!r} ({dim}-d) is configured; re-index with that model"
            )

    def write_document(
        self,
        doc: Document,
        chunks: Sequence[Chunk],
        vectors: Sequence[Vector],
        index_key: str = "",
        sentences: Sequence[StoredSentence] = (),
    ) -> None:
        check_writes([DocumentWrite(doc, chunks, vectors, index_key, sentences)])
        with self._lock:
            for cid in [c for c, (ch, _) in self._chunks.items() if ch.doc_id == doc.id]:
                del self._chunks[cid]
            for chunk, vector in zip(chunks, vectors, strict=True):
                self._chunks[chunk.id] = (chunk, tuple(float(x) for x in vector))
            self._sentences[doc.id] = sorted(sentences, key=lambda st: st.start)
            self._docs[doc.id] = (doc, len(chunks), index_key)
            self._generation += 1

    def write_documents(self, writes: Sequence[DocumentWrite]) -> None:
        check_writes(writes)
        # one by one: a test double that overrides write_document sees every document
        for w in writes:
            self.write_document(w.doc, w.chunks, w.vectors, w.index_key, w.sentences)

    def delete_document(self, doc_id: str) -> bool:
        with self._lock:
            existed = self._docs.pop(doc_id, None) is not None
            self._sentences.pop(doc_id, None)
            for cid in [c for c, (ch, _) in self._chunks.items() if ch.doc_id == doc_id]:
                del self._chunks[cid]
            self._generation += 1
        return existed

    def get_document(self, doc_id: str) -> Document | None:
        entry = self._docs.get(doc_id)
        return entry[0] if entry else None

    def list_documents(self) -> list[DocumentInfo]:
        with self._lock:
            entries = list(self._docs.values())
        infos = [
            doc.info(chunks=n).model_copy(update={"index_key": key}) for doc, n, key in entries
        ]
        return sorted(infos, key=lambda d: d.source)

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        return [self._chunks[i][0] for i in ids if i in self._chunks]

    def get_sentences(self, doc_ids: Sequence[str]) -> list[StoredSentence]:
        return [st for d in dict.fromkeys(doc_ids) for st in self._sentences.get(d, [])]

    def sentence_vectors(self, page: int = 5000) -> Iterator[SentenceVectorPage]:
        with self._lock:
            rows = [st for sts in self._sentences.values() for st in sts]
        for i in range(0, len(rows), page):
            part = rows[i : i + page]
            yield [(st.doc_id, st.start, st.end) for st in part], [st.vector for st in part]

    def all_chunks(self) -> list[Chunk]:
        with self._lock:
            chunks = [c for c, _ in self._chunks.values()]
        return sorted(chunks, key=lambda c: (c.doc_id, c.index))

    def count(self) -> int:
        return len(self._chunks)

    def fingerprint(self) -> str:
        with self._lock:
            pairs = sorted(f"{i}:{key}" for i, (_, _, key) in self._docs.items())
            pairs.append(str(len(self._chunks)))
        return hashlib.sha256("\n".join(pairs).encode()).hexdigest()[:16]

    def claims(self) -> list[Claim]:
        with self._lock:
            return list(self._claims.values())

    def put_claim(self, claim: Claim) -> None:
        with self._lock:
            self._claims[claim.owner] = claim

    def drop_claim(self, owner: str) -> None:
        with self._lock:
            self._claims.pop(owner, None)

    def search(self, vector: Vector, top_k: int, filters: Filters | None = None) -> list[Passage]:
        with self._lock:
            rows = list(self._chunks.values())
        if filters is not None and not filters.is_empty():
            rows = [(c, v) for c, v in rows if filters.matches(c.date, c.source)]
        scored = sorted(
            ((_cosine(vector, v), c) for c, v in rows),
            key=lambda sc: (-sc[0], sc[1].doc_id, sc[1].index),
        )
        return [
            Passage.from_chunk(c, score=s, via="dense", rank=r)
            for r, (s, c) in enumerate(scored[: max(top_k, 0)], start=1)
        ]


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0
