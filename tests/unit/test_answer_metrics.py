"""`qa eval`'s answer-level scores on hand-built answers (no model, no index)."""

from __future__ import annotations

import pytest

from qa_service.errors import ConfigError
from qa_service.evaluation.answer_metrics import (
    by_type,
    format_tables,
    quote_level,
    speaker_level,
    speaker_matches,
    speaker_ok,
)
from qa_service.evaluation.datasets import Dataset, Question
from qa_service.models import Answer, Citation


def _q(qid, lang="de", *, expected=("Nato-Gebiet",), answerable=True, type=None, speaker=None):
    docs = ("004.txt",) if answerable else ()
    return Question(
        qid,
        lang,
        f"question {qid}",
        answerable,
        docs,
        tuple(expected) if answerable else (),
        type=type,
        expected_speaker=speaker,
        split="holdout" if qid.endswith("h") else "dev",
    )


def _c(n: int, quote: str, speaker: str | None = None) -> Citation:
    return Citation(
        n=n,
        doc_id="d",
        title="t",
        source="004.txt",
        start=0,
        end=len(quote),
        quote=quote,
        speaker=speaker,
    )


def _a(*citations: Citation, text: str | None = None, answered: bool = True) -> Answer:
    body = text if text is not None else " ".join(f"{c.quote} [{c.n}]" for c in citations)
    return Answer(
        question="q",
        answer=body if answered else "Dazu finde ich nichts.",
        language="de",
        answered=answered,
        citations=citations if answered else (),
    )


MERZ = "Kräfte für die Ukraine auf benachbartem Nato-Gebiet einmelden."
OTHER = "Die Entführung des Neonazis Merz könnte eine hervorragende Wendung sein."


def test_quote_level_first_any_quotes_per_answer_and_refusals() -> None:
    pairs = [
        (_q("1"), _a(_c(1, MERZ), _c(2, OTHER))),  # first quote holds it
        (_q("2"), _a(_c(1, OTHER), _c(2, "auf benachbartem NATO-GEBIET"))),  # second only
        (_q("3"), _a(_c(1, OTHER))),  # none
        (_q("4"), _a(answered=False)),  # refused: a miss, not an answer
        (_q("5", "en"), _a(_c(1, MERZ))),
        (_q("6", answerable=False), _a(_c(1, OTHER))),  # unanswerable: not scored here
    ]
    table = quote_level(pairs)
    assert table["de"] == {
        "n": 4,
        "first_quote": 0.25,
        "any_quote": 0.5,
        "quotes_per_answer": 5 / 3,
        "refusal_rate": 0.25,
    }
    assert table["en"]["first_quote"] == table["en"]["any_quote"] == 1.0
    assert table["en"]["quotes_per_answer"] == 1.0 and table["en"]["refusal_rate"] == 0.0


def test_quote_level_without_answers_gives_no_mean() -> None:
    table = quote_level([(_q("1"), _a(answered=False))])
    assert table["de"]["quotes_per_answer"] is None
    assert table["de"]["refusal_rate"] == 1.0


def test_contains_by_type_per_language() -> None:
    pairs = [
        (_q("1", type="said_what"), _a(_c(1, MERZ))),
        (_q("2", type="said_what"), _a(_c(1, OTHER))),
        (_q("3", type="when", expected=("5. Januar",)), _a(text="Am 5. januar, 13.44 Uhr.")),
        (_q("4", type="when", expected=("5. Januar",)), _a(answered=False)),
        (_q("5", "en", type="when", expected=("5. Januar",)), _a(text="On 5. Januar")),
        (_q("6", type="when", answerable=False), _a(answered=False)),
    ]
    table = by_type(pairs)
    assert table["de"] == {
        "said_what": {"n": 2, "contains": 0.5},
        "when": {"n": 2, "contains": 0.5},
    }
    assert table["en"] == {"when": {"n": 1, "contains": 1.0}}


@pytest.mark.parametrize(
    ("speaker", "expected", "ok"),
    [
        ("Friedrich Merz", "Merz", True),
        ("Bundeskanzler Friedrich Merz", "Merz", True),
        ("merz", "Merz", True),
        ("Elysée-Palast", "Elysée", True),
        ("Dmitri Medwedew", "Merz", False),
        ("Friedrich Merz", "Friedrich", False),
        (None, "Merz", False),
        ("", "Merz", False),
    ],
)
def test_speaker_matches_by_surname(speaker, expected, ok) -> None:
    assert speaker_matches(speaker, expected) is ok


def test_speaker_ok_needs_every_citation_by_the_asked_speaker() -> None:
    assert speaker_ok(_a(_c(1, MERZ, "Friedrich Merz"), _c(2, MERZ, "Merz")), "Merz")
    assert not speaker_ok(_a(_c(1, MERZ, "Friedrich Merz"), _c(2, OTHER, "Medwedew")), "Merz")
    assert not speaker_ok(_a(_c(1, MERZ, None)), "Merz")  # unknown speaker counts as wrong
    assert not speaker_ok(_a(answered=False), "Merz")
    assert not speaker_ok(_a(text="Merz sagte etwas."), "Merz")  # nothing cited


def test_speaker_level_counts_answerable_said_what_rows_only() -> None:
    pairs = [
        (_q("1", type="said_what", speaker="Merz"), _a(_c(1, MERZ, "Friedrich Merz"))),
        (_q("2", type="said_what", speaker="Merz"), _a(_c(1, MERZ))),
        (_q("3", type="said_what", speaker="Merz"), _a(answered=False)),
        (_q("4", type="who_said", speaker="Merz"), _a(_c(1, MERZ))),  # not said_what
        (_q("5", type="said_what", answerable=False), _a(answered=False)),
        (_q("6", "en", type="said_what", speaker="Macron"), _a(_c(1, OTHER, "Macron"))),
    ]
    table = speaker_level(pairs)
    assert table == {"de": {"n": 3, "speaker_ok": 1 / 3}, "en": {"n": 1, "speaker_ok": 1.0}}


def test_tables_print_every_figure() -> None:
    pairs = [
        (_q("1", type="said_what", speaker="Merz"), _a(_c(1, MERZ, "Friedrich Merz"))),
        (_q("2", "en", type="when", expected=("Januar",)), _a(answered=False)),
    ]
    text = "\n".join(format_tables(quote_level(pairs), by_type(pairs), speaker_level(pairs)))
    assert "first-quote" in text and "quotes/answer" in text and "refusals" in text
    assert "said_what" in text and "1.000 (1)" in text and "0.000 (1)" in text
    assert "said_what speaker ok de: 1.000 of 1" in text
    assert "speaker ok" not in "\n".join(format_tables(quote_level(pairs), {}, {}))


def test_dataset_split() -> None:
    ds = Dataset("gold", None, [_q("1"), _q("2h"), _q("3")])  # type: ignore[arg-type]
    assert [q.id for q in ds.split("dev").questions] == ["1", "3"]
    assert [q.id for q in ds.split("holdout").questions] == ["2h"]
    assert ds.split("all") is ds
    with pytest.raises(ConfigError):
        ds.split("train")
