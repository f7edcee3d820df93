"""Context completion: a quote widens to the sentences it cannot stand without, and a
why-question's sentence that gives no reason takes the next sentence of its paragraph, where
news gives the cause of what it states (measured on the GNAD dev questions: README)."""

from __future__ import annotations

from qa_service.answering.compose import complete
from qa_service.corpus.snapshot import build_snapshot
from qa_service.models import Document

TEXT = (
    "Bruggenau – Die Gemeinde Bruggenau baut ihr Hallenbad nicht mehr um. "
    "Der Grund sind die gestiegenen Baukosten von vier Millionen Euro. "
    "Bürgermeisterin Maria Lotter bedauerte das.\n\n"
    "Im Sommer bleibt das Freibad offen."
)


def _units():
    doc = Document(id="bad", title="Hallenbad", text=TEXT, source="bad.txt", content_hash="bad")
    snapshot = build_snapshot("c1", [], [doc])
    return snapshot, snapshot.sentences["bad"]


def test_a_statement_alone_stays_one_sentence() -> None:
    snapshot, units = _units()
    quote = complete(units[0], snapshot)
    assert TEXT[quote.start : quote.end] == units[0].text


def test_the_sentence_after_a_statement_joins_it_when_the_reason_may_follow() -> None:
    snapshot, units = _units()
    quote = complete(units[0], snapshot, then=True)
    assert TEXT[quote.start : quote.end].endswith("von vier Millionen Euro.")
    assert quote.start == units[0].start


def test_the_next_paragraph_never_joins() -> None:
    snapshot, units = _units()
    last_of_paragraph = next(u for u in units if u.text.startswith("Bürgermeisterin"))
    quote = complete(last_of_paragraph, snapshot, then=True)
    assert TEXT[quote.start : quote.end] == last_of_paragraph.text
