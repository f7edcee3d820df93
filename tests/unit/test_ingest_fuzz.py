"""Property tests: whatever the text, cleaning only deletes and chunks are exact spans."""

from __future__ import annotations

import datetime as dt
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_document
from ingest.cleaning import clean_text
from ingest.loading import load_bytes
from ingest.metadata import find_sections
from qa_service.errors import IngestError
from qa_service.models import Document, chunk_id
from qa_service.sentences import split_sentences
from tests.conftest import CORPUS

FRAGMENTS = [
    " date 2026-01-06  70.398\n\n",
    " date 2026-01-06 ",
    "©",
    "  © Julia Demaree Nikhinson/AP/dpa\n",
    "Titelfoto: Kay Nietfeld/dpa\n",
    "6. Januar, 6.11 Uhr: Darum geht es\n\n",
    "29. Dezember, 23.59 Uhr: Alt\n",
    "07.01.2026 | 2:30 min",
    "Mehr zum Thema Ukraine:",
    "/evs/DP/nas",
    "Ukraine - ",
    "z. B. ",
    "Nr. ",
    "6. Januar 2026",
    "1.400 ",
    "teilnehmen.Auch ",
    "„Zitat.“ ",
    '"Zitat." ',
    "\n“",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "\u00a0",
    "Ein ganz normaler Satz mit einigen Wörtern. ",
    "Überschrift ohne Punkt\n",
    "# ",
]
_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def _corpus() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8-sig") for p in sorted(CORPUS.glob("*.txt")))


def _excerpts() -> st.SearchStrategy[str]:
    def cut(args: tuple[int, int, int]) -> str:
        which, a, b = args
        texts = _corpus()
        text = texts[which % len(texts)]
        a, b = sorted((a % (len(text) + 1), b % (len(text) + 1)))
        return text[a : b + 400]

    return st.tuples(st.integers(0, 99), st.integers(0, 20_000), st.integers(0, 20_000)).map(cut)


def _texts() -> st.SearchStrategy[str]:
    piece = st.one_of(
        st.text(max_size=40),
        st.text(alphabet='aäbc. \n©„“"!?:-|0123456789AÄBC', max_size=60),
        st.sampled_from(FRAGMENTS),
        _excerpts(),
    )
    return st.lists(piece, max_size=12).map("".join)


def _check_clean(raw: str) -> None:
    result = clean_text(raw)
    assert "".join(raw[s:e] for s, e in result.segments) == result.text
    spans = sorted([*result.segments, *((r.start, r.end) for r in result.removed)])
    assert [s for s, _ in spans] == [0, *(e for _, e in spans)][: len(spans)]
    assert (spans[-1][1] if spans else 0) == len(raw)
    assert result.text == result.text.strip()
    assert all(0 < b < len(result.text) for b in result.breaks)
    for i in range(0, len(result.text), 7):
        assert raw[result.to_raw(i)] == result.text[i]


def _check_chunks(doc: Document, target: int, limit: int, overlap: int) -> None:
    chunks = chunk_document(doc, target_chars=target, max_chars=limit, overlap_sentences=overlap)
    for index, c in enumerate(chunks):
        assert doc.text[c.start : c.end] == c.text
        assert c.text and c.text == c.text.strip() and len(c.text) <= limit
        assert c.index == index and c.id == chunk_id(doc.id, c.start, c.text)
        assert not any(c.start < b < c.end for b in doc.breaks)
    assert (
        chunk_document(doc, target_chars=target, max_chars=limit, overlap_sentences=overlap)
        == chunks
    )
    if doc.text.strip():
        assert chunks


@_SETTINGS
@given(
    data=st.data(),
    target=st.integers(20, 700),
    extra=st.integers(0, 500),
    overlap=st.integers(0, 3),
)
def test_clean_then_chunk_holds_offsets(data, target, extra, overlap):
    raw = data.draw(_texts()).replace("\r\n", "\n").replace("\r", "\n")
    _check_clean(raw)
    cleaned = clean_text(raw)
    sections = find_sections(cleaned.text, dt.date(2026, 1, 6))
    doc = Document(
        id="fuzz",
        title="Fuzz",
        text=cleaned.text,
        source="fuzz.txt",
        content_hash="0",
        sections=sections,
        breaks=cleaned.breaks,
    )
    _check_chunks(doc, target, target + extra, overlap)


@_SETTINGS
@given(data=st.data())
def test_load_bytes_never_crashes(data):
    raw = data.draw(_texts())
    name = data.draw(st.sampled_from(["a.txt", "b.md", "c.html"]))
    try:
        doc = load_bytes(raw.encode("utf-8", "surrogatepass"), name)
    except IngestError:
        return
    assert doc.title and doc.text == doc.text.strip()
    _check_chunks(doc, 600, 1000, 1)


@_SETTINGS
@given(text=st.text(max_size=300), bounds=st.tuples(st.integers(-5, 320), st.integers(-5, 320)))
def test_sentence_spans_stay_in_region(text, bounds):
    start, end = bounds
    spans = split_sentences(text, start, end)
    lo, hi = max(0, start), min(end, len(text))
    previous = lo
    for s, e in spans:
        assert previous <= s < e <= hi
        assert text[s:e] == text[s:e].strip()
        previous = e
