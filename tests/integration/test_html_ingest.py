"""Saved news pages through the real Indexer into real Chroma: the article is what is stored,
searched and quoted; a broken page is refused and the batch goes on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa_service.container import build_service
from tests.unit.test_html_article import BOILERPLATE, METADATA, PAGES

BROKEN = {
    "archiv.html": b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8,  # gzip named .html
    "nur-navigation.html": b"<html><body><nav><a href='/'>Start</a></nav>"
    b"<footer>Impressum</footer></body></html>",
}


@pytest.fixture(scope="module")
def html_service(make_settings, embedder, tmp_path_factory):
    folder = tmp_path_factory.mktemp("news-pages")
    for page in PAGES.glob("*.html"):
        shutil.copy(page, folder / page.name)
    for name, data in BROKEN.items():
        (folder / name).write_bytes(data)
    service = build_service(make_settings(), embedder=embedder)
    report = service.ingest([folder])
    service.warm_up()
    return service, folder, report


def test_broken_pages_are_refused_and_the_batch_goes_on(html_service):
    _, _, report = html_service
    assert report.summary()["added"] == len(METADATA)
    errors = {Path(f.source).name: f.message for f in report.files if f.status == "error"}
    assert set(errors) == set(BROKEN)
    assert "archiv.html" in errors["archiv.html"] and "binary" in errors["archiv.html"]
    assert errors["nur-navigation.html"].endswith(
        "nur-navigation.html: the page has no visible text"
    )


def test_stored_documents_carry_the_page_metadata(html_service):
    service, _, _ = html_service
    stored = {Path(d.source).name: d for d in service.list_documents()}
    assert set(stored) == set(METADATA)
    for name, (title, date, publisher, _author) in METADATA.items():
        assert (stored[name].title, stored[name].date, stored[name].publisher) == (
            title,
            date,
            publisher,
        )


def test_no_stored_chunk_holds_boilerplate(html_service):
    service, _, _ = html_service
    for info in service.list_documents():
        doc = service.get_document(info.id)
        chunks = [c for c in service.store.all_chunks() if c.doc_id == info.id]
        assert len(chunks) == info.chunks > 0
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            leaked = [b for b in BOILERPLATE[Path(info.source).name] if b in chunk.text]
            assert leaked == []


@pytest.mark.parametrize(
    ("question", "page", "quoted"),
    [
        (
            "Wie hoch sind die Baukosten der Stadtbahnlinie?",
            "de_stadtbahn_freiburg.html",
            "148 Millionen Euro",
        ),
        (
            "How long will the Kingsmouth harbour bridge be closed?",
            "en_harbour_bridge.html",
            "six weeks",
        ),
    ],
)
def test_citations_quote_the_stored_article_verbatim(html_service, question, page, quoted):
    service, _, _ = html_service
    answer = service.ask(question)
    assert answer.answered, answer.refusal_reason
    assert any(Path(c.source).name == page and quoted in c.quote for c in answer.citations)
    title, date, publisher, _ = METADATA[page]
    for c in answer.citations:
        doc = service.get_document(c.doc_id)
        assert doc.text[c.start : c.end] == c.quote
        if Path(c.source).name == page:
            assert (c.title, c.date, c.publisher) == (title, date, publisher)


def test_reingesting_the_pages_changes_nothing(html_service):
    service, folder, _ = html_service
    again = service.ingest([folder])
    assert again.summary()["unchanged"] == len(METADATA) and again.chunks_written == 0


def test_the_extraction_is_part_of_an_html_document_index_key(html_service):
    service, _, _ = html_service
    info = service.list_documents()[0]
    doc = service.get_document(info.id)
    assert info.index_key == service.indexer.index_key(doc)
    as_text = doc.model_copy(update={"source": doc.source.removesuffix(".html") + ".txt"})
    assert service.indexer.index_key(as_text) != info.index_key
