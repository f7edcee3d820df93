"""Marker parsing and streamed sentence assembly: pure text, no model."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qa_service.answering.resolve import SentenceBuffer, markers_of


def test_markers_are_read_and_removed():
    assert markers_of("Merz war in Paris [1][3].") == ((1, 3), "Merz war in Paris.")
    assert markers_of("Merz war in Paris [2, 4] .") == ((2, 4), "Merz war in Paris.")
    assert markers_of("Ohne Beleg.") == ((), "Ohne Beleg.")
    assert markers_of("Doppelt [1] und [1].") == ((1,), "Doppelt und.")


def _stream(text: str, size: int) -> list[str]:
    buffer = SentenceBuffer()
    out: list[str] = []
    for i in range(0, len(text), size):
        out += buffer.feed(text[i : i + size])
    return out + list(buffer.close())


def test_a_marker_after_the_full_stop_stays_with_its_sentence():
    text = "Merz sprach in Paris. [1] Macron sprach auch. [2] Danach reisten beide ab."
    for size in (1, 3, 7, len(text)):
        sentences = [s.strip() for s in _stream(text, size)]
        assert sentences == [
            "Merz sprach in Paris. [1]",
            "Macron sprach auch. [2]",
            "Danach reisten beide ab.",
        ], size


def test_a_sentence_is_handed_out_only_when_the_next_has_begun():
    buffer = SentenceBuffer()
    assert list(buffer.feed("Merz sprach in Paris. [")) == []
    assert list(buffer.feed("1] ")) == []
    assert [s.strip() for s in buffer.feed("Macron")] == ["Merz sprach in Paris. [1]"]
    assert [s.strip() for s in buffer.close()] == ["Macron"]


@given(st.text(alphabet="ab .[1]?!\n", max_size=80), st.integers(1, 9))
def test_streamed_sentences_cover_the_text_in_order(text, size):
    joined = "".join(_stream(text, size))
    assert "".join(joined.split()) == "".join(text.split())  # only whitespace may go
