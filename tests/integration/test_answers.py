"""The answer itself, on the real corpus with the real model: whose words, what kind of thing,
which time, and refusals that say why."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_service.corpus.names import same_person
from qa_service.models import Turn


@pytest.fixture(scope="module")
def service(corpus_service):
    corpus_service.today = lambda: dt.date(2026, 1, 8)
    return corpus_service


def _verbatim(service, answer):
    for c in answer.citations:
        assert service.get_document(c.doc_id).text[c.start : c.end] == c.quote


def test_merz_example_quotes_merz_and_nobody_else(service):
    answer = service.ask("Was sagte Merz zur Bundeswehr?")
    assert answer.answered and answer.citations
    assert all(same_person(c.speaker, "Merz") for c in answer.citations), [
        (c.speaker, c.quote) for c in answer.citations
    ]
    assert any("benachbartem Nato-Gebiet" in c.quote for c in answer.citations)
    assert "Medwedew" not in answer.answer
    assert answer.answer.startswith("Friedrich Merz (ZDF, 6. Januar 2026): „")
    _verbatim(service, answer)


def test_a_speaker_never_quoted_on_the_topic_is_refused_with_the_reason(service):
    answer = service.ask("Was sagte Merz zum Gipfel in Washington?")
    assert not answer.answered and answer.citations == ()
    assert answer.refusal_reason == "speaker_not_quoted"
    assert answer.answer == "Die Artikel zitieren Merz dazu nicht."


def test_a_person_the_articles_never_mention_is_refused_in_english(service):
    answer = service.ask("What did Olaf Scholz say about the coalition?")
    assert not answer.answered and answer.citations == ()
    assert answer.refusal_reason == "absent_name"
    assert answer.answer.startswith("The articles do not mention") and "Scholz" in answer.answer


def test_who_said_names_the_speaker(service):
    answer = service.ask("Wer sagte, dass die Garantien so stark wie nie sein müssten?")
    assert answer.answered
    # The sentence is quoted with its speaker, and the answer names him. Since the refit of
    # 9f76662 it is the second quote: a Selenskyj sentence of the same passage scores 0.107
    # against its 0.097 (cosine against the question's words); README, Known gaps.
    said = [c for c in answer.citations if "stark wie nie" in c.quote]
    assert said and same_person(said[0].speaker, "Witkoff")
    assert "Steve Witkoff" in answer.answer


def test_a_when_answer_carries_the_ticker_time(service):
    answer = service.ask("Wann trat Maljuk zurück?")
    first = answer.citations[0]
    assert first.section_time == dt.datetime(2026, 1, 5, 13, 44)
    assert "5. Januar, 13.44 Uhr" in answer.answer.splitlines()[0]


def test_a_date_in_the_question_becomes_a_filter(service):
    answer = service.ask("Was geschah am 4. Januar?")
    assert answer.filters_applied is not None
    assert answer.filters_applied.date_from == answer.filters_applied.date_to == dt.date(2026, 1, 4)
    assert answer.answered
    assert all(c.section_time.date() == dt.date(2026, 1, 4) for c in answer.citations)


def test_a_time_with_no_articles_is_refused_with_the_period(service):
    answer = service.ask("Was sagte Selenskyj am 20. Dezember?")
    assert not answer.answered and answer.refusal_reason == "outside_time_range"
    assert "20. Dezember" in answer.answer


def test_the_same_dpa_sentence_is_cited_once_with_the_other_outlets(service):
    answer = service.ask("Wie viele Staaten sollen beim Treffen vertreten sein?")
    assert answer.answered
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) == len(set(quotes))
    carried = [c for c in answer.citations if c.also_in]
    assert carried and all(a.doc_id != c.doc_id for c in carried for a in c.also_in)


def test_a_follow_up_asks_the_new_speaker_on_the_same_topic(service):
    history = [
        Turn(role="user", content="Was sagte Merz zur Bundeswehr?"),
        Turn(role="assistant", content="…"),
    ]
    answer = service.ask("Und was sagte Macron dazu?", history=history)
    assert answer.condensed_question is not None
    for c in answer.citations:
        assert same_person(c.speaker, "Macron")
