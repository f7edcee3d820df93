"""QAService.ingests for a folder ingest (`qa ingest`), on the fakes: the record read from
inside the per-file progress callback, where the CLI prints its lines."""

from __future__ import annotations

import pytest

from ingest import indexing
from qa_service.container import build_service
from qa_service.errors import StoreUnavailableError
from qa_service.settings import Settings
from tests.fakes import HashEmbedder, InMemoryStore


def _folder(tmp_path, names):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in names:
        sentences = " ".join(f"Satz {k} über {name} steht hier." for k in range(1, 4))
        (folder / name).write_text(f"Titel {name}\n\n{sentences}\n", encoding="utf-8")
    return folder


def _service(tmp_path, store=None):
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    return build_service(settings, store=store or InMemoryStore(), embedder=HashEmbedder())


def test_a_folder_ingest_is_counted_file_by_file_and_gone_when_done(tmp_path):
    folder = _folder(tmp_path, ["a.txt", "b.txt", "c.txt"])
    service = _service(tmp_path)
    seen = []

    def progress(file):
        (entry,) = service.ingests.running()
        seen.append(entry)

    report = service.ingest([folder], progress=progress)
    assert report.count("added") == 3
    paths = [str(folder / n) for n in ("b.txt", "c.txt")]
    assert [(e.files_done, e.files_total, e.current_file) for e in seen] == [
        (1, 3, paths[0]),
        (2, 3, paths[1]),
        (3, 3, None),
    ]
    written = [(e.chunks, e.sentences) for e in seen]
    assert written[-1] == (report.chunks_written, report.sentences_written)
    assert written == sorted(set(written)) and written[0] >= (1, 4)  # title and 3 sentences
    assert service.ingests.running() == []

    # Again: nothing changed, nothing written, and the files are still counted as done.
    seen.clear()
    service.ingest([folder], progress=progress)
    assert [(e.files_done, e.chunks + e.sentences) for e in seen] == [(1, 0), (2, 0), (3, 0)]


class FailingStore(InMemoryStore):
    def write_document(self, doc, *args, **kwargs):
        if doc.source.endswith("b.txt"):
            raise StoreUnavailableError("the store went away")
        super().write_document(doc, *args, **kwargs)


def test_a_failed_ingest_leaves_no_entry(tmp_path):
    folder = _folder(tmp_path, ["a.txt", "b.txt"])
    service = _service(tmp_path, FailingStore())
    with pytest.raises(StoreUnavailableError):
        service.ingest([folder])
    with pytest.raises(StoreUnavailableError):
        service.ingest_uploads([("b.txt", b"Titel\n\nEin Satz steht hier.\n")])
    assert service.ingests.running() == []


class BatchRecordingStore(InMemoryStore):
    """Records how many documents each write held; fails the write holding `fail_on`."""

    def __init__(self, fail_on: str | None = None) -> None:
        super().__init__()
        self.batches: list[list[str]] = []
        self.fail_on = fail_on

    def write_documents(self, writes):
        names = [w.doc.source.rsplit("/", 1)[-1] for w in writes]
        if self.fail_on in names:
            raise StoreUnavailableError("the store went away")
        self.batches.append(names)
        super().write_documents(writes)


def _names(n):
    return [f"{k:02d}.txt" for k in range(n)]


def test_documents_are_written_a_few_at_a_time_and_reported_once_written(tmp_path, monkeypatch):
    monkeypatch.setattr(indexing, "WRITE_SECONDS", 3600.0)  # by count only
    folder = _folder(tmp_path, _names(indexing.WRITE_DOCUMENTS + 2))
    store = BatchRecordingStore()
    service = _service(tmp_path, store)
    reported = []

    def progress(file):
        reported.append((file.source.rsplit("/", 1)[-1], store.get_document(file.doc_id)))

    service.ingest([folder], progress=progress)
    names = _names(indexing.WRITE_DOCUMENTS + 2)
    assert store.batches == [names[: indexing.WRITE_DOCUMENTS], names[indexing.WRITE_DOCUMENTS :]]
    assert [n for n, _ in reported] == names and all(doc for _, doc in reported)


def test_a_slow_batch_is_written_before_it_is_full(tmp_path, monkeypatch):
    monkeypatch.setattr(indexing, "WRITE_SECONDS", 0.0)  # every document takes "too long"
    folder = _folder(tmp_path, _names(3))
    store = BatchRecordingStore()
    _service(tmp_path, store).ingest([folder])
    assert store.batches == [[n] for n in _names(3)]


def test_a_failed_write_loses_only_its_own_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(indexing, "WRITE_SECONDS", 3600.0)
    names = _names(indexing.WRITE_DOCUMENTS + 2)
    folder = _folder(tmp_path, names)
    store = BatchRecordingStore(fail_on=names[-1])
    service = _service(tmp_path, store)
    reported = []
    with pytest.raises(StoreUnavailableError):
        service.ingest([folder], progress=lambda f: reported.append(f.source))
    kept = names[: indexing.WRITE_DOCUMENTS]
    assert sorted(d.source.rsplit("/", 1)[-1] for d in store.list_documents()) == kept
    assert [r.rsplit("/", 1)[-1] for r in reported] == kept


def test_the_same_file_named_twice_is_one_document(tmp_path):
    folder = _folder(tmp_path, ["a.txt", "b.txt"])
    store = BatchRecordingStore()
    named = [folder, folder / "a.txt", tmp_path / "articles" / ".." / "articles" / "b.txt"]
    report = _service(tmp_path, store).ingest(named)
    assert store.batches == [["a.txt", "b.txt"]]
    assert [f.status for f in report.files] == ["added", "added"]
