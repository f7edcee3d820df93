"""The corpus snapshot cache: a new process on an unchanged store loads the last snapshot
instead of reading every document again, and never trusts one built for another store state
or other code."""

from __future__ import annotations

import gc
import pickle
import time

import pytest

from qa_service.container import build_service
from qa_service.corpus import reading_process
from qa_service.corpus import snapshot as snapshot_module
from qa_service.corpus.snapshot import CorpusSnapshots, SnapshotCache
from qa_service.settings import Settings
from tests.fakes import HashEmbedder, InMemoryStore

ARTICLE = (
    " date 2026-01-05  1.0\n\nBesuch bei der Brigade\n\n"
    "Die Ministerin besuchte am Montag die Brigade in Litauen. "
    "Sie versprach den Soldaten mehr Geld für neue Ausrüstung, sagte Anna Beispiel.\n"
)


@pytest.fixture
def ingested(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path)
    store = InMemoryStore()
    service = build_service(settings, store=store, embedder=HashEmbedder())
    assert service.ingest_bytes("brigade.txt", ARTICLE.encode()).status == "added"
    return settings, store, service


def _no_build(*_args, **_kwargs):
    raise AssertionError("the snapshot was rebuilt although a valid cache was on disk")


def test_an_ingest_leaves_the_snapshot_for_the_next_process(ingested, monkeypatch) -> None:
    settings, store, service = ingested
    files = list(settings.snapshots_dir.glob("*.pickle"))
    assert len(files) == 1 and files[0].name.startswith(store.fingerprint())

    monkeypatch.setattr(snapshot_module, "build_snapshot", _no_build)
    loaded = CorpusSnapshots(store, cache=SnapshotCache(settings.snapshots_dir)).current()
    built = service.snapshots.current()
    assert loaded.fingerprint == built.fingerprint
    assert loaded.sentences == built.sentences
    assert loaded.speakers.keys() == built.speakers.keys()
    assert loaded.bm25.idf == built.bm25.idf
    query = "Ministerin Brigade Geld"
    assert loaded.bm25.search(query, 5) == built.bm25.search(query, 5)
    assert loaded.bm25.scores(query).tolist() == built.bm25.scores(query).tolist()
    assert loaded.people == built.people and loaded.people_in == built.people_in


def test_a_changed_store_is_rebuilt_and_replaces_the_file(ingested) -> None:
    settings, store, service = ingested
    before = store.fingerprint()
    assert service.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Polen").encode())
    files = list(settings.snapshots_dir.glob("*.pickle"))
    assert [f.name.split("-")[0] for f in files] == [store.fingerprint()] != [before]
    fresh = CorpusSnapshots(store, cache=SnapshotCache(settings.snapshots_dir)).current()
    assert len(fresh.documents) == 2


def test_a_snapshot_of_other_code_is_not_loaded(ingested, monkeypatch) -> None:
    settings, store, _ = ingested
    monkeypatch.setattr(snapshot_module, "code_digest", lambda: "another-version")
    assert SnapshotCache(settings.snapshots_dir).load(store.fingerprint()) is None


def test_an_unreadable_cache_is_rebuilt_not_fatal(ingested, caplog) -> None:
    settings, store, _ = ingested
    (path,) = settings.snapshots_dir.glob("*.pickle")
    path.write_bytes(b"not a pickle")
    snapshot = CorpusSnapshots(store, cache=SnapshotCache(settings.snapshots_dir)).current()
    assert snapshot.fingerprint == store.fingerprint() and snapshot.documents
    assert "unreadable corpus snapshot cache ignored" in caplog.text
    assert SnapshotCache(settings.snapshots_dir).load(store.fingerprint()) is not None


def test_a_cache_that_cannot_be_written_still_answers(tmp_path, ingested, caplog) -> None:
    _, store, _ = ingested
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way of the cache directory")
    snapshot = CorpusSnapshots(store, cache=SnapshotCache(blocked / "snapshots")).current()
    assert snapshot.documents
    assert "corpus snapshot cache not written" in caplog.text


