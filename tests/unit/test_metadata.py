"""Header, date, publisher and live-ticker sections."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.header import parse_header
from ingest.loading import load_document
from ingest.metadata import find_date, find_publisher, find_sections

TAG24 = "000_7d6aace684e44f01.txt"


@pytest.mark.parametrize(
    ("text", "date", "number", "inline", "end"),
    [
        (" date 2026-01-06  70.398\n\nTitel", dt.date(2026, 1, 6), "70.398", False, 24),
        (" date 2026-01-06 Die Europäer wollen", dt.date(2026, 1, 6), None, True, 17),
        ("date 2026-01-06", dt.date(2026, 1, 6), None, False, 15),
        (" date 2026-13-45  1\nText", None, "1", False, 19),
    ],
)
def test_parse_header(text, date, number, inline, end):
    header = parse_header(text)
    assert header is not None
    assert (header.date, header.number, header.inline_body, header.end) == (
        date,
        number,
        inline,
        end,
    )


@pytest.mark.parametrize(
    "text", ["Titel\n date 2026-01-06", "Das date 2026-01-06", " date 6.1.2026 x", ""]
)
def test_no_header(text):
    assert parse_header(text) is None


def test_header_body_starting_with_a_number_is_body():
    header = parse_header(" date 2026-01-06 26 westliche Länder hatten sich bereit erklärt.")
    assert header is not None and header.number is None and header.end == 17


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stand: 06.01.2026, 14 Uhr", dt.date(2026, 1, 6)),
        ("Es war der 6. Januar 2026.", dt.date(2026, 1, 6)),
        ("Heute, am 6. Januar 2026, stand Paris im Zentrum.", dt.date(2026, 1, 6)),
        ("Am 3. Jänner 2026 in Wien", dt.date(2026, 1, 3)),
        ("Am 1.März 2025 und am 06.01.2026", dt.date(2025, 3, 1)),  # space after "1." optional
        ("Erst 2026-01-07, dann 05.01.2026", dt.date(2026, 1, 7)),
        ("Am 31.02.2026 nicht, aber am 01.03.2026", dt.date(2026, 3, 1)),
        ("Um 6.11 Uhr, 1.400 Kilometer, am 6. Januar", None),
    ],
)
def test_find_date(text, expected):
    assert find_date(f"Eine Überschrift\n{text}\nDer Text.") == expected


def test_find_date_earliest_mention_wins():
    text = "Titel\nAm 7. Januar 2026 berichtete er über den 06.01.2026.\nText"
    assert find_date(text) == dt.date(2026, 1, 7)


def test_a_credit_line_dates_the_text_wherever_it_stands():
    text = "Seit dem 1. Juli 2015 gilt das Gesetz. Mehr dazu morgen. (APA/dpa, 23.8.2015) Tabelle"
    assert find_date(text) == dt.date(2015, 8, 23)
    assert find_date("Der Text. (Anna Muster; 5.9.2015)") == dt.date(2015, 9, 5)


def test_a_date_in_running_text_is_an_event_not_the_article_s():
    # one paragraph: no head to carry a date of its own
    assert find_date("Bis zu ihrer Verhaftung am 12. November 1939 schrieb sie.") is None
    # in the head, a date after "seit", "bis", "ab" is when something happens
    assert find_date("Titel\nDie Gebühren fallen bis 15. Juni 2017 weg.\nText") is None


def test_a_credit_date_in_the_future_is_a_typo():
    assert find_date("Der Text. (APA, 4.6.3015)") is None


@pytest.mark.parametrize(
    ("text", "publisher"),
    [
        ("PARIS (dpa-AFX) - Westliche Unterstützer", "dpa-AFX"),
        ("BERLIN (dpa) - Der Kanzler", "dpa"),
        ("WIEN (APA) - Die Regierung", "APA"),
        ("Mehr dazu im TAG24-Newsticker.", "TAG24"),
        ("berichtet Andreas Stamm vom ZDF aus Brüssel", "ZDF"),
        ("Das meldet die APA. Der ORF zeigte es.", "APA"),
        ("Neue Fernsehformate im ORF stehen in der Kritik.", None),  # named, not credited
        ("Der Sender ARD zeigte den Film.", None),
        ("Die Zahlen stiegen um drei Prozent. (APA)", "APA"),
        ("Die Zahlen stiegen.\nQuelle: dpa, APA", "APA"),
        ("Die ARD-Korrespondentin in Kiew berichtet.", "ARD"),
        ("Der Sieg war verdient. (APA/dpa, 23.8.2015) Nächstes Spiel", "APA"),
        ("Das sei nicht geplant, sagte ein Sprecher zur APA.", "APA"),
        ("Foto: Kay Nietfeld/dpa und AP", None),
        ("Ein Text ohne Quelle.", None),
        ("x" * 400 + " (dpa) - spät zitiert", None),
    ],
)
def test_find_publisher(text, publisher):
    assert find_publisher(text) == publisher


def test_ticker_sections_of_the_tag24_article(corpus_dir):
    doc = load_document(corpus_dir / TAG24)
    sections = doc.sections
    assert len(sections) == 13
    first = sections[0]
    assert first.heading == "6. Januar, 6.11 Uhr: Darum geht es beim Ukraine-Treffen in Paris"
    assert first.time == dt.datetime(2026, 1, 6, 6, 11)
    assert (
        sections[-1].heading
        == "3. Januar, 11.01 Uhr: Ukraine verlangt robuste Sicherheitsgarantien"
    )
    assert sections[-1].end == len(doc.text)
    times = [s.time for s in sections]
    assert times == sorted(times, reverse=True)  # a ticker runs backwards
    for s, nxt in zip(sections, sections[1:], strict=False):
        assert doc.text[s.start :].startswith(s.heading)
        assert s.start < s.end < nxt.start
        assert doc.text[s.end : nxt.start].strip() == ""
    assert not doc.text[: first.start].strip().endswith("Uhr")


@pytest.mark.parametrize(
    "name", ["001_ea25f4a6a3f17485.txt", "003_8c7678973490183f.txt", "004_35332417cd3628a0.txt"]
)
def test_articles_without_ticker_have_no_sections(corpus_dir, name):
    assert load_document(corpus_dir / name).sections == ()


def test_ticker_year_rolls_back_over_new_year():
    text = "Intro.\n\n2. Januar, 8.00 Uhr: Neu\n\nA.\n\n29. Dezember, 23.59 Uhr: Alt\n\nB."
    sections = find_sections(text, dt.date(2026, 1, 6))
    assert [s.time for s in sections] == [
        dt.datetime(2026, 1, 2, 8),
        dt.datetime(2025, 12, 29, 23, 59),
    ]
    assert [text[s.start : s.end] for s in sections] == [
        "2. Januar, 8.00 Uhr: Neu\n\nA.",
        "29. Dezember, 23.59 Uhr: Alt\n\nB.",
    ]


def test_ticker_without_reference_date_or_with_bad_time():
    assert find_sections("6. Januar, 6.11 Uhr: Titel\nText.", None)[0].time is None
    assert find_sections("6. Januar 2025, 6.11 Uhr: Titel", None)[0].time == dt.datetime(
        2025, 1, 6, 6, 11
    )
    assert find_sections("6. Januar, 25.70 Uhr: Titel", dt.date(2026, 1, 6))[0].time is None
    assert find_sections("Am 6. Januar, 6.11 Uhr: kein Kopf am Zeilenanfang", None) == ()
