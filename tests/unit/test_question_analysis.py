"""Question analysis on the question-forms table (tests/data/question_forms.jsonl): language,
type, speaker and time range, with "today" fixed per row."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from qa_service.analysis.question import analyse
from qa_service.corpus.names import same_person
from qa_service.language import detect_language

DATA = Path(__file__).resolve().parents[1] / "data" / "question_forms.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
# A document, not a person, "says" here; the rules read any "what did X say" as said-what.
KNOWN_MISSES = {"What did the draft declaration say about the USA?"}


def test_table_covers_both_languages_and_every_type():
    assert len(ROWS) >= 80
    assert {r["language"] for r in ROWS} == {"de", "en"}
    assert len({r["type"] for r in ROWS}) == 10


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(
            r,
            id=r["q"][:50],
            marks=[pytest.mark.xfail(strict=True)] if r["q"] in KNOWN_MISSES else [],
        )
        for r in ROWS
    ],
)
def test_analysis_matches_the_table(row):
    language = detect_language(row["q"])
    a = analyse(row["q"], language, dt.date.fromisoformat(row["today"]))
    assert language == row["language"]
    assert a.type == row["type"]
    if row["speaker"] is None:
        assert a.speaker is None
    else:
        assert same_person(a.speaker, row["speaker"])
    got = (a.time.date_from, a.time.date_to)
    want = tuple(
        dt.date.fromisoformat(d) if d else None for d in (row["date_from"], row["date_to"])
    )
    assert got == want
    assert a.time.latest == row["latest"]


def test_relative_dates_follow_the_injected_day():
    monday = analyse("Was sagte Merz am Montag?", "de", dt.date(2026, 1, 8))
    assert monday.time.date_from == dt.date(2026, 1, 5)
    later = analyse("Was sagte Merz am Montag?", "de", dt.date(2026, 1, 15))
    assert later.time.date_from == dt.date(2026, 1, 12)


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        # Apposition before the verb: the name nearest it is the speaker, not the firm.
        ("What did Hartwig CEO Anna Berger say about the merger?", "Anna Berger"),
        ("What did Kranich board member Paul Steiner say about the ruling?", "Paul Steiner"),
        # A role of a firm or party: whoever holds it, which the corpus name index resolves.
        ("What did Hartwig's president say about the merger?", None),
        ("What did the XPD general secretary say about the coalition?", None),
    ],
)
def test_said_what_speaker_of_an_apposition_or_a_role(question, speaker):
    assert analyse(question, "en", dt.date(2026, 1, 8)).speaker == speaker


def test_a_role_of_a_place_or_body_is_asked_for_by_the_role() -> None:
    """The holder of "the mayor of Linz" speaks, not Linz: the answerer resolves the role."""
    for question in (
        "What did the mayor of Linz say about the fence?",
        "What did the president of the Upper Styrian Chamber of Commerce say about taxes?",
    ):
        assert analyse(question, "en", dt.date(2026, 1, 1)).speaker is None, question
    named = analyse(
        "What did Brunner, head of the party, say about Linz?", "en", dt.date(2026, 1, 1)
    )
    assert named.speaker == "Brunner"


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        ("Wie viel hat Novomatic für den Anteil bezahlt?", "money"),
        ("How much did the clean-up cost?", "money"),
        ("Welches Lösegeld verlangen die Entführer?", "money"),
        ("Wie viel Prozent der Stimmen erhielt die Partei?", "percent"),
        ("What share of the vote did the party get?", "percent"),
        ("Wie viele Menschen kamen zur Demonstration?", None),
        ("Welchen Preis gewann der Film?", None),  # a prize, not a price
        ("What did the minister say about the costs?", None),  # asks for words
    ],
)
def test_the_amount_a_question_asks_for(question: str, amount: str | None) -> None:
    language = "en" if question.split()[0] in {"How", "What"} else "de"
    assert analyse(question, language, dt.date(2026, 1, 5)).amount == amount
