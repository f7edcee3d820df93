"""QAService.ingests for a folder ingest (`qa ingest`), on the fakes: the record read from
inside the per-file progress callback, where the CLI prints its lines."""

from __future__ import annotations

import pytest

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