def test_a_rebuild_reads_only_the_documents_that_changed(ingested, monkeypatch) -> None:
    """Attribution is the costly part of a rebuild: unchanged documents keep their units, and
    are not fetched from the store again; a rewritten one is read again."""
    _, store, service = ingested
    before = service.snapshots.current()
    read = []
    real = snapshot_module.read_sentences
    monkeypatch.setattr(snapshot_module, "read_sentences", lambda d: read.append(d.id) or real(d))
    fetched = _counting_reads(store, monkeypatch)
    report = service.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Polen").encode())
    after = service.snapshots.current()
    assert read == fetched == [report.doc_id]
    (old_id,) = before.documents
    assert after.sentences[old_id] is before.sentences[old_id]
    assert len(after.sentences[report.doc_id]) == len(before.sentences[old_id])

    fetched.clear()
    rewritten = service.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Lettland").encode())
    assert rewritten.status == "updated" and rewritten.doc_id == report.doc_id
    assert fetched == [report.doc_id]
    assert "Lettland" in service.snapshots.current().documents[report.doc_id].text


def test_a_new_process_builds_on_the_snapshot_it_finds_cached(ingested, monkeypatch) -> None:
    """`qa ingest` of one file into a large index: its process holds no snapshot yet, the
    cache holds the one before the write, and only the new document is read."""
    settings, store, service = ingested
    (old_id,) = service.snapshots.current().documents
    read = []
    real = snapshot_module.read_sentences
    monkeypatch.setattr(snapshot_module, "read_sentences", lambda d: read.append(d.id) or real(d))
    fresh = build_service(settings, store=store, embedder=HashEmbedder())
    report = fresh.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Polen").encode())
    assert read == [report.doc_id]
    after = fresh.snapshots.current()
    assert set(after.documents) == {old_id, report.doc_id}
    assert after.sentences[old_id] == service.snapshots.current().sentences[old_id]

    # another code's snapshot is no start: everything is read
    read.clear()
    monkeypatch.setattr(snapshot_module, "code_digest", lambda: "another-version")
    build_service(settings, store=store, embedder=HashEmbedder()).snapshots.changed()
    assert sorted(read) == sorted([old_id, report.doc_id])


def test_a_new_process_fetches_only_the_new_documents(ingested, monkeypatch) -> None:
    """A server started on the cached snapshot, or a `qa ingest` of one file: the documents
    the cached snapshot holds under their index keys are not fetched from the store again;
    one indexed another way since is."""
    settings, store, _ = ingested
    fetched = _counting_reads(store, monkeypatch)
    server = build_service(settings, store=store, embedder=HashEmbedder())
    (old_id,) = server.snapshots.current().documents  # loaded from the cache
    writer = build_service(settings, store=store, embedder=HashEmbedder())
    report = writer.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Polen").encode())
    assert fetched == [report.doc_id]  # the writer built on the cached snapshot
    fetched.clear()
    assert set(server.snapshots.changed().documents) == {old_id, report.doc_id}
    assert fetched == []  # the writer's snapshot, from the cache

    doc, chunks, _ = store._docs[old_id]
    store._docs[old_id] = (doc, chunks, "indexed another way")
    fetched.clear()
    build_service(settings, store=store, embedder=HashEmbedder()).snapshots.changed()
    assert fetched == [old_id]


def _counting_reads(store, monkeypatch) -> list[str]:
    read: list[str] = []
    real = store.get_document
    monkeypatch.setattr(store, "get_document", lambda doc_id: read.append(doc_id) or real(doc_id))
    return read


