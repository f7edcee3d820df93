"""News HTML: the article and the page's metadata, none of the site around it.

The pages in tests/data/html are written in the shape of real news sites (cookie banner,
header, navigation, teasers, "Mehr zum Thema", comments, footer, JSON-LD / OpenGraph meta).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.article import extract_article
from ingest.loading import load_bytes, load_document
from ingest.titles import headline
from qa_service.errors import IngestError

PAGES = Path(__file__).resolve().parents[1] / "data" / "html"

# title, date, publisher (site name), author
METADATA = {
    "de_stadtbahn_freiburg.html": (
        "Neue Stadtbahnlinie: Freiburg baut bis nach Gundelfingen",
        dt.date(2026, 3, 12),
        "Badischer Kurier",
        "Miriam Albrecht",
    ),
    "de_hitzewelle_dpa.html": (
        "Hitzewelle: Deutscher Wetterdienst warnt vor bis zu 39 Grad",
        dt.date(2026, 7, 2),  # published, not the update of 3 July
        "Nachrichten am Morgen",  # the site, not the dpa dateline
        "Jonas Weidner",
    ),
    "de_rundfunk_wohngeld.html": (
        "Wohngeld: Mehr Haushalte haben Anspruch",
        dt.date(2026, 2, 18),
        "Rundfunk24",  # trafilatura capitalises a lower-case site name
        None,  # the JSON-LD author is the organisation, not a person
    ),
    "en_harbour_bridge.html": (
        "Harbour bridge to close for six weeks of repairs, council confirms",
        dt.date(2026, 4, 14),
        "The Coastal Herald",
        "Priya Natarajan",
    ),
    "en_wire_wildfire.html": (
        "Wildfire near Flagstaff forces 2,300 residents to evacuate",
        dt.date(2026, 6, 9),  # parsely-pub-date / <time published>, not the update
        "Mountain Daily News",
        "Daniel Ortega",
    ),
}

ARTICLE = {
    "de_stadtbahn_freiburg.html": [
        "Der Freiburger Gemeinderat hat am Dienstagabend mit 38 zu 9 Stimmen den Bau einer neuen "
        "Stadtbahnlinie nach Gundelfingen beschlossen.",
        "Die Baukosten schätzt die Stadt auf 148 Millionen Euro.",
        "Baubeginn frühestens 2028",
        "Der Gemeinderat sagte zu, die wegfallenden Stellplätze in zwei Quartiersgaragen zu "
        "ersetzen.",
        "Ihr Vorsitzender Klaus Breisacher nannte die Kosten „nicht verantwortbar“ und verlangte "
        "stattdessen eine Schnellbuslinie.",
    ],
    "de_hitzewelle_dpa.html": [
        "OFFENBACH (dpa) - Der Deutsche Wetterdienst (DWD) erwartet für das kommende Wochenende "
        "die bislang heißesten Tage des Jahres.",
        "Nachts kühlt es vielerorts kaum unter 22 Grad ab.",
        "Gewitter zum Wochenbeginn",
        "Danach gehen die Temperaturen nach Angaben des Wetterdienstes deutlich zurück, auf 24 "
        "bis 28 Grad.",
    ],
    "de_rundfunk_wohngeld.html": [
        "Seit Jahresbeginn erhalten deutlich mehr Menschen Wohngeld.",
        "Im Durchschnitt stieg das Wohngeld nach Angaben des Bauministeriums um 15 Prozent, auf "
        "297 Euro im Monat.",
        "Anträge dauern oft Monate",
        "Der Städtetag forderte, die Anträge vollständig zu digitalisieren.",
    ],
    "en_harbour_bridge.html": [
        "The Kingsmouth harbour bridge will close to all traffic from 4 May for six weeks so that "
        "engineers can replace corroded steel bearings, the county council has confirmed.",
        "“Doing nothing is not an option.”",
        "Free shuttle buses for pedestrians",
        "The repairs are expected to cost £3.2m, paid for from the government’s local roads "
        "maintenance fund.",
    ],
    "en_wire_wildfire.html": [
        "FLAGSTAFF, Ariz. (AP) — A fast-moving wildfire in the hills north of Flagstaff forced "
        "about 2,300 residents from their homes on Tuesday",
        "“Do not wait to see the flames.”",
        "The cause of the fire is under investigation.",
    ],
}

# Navigation, cookie text, teaser headlines, related links, comments, footer of each page.
BOILERPLATE = {
    "de_stadtbahn_freiburg.html": [
        "Alle akzeptieren",
        "143 Partner",
        "Jetzt abonnieren",
        "Kultur & Freizeit",
        "E-Paper",
        "Startseite",
        "Teilen",
        "Foto: Patrick Seeger",
        "Mehr zum Thema",
        "Stadtbahn nach Littenweiler",
        "Anzeige",
        "Schlagwörter",
        "Das könnte Sie auch interessieren",
        "Münstermarkt bekommt neue Standplätze",
        "Schwarzwaldbahn wird im Sommer",
        "Kommentare",
        "Seit zwanzig Jahren warten wir",
        "während die Schulen verfallen",
        "Quartiersgaragen will doch niemand",
        "Impressum",
        "Alle Rechte vorbehalten",
        "Folgen Sie uns",
    ],
    "de_hitzewelle_dpa.html": [
        "Wir brauchen Ihre Zustimmung",
        "finanziert sich über Werbung",
        "Werbefrei lesen",
        "Wetter: 31 °C",
        "Gesundheit",
        "Suchbegriff",
        "Artikel anhören",
        "Lesen Sie auch",
        "Zehn Tipps",
        "Über den Autor",
        "Faible für Wetterkarten",
        "Morgen-Newsletter",
        "Jetzt kostenlos anmelden",
        "Teilen auf",
        "Diskussion",
        "Freibad",
        "nichts verstanden",
        "Netiquette",
        "Meistgelesen",
        "Lotto-Jackpot",
        "Rentenreform",
        "4 Wochen gratis",
        "Datenschutz-Einstellungen",
        "Morgenmedien GmbH",
    ],
    "de_rundfunk_wohngeld.html": [
        "Datenschutzeinstellungen",
        "Reichweitenmessung",
        "Nur notwendige Cookies",
        "Faktenfinder",
        "Livestream",
        "Mietpreisbremse",
        "Mehr zum Thema",
        "Bürgergeld: Was sich 2026 ändert",
        "Heizkostenzuschuss",
        "Schlagwörter",
        "Kommentare",
        "Mieterin aus Köln",
        "acht Monate gedauert",
        "Wer soll das alles bezahlen",
        "Weitere Meldungen",
        "EU-Gipfel",
        "Warnstreik",
        "Barrierefreiheit",
        "Senderverbunds",
    ],
    "en_harbour_bridge.html": [
        "We use cookies",
        "Manage my cookies",
        "Skip to main content",
        "Subscribe from £1",
        "Puzzles & crosswords",
        "Courts",
        "Drivers face a 14-mile detour",  # the standfirst sits outside the article body
        "Photograph: Tom Ellery",
        "Related:",
        "serious corrosion",
        "Explore more on these topics",
        "Reuse this content",
        "More on this story",
        "Ferry operator adds extra sailings",
        "A3091 roadworks finished",
        "Most viewed",
        "Lifeboat crew rescue",
        "This discussion is now closed",
        "took five months",
        "hope they run on Sundays",
        "Privacy policy",
        "Coastal Media Ltd",
    ],
    "en_wire_wildfire.html": [
        "This website stores cookies",
        "Decline",
        "Breaking:",
        "primary election results",
        "Obituaries",
        "Subscribe for 99¢",
        "PUBLISHED:",
        "RELATED ARTICLES",
        "Red flag warning issued",
        "campgrounds early",
        "Get the morning headlines",
        "Tags:",
        "Trending Now",
        "Prescott Frontier Days",
        "12 thoughts on",
        "Stay safe everyone",
        "forest thinning",
        "You must be logged in",
        "Site Map",
        "Highland Media Group",
    ],
}


def test_every_saved_page_is_covered():
    names = sorted(p.name for p in PAGES.glob("*.html"))
    assert names == sorted(METADATA) == sorted(ARTICLE) == sorted(BOILERPLATE)
    assert {n[:3] for n in names} == {"de_", "en_"}


@pytest.fixture(scope="module")
def documents():
    return {name: load_document(PAGES / name) for name in METADATA}


@pytest.mark.parametrize("name", sorted(ARTICLE))
def test_the_article_is_in_the_text(documents, name):
    for sentence in ARTICLE[name]:
        assert sentence in documents[name].text


@pytest.mark.parametrize("name", sorted(BOILERPLATE))
def test_no_boilerplate_is_in_the_text(documents, name):
    text = documents[name].text
    leaked = [b for b in BOILERPLATE[name] if b in text]
    assert leaked == []


@pytest.mark.parametrize("name", sorted(METADATA))
def test_title_date_publisher_and_author_come_from_the_markup(documents, name):
    title, date, publisher, author = METADATA[name]
    doc = documents[name]
    assert (doc.title, doc.date, doc.publisher) == (title, date, publisher)
    assert extract_article((PAGES / name).read_text(encoding="utf-8"), name).author == author


@pytest.mark.parametrize("name", sorted(METADATA))
def test_paragraphs_and_a_citable_headline(documents, name):
    doc = documents[name]
    paragraphs = doc.text.split("\n\n")
    assert all(p and p == " ".join(p.split()) for p in paragraphs)  # no stray whitespace
    assert len(paragraphs) >= 6
    first = headline(doc.text)
    if first is not None:  # the page's <h1> leads the text when it is the title
        assert first == doc.title


def test_the_h1_headline_leads_the_text_when_it_is_the_title(documents):
    doc = documents["de_stadtbahn_freiburg.html"]
    assert doc.text.startswith("Neue Stadtbahnlinie: Freiburg baut bis nach Gundelfingen\n\nDer")
    # the og:title differs from the <h1> here, so nothing is put in front of the text
    assert documents["de_rundfunk_wohngeld.html"].text.startswith("Seit Jahresbeginn")


DATELESS = """<!doctype html><html lang="de"><head><title>Neuer Bürgerpark eröffnet</title>
</head><body><header><nav><a href="/">Startseite</a> <a href="/kassel">Kassel</a></nav></header>
<article><h1>Neuer Bürgerpark eröffnet</h1>
<p>KASSEL - Die Stadt Kassel hat am 4. März 2026 den neuen Bürgerpark an der Fulda eröffnet.
Auf acht Hektar sind Wiesen und ein Spielplatz entstanden.</p>
<p>Oberbürgermeister Sven Schoeller sprach von einem Geschenk an alle Generationen. Die Anlage
hat rund elf Millionen Euro gekostet.</p></article>
<section class="archiv"><h2>Aus dem Archiv</h2><ul>
<li><a href="/a">12.01.2025 | Stadt plant Bürgerpark an der Fulda</a></li>
<li><a href="/b">03.06.2024 | Gutachten zum Fuldaufer vorgestellt</a></li></ul></section>
</body></html>"""


def test_without_a_date_in_the_markup_the_article_text_gives_it_not_the_teasers():
    # htmldate's extensive search would answer 2024-06-03, the oldest archive teaser
    doc = load_bytes(DATELESS.encode(), "park.html")
    assert doc.date == dt.date(2026, 3, 4)
    assert "Archiv" not in doc.text and "Gutachten" not in doc.text


def test_a_page_without_site_name_gets_the_publisher_from_its_text():
    page = (PAGES / "de_hitzewelle_dpa.html").read_text(encoding="utf-8")
    page = page.replace('<meta property="og:site_name" content="Nachrichten am Morgen">', "")
    page = page.replace(
        '"publisher": {"@type": "NewsMediaOrganization", "name": "Nachrichten am Morgen"},', ""
    )
    page = page.replace(" - Nachrichten am Morgen</title>", "</title>")
    assert load_bytes(page.encode(), "hitze.html").publisher == "dpa"


DIV_SOUP = """<!doctype html><html lang="de"><head><title>Neuer Bürgerpark</title></head><body>
<div class="privacy-layer" role="dialog"><p>Wir und unsere Partner verwenden Cookies, um die
Nutzung unserer Website zu analysieren und Ihnen personalisierte Inhalte anzuzeigen.</p>
<p>Mit einem Klick auf „Akzeptieren“ stimmen Sie der Verarbeitung zu.</p></div>
<div class="layout"><div class="col">
<p>Die Stadt Kassel hat am Mittwoch den neuen Bürgerpark an der Fulda eröffnet. Auf acht
Hektar sind Wiesen, ein Spielplatz und ein Wasserspielplatz entstanden.</p>
<p>Oberbürgermeister Sven Schoeller sprach von einem „Geschenk an alle Generationen“. Die
Anlage hat rund elf Millionen Euro gekostet, die Hälfte davon zahlt das Land Hessen.</p>
<p>Im Sommer sollen dort jeden Sonntag kostenlose Konzerte stattfinden.</p>
<div id="leserkommentare"><p>Klaus K.: Schön, aber wo soll man da parken? Es gibt
keinen einzigen Parkplatz in der Nähe des Eingangs.</p></div>
</div></div></body></html>"""


def test_consent_dialogs_and_german_reader_comments_are_pruned():
    doc = load_bytes(DIV_SOUP.encode(), "park.html")
    assert "Die Stadt Kassel hat am Mittwoch den neuen Bürgerpark an der Fulda eröffnet." in (
        doc.text
    )
    assert "kostenlose Konzerte" in doc.text
    for leaked in ("Cookies", "Akzeptieren", "parken", "Klaus K."):
        assert leaked not in doc.text


def test_fallback_to_the_visible_page_is_logged(caplog):
    markup = "<html><body><div>Ein Satz in einem div.</div><div>Noch ein Satz.</div></body></html>"
    with caplog.at_level(logging.INFO, logger="ingest.article"):
        doc = load_bytes(markup.encode(), "soup.html")
    assert doc.text == "Ein Satz in einem div.\n\nNoch ein Satz."
    (record,) = [r for r in caplog.records if r.name == "ingest.article"]
    assert record.message == "trafilatura found no main text, indexing the visible page"
    assert record.source == "soup.html"


def test_markup_trafilatura_trips_over_falls_back_with_a_warning(caplog):
    # htmldate's cleaning asserts on this tree (an element without parent); seen in fuzzing
    markup = "<math><html><body><h1>Kaputte Seite</h1><p>Ein Satz auf einer kaputten Seite.</p>"
    with caplog.at_level(logging.INFO, logger="ingest.article"):
        doc = load_bytes(markup.encode(), "kaputt.html")
    assert doc.text == "Kaputte Seite\n\nEin Satz auf einer kaputten Seite."
    assert doc.title == "Kaputte Seite"
    (record,) = [r for r in caplog.records if r.name == "ingest.article"]
    assert record.levelno == logging.WARNING and record.error.startswith("AssertionError")


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><p>Kaputtes <b>HTML <i>ohne</p> Ende <div><table><tr><td>Zelle",
        "<html><body><article><p>Null&#0;Byte &#xD800;im Text.</p></article>",
        '<?xml version="1.0" encoding="iso-8859-1"?><html><body><article><p>Größe und Maß.</p>',
        "<p>Nur ein Fragment ohne Seite.</p>",
        "<div>" * 3000 + "Tief verschachtelter Text." + "</div>" * 3000,
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2026-13-45", "publisher": {"name": [1, 2]}, "author": [{"name": null}]'
        '</script><meta property="article:published_time" content="0000-00-00"></head>'
        "<body><article><p>Metadaten kaputt, Text da.</p></article></body></html>",
    ],
    ids=["unclosed", "bad-entities", "xml-declaration", "fragment", "deep", "bad-metadata"],
)
def test_broken_html_still_gives_its_text(markup):
    doc = load_bytes(markup.encode(), "kaputt.html")
    assert doc.text
    assert doc.date is None


@pytest.mark.parametrize(
    "markup",
    [
        b"<html><body><nav><a href='/'>Start</a></nav><footer>Impressum</footer></body></html>",
        b"<html><head><title>Nur ein Titel</title></head><body></body></html>",
        b"<html><script>var x = 1;</script></html>",
    ],
)
def test_a_page_without_text_is_a_clear_ingest_error(markup):
    with pytest.raises(IngestError, match="seite.html: the page has no visible text"):
        load_bytes(markup, "seite.html")


_TAGS = "html head body title p div span b a table tr td ul li h1 h2 script style article main"
_TAGS += " nav footer br time svg math template iframe noscript pre blockquote figure select"
_PIECES = st.one_of(
    st.sampled_from(_TAGS.split()).map(lambda t: f"<{t}>"),
    st.sampled_from(_TAGS.split()).map(lambda t: f"</{t}>"),
    st.sampled_from(
        [
            "Ein Satz mit Text. ",
            ' role="dialog"',
            '<div class="kommentare">',
            "&amp;",
            "&#0;",
            "<!--",
            "-->",
            "<![CDATA[",
            '<?xml version="1.0" encoding="utf-8"?>',
            '<meta charset="bogus">',
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": ',
            '<meta property="article:published_time" content="2026-02-30">',
            '<meta property="og:site_name" content=" ">',
        ]
    ),
    st.text(max_size=20),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(_PIECES, max_size=40))
def test_tag_soup_gives_a_document_or_an_ingest_error(pieces):
    try:
        doc = load_bytes("".join(pieces).encode("utf-8", "surrogatepass"), "soup.html")
    except IngestError:
        return
    assert doc.text and doc.text == doc.text.strip() and doc.title


def test_an_empty_h1_puts_nothing_in_front_of_the_text():
    markup = "<html><body><h1> </h1><article><p>Der Text eines kurzen Artikels.</p></article>"
    assert load_bytes(markup.encode(), "leer-h1.html").text == "Der Text eines kurzen Artikels."
