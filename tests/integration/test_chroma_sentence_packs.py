"""Sentences are stored one packed record per document; an index from before that (one
record per sentence) is packed when a process first opens it, nothing re-embedded."""

import base64

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from qa_service.models import StoredSentence
from qa_service.stores.chroma import ChromaStore
from tests.contracts.store import SPANS, make_chunks, make_doc, make_sentences


def _client(path: str):
    return chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False))


def _same(got, want) -> bool:
    """Equal but for the float32 rounding Chroma's own vector storage gave the old rows."""
    return len(got) == len(want) and all(
        g.model_dump(exclude={"vector"}) == w.model_dump(exclude={"vector"})
        and g.vector == pytest.approx(w.vector, abs=1e-6)
        for g, w in zip(got, want, strict=True)
    )


def test_an_older_index_has_its_sentences_packed_when_opened(tmp_path):
    path = str(tmp_path / "chroma")
    old = make_doc("old")
    sentences = make_sentences(old, SPANS)
    sentences[1] = sentences[1].model_copy(update={"tokens": b"\x00\x01\xff", "tokens_id": "p1"})
    store = ChromaStore(path=path)
    store.write_document(old, make_chunks(old, SPANS), [[1.0, 0.0, 0.0]] * 3)
    # What the store wrote before: the sentences as records of their own, no packs.
    client = _client(path)
    client.delete_collection("articles_sentence_packs")
    legacy = client.create_collection(
        "articles_sentences", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
    )
    legacy.add(
        ids=[f"s{i}" for i in range(3)],
        embeddings=[list(st.vector) for st in reversed(sentences)],
        documents=[st.text for st in reversed(sentences)],
        metadatas=[
            {"doc_id": st.doc_id, "start": st.start, "end": st.end}
            | (
                {"tokens": base64.b64encode(st.tokens).decode(), "tokens_id": st.tokens_id}
                if st.tokens is not None
                else {}
            )
            for st in reversed(sentences)
        ],
    )
    del client

    reader = ChromaStore(path=path)
    assert _same(reader.get_sentences(["old"]), sentences)
    names = {getattr(c, "name", c) for c in _client(path).list_collections()}
    assert "articles_sentences" not in names
    reopened = ChromaStore(path=path)
    new = make_doc("new", source="/corpus/b.txt")
    reopened.write_document(
        new, make_chunks(new, SPANS), [[0.0, 1.0, 0.0]] * 3, sentences=make_sentences(new, SPANS)
    )
    assert [st.doc_id for st in reopened.get_sentences(["new", "old"])] == ["new"] * 3 + ["old"] * 3
    assert _same(reopened.get_sentences(["old"]), sentences)


def _many(doc, n: int, tokens: int) -> list:
    """`n` sentences of `doc`, each with `tokens` bytes of word vectors: several packs."""
    return [
        StoredSentence(
            doc_id=doc.id,
            start=k,
            end=k + 1,
            text=doc.text[k : k + 1],
            vector=[float(k), 1.0, 0.5],
            tokens=bytes([k % 256]) * tokens,
            tokens_id="p1",
        )
        for k in range(n)
    ]


def test_a_long_document_spans_several_packs_and_a_shorter_rewrite_leaves_none_behind(tmp_path):
    path = str(tmp_path / "chroma")
    store = ChromaStore(path=path)
    doc = make_doc("long", text="x" * 60)
    chunks, vectors = make_chunks(doc, [(0, 60)]), [[1.0, 0.0, 0.0]]
    many = _many(doc, 40, tokens=2000)  # ~80 KB of word vectors: five packs or more
    store.write_document(doc, chunks, vectors, sentences=many)
    assert store.get_sentences(["long"]) == many
    assert _client(path).get_collection("articles_sentence_packs").count() >= 5
    keys = [k for page, _ in store.sentence_vectors(page=7) for k in page]
    assert sorted(keys) == [("long", k, k + 1) for k in range(40)]
    store.write_document(doc, chunks, vectors, sentences=many[:3])
    assert store.get_sentences(["long"]) == many[:3]
    assert sum(len(page) for page, _ in store.sentence_vectors()) == 3
    store.delete_document("long")
    assert store.get_sentences(["long"]) == []