def test_a_server_start_leaves_the_snapshot_for_the_next_start(tmp_path, monkeypatch) -> None:
    """Built at a server's start (the index written by other code, so no cache yet), the
    snapshot is on disk for the next start, which reads no document."""
    settings = Settings(_env_file=None, data_dir=tmp_path)
    store = InMemoryStore()
    writer = build_service(settings, store=store, embedder=HashEmbedder())
    writer.ingest_bytes("brigade.txt", ARTICLE.encode())
    for path in settings.snapshots_dir.glob("*.pickle"):
        path.unlink()  # as if ingested by other code

    first = build_service(settings, store=store, embedder=HashEmbedder(), resident_vectors=True)
    first.warm_up()  # what the server's lifespan runs
    assert first.answerer.unit_vectors.wait_loaded(timeout=30)

    read = _counting_reads(store, monkeypatch)
    second = build_service(settings, store=store, embedder=HashEmbedder(), resident_vectors=True)
    second.warm_up()
    assert read == []
    assert second.snapshots.current().sentences == first.snapshots.current().sentences


def test_a_background_rebuild_leaves_the_snapshot_too(ingested, monkeypatch) -> None:
    """A change made by another process is rebuilt on a background thread; that build is
    cached as well, once no newer one has come for `save_seconds`."""
    settings, store, service = ingested
    service.snapshots.current()
    service.snapshots.save_seconds = 0.05
    # Written past the service, as another process writes: no rebuild on this thread.
    service.indexer.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Polen").encode())
    service.snapshots.refresh_seconds = service.snapshots.settle_seconds = 0
    service.snapshots.current()  # notices the change and rebuilds in the background
    for _ in range(300):
        if len(service.snapshots.current().documents) == 2:
            break
        time.sleep(0.01)
    cache = SnapshotCache(settings.snapshots_dir)
    for _ in range(300):
        if cache.has(store.fingerprint()):
            break
        time.sleep(0.01)
    read = _counting_reads(store, monkeypatch)
    fresh = CorpusSnapshots(store, cache=cache).current()
    assert len(fresh.documents) == 2 and read == []


def test_a_background_rebuild_superseded_or_cached_by_its_writer_is_not_saved(
    ingested, monkeypatch
) -> None:
    """During an ingest beside the server most background builds are superseded by the next
    write, and the writer caches the state it leaves: neither is pickled again."""
    settings, store, service = ingested
    snapshots = service.snapshots
    snapshots.current()
    snapshots.save_seconds = 0.05
    saved = []
    monkeypatch.setattr(snapshots.cache, "save", lambda s: saved.append(s.fingerprint))
    older = snapshot_module.build_snapshot(store.fingerprint(), store.all_chunks(), [])
    snapshots._save_later(older)  # no longer the current one when its time comes
    snapshots._save_later(snapshots.current())  # already cached (by the ingest that wrote it)
    time.sleep(0.3)
    assert saved == []


def test_two_code_versions_on_one_index_both_keep_their_snapshot(ingested, monkeypatch) -> None:
    """An A/B run of two checkouts (or old and new release during a restart) alternates on
    one data dir: each start must find its own snapshot, not rebuild because the other code
    replaced it."""
    settings, store, _ = ingested
    read = _counting_reads(store, monkeypatch)
    for version in ("a", "b", "a", "b"):
        monkeypatch.setattr(snapshot_module, "code_digest", lambda v=version: v)
        CorpusSnapshots(store, cache=SnapshotCache(settings.snapshots_dir)).current()
    assert len(read) == 2  # one build each, the first time


def test_snapshots_of_an_earlier_store_state_are_removed(ingested, monkeypatch) -> None:
    settings, store, service = ingested
    monkeypatch.setattr(snapshot_module, "code_digest", lambda: "other-code")
    CorpusSnapshots(store, cache=SnapshotCache(settings.snapshots_dir)).current()
    monkeypatch.undo()
    service.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Polen").encode())
    names = [p.name for p in settings.snapshots_dir.glob("*.pickle")]
    assert names == [f"{store.fingerprint()}-{snapshot_module.code_digest()}.pickle"]


