"""Chunks: verbatim spans of the document (and of the file), sized, overlapping, sectioned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.decoding import decode_bytes
from ingest.loading import load_document
from qa_service.models import Chunk, Document, Section, chunk_id
from qa_service.sentences import split_sentences

TAG24 = "000_7d6aace684e44f01.txt"


def _files(corpus_dir: Path) -> list[Path]:
    xquad = sorted((corpus_dir.parent / "eval" / "xquad" / "corpus").glob("*.txt"))
    return sorted(corpus_dir.glob("*.txt")) + xquad


def _squash(text: str) -> str:
    return " ".join(text.split())


def _doc(text: str, **fields) -> Document:
    return Document(id="d", title="T", text=text, source="s.txt", content_hash="h", **fields)


def assert_chunk_invariants(doc: Document, chunks: list[Chunk], max_chars: int) -> None:
    for index, c in enumerate(chunks):
        assert c.index == index
        assert doc.text[c.start : c.end] == c.text
        assert c.text and c.text == c.text.strip()
        assert c.id == chunk_id(doc.id, c.start, c.text)
        assert (c.doc_id, c.title, c.source, c.date, c.publisher) == (
            doc.id,
            doc.title,
            doc.source,
            doc.date,
            doc.publisher,
        )
        assert len(c.text) <= max_chars
        assert not any(c.start < b < c.end for b in doc.breaks)
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)
    covered = [False] * len(doc.text)
    for c in chunks:
        covered[c.start : c.end] = [True] * (c.end - c.start)
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(doc.text))


def test_invariants_for_every_corpus_and_xquad_file(corpus_dir):
    for path in _files(corpus_dir):
        doc = load_document(path)
        chunks = chunk_document(doc)
        assert chunks, path.name
        assert_chunk_invariants(doc, chunks, 1500)  # the default max_chars
        assert chunk_document(doc) == chunks  # deterministic, ids included


def test_every_corpus_chunk_is_verbatim_in_the_original_file(corpus_dir):
    for path in _files(corpus_dir):
        raw = _squash(path.read_text(encoding="utf-8-sig"))
        for c in chunk_document(load_document(path)):
            assert _squash(c.text) in raw, (path.name, c.index)


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("000_7d6aace684e44f01.txt", 27),
        ("001_ea25f4a6a3f17485.txt", 4),
        ("002_74d078ca7dd18e78.txt", 6),
        ("003_8c7678973490183f.txt", 4),
        ("004_35332417cd3628a0.txt", 9),
    ],
)
def test_corpus_chunk_counts_with_defaults(corpus_dir, name, count):
    chunks = chunk_document(load_document(corpus_dir / name))
    assert len(chunks) == count
    assert 300 <= sum(len(c.text) for c in chunks) / len(chunks) <= 1100


def test_ticker_headings_start_chunks_that_carry_the_section(corpus_dir):
    doc = load_document(corpus_dir / TAG24)
    chunks = chunk_document(doc)
    for section in doc.sections:
        first = next(c for c in chunks if c.start == section.start)
        assert first.text.startswith(section.heading)
        inside = [c for c in chunks if section.start <= c.start < section.end]
        assert all(c.section == section.heading and c.section_time == section.time for c in inside)
        assert all(c.end <= section.end for c in inside)
    intro = [c for c in chunks if c.start < doc.sections[0].start]
    assert intro and all(c.section is None and c.section_time is None for c in intro)


def test_headings_are_not_left_at_the_end_of_a_chunk(corpus_dir):
    chunks = chunk_document(load_document(corpus_dir / "002_74d078ca7dd18e78.txt"))
    for heading in (
        "Selenskyj pocht auf bessere Flugabwehr",
        "Worauf hat sich die Koalition bereits verständigt?",
        'Wie blickt Moskau auf die "Koalition der Willigen"?',
    ):
        assert any(heading in c.text for c in chunks)
        assert not any(c.text.endswith(heading) for c in chunks)


def test_overlap_repeats_the_last_sentence():
    text = " ".join(f"Satz Nummer {i} hat ein paar Wörter mehr als nötig." for i in range(40))
    doc = _doc(text)
    chunks = chunk_document(doc, target_chars=300, max_chars=500, overlap_sentences=1)
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:], strict=False):
        last = split_sentences(text, a.start, a.end)[-1]
        assert b.start == last[0] and b.start < a.end
    plain = chunk_document(doc, target_chars=300, max_chars=500, overlap_sentences=0)
    assert all(a.end < b.start for a, b in zip(plain, plain[1:], strict=False))
    assert_chunk_invariants(doc, plain, 500)


def test_prefers_paragraph_breaks():
    paragraph = "Ein Satz mit einigen Wörtern darin. " * 12  # ~430 characters
    doc = _doc("\n\n".join(paragraph.strip() for _ in range(6)))
    chunks = chunk_document(doc, overlap_sentences=0)
    assert all(doc.text[c.end : c.end + 2] in ("\n\n", "") for c in chunks)


def test_long_sentence_is_split_at_whitespace():
    words = " ".join(f"wort{i}" for i in range(1500))  # one sentence, ~11,000 characters
    doc = _doc(words + ".")
    chunks = chunk_document(doc, target_chars=600, max_chars=1000)
    assert_chunk_invariants(doc, chunks, 1000)
    assert all(re.fullmatch(r"\S.*\S", c.text) for c in chunks)
    assert all(not c.text.startswith("ort") for c in chunks)  # cut between words


def test_word_longer_than_max_is_hard_split():
    doc = _doc("x" * 2500)
    chunks = chunk_document(doc, target_chars=400, max_chars=1000, overlap_sentences=0)
    assert [len(c.text) for c in chunks] == [1000, 1000, 500]


def test_breaks_and_sections_bound_chunks():
    text = (
        "Erster Satz hier. Zweiter Satz dort.\n\nDritter Satz.\n6. Januar, 6.11 Uhr: Kopf\nVierter."
    )
    heading = text.index("6. Januar")
    doc = _doc(
        text,
        breaks=(text.index("Dritter"),),
        sections=(Section(start=heading, end=len(text), heading="6. Januar, 6.11 Uhr: Kopf"),),
    )
    chunks = chunk_document(doc)
    assert [c.text for c in chunks] == [
        "Erster Satz hier. Zweiter Satz dort.",
        "Dritter Satz.",
        "6. Januar, 6.11 Uhr: Kopf\nVierter.",
    ]
    assert [c.section for c in chunks] == [None, None, "6. Januar, 6.11 Uhr: Kopf"]


def test_edge_cases():
    assert chunk_document(_doc("")) == []
    assert chunk_document(_doc("   \n ")) == []
    assert [c.text for c in chunk_document(_doc("Nur ein Satz"))] == ["Nur ein Satz"]
    for kwargs in (
        {"target_chars": 0},
        {"target_chars": 800, "max_chars": 500},
        {"overlap_sentences": -1},
    ):
        with pytest.raises(ValueError):
            chunk_document(_doc("Text."), **kwargs)


def test_raw_decode_matches_loader_source(corpus_dir):
    """The verbatim check above reads files with utf-8-sig; the loader agrees on every file."""
    for path in _files(corpus_dir):
        assert decode_bytes(path.read_bytes(), path.name) == path.read_text(encoding="utf-8-sig")
