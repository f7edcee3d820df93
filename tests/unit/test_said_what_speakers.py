""" "What did X say?": who X is in the question, who speaks in the article, and that the
answer quotes X only (invented names and sentences)."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_service.analysis.question import analyse
from qa_service.answering.extractive import ExtractiveAnswerer, _Candidate, _role_phrase
from qa_service.corpus.attribution import SentenceUnit, read_sentences
from qa_service.models import Document

TODAY = dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("question", "language", "speaker"),
    [
        # A role asks for whoever holds it (resolved against the articles' name index), not
        # for the topic after a preposition or the body in the genitive.
        ("Was sagte der Verteidigungsminister zur Rückführung von Flüchtlingen?", "de", None),
        ("Was sagte der Sprecher der Lorbach Werke zum Ausstieg?", "de", None),
        ("What did the Bruggenau prime minister say about the bases?", "en", None),
        # A name beside its role is the speaker.
        ("Was sagte Außenminister Quendlinger zur Balkanroute?", "de", "Quendlinger"),
        # Present tense and an opinion ask for words too.
        ("Was meint Quendlinger zum Bildungsniveau?", "de", "Quendlinger"),
        ("Was hält Quendlinger davon, Treibstoff aus Pflanzen zu gewinnen?", "de", "Quendlinger"),
        # The word after the verb is the speaker, though its ending reads like a noun's.
        ("What did Brodnik say about the Krimi?", "en", "Brodnik"),
        ("Was sagte Brodnik zum Krimi?", "de", "Brodnik"),
        # An English role in lower case stays the speaker, for the name index to resolve.
        ("What did the political scientist say about the vote?", "en", "political scientist"),
    ],
)
def test_the_speaker_a_said_what_question_asks_for(question, language, speaker) -> None:
    analysis = analyse(question, language, TODAY)
    assert analysis.type == "said_what"
    assert analysis.speaker == speaker


@pytest.mark.parametrize(
    "text",
    [
        "Die Frist sei zu kurz, erläuterte Quendlinger.",
        "Quendlinger hielt fest, dass die Frist zu kurz sei.",
        "Quendlinger rief die Gemeinden auf, die Frist zu verlängern.",
        "Quendlinger dementierte den Bericht am Montag.",
        # A relative clause between the subject and its verb.
        "Quendlinger, der das Werk seit 2010 leitet, bestätigte gegenüber der Zeitung, dass "
        "die Frist zu kurz sei.",
        # ... but a name after the verb is its subject.
        "Der Brief an die Lorbach AG, die ihn am Montag veröffentlicht hat, sagte Quendlinger, "
        "sei nie abgeschickt worden.",
    ],
)
def test_reporting_verbs_with_and_without_particles(text: str) -> None:
    doc = Document(id="d", title="d", text=text, source="d.txt", content_hash="d")
    [unit] = read_sentences(doc)
    assert unit.speaker == "Quendlinger"


def test_names_that_end_like_nouns_and_nouns_that_do() -> None:
    text = "Die Politik sei auf der Konferenz gefordert, sagte Politologe Lorenz Brodnik."
    doc = Document(id="d", title="d", text=text, source="d.txt", content_hash="d")
    [unit] = read_sentences(doc)
    assert unit.speaker == "Lorenz Brodnik"


def _candidate(text: str, score: float, speaker: str | None) -> _Candidate:
    unit = SentenceUnit("d", int(score * 10), 0, len(text), text, speaker, speaker)
    return _Candidate(unit=unit, rank=0, score=score)


def test_an_answer_in_the_asked_speakers_words_quotes_no_one_else() -> None:
    answerer = ExtractiveAnswerer(prompts=None, embedder=None)
    share = answerer.selector.further_quote
    own = _candidate("Die Frist ist zu kurz.", 0.9, "qndlngr")
    other = _candidate("Die Frist reicht.", 0.9 * share + 0.01, "lrbch")
    unattributed = _candidate("Die Frist endet im Mai.", 0.9 * share + 0.02, None)
    also_own = _candidate("Wir brauchen mehr Zeit.", 0.9 * share + 0.03, "qndlngr")
    both = [own, other, unattributed, also_own]
    assert answerer._choose(both, "qndlngr") == [own, also_own]
    # Asked about someone else, or about no one: the likeliest quotes, whoever speaks.
    assert len(answerer._choose(both, None)) == 3
    assert len(answerer._choose(both, "brgnau")) == 3


@pytest.mark.parametrize(
    ("said", "language", "role"),
    [
        ("Verteidiger", "de", True),
        ("Quendlingers Verteidiger", "de", True),  # whoever defends him
        ("political scientist", "en", True),
        ("Quendlinger", "de", False),
        ("Hans Quendlinger", "en", False),
    ],
)
def test_a_role_is_asked_for_whoever_holds_it(said: str, language: str, role: bool) -> None:
    assert _role_phrase(said, language) is role


def test_a_verb_that_reports_only_after_the_words_it_frames() -> None:
    """ "…, kommentierte X" reports; "kommentiert das Spiel" takes an object."""
    text = (
        "Die Bahn komme zu spät, kommentierte Lorenz Brodnik. "
        "Ein Reporter kommentiert das Spiel live."
    )
    doc = Document(id="d", title="d", text=text, source="d.txt", content_hash="d")
    assert [u.speaker for u in read_sentences(doc)] == ["Lorenz Brodnik", None]