def test_a_snapshot_that_cannot_be_pickled_still_answers(ingested, monkeypatch, caplog) -> None:
    settings, store, _ = ingested
    for path in settings.snapshots_dir.glob("*.pickle"):
        path.unlink()

    def unpicklable(*_args, **_kwargs):
        raise pickle.PicklingError("no")

    monkeypatch.setattr(snapshot_module._Pickler, "reducer_override", unpicklable)
    snapshot = CorpusSnapshots(store, cache=SnapshotCache(settings.snapshots_dir)).current()
    assert snapshot.documents
    assert "corpus snapshot cache not written" in caplog.text
    assert list(settings.snapshots_dir.iterdir()) == []  # no temporary file left behind


@pytest.fixture
def collector_restored():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_a_rebuild_pauses_the_collector_and_freezes_the_snapshot(
    ingested, monkeypatch, collector_restored
) -> None:
    """A full collection during a build stalled asks on other threads for 0.1-0.25 s."""
    _, _, service = ingested
    seen = []
    real = snapshot_module.build_snapshot
    monkeypatch.setattr(
        snapshot_module,
        "build_snapshot",
        lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k),
    )
    gc.unfreeze()
    gc.enable()
    assert service.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Polen").encode())
    assert seen == [False]
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0

    gc.disable()  # an application that runs without the collector keeps it off
    assert service.ingest_bytes("drei.txt", ARTICLE.replace("Litauen", "Estland").encode())
    assert seen == [False, False]
    assert not gc.isenabled()


def test_many_new_documents_are_read_in_two_processes_as_in_one(ingested, monkeypatch) -> None:
    """From `_SECOND_PROCESS_FROM` new documents, a second process reads every other one:
    the snapshot is the one a single process builds, its units and people in order."""
    _, store, service = ingested
    for place in ("Polen", "Lettland", "Estland", "Finnland"):
        text = ARTICLE.replace("Litauen", place)
        service.ingest_bytes(f"{place}.txt", text.encode())
    documents = [store.get_document(d.id) for d in store.list_documents()]
    alone = snapshot_module.build_snapshot("fp", store.all_chunks(), documents)
    monkeypatch.setattr(snapshot_module, "_SECOND_PROCESS_FROM", 2)
    here = []
    real = snapshot_module._read_sentences
    monkeypatch.setattr(snapshot_module, "_read_sentences", lambda d: here.append(d.id) or real(d))
    both = snapshot_module.build_snapshot("fp", store.all_chunks(), documents)
    assert here == [d.id for d in documents[0::2]]  # the second process (unpatched) the rest
    assert both.sentences == alone.sentences and both.people_in == alone.people_in
    assert both.organisations_in == alone.organisations_in
    assert list(both.sentences) == [d.id for d in documents]
    assert all(both.people_in.values())  # each names its speaker


@pytest.mark.parametrize("python", ["/bin/false", "/no/such/python"])
def test_a_failed_second_process_leaves_its_documents_to_this_one(
    ingested, monkeypatch, caplog, python
) -> None:
    _, store, service = ingested
    for place in ("Polen", "Lettland"):
        service.ingest_bytes(f"{place}.txt", ARTICLE.replace("Litauen", place).encode())
    documents = [store.get_document(d.id) for d in store.list_documents()]
    alone = snapshot_module.build_snapshot("fp", store.all_chunks(), documents)
    monkeypatch.setattr(snapshot_module, "_SECOND_PROCESS_FROM", 2)
    monkeypatch.setattr(reading_process.sys, "executable", python)
    both = snapshot_module.build_snapshot("fp", store.all_chunks(), documents)
    assert both.sentences == alone.sentences and both.people_in == alone.people_in
    assert both.organisations_in == alone.organisations_in
    assert "second reading process failed" in caplog.text


