"""Ingest -> store -> retrieve -> answer on the real corpus with the real model."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from qa_service.container import build_service
from qa_service.errors import EmbeddingMismatchError, QuestionError

ZDF = "004_35332417cd3628a0.txt"
GOLD = Path(__file__).resolve().parents[1] / "data" / "gold_seed_qa.jsonl"


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_stored_chunk_is_its_document_text(corpus_service):
    for info in corpus_service.list_documents():
        doc = corpus_service.get_document(info.id)
        chunks = [c for c in corpus_service.store.all_chunks() if c.doc_id == info.id]
        assert len(chunks) == info.chunks > 0
        for c in chunks:
            assert doc.text[c.start : c.end] == c.text


def test_merz_bundeswehr_cites_the_zdf_article(corpus_service):
    answer = corpus_service.ask("Was sagte Merz zur Bundeswehr?")
    assert answer.language == "de" and answer.answered and answer.mode == "extractive"
    assert any(Path(c.source).name == ZDF for c in answer.citations)
    assert "Bundeswehr" in answer.answer or "Nato-Gebiet" in answer.answer


def test_english_question_is_answered_from_german_text(corpus_service):
    answer = corpus_service.ask("Who represented the US in Paris?")
    assert answer.language == "en" and answer.answered
    # Framed in English: who or which outlet, the date in English, then the German quote.
    assert re.match(r"^.+\d{1,2} January 2026\)?: „", answer.answer), answer.answer
    assert any("Witkoff" in p.text for p in answer.passages[:3])


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        (
            "Wer hat die Fußball-Weltmeisterschaft 2026 gewonnen?",
            "Die Artikel erwähnen Fußball-Weltmeisterschaft nicht, daher enthalten sie dazu "
            "keine Angaben.",
        ),
        (
            "What is the current price of Bitcoin?",
            "The articles do not mention Bitcoin, so they do not say.",
        ),
    ],
)
def test_unanswerable_is_refused_in_the_question_language(corpus_service, question, reply):
    """The refusal says why: here, the articles never name what is asked about."""
    answer = corpus_service.ask(question)
    assert not answer.answered and answer.refusal_reason == "absent_name"
    assert answer.answer == reply
    assert answer.citations == ()


def test_citations_are_verbatim_in_document_and_in_the_original_file(corpus_service):
    from qa_service.evaluation.datasets import gold_dataset

    for q in gold_dataset(GOLD).questions:
        answer = corpus_service.ask(q.question)
        for c in answer.citations:
            doc = corpus_service.get_document(c.doc_id)
            assert doc.text[c.start : c.end] == c.quote
            raw = Path(c.source).read_text(encoding="utf-8")
            assert _ws(c.quote) in _ws(raw)
            assert f"[{c.n}]" in answer.answer


def test_k_and_filters(corpus_service):
    import datetime as dt

    from qa_service.models import Filters

    answer = corpus_service.ask("Was sagte Merz zur Bundeswehr?", k=2)
    assert len(answer.passages) == 2
    only = corpus_service.ask(
        "Koalition der Willigen", filters=Filters(sources=("001_ea25f4a6a3f17485.txt",))
    )
    assert {Path(p.source).name for p in only.passages} == {"001_ea25f4a6a3f17485.txt"}
    none = corpus_service.ask(
        "Koalition der Willigen", filters=Filters(date_from=dt.date(2027, 1, 1))
    )
    assert none.passages == () and not none.answered


@pytest.mark.parametrize("question", ["", "   \n\t", "\x00\x01"])
def test_empty_questions_are_rejected(corpus_service, question):
    with pytest.raises(QuestionError, match="empty"):
        corpus_service.ask(question)


def test_overlong_question_is_rejected(corpus_service):
    with pytest.raises(QuestionError, match="too long"):
        corpus_service.ask("Merz " * 100_000)


def test_reingest_three_times_writes_nothing_new(make_settings, embedder, corpus_dir):
    service = build_service(make_settings(), embedder=embedder)
    first = service.ingest([corpus_dir])
    ids = sorted(c.id for c in service.store.all_chunks())
    for _ in range(2):
        again = service.ingest([corpus_dir])
        assert again.count("unchanged") == 5 and again.chunks_written == 0
    assert first.count("added") == 5
    assert sorted(c.id for c in service.store.all_chunks()) == ids
    assert len(ids) == len(set(ids)) == service.store.count()


def test_changed_file_replaces_and_prune_removes(make_settings, embedder, corpus_dir, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("003_8c7678973490183f.txt", ZDF):
        shutil.copy(corpus_dir / name, folder / name)
    service = build_service(make_settings(), embedder=embedder)
    service.ingest([folder])
    target = folder / "003_8c7678973490183f.txt"
    target.write_text(
        target.read_text(encoding="utf-8") + "\nEin neuer Absatz über Litauen und Vilnius.\n",
        encoding="utf-8",
    )
    report = service.ingest([folder])
    assert report.summary()["updated"] == 1 and report.summary()["unchanged"] == 1
    doc = next(d for d in service.list_documents() if d.source == str(target.resolve()))
    chunks = [c for c in service.store.all_chunks() if c.doc_id == doc.id]
    assert len(chunks) == doc.chunks and any("Vilnius" in c.text for c in chunks)
    full = service.get_document(doc.id)
    assert all(full.text[c.start : c.end] == c.text for c in chunks)

    target.unlink()
    pruned = service.ingest([folder], prune=True)
    assert pruned.count("pruned") == 1
    assert [Path(d.source).name for d in service.list_documents()] == [ZDF]
    assert {c.doc_id for c in service.store.all_chunks()} == {service.list_documents()[0].id}


def test_bad_files_are_reported_and_the_batch_goes_on(
    make_settings, embedder, corpus_dir, tmp_path
):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(corpus_dir / ZDF, folder / ZDF)
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes(
        "Überschrift zum Test\nDer Bürgermeister äußerte sich zur Straße.\n".encode("latin-1")
    )
    service = build_service(make_settings(), embedder=embedder)
    report = service.ingest([folder])
    by_name = {Path(f.source).name: f for f in report.files}
    assert by_name["binary.txt"].status == "error" and "binary.txt" in by_name["binary.txt"].message
    assert by_name["empty.txt"].status == "error"
    assert by_name["latin1.txt"].status == "added"
    assert by_name[ZDF].status == "added"
    missing = service.ingest([tmp_path / "does-not-exist.txt"])
    assert missing.files[0].status == "error"
    assert len(service.list_documents()) == 2


def test_a_different_embedding_model_is_refused(corpus_service):
    with pytest.raises(EmbeddingMismatchError, match="re-index"):
        corpus_service.store.check_embedding("some-other-model", 768)
