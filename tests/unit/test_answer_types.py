"""What a candidate sentence holds for the selector: the kind of thing a question asks for,
and the question's names in any spelling (invented sentences)."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_service.analysis.dates import read_time
from qa_service.answering.answer_types import fits, near, prefers, states
from qa_service.answering.extractive import _name_share
from qa_service.answering.refusal import unstated_kind
from qa_service.corpus.attribution import SentenceUnit
from qa_service.lang import german
from qa_service.retrieval.tokens import tokenize


def _unit(text: str) -> SentenceUnit:
    return SentenceUnit("d", 0, 0, len(text), text)


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("Die Malerin reiste vor einem Jahr nach Linz.", True),
        ("Seit wenigen Wochen wird gestreikt.", True),
        ("Das Werk soll in drei Jahren schließen.", True),
        ("Innerhalb eines Monats kamen 40 Anträge.", True),
        ("Sie las in einem Tagebuch.", False),  # "Tag" begins the word, it is no unit
        ("Vor dem Haus warteten Reporter.", False),
        ("Vor rund 4.000 Jahren lebten dort Jäger.", True),
        ("Das Tal entstand vor 2,5 Millionen Jahren.", True),
        ("Am vergangenen Wochenende kamen 400 Gäste.", True),
        ("In den letzten Jahren wuchs die Stadt.", True),
        ("Die letzte Strophe fehlte im Druck.", False),  # "letzte" is no time without a unit
        ("Der letzte Zug fuhr leer ab.", False),
    ],
)
def test_a_span_of_time_answers_when(text: str, when: bool) -> None:
    assert fits("when", _unit(text)) is when


def test_a_name_counts_in_its_german_form_and_inflected() -> None:
    syria = [("syria",), ("syrien",)]  # an English name and its dictionary form
    assert _name_share([syria], "Sie reiste vor einem Jahr nach Syrien.") == 1.0
    assert _name_share([syria], "Die Lage Syriens bleibt unklar.") == 1.0
    assert _name_share([syria], "Sie reiste nach Linz.") == 0.0


def test_a_phrase_form_needs_all_its_words() -> None:
    bank = [("bank",), ("europaische", "zentralbank")]
    assert _name_share([bank], "Die Europäische Zentralbank senkt den Zins.") == 1.0
    assert _name_share([bank], "Die Zentralbank senkt den Zins.") == 0.0


def test_counts_in_digits_and_words() -> None:
    assert german.is_count("2.000") and german.is_count("zwölf")
    assert not german.is_count("einem") and not german.is_count("Jahr")


def test_days_ago_in_words_up_to_thirty() -> None:
    today = dt.date(2026, 1, 20)
    assert read_time("Was geschah vor zehn Tagen?", today).date_from == dt.date(2026, 1, 10)
    assert read_time("What happened twelve days ago?", today).date_from == dt.date(2026, 1, 8)


def test_who_and_where_want_more_than_the_question_names() -> None:
    """A question "Who is directing Lorbach Blues in Bruggenau?": a sentence naming only the play
    and the city does not hold the answer; one naming a person of its article does.
    Invented sentences."""
    asked = ["Lorbach", "Blues", "Bruggenau"]
    people = ["Jakob Quendlinger", "Ida Wamprechtsam"]
    announcement = _unit("Das Schauspielhaus Brüggenau zeigt Lorbach Blues.")
    direction = _unit("Das Stück kommt in der Regie von Quendlinger auf die Bühne.")
    assert not fits("who", announcement, asked, people)
    assert fits("who", direction, asked, people)
    # Without the article's people: two name words in a row, not both asked about.
    assert fits("who", _unit("Regie führt Jakob Quendlinger."), asked)
    assert not fits("who", _unit("Gezeigt wird Lorbach Blues."), asked)
    # Where: a place the question does not already name (in any spelling).
    assert not fits("where", _unit("Die Premiere ist in Brüggenau."), asked)
    assert fits("where", _unit("Die Premiere ist in Basel."), asked)
    # ... a name or a noun for a place after the preposition, not any noun
    assert fits("where", _unit("Das Spiel fand im kalifornischen Stadion statt."), asked)
    assert not fits("where", _unit("Der Streit begann in der Nacht."), asked)
    assert not fits("where", _unit("Das sagte er auf der Pressekonferenz."), asked)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Grund sei das schwierige Marktumfeld.", True),
        ("Der Rückzug ist auf die niedrigen Preise zurückzuführen.", True),
        ("Er begründete den Schritt mit den Kosten.", True),
        ("The plant closed as a result of the floods.", True),
        ("Der Rückzug wurde am Montag bekannt.", False),
    ],
)
def test_a_reason_by_its_causal_words(text: str, reason: bool) -> None:
    assert prefers("why", _unit(text)) is reason


@pytest.mark.parametrize(
    ("text", "amount", "holds"),
    [
        ("Der Umbau kostete 3,5 Mio. Euro.", "money", True),
        ("Die Stadt zahlte zwei Milliarden Dollar.", "money", True),
        ("Tickets cost 20 euros.", "money", True),
        ("Der Eintritt beträgt € 20.", "money", True),
        ("Ein 20-Millionen-Euro-Projekt wurde gestoppt.", "money", True),
        ("Der Umbau dauerte drei Jahre.", "money", False),  # a number, but no sum
        ("Es kamen 250 Angestellte.", "money", False),
        ("Die Partei erreichte 28,14 Prozent.", "percent", True),
        ("Die Hälfte der Befragten stimmte zu.", "percent", True),
        ("Es kamen 250 Angestellte.", "percent", False),
    ],
)
def test_an_amount_asked_for_must_be_stated(text: str, amount: str, holds: bool) -> None:
    # "Wie viel kostete der Umbau?" is not answered by any number of the article.
    assert fits("how_many", _unit(text), amount=amount) is holds
    assert near("how_many", text, tokenize(text), amount=amount) is holds


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Es kamen 250 Angestellte.", True),
        ("Es kamen zwölf Angestellte.", True),
        ("2.000 Menschen kamen am 5. März.", True),
        ("Die Hälfte der Befragten kam.", True),
        # a number word inside an adjective of measure
        ("Die Angestellten hielten dreiminütige Referate.", True),
        ("Die Angestellten zweifelten an der Sitzung.", False),
        # the article, not "one": nothing says how many took part
        ("In einem Versuch befragte das Institut Passanten.", False),
        # the digits of a date or a clock time say when
        ("Der Verein zitiert aus einem Brief vom 3. März.", False),
        ("Die Sitzung begann um 20.15 Uhr.", False),
        ("Im März 2019 kamen die Angestellten.", False),
    ],
)
def test_how_many_wants_a_count(text: str, count: bool) -> None:
    assert fits("how_many", _unit(text)) is count
    assert (
        near(
            "how_many",
            text,
            tokenize("Wie viele Angestellte Menschen Befragten Passanten Brief Sitzung kamen"),
        )
        is count
    )


def test_a_place_the_question_names_in_english_is_no_answer_in_german() -> None:
    """ "From which country does Talvoria take the chair?": "in Talvorien" is the place it
    names, once its German form (the answerer adds its dictionary forms) is among the asked
    words; "von Kvantra" would answer. Invented names."""
    unit = _unit("Das darf in Talvorien nicht passieren, sagte Lorbach.")
    assert fits("where", unit, {"Talvoria"})  # the English name alone misses the German form
    assert not fits("where", unit, {"Talvoria", "talvorien"})


def test_quotes_that_state_no_count_refuse_a_how_many_question() -> None:
    album = _unit("Hugo Stein veröffentlicht sein Album Quendel.")
    songs = _unit("Das Album hat zwölf Lieder.")

    def refused(qtype: str, *units: SentenceUnit) -> bool:
        refusal = unstated_kind(qtype, [states(qtype, u) for u in units], 0.9)
        return refusal is not None and refusal.reason == "not_close_enough"

    assert refused("how_many", album)
    assert not refused("how_many", album, songs)  # one quote that counts is enough
    assert not refused("when", album)  # a time may be the ticker's or a condition
    assert not refused("how_many", _unit("Er hat sich mehrere Male entschlossen."))
    assert not refused("how_many", _unit("Bis 9.000 BP, in Mio. GBP."))  # a figure
    assert not refused("who", album)  # a person may stand in the sentence next to it
