"""UI handlers as plain functions: the sources panel escapes article text and marks the quote."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from qa_service.errors import QuestionError
from qa_service.models import Answer, Citation, Document, Filters
from qa_service.ui.gradio import context_html, parse_filters, render_sources

PARA = 'Vorher steht <b>fett</b> & mehr. Merz sagte: "Die Bundeswehr <wird> gestärkt." Danach.'
TEXT = "Titelzeile\n" + PARA + "\nNächster Absatz, der nicht erscheinen soll."
QUOTE = 'Merz sagte: "Die Bundeswehr <wird> gestärkt."'
START = TEXT.index(QUOTE)


def document(text: str = TEXT) -> Document:
    return Document(
        id="d1", title="Merz & die <Bundeswehr>", text=text, source="004_x.txt", content_hash="h"
    )


def citation(n: int = 1, start: int = START, quote: str = QUOTE) -> Citation:
    return Citation(
        n=n,
        doc_id="d1",
        title="Merz & die <Bundeswehr>",
        source="/corpus/004_x.txt",
        start=start,
        end=start + len(quote),
        quote=quote,
        date=dt.date(2026, 1, 7),
        publisher="ZDF",
    )


def answer(*citations: Citation) -> Answer:
    return Answer(question="q", answer="a [1]", language="de", citations=citations)


def marked(html_text: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html_text, flags=re.S)


def test_quote_is_marked_exactly_and_escaped():
    out = context_html(TEXT, START, START + len(QUOTE))
    assert marked(out) == ["Merz sagte: &quot;Die Bundeswehr &lt;wird&gt; gestärkt.&quot;"]
    assert "&lt;b&gt;fett&lt;/b&gt; &amp; mehr." in out
    assert "<b>" not in out and "<wird>" not in out


def test_context_stays_inside_the_paragraph():
    out = context_html(TEXT, START, START + len(QUOTE))
    assert "Titelzeile" not in out and "Nächster Absatz" not in out
    assert out.startswith("Vorher") and out.endswith("Danach.")


def test_long_paragraph_is_clipped_at_words_with_ellipses():
    before, after = "wort " * 100, " ende" * 100
    text = before + "ZITAT" + after
    start = text.index("ZITAT")
    out = context_html(text, start, start + 5, width=40)
    assert out.startswith("… wort") and out.endswith("ende …")
    assert marked(out) == ["ZITAT"]
    assert len(out) < 120


def test_render_sources_shows_metadata_escaped():
    docs = {"d1": document()}
    out = render_sources(answer(citation()), docs.get)
    assert "[1]" in out and "Merz &amp; die &lt;Bundeswehr&gt;" in out
    assert "ZDF" in out and "7. Januar 2026" in out
    assert 'data-source="004_x.txt"' in out and ">004_x.txt</code>" in out
    assert len(marked(out)) == 1


def test_render_sources_falls_back_to_the_quote_when_the_text_changed():
    docs = {"d1": document(text="ganz anderer Text " * 20)}
    out = render_sources(answer(citation()), docs.get)
    assert marked(out) == ["Merz sagte: &quot;Die Bundeswehr &lt;wird&gt; gestärkt.&quot;"]
    assert "ganz anderer" not in out


def test_render_sources_one_card_per_citation_and_empty_states():
    second = "Danach."
    docs = {"d1": document()}
    out = render_sources(answer(citation(1), citation(2, TEXT.index(second), second)), docs.get)
    assert out.count('class="qa-source"') == 2 and len(marked(out)) == 2
    assert "Noch keine Frage" in render_sources(None)
    assert "Keine belegte Antwort" in render_sources(answer(), docs.get)


def test_parse_filters():
    assert parse_filters(None, "", None) is None
    f = parse_filters("2026-01-01", "2026-01-31 00:00:00", ["004_x.txt"])
    assert f == Filters(
        date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31), sources=("004_x.txt",)
    )
    with pytest.raises(QuestionError):
        parse_filters("gestern", None, None)
    with pytest.raises(QuestionError):
        parse_filters("2026-02-01", "2026-01-01", None)
