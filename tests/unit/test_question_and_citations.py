"""Question cleaning, language detection, citation verification and resolution, condensing:
the small rules of the query path, each on its own (HashEmbedder, no model files)."""

from __future__ import annotations

import datetime as dt

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from qa_service.answering.condense import Condenser, looks_like_follow_up
from qa_service.answering.resolve import CitationResolver, markers_of
from qa_service.answering.sentence_vectors import SentenceVectors
from qa_service.answering.verify import verify_citations
from qa_service.errors import QuestionError
from qa_service.language import detect_language
from qa_service.models import Citation, Document, Passage, Turn
from qa_service.prompts import PromptLibrary
from qa_service.service import clean_question
from qa_service.settings import Settings
from tests.fakes import HashEmbedder

# -- clean_question ------------------------------------------------------------------------


def test_clean_question_strips_controls_and_normalises():
    assert clean_question("  Was sagte\x00 Merz?\x7f \n", 100) == "Was sagte  Merz?"
    assert clean_question("Wa\u0308re", 100) == "Wäre"  # NFC: one character, as in articles


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01", "\u200b\u200e\ufeff"])
def test_clean_question_refuses_empty_or_invisible(bad):
    with pytest.raises(QuestionError, match="empty"):
        clean_question(bad, 100)


def test_clean_question_refuses_too_long_and_non_text():
    with pytest.raises(QuestionError, match="too long"):
        clean_question("x" * 11, 10)
    with pytest.raises(QuestionError, match="text"):
        clean_question(42, 10)  # type: ignore[arg-type]


# -- detect_language -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Was sagte Merz zur Bundeswehr?", "de"),
        ("What did Merz say about the army?", "en"),
        ("Größe?", "de"),  # umlauts count for German
        ("Wer übernimmt?", "de"),
        ("Why was the newspaper Österreich fined?", "en"),  # a name's umlaut counts less
        ("Who directed Die Präsidentinnen at the theatre?", "en"),
        ("Merz", "de"),  # no function words: the default
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_detect_language_default_on_a_tie():
    assert detect_language("Merz", default="en") == "en"


# -- verify_citations ----------------------------------------------------------------------

DOC = Document(
    id="d1",
    title="T",
    text="Merz sagte etwas. Die Bundeswehr wächst.",
    source="a.txt",
    content_hash="h",
)


def _citation(start: int, end: int, quote: str, doc_id: str = "d1") -> Citation:
    return Citation(
        n=1, doc_id=doc_id, title="T", source="a.txt", start=start, end=end, quote=quote
    )


def test_verify_keeps_verbatim_and_drops_the_rest():
    good = _citation(18, 40, "Die Bundeswehr wächst.")
    shifted = _citation(17, 39, "Die Bundeswehr wächst.")
    other_doc = _citation(0, 4, "Merz", doc_id="missing")
    outside = _citation(30, 99, DOC.text[30:])
    docs = {"d1": DOC}
    ok, bad = verify_citations((good, shifted, other_doc, outside), docs.get)
    assert ok == (good,)
    assert bad == [shifted, other_doc, outside]


# -- citation resolution -------------------------------------------------------------------

TEXT_A = "Merz besuchte die Soldaten in Litauen. Er versprach ihnen mehr Geld für Ausrüstung."
TEXT_B = "Macron empfing die Europäer in Paris. Die Koalition berät über einen Waffenstillstand."


def _passage(doc_id: str, text: str, offset: int = 10) -> Passage:
    return Passage(
        chunk_id=f"c-{doc_id}",
        doc_id=doc_id,
        title=doc_id,
        source=f"{doc_id}.txt",
        text=text,
        start=offset,
        end=offset + len(text),
        score=1.0,
        date=dt.date(2026, 1, 6),
    )


@pytest.fixture
def resolver():
    embedder = HashEmbedder()
    passages = [_passage("a", TEXT_A), _passage("b", TEXT_B)]
    return CitationResolver(passages, embedder, SentenceVectors(embedder), min_support=0.5)


def test_markers_are_read_and_removed():
    assert markers_of("Merz versprach Geld [2] [1, 2].") == ((2, 1), "Merz versprach Geld.")


def test_resolver_quotes_the_supporting_sentence_by_document_offsets(resolver):
    # "Er", as in the quote: a name the quote does not hold is the meaning check's to refuse.
    resolved = resolver.resolve("Er versprach den Soldaten mehr Geld für Ausrüstung [1].")
    assert resolved.supported and resolved.markers == (1,)
    source = resolved.sources[0]
    assert source.passage.doc_id == "a"
    quote = "Er versprach ihnen mehr Geld für Ausrüstung."
    assert (source.start, source.end) == (10 + TEXT_A.index(quote), 10 + len(TEXT_A))


def test_resolver_prefers_the_named_passage_and_ignores_a_wrong_marker(resolver):
    resolved = resolver.resolve("Die Koalition berät über einen Waffenstillstand [1].")
    assert [s.passage.doc_id for s in resolved.sources] == ["b"]  # [1] is wrong; b supports


def test_resolver_drops_unsupported_and_unknown_numbers(resolver):
    assert not resolver.resolve("Der Eiffelturm ist sehr hoch und alt [1].").supported
    # Supported in words, but 500 appears in no passage: a made-up figure is never cited.
    assert not resolver.resolve("Er versprach ihnen 500 mehr Geld für Ausrüstung [1].").supported


# -- condensing (the rule; and a model that rewrites) --------------------------------------

PROMPTS = PromptLibrary(Settings(_env_file=None).prompts_dir)
HISTORY = [
    Turn(role="user", content="Was sagte Merz zur Bundeswehr?"),
    Turn(role="assistant", content="Er versprach mehr Geld."),
]


def test_follow_up_detection():
    assert looks_like_follow_up("Und was sagte Macron?")
    assert looks_like_follow_up("Was sagte er dazu?")
    assert looks_like_follow_up("Warum?")
    assert looks_like_follow_up("Was steht noch darin über die Kosten?")  # a pronominal adverb
    assert not looks_like_follow_up("Wie viele Soldaten hat die Bundeswehr in Litauen?")


def test_rule_appends_the_previous_questions_words():
    condenser = Condenser(PROMPTS)
    # The earlier speaker (Merz) is not carried over: Macron is asked on the same topic.
    assert condenser.condense("Und was sagte Macron dazu?", HISTORY, "de") == (
        "Und was sagte Macron dazu? (Bundeswehr)"
    )
    assert (
        condenser.condense("Wie viele Soldaten hat die Bundeswehr in Litauen?", HISTORY, "de")
        is None
    )
    assert condenser.condense("Und was sagte Macron?", [], "de") is None


def test_model_rewrites_and_a_model_that_answers_falls_back_to_the_rule():
    model = FakeListChatModel(
        responses=["Was sagte Macron zur Bundeswehr?", "Macron sagte nichts."]
    )
    condenser = Condenser(PROMPTS, model)
    assert condenser.condense("Und Macron?", HISTORY, "de") == "Was sagte Macron zur Bundeswehr?"
    # Not a question: the model answered instead of rewriting, so the rule decides.
    assert (
        condenser.condense("Und Macron?", HISTORY, "de") == "Und Macron? (sagte, Merz, Bundeswehr)"
    )
