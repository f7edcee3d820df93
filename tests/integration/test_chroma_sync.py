"""The chunk index is saved often enough that a new process does not replay hundreds of
vectors from Chroma's log on open (`_CHUNKS_SYNC_THRESHOLD` in stores/chroma.py); the
fingerprint is read again only when the generation marker says another write happened; reads
survive another process's write in flight."""

import chromadb
import pytest
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import InternalError

from qa_service.errors import StoreUnavailableError
from qa_service.stores import chroma as chroma_store
from qa_service.stores.chroma import _CHUNKS_SYNC_THRESHOLD, ChromaStore
from tests.contracts.store import make_chunks, make_doc


def _sync_threshold(path: str, name: str) -> int:
    client = chromadb.PersistentClient(
        path=path, settings=ChromaSettings(anonymized_telemetry=False)
    )
    return client.get_collection(name).configuration["hnsw"]["sync_threshold"]


def _write_one(store: ChromaStore) -> None:
    doc = make_doc()
    store.write_document(doc, make_chunks(doc, [(0, 10)]), [[1.0, 0.0, 0.0]])


def test_a_new_index_saves_its_chunk_vectors_every_threshold(tmp_path):
    path = str(tmp_path / "chroma")
    _write_one(ChromaStore(path=path))
    assert _sync_threshold(path, "articles_chunks") == _CHUNKS_SYNC_THRESHOLD < 1000


def test_an_index_with_chromas_default_gets_it_at_its_next_write_only(tmp_path):
    path = str(tmp_path / "chroma")
    client = chromadb.PersistentClient(
        path=path, settings=ChromaSettings(anonymized_telemetry=False)
    )
    client.create_collection(
        "articles_chunks", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
    )
    store = ChromaStore(path=path)
    store.count()  # a reader leaves it alone
    assert _sync_threshold(path, "articles_chunks") == 1000
    _write_one(store)
    assert _sync_threshold(path, "articles_chunks") == _CHUNKS_SYNC_THRESHOLD


def test_the_fingerprint_is_read_again_only_after_a_write(tmp_path, monkeypatch):
    path = str(tmp_path / "chroma")
    reader, writer = ChromaStore(path=path), ChromaStore(path=path)
    _write_one(writer)
    before = reader.fingerprint()
    digests = []
    real = ChromaStore._digest
    monkeypatch.setattr(ChromaStore, "_digest", lambda self: digests.append(1) or real(self))
    assert reader.fingerprint() == before and digests == []
    doc = make_doc("doc-2", "Ein anderer Text über Lorbach.", source="/corpus/zwei.txt")
    writer.write_document(doc, make_chunks(doc, [(0, 10)]), [[0.0, 1.0, 0.0]])
    after = reader.fingerprint()  # another store (another process) wrote
    assert after != before and digests == [1]
    assert reader.fingerprint() == after and digests == [1]
    reader.delete_document(doc.id)
    assert reader.fingerprint() == before and digests == [1, 1]


def test_a_search_skips_a_chunk_another_writer_removed_meanwhile(tmp_path, monkeypatch):
    """The reader's client has loaded the vector index; before it notices the other writer
    (the generation marker, held still here), that writer removes a document: its chunk is
    still in the loaded index, its record gone. The search leaves it out, it does not fail."""
    path = str(tmp_path / "chroma")
    reader, writer = ChromaStore(path=path), ChromaStore(path=path)
    _write_one(writer)
    doc = make_doc("doc-2", "Ein anderer Text über Lorbach.", source="/corpus/zwei.txt")
    writer.write_document(doc, make_chunks(doc, [(0, 10)]), [[0.0, 1.0, 0.0]])
    assert {p.doc_id for p in reader.search([0.0, 1.0, 0.0], 2)} == {"doc-1", "doc-2"}
    monkeypatch.setattr(reader, "_generation", lambda: reader._conn.generation)
    writer.delete_document(doc.id)
    found = reader.search([0.0, 1.0, 0.0], 2)
    assert [(p.doc_id, p.rank) for p in found] == [("doc-1", 1)]


def test_a_read_that_meets_a_half_written_index_is_tried_again(tmp_path, monkeypatch):
    """Embedded Chroma fails a read whose vector index file another process is replacing;
    the store opens a fresh client and reads again, and says the store is unavailable only
    when that keeps failing."""
    path = str(tmp_path / "chroma")
    store = ChromaStore(path=path)
    _write_one(store)
    monkeypatch.setattr(chroma_store, "_READ_RETRIES", (0.0, 0.0))
    broken = store._conn

    def half_written(*args, **kwargs):
        raise InternalError("Error deserializing pickle file: EOF while parsing")

    monkeypatch.setattr(broken.chunks, "query", half_written)
    assert [p.doc_id for p in store.search([1.0, 0.0, 0.0], 1)] == ["doc-1"]
    assert store._conn is not broken and broken.retired
    monkeypatch.setattr(Collection, "count", half_written)
    with pytest.raises(StoreUnavailableError, match="deserializing"):
        store.count()
