"""StoredSentenceVectors: every stored vector in memory after `load()`, the same rows as the
per-document path; documents written later read on demand; over the memory bound, the LRU."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from qa_service.answering.sentence_vectors import SentenceVectors, StoredSentenceVectors
from qa_service.container import build_service
from qa_service.corpus.attribution import SentenceUnit
from qa_service.models import StoredSentence
from qa_service.sentences import split_sentences
from qa_service.settings import Settings
from tests.contracts.store import make_chunks, make_doc
from tests.fakes import HashEmbedder, InMemoryStore

TEXTS = [
    "Der Rat tagte am Montag. Er beschloss ein neues Gesetz. Die Opposition war dagegen.",
    "Im Hafen lagen drei Schiffe. Eines davon kam aus Triest. Die Ladung war Kaffee.",
    "Das Wetter bleibt wechselhaft. Am Wochenende wird es wärmer.",
]


class CountingStore(InMemoryStore):
    """Counts the documents read one by one and the bulk reads."""

    def __init__(self) -> None:
        super().__init__()
        self.per_document: list[str] = []
        self.bulk = 0

    def get_sentences(self, doc_ids):
        self.per_document += list(doc_ids)
        return super().get_sentences(doc_ids)

    def sentence_vectors(self, page=5000):
        self.bulk += 1
        return super().sentence_vectors(page)


def write(store: InMemoryStore, embedder: HashEmbedder, i: int, text: str) -> list[SentenceUnit]:
    """A document with its sentences stored as ingest stores them; its units, as asked."""
    doc = make_doc(f"doc-{i}", text=text, source=f"/corpus/{i}.txt")
    spans = split_sentences(text)
    vectors = embedder.embed_documents([text[s:e] for s, e in spans])
    sentences = [
        StoredSentence(doc_id=doc.id, start=s, end=e, text=text[s:e], vector=v)
        for (s, e), v in zip(spans, vectors, strict=True)
    ]
    chunks = make_chunks(doc, [(0, len(text))])
    store.write_document(doc, chunks, embedder.embed_documents([text]), sentences=sentences)
    return [
        SentenceUnit(doc_id=doc.id, index=n, start=s, end=e, text=text[s:e])
        for n, (s, e) in enumerate(spans)
    ]


@pytest.fixture
def corpus():
    store, embedder = CountingStore(), HashEmbedder(dim=64)
    store.check_embedding(embedder.model_id, embedder.dim)
    units = [u for i, t in enumerate(TEXTS[:2]) for u in write(store, embedder, i, t)]
    return store, embedder, units


def vectors(store, embedder, **kwargs) -> StoredSentenceVectors:
    return StoredSentenceVectors(store, SentenceVectors(embedder), **kwargs)


def test_loaded_rows_equal_the_per_document_ones(corpus):
    store, embedder, units = corpus
    per_document = vectors(store, embedder)(units)
    resident = vectors(store, embedder, resident_bytes=2**20)
    assert resident.load()
    store.per_document.clear()
    calls = embedder.calls
    got = resident(units[::-1])
    np.testing.assert_array_equal(got, per_document[::-1])
    assert got.dtype == np.float32
    assert store.per_document == [] and embedder.calls == calls  # all from memory


def test_a_document_written_after_the_load_is_read_on_demand(corpus):
    store, embedder, units = corpus
    resident = vectors(store, embedder, resident_bytes=2**20)
    assert resident.load()
    later = write(store, embedder, 2, TEXTS[2])
    expected = vectors(store, embedder)(units[:2] + later)
    store.per_document.clear()
    np.testing.assert_array_equal(resident(units[:2] + later), expected)
    assert store.per_document == ["doc-2"]
    resident(later)
    assert store.per_document == ["doc-2"]  # then kept by its id


def test_over_the_memory_bound_the_per_document_lru_stays(corpus):
    store, embedder, units = corpus
    one_row = embedder.dim * 4
    bounded = vectors(store, embedder, resident_bytes=one_row, documents=1)
    assert not bounded.load()
    expected = vectors(store, embedder)(units)
    store.per_document.clear()
    np.testing.assert_array_equal(bounded(units), expected)
    assert store.per_document == ["doc-0", "doc-1"]
    bounded(units[:1])  # doc-0 was evicted: one document is kept
    assert store.per_document == ["doc-0", "doc-1", "doc-0"]


def test_sentences_never_stored_are_embedded(corpus):
    store, embedder, units = corpus
    resident = vectors(store, embedder, resident_bytes=2**20)
    assert resident.load()
    unstored = SentenceUnit(doc_id="doc-0", index=9, start=1, end=9, text="er Rat t")
    got = resident([unstored, units[0]])
    np.testing.assert_allclose(got[0], embedder.embed_documents([unstored.text])[0], atol=1e-6)


def test_background_load_waits_for_the_warm_up_and_answers_meanwhile(corpus):
    store, embedder, units = corpus
    resident = vectors(store, embedder, resident_bytes=2**20)
    warm = threading.Event()
    thread = resident.load_in_background(after=lambda: warm.wait(10))
    expected = vectors(store, embedder)(units)
    np.testing.assert_array_equal(resident(units), expected)  # before: per document
    assert store.bulk == 0 and store.per_document
    warm.set()
    thread.join(10)
    store.per_document.clear()
    np.testing.assert_array_equal(resident(units), expected)
    assert store.bulk == 1 and store.per_document == []


def test_only_the_server_flag_loads(corpus, tmp_path):
    store, embedder, _ = corpus
    settings = Settings(_env_file=None, data_dir=tmp_path)
    build_service(settings, store=store, embedder=embedder)
    assert store.bulk == 0
    build_service(settings, store=store, embedder=embedder, resident_vectors=True)
    for thread in threading.enumerate():
        if thread.name == "sentence-vectors":
            thread.join(10)
    assert store.bulk == 1
