"""The text side of generated answers: the model's lines as they stream, and the template
parts that come from the citation rather than the model."""

from __future__ import annotations

import datetime as dt

from qa_service.answering.generative import (
    EVIDENCE_CHARS,
    ItemBuffer,
    copies,
    format_evidence,
    source_of,
)
from qa_service.models import Citation


def stream(text: str) -> list[str]:
    buffer = ItemBuffer()
    out = [item for ch in text for item in buffer.feed(ch)]
    return out + list(buffer.close())


def test_lines_of_numbered_phrases_come_out_one_by_one_as_they_complete():
    buffer = ItemBuffer()
    assert list(buffer.feed("[2] Merz: Germany could")) == []
    assert list(buffer.feed(" commit forces\n[1] Mal")) == ["[2] Merz: Germany could commit forces"]
    assert list(buffer.close()) == ["[1] Mal"]


def test_numbered_phrases_on_one_line_and_prose_sentences_are_items_too():
    assert stream("[1] Maljuk tritt zurück. [3] Er bleibt im SBU.") == [
        "[1] Maljuk tritt zurück.",
        "[3] Er bleibt im SBU.",
    ]
    assert stream("Maljuk tritt zurück [1]. Er bleibt im SBU [2].") == [
        "Maljuk tritt zurück [1].",
        "Er bleibt im SBU [2].",
    ]


QUOTE = Citation(
    n=1,
    doc_id="d",
    title="T",
    source="s",
    start=0,
    end=5,
    quote="Dazu  kann\nes gehören.",
    date=dt.date(2026, 1, 7),
    publisher="ZDF",
    speaker="Friedrich Merz",
)


def test_who_where_and_when_come_from_the_citation():
    assert source_of(QUOTE, "de") == "Friedrich Merz (ZDF, 7. Januar 2026)"
    assert source_of(QUOTE, "en") == "Friedrich Merz (ZDF, 7 January 2026)"
    ticker = QUOTE.model_copy(
        update={"speaker": None, "section_time": dt.datetime(2026, 1, 5, 13, 44)}
    )
    assert source_of(ticker, "de") == "ZDF, 5. Januar 2026, 13.44 Uhr"
    assert source_of(ticker, "en") == "ZDF, 5 January 2026, 13:44"


def test_the_evidence_is_numbered_lines_with_the_speaker_and_the_quote():
    other = QUOTE.model_copy(update={"speaker": None, "publisher": None, "date": None})
    assert format_evidence([QUOTE, other]).splitlines() == [
        "[1] Friedrich Merz: Dazu kann es gehören.",
        "[2] Dazu kann es gehören.",
    ]


def test_a_long_quote_is_shown_to_the_model_as_the_sentence_it_was_chosen_for():
    context = "Nach dem Treffen der Verbündeten in Paris sprach der Kanzler lange. " * 3
    long = QUOTE.model_copy(update={"quote": context + "Dazu kann es gehören."})
    assert format_evidence([long], ["Dazu kann es gehören."]) == (
        "[1] Friedrich Merz: Dazu kann es gehören."
    )
    line = format_evidence([long])  # no focus sentence: the quote, cut at a word
    assert line.endswith(" …") and len(line) <= len("[1] Friedrich Merz: ") + EVIDENCE_CHARS + 2


def test_a_phrase_that_copies_its_quote_is_not_shown_before_it():
    quote = "Der bisherige Leiter des Geheimdienstes SBU, Wassyl Maljuk, tritt zurück."
    assert copies("Der bisherige Leiter des Geheimdienstes SBU, Wassyl Maljuk, tritt zurück", quote)
    assert not copies("Maljuk tritt zurück", quote)  # a short lead says it in brief
    assert not copies("The former head of the SBU, Wassyl Maljuk, is stepping down", quote)


def test_a_repeated_phrase_is_shown_once_and_a_distorted_one_not_at_all():
    from qa_service.answering.generative import _Composer
    from qa_service.answering.meaning import MeaningCheck
    from qa_service.answering.resolve import CitationResolver
    from qa_service.prompts import PromptLibrary
    from qa_service.settings import Settings

    merz = QUOTE.model_copy(
        update={
            "quote": "Dazu kann zum Beispiel gehören, dass wir nach einem Waffenstillstand "
            "Kräfte für die Ukraine auf benachbartem Nato-Gebiet einmelden."
        }
    )
    other = merz.model_copy(update={"start": 10, "end": 20})
    composer = _Composer(
        [merz, other],
        CitationResolver([], None, None, 1.0),  # no passages: nothing else to fall back on
        PromptLibrary(Settings(_env_file=None).prompts_dir),
        "en",
        MeaningCheck(),
    )
    phrase = "Merz: forces could be committed on neighbouring NATO territory after a ceasefire"
    first = composer.compose(f"[1] {phrase}")
    assert first == (f"{phrase} – Friedrich Merz (ZDF, 7 January 2026): „{merz.quote}“ [1]", True)
    assert composer.compose(f"[2] {phrase}") == (
        f"Friedrich Merz (ZDF, 7 January 2026): „{merz.quote}“ [2]",
        True,
    )
    # A distortion is not shown; its quote is already there, so nothing is added.
    assert composer.compose("[1] Merz: the Bundeswehr will go to Ukraine in a war") == ("", False)
    assert [c.n for c in composer.citations] == [1, 2]


def test_a_dropped_phrase_still_shows_the_quote_the_model_chose():
    from qa_service.answering.generative import _Composer
    from qa_service.answering.meaning import MeaningCheck
    from qa_service.answering.resolve import CitationResolver
    from qa_service.prompts import PromptLibrary
    from qa_service.settings import Settings

    composer = _Composer(
        [QUOTE],
        CitationResolver([], None, None, 1.0),
        PromptLibrary(Settings(_env_file=None).prompts_dir),
        "en",
        MeaningCheck(),
    )
    text, held = composer.compose("[1] Merz said the USA will never send troops")
    assert not held and "USA" not in text
    assert text == "Friedrich Merz (ZDF, 7 January 2026): „Dazu kann es gehören.“ [1]"
    assert composer.compose("[7] Merz said the USA will never send troops") == ("", False)
