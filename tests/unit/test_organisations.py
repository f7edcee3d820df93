"""Organisations read from a document's text by language alone: each way news text names a
body, on invented names."""

from __future__ import annotations

import pytest

from qa_service.corpus.organisations import organisation_key, read_organisations
from qa_service.models import Document


def _read(text: str) -> dict[str, tuple[str, ...]]:
    doc = Document(id="d", title="d", text=text, source="d.txt", content_hash="d")
    return {org.name: org.short for org in read_organisations(doc)}


@pytest.mark.parametrize(
    ("text", "name", "short"),
    [
        (
            "Das sagte der Verband Bruggenauer Zeitungen (VBZ) am Montag. Der VBZ klagt.",
            "Verband Bruggenauer Zeitungen",
            ("VBZ",),
        ),
        ("Die Medienbehörde Kvantra prüft den Fall.", "Kvantra", ()),
        ("Das meldete die Nachrichtenagentur QNA am Abend.", "QNA", ()),
        ("Der Autohersteller Talvoro hat zugegeben, getrickst zu haben.", "Talvoro", ()),
        ("Sie forscht an der Universität Lorbach seit Jahren.", "Universität Lorbach", ()),
        (
            "Er lehrt am Institut für Angewandte Wellenkunde in Lorbach.",
            "Institut für Angewandte Wellenkunde",
            (),
        ),  # fmt: skip
        ("Die Brodnik Holding hält die Mehrheit.", "Brodnik Holding", ()),
        ("Das entschied das Verkehrsministerium am Freitag.", "Verkehrsministerium", ()),
        ("Ein Urteil des Europäischen Gerichtshofs ist bindend.", "Europäischen Gerichtshof", ()),
        ("Das schrieb die Bruggenauer Zeitung am Sonntag.", "Bruggenauer Zeitung", ()),
        ("Der XPD-Chef verteidigte die Reform.", "XPD", ()),
    ],
)
def test_each_way_of_naming_a_body(text, name, short):
    assert _read(text).get(name) == short


@pytest.mark.parametrize(
    "text",
    [
        "Das Ministerium prüft den Fall.",  # a body by its noun alone: no name
        "Die Lage in den USA bleibt angespannt.",  # a country's short form
        "Er fliegt nach QZ, wo der Gipfel stattfindet.",  # a place by a preposition
        "Der PR-Gag ging auf.",  # a short form before a noun for a thing
        "Im Kapitel IV steht es.",  # a Roman numeral
        "Die Familienunternehmen klagen.",  # a compound of a generic noun for a firm
    ],
)
def test_no_organisation_where_the_text_names_none(text):
    assert _read(text) == {}


def test_a_short_form_given_to_a_name_is_not_a_second_organisation():
    assert _read("Der Verband Bruggenauer Zeitungen (VBZ) klagt. Der VBZ verliert.") == {
        "Verband Bruggenauer Zeitungen": ("VBZ",)
    }


def test_the_key_folds_a_genitive_of_a_noun_for_a_body():
    assert organisation_key("Presserates") == organisation_key("Presserat")
    assert organisation_key("Europäischen Gerichtshofs") == organisation_key(
        "Europäischen Gerichtshof"
    )


def test_a_compound_gives_a_letter_of_its_own_to_the_short_form() -> None:
    """ "Kraftfahrclub Bruggenau (KCB)": K and C from the compound, in order, so the name is
    the body's and not the place's; letters the words do not hold in order spell nothing."""
    assert _read("Der Kraftfahrclub Bruggenau (KCB) warnt.") == {
        "Kraftfahrclub Bruggenau": ("KCB",)
    }
    assert "Kraftfahrclub Bruggenau" not in _read("Der Kraftfahrclub Bruggenau (KXB) warnt.")