def test_the_latest_snapshot_is_found_while_another_process_replaces_it(
    ingested, monkeypatch
) -> None:
    """A server saving a newer state removes the file a `qa ingest` has just listed: the
    ingest lists the folder again instead of reading every document."""
    settings, store, service = ingested
    cache = SnapshotCache(settings.snapshots_dir)
    service.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Polen").encode())
    newer = service.snapshots.current()
    (listed,) = settings.snapshots_dir.glob("*.pickle")
    real = SnapshotCache.load
    calls = []

    def load(self, fingerprint):
        if not calls:  # another state replaces the listed file right before it is read
            listed.rename(listed.with_name(f"0000-{listed.name.split('-', 1)[1]}"))
        calls.append(fingerprint)
        return real(self, fingerprint)

    monkeypatch.setattr(SnapshotCache, "load", load)
    found = cache.latest()
    assert found is not None and set(found.documents) == set(newer.documents)
    assert calls == [listed.name.split("-")[0], "0000"]


def test_another_process_writes_are_taken_up_once_they_settle(ingested, monkeypatch) -> None:
    """A writer beside the server (a `qa ingest` of many files) changes the store between
    checks: the background check builds once the store has stayed as it is for
    `settle_seconds`, or `settle_limit` after the first change it saw, instead of at every
    write; a state its writer has cached is taken at once."""
    settings, store, service = ingested
    snapshots = service.snapshots
    start = snapshots.current()
    clock = [1000.0]
    monkeypatch.setattr(snapshot_module.time, "monotonic", lambda: clock[0])
    snapshots.settle_seconds, snapshots.settle_limit = 5.0, 30.0
    snapshots.refresh_seconds = float("inf")  # checks only where this test makes them
    cache = SnapshotCache(settings.snapshots_dir)
    monkeypatch.setattr(cache, "save", lambda _snapshot: None)  # this writer caches nothing
    snapshots.cache = cache

    def written(name: str) -> None:  # past the service, as another process writes
        service.indexer.ingest_bytes(name, ARTICLE.replace("Litauen", name).encode())

    def check(seconds: float) -> int:
        clock[0] += seconds
        snapshots._follow()
        return len(snapshots.current().documents)

    written("a.txt")
    assert check(2) == 1  # first seen
    written("b.txt")
    assert [check(2), check(2), check(2)] == [1, 1, 1]  # unchanged 0, 2, 4 s
    assert check(2) == 3  # unchanged 6 s
    for k in range(15):
        written(f"c{k}.txt")
        assert check(2) == 3  # 0-28 s after the first change seen, never 5 s unchanged
    written("d.txt")
    assert check(2) == 19  # 30 s: taken up although the writes go on

    written("e.txt")
    SnapshotCache(settings.snapshots_dir).save(
        snapshot_module.build_snapshot(
            store.fingerprint(),
            store.all_chunks(),
            [store.get_document(i.id) for i in store.list_documents()],
        )
    )
    assert check(2) == 20  # cached by its writer: taken at the first check
    assert start.fingerprint != snapshots.current().fingerprint


def test_a_server_answers_from_a_warmed_snapshot_only(ingested) -> None:
    """The name index (built on the first name the corpus lacks as written) is built before
    a server answers: at its start, after its own upload and in a background rebuild, not on
    an ask."""
    settings, store, service = ingested
    assert "name_index" not in vars(service.snapshots.current().vocabulary)  # not warmed
    service.warm_up()
    assert "name_index" in vars(service.snapshots.current().vocabulary)
    service.ingest_bytes("drei.txt", ARTICLE.replace("Litauen", "Estland").encode())
    snapshot = service.snapshots.current()
    assert len(snapshot.documents) == 2 and "name_index" in vars(snapshot.vocabulary)
    service.delete_document(next(d for d in snapshot.documents if "drei" in d))
    service.indexer.ingest_bytes("zwei.txt", ARTICLE.replace("Litauen", "Polen").encode())
    service.snapshots.settle_seconds = 0
    service.snapshots._follow()
    snapshot = service.snapshots.current()
    assert len(snapshot.documents) == 2 and "name_index" in vars(snapshot.vocabulary)
