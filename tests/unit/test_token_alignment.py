"""Token vectors: packed small at ingest, read back per document, encoded alone where an
index lacks them, and the alignment feature the selector reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from qa_service.answering.alignment import Alignment, SentenceTokens
from qa_service.corpus.attribution import SentenceUnit
from qa_service.embedders.token_vectors import (
    DIM,
    TokenProjection,
    closest,
    shipped_projection,
    unpack,
    word_vectors,
)
from qa_service.models import StoredSentence
from qa_service.protocols import TokenSpanEmbedder
from tests.fakes import HashEmbedder, InMemoryStore
from tests.unit.test_indexing_sentences import _indexer


def _word_vector(word: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(word.lower().encode()).digest()[:4], "big")
    return np.random.default_rng(seed).standard_normal(384).astype(np.float32)


class TokenHashEmbedder(HashEmbedder):
    """A span embedder whose "token vectors" are one hashed vector per word."""

    def __init__(self) -> None:
        super().__init__()
        self.token_calls: list[list[str]] = []

    def embed_documents_with_spans(self, texts, spans):
        vectors, span_vectors, _ = self.embed_documents_with_span_tokens(
            texts, spans, shipped_projection()
        )
        return vectors, span_vectors

    def embed_documents_with_span_tokens(self, texts, spans, projection):
        self.token_calls.append(list(texts))
        vectors = self.embed_documents(texts)
        span_vectors = [
            self.embed_documents([t[a:z] for a, z in s]) for t, s in zip(texts, spans, strict=True)
        ]
        tokens = [
            [projection.pack(np.stack([_word_vector(w) for w in t[a:z].split()])) for a, z in s]
            for t, s in zip(texts, spans, strict=True)
        ]
        return vectors, span_vectors, tokens


def test_packed_tokens_keep_their_cosines():
    rows = np.stack([_word_vector(w) for w in ("Kanzler", "sagte", "Bundeswehr", "Geld")])
    projection = shipped_projection()
    exact = projection.project(rows)
    back = unpack(projection.pack(rows))
    assert back.shape == (4, DIM) and len(projection.pack(rows)) == 4 * DIM
    assert np.allclose(back @ back.T, exact @ exact.T, atol=0.02)


def test_a_word_is_the_mean_of_its_pieces():
    rows = np.asarray([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0], [4.0, 0.0]], dtype=np.float32)
    words = word_vectors(rows, ["▁Bundes", "wehr", "▁sagt", "e"])
    assert np.allclose(words, [[0.5, 0.5], [3.0, 1.0]])
    # a span's first piece starts a word even without the word-start mark ("(Lorbach)")
    assert np.allclose(word_vectors(rows[:2], ["Lor", "bach"]), [[0.5, 0.5]])
    assert word_vectors(rows[:0], []).shape[0] == 0


def test_alignment_is_each_question_tokens_best_match_averaged():
    q = np.eye(3, dtype=np.float32)[:2]
    s = np.asarray([[1, 0, 0], [0, 0.6, 0.8]], dtype=np.float32)
    assert closest(q, s).mean() == pytest.approx((1.0 + 0.6) / 2)
    assert len(closest(q, np.empty((0, 0), np.float32))) == 0
    assert len(closest(np.empty((0, 0), np.float32), s)) == 0


def test_a_refit_on_the_same_rows_gives_the_same_projection_and_another_sample_another_id():
    rng = np.random.default_rng(1)
    sample = rng.standard_normal((500, 384)).astype(np.float32)
    first, again = TokenProjection.fit(sample), TokenProjection.fit(sample.copy())
    assert np.array_equal(first.matrix, again.matrix) and first.id == again.id
    assert first.matrix.shape == (384, DIM)
    assert TokenProjection.fit(sample[::-1][:400]).id != first.id


def test_the_shipped_projection_loads_and_saves_unchanged(tmp_path):
    shipped = shipped_projection()
    shipped.save(tmp_path / "p.npz")
    assert TokenProjection.load(tmp_path / "p.npz").id == shipped.id


TEXT = (
    "Lorbach besucht Bruggenau\n\nDie Ministerin Maria Lotter hat am Montag Bruggenau "
    "besucht. Sie versprach mehr Geld für die Schulen. Der Bau soll 2027 beginnen.\n"
)


def test_ingest_stores_each_sentences_tokens_from_the_same_pass(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    store, embedder = InMemoryStore(), TokenHashEmbedder()
    assert isinstance(embedder, TokenSpanEmbedder)
    _indexer(store, embedder).ingest_paths([tmp_path])
    [info] = store.list_documents()
    stored = store.get_sentences([info.id])
    assert len(embedder.token_calls) == 1  # one encoder call for the document
    assert stored and all(s.tokens_id == shipped_projection().id for s in stored)
    for s in stored:
        assert unpack(s.tokens).shape == (len(s.text.split()), DIM)


def test_an_embedder_without_tokens_stores_none(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    store = InMemoryStore()
    _indexer(store, HashEmbedder()).ingest_paths([tmp_path])
    [info] = store.list_documents()
    assert all(s.tokens is None and s.tokens_id == "" for s in store.get_sentences([info.id]))


def _unit(doc_id: str, start: int, text: str, index: int = 0) -> SentenceUnit:
    return SentenceUnit(doc_id=doc_id, index=index, start=start, end=start + len(text), text=text)


def _stored(doc_id, start, text, tokens, tokens_id):
    return StoredSentence(
        doc_id=doc_id,
        start=start,
        end=start + len(text),
        text=text,
        vector=[0.0],
        tokens=tokens,
        tokens_id=tokens_id,
    )


class _CountingStore(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[list[str]] = []

    def get_sentences(self, doc_ids):
        self.reads.append(list(doc_ids))
        return super().get_sentences(doc_ids)


def test_stored_tokens_are_read_once_per_document_and_others_encoded_alone():
    projection = shipped_projection()
    store, embedder = _CountingStore(), TokenHashEmbedder()
    good = "Maria Lotter besucht Bruggenau."
    stale = "Der Bau soll beginnen."
    packed = projection.pack(np.stack([_word_vector(w) for w in good.split()]))
    store._sentences["d"] = [
        _stored("d", 0, good, packed, projection.id),
        _stored("d", 40, stale, packed, "another-projection"),
    ]
    tokens = SentenceTokens(store, embedder, projection)
    units = [_unit("d", 0, good), _unit("d", 40, stale, 1)]
    first = tokens(units)
    assert np.allclose(first[0], unpack(packed))
    assert embedder.token_calls == [[stale]]  # the stale one only, on its own
    assert first[1].shape == (len(stale.split()), DIM)
    again = tokens(units)
    assert store.reads == [["d"]] and embedder.token_calls == [[stale]]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


class _Words:
    """Question tokens as hashed words, projected as the sentences' are."""

    def words(self, question: str) -> tuple[list[str], np.ndarray]:
        words = question.rstrip("?").split()
        return words, shipped_projection().project(np.stack([_word_vector(w) for w in words]))


