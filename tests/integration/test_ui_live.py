"""UI handlers against the real service, without a browser: chat turns, filters, uploads."""

from __future__ import annotations

import gradio as gr
import pytest

from qa_service.ui.gradio import ingest_uploads, respond, source_choices, status_line

pytestmark = pytest.mark.integration

ZDF = "004_35332417cd3628a0.txt"
QUESTION = "Was sagte Merz zur Bundeswehr?"


def test_a_turn_keeps_the_conversation_and_renders_the_sources(corpus_service):
    earlier = [{"role": "user", "content": "Hallo"}, {"role": "assistant", "content": "Hallo!"}]
    history, panel, box = respond(corpus_service, QUESTION, earlier)
    expected = corpus_service.ask(QUESTION)
    assert history[:2] == earlier
    assert history[2:] == [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": expected.answer},
    ]
    assert box == ""
    assert f'data-source="{ZDF}"' in panel
    assert panel.count("<mark>") == len(expected.citations)


def test_the_sources_filter_is_applied(corpus_service):
    others = [source for _, source in source_choices(corpus_service) if source != ZDF]
    _, panel, _ = respond(corpus_service, QUESTION, [], sources=others)
    assert ZDF not in panel


@pytest.mark.parametrize(
    ("question", "date_from", "message"),
    [("   ", None, "empty"), (QUESTION, "gestern", "not a date")],
)
def test_bad_input_is_an_error_message(corpus_service, question, date_from, message):
    with pytest.raises(gr.Error, match=message):
        respond(corpus_service, question, [], date_from=date_from)


def test_uploads_report_each_file(make_settings, embedder, corpus_files, tmp_path):
    from qa_service.container import build_service

    service = build_service(make_settings(), embedder=embedder)
    article = tmp_path / corpus_files[0].name
    article.write_bytes(corpus_files[0].read_bytes())
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 not an article")
    limit = article.stat().st_size + 10
    (tmp_path / "huge.txt").write_text("x" * (limit + 1))

    files = [str(tmp_path / n) for n in (article.name, "scan.pdf", "huge.txt")]
    table = ingest_uploads(service, files, max_bytes=limit)
    rows = table.split("<tr>")[2:]
    assert "added" in rows[0] and article.name in rows[0]
    assert "error" in rows[1] and "scan.pdf" in rows[1]
    assert "error" in rows[2] and "too large" in rows[2]
    assert status_line(service).startswith("**Index:** 1 Dokument ·")

    again = ingest_uploads(service, [str(article)], max_bytes=10**6)
    assert "unchanged" in again
    assert "Keine Dateien" in ingest_uploads(service, [], max_bytes=10)
