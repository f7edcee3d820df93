"""Ingest stores every sentence of a document with its vector, embedded in the same encoder
call as the chunks; an index written before sentence units is upgraded by re-ingesting."""

from __future__ import annotations

from pathlib import Path

from ingest.chunking import chunk_document
from ingest.indexing import Indexer
from ingest.loading import load_document
from qa_service.sentences import split_sentences
from qa_service.settings import Settings
from tests.fakes import HashEmbedder, InMemoryStore

TEXT = (
    " date 2026-01-05  1.0\n\nMerz besucht die Bundeswehr\n\n"
    "Bundeskanzler Friedrich Merz hat am Montag Soldaten in Litauen besucht. "
    "Er versprach mehr Geld. Die Brigade soll bis 2027 stehen.\n\n"
    "Ein zweiter Absatz folgt hier. Er hat zwei Sätze.\n"
)


def _indexer(store, embedder) -> Indexer:
    s = Settings(_env_file=None)
    return Indexer(
        store,
        embedder,
        target_chars=s.chunk_target_chars,
        max_chars=s.chunk_max_chars,
        overlap_sentences=s.chunk_overlap_sentences,
    )


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "merz.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path


def test_every_sentence_is_stored_with_document_offsets(tmp_path):
    store, embedder = InMemoryStore(), HashEmbedder()
    report = _indexer(store, embedder).ingest_paths([_corpus(tmp_path)])
    [info] = store.list_documents()
    doc = store.get_document(info.id)
    stored = store.get_sentences([doc.id])
    assert [(st.start, st.end) for st in stored] == split_sentences(doc.text)
    assert all(doc.text[st.start : st.end] == st.text for st in stored)
    assert stored[0].vector == embedder.embed_documents([stored[0].text])[0]
    assert report.sentences_written == len(stored) >= 5
    assert embedder.calls == 2  # one pass for the document (the other call is ours, above)


def test_unchanged_files_embed_nothing(tmp_path):
    store, embedder = InMemoryStore(), HashEmbedder()
    indexer = _indexer(store, embedder)
    indexer.ingest_paths([_corpus(tmp_path)])
    report = indexer.ingest_paths([tmp_path])
    assert report.summary()["unchanged"] == 1 and embedder.calls == 1


def test_an_index_from_before_sentence_units_is_upgraded_by_re_ingesting(tmp_path):
    store, embedder = InMemoryStore(), HashEmbedder()
    path = _corpus(tmp_path) / "merz.txt"
    doc = load_document(path)
    chunks = chunk_document(doc)
    # What the previous version wrote: chunks and the record, no sentences, its own key.
    store.check_embedding(embedder.model_id, embedder.dim)
    store.write_document(doc, chunks, embedder.embed_documents([c.text for c in chunks]), "v1")
    assert store.get_sentences([doc.id]) == []
    report = _indexer(store, embedder).ingest_paths([tmp_path])
    assert report.summary()["updated"] == 1
    assert len(store.get_sentences([doc.id])) == len(split_sentences(doc.text))