def test_the_sentence_saying_the_questions_words_aligns_best():
    store, embedder = InMemoryStore(), TokenHashEmbedder()
    projection = shipped_projection()
    texts = ["Maria Lotter besucht Bruggenau.", "Der Bau soll 2027 beginnen."]
    store._sentences["d"] = [
        _stored("d", 0, texts[0], None, ""),
        _stored("d", 40, texts[1], None, ""),
    ]
    align = Alignment(_Words(), SentenceTokens(store, embedder, projection))
    scores = align(
        "Wann soll der Bau beginnen?", [_unit("d", 0, texts[0]), _unit("d", 40, texts[1], 1)]
    ).per_unit
    assert scores[1] > scores[0] and scores[1] > 0.6


def test_coverage_is_how_well_the_candidates_say_the_questions_content_words():
    """Her name is said, her age only where the second sentence is a candidate."""
    store, embedder = InMemoryStore(), TokenHashEmbedder()
    texts = ["Maria Lotter besucht heute Bruggenau.", "Maria Lotter ist alt und lebt hier."]
    store._sentences["d"] = [
        _stored("d", 0, texts[0], None, ""),
        _stored("d", 40, texts[1], None, ""),
    ]
    align = Alignment(_Words(), SentenceTokens(store, embedder, shipped_projection()))
    first, second = _unit("d", 0, texts[0]), _unit("d", 40, texts[1], 1)
    asked = "Wie alt ist Maria Lotter?"  # "Wie", "ist": no content words
    both, one = align(asked, [first, second]), align(asked, [first])
    assert both.coverage > 0.99 and both.weakest > 0.99
    # "Maria" and "Lotter" said (about 1 each), "alt" not (a hashed word's cosine to the others):
    # the mean is lowered by a third of what the weakest word lost
    assert 0.6 < one.coverage < 0.8
    assert one.weakest < 0.5 and abs((1 - one.coverage) * 3 - (1 - one.weakest)) < 1e-3
