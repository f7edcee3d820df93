"""Rules for the gold set (tests/data/gold_seed_qa.jsonl; fields in tests/data/README.md).

The set was written before the answerer was tuned on it; these checks keep it honest: every
type is covered, refusals are tested on- and off-topic, and an expected string is a piece of
the answer as the article words it - never something an answer gets by repeating the question.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest

from qa_service.analysis.question import QuestionType
from qa_service.evaluation.datasets import gold_dataset

GOLD = Path(__file__).resolve().parent.parent / "data" / "gold_seed_qa.jsonl"
FIELDS = {
    "id",
    "lang",
    "question",
    "answerable",
    "gold_docs",
    "expected_any",
    "type",
    "expected_speaker",
    "split",
    "note",
}
TYPES = set(get_args(QuestionType))  # the analyser's types, one list
SPEAKER_TYPES = {"said_what", "who_said"}
SEED = {f"g{i:02d}" for i in range(1, 53)}  # the first 52 questions, looked at while building


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def texts(corpus_dir: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in corpus_dir.glob("*.txt")}


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def test_size_and_fields(rows: list[dict]) -> None:
    assert len(rows) >= 130
    for row in rows:
        assert set(row) == FIELDS, row.get("id")
        assert row["lang"] in {"de", "en"}, row["id"]
        assert isinstance(row["answerable"], bool), row["id"]
        assert row["type"] in TYPES, row["id"]
        assert row["split"] in {"dev", "holdout"}, row["id"]
        assert row["question"].strip(), row["id"]
        assert row["note"].strip(), row["id"]


def test_unique_ids_and_questions(rows: list[dict]) -> None:
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["question"].casefold() for row in rows}) == len(rows)


def test_half_german_half_english(rows: list[dict]) -> None:
    counts = Counter(row["lang"] for row in rows)
    assert counts["de"] == counts["en"], counts


def test_every_type_has_eight_answerable_questions(rows: list[dict]) -> None:
    counts = Counter(row["type"] for row in rows if row["answerable"])
    assert {t: counts[t] for t in TYPES if counts[t] < 8} == {}


def test_unanswerable_questions_on_and_off_topic(rows: list[dict]) -> None:
    unanswerable = [row for row in rows if not row["answerable"]]
    assert len(unanswerable) >= 28
    # The note says why: "On-topic, not quoted/figure not given/did not happen", "Absent
    # person", "Off-topic".
    assert sum(row["note"].startswith("On-topic") for row in unanswerable) >= 12
    assert sum(row["note"].startswith("Absent person") for row in unanswerable) >= 2
    for row in unanswerable:
        assert row["gold_docs"] == [], row["id"]
        assert row["expected_any"] == [], row["id"]
        assert row["expected_speaker"] is None, row["id"]


def test_answerable_rows_have_gold(rows: list[dict]) -> None:
    for row in rows:
        if row["answerable"]:
            assert row["gold_docs"], row["id"]
            assert row["expected_any"], row["id"]


def test_gold_docs_exist(rows: list[dict], texts: dict[str, str]) -> None:
    for row in rows:
        for name in row["gold_docs"]:
            assert name in texts, f"{row['id']}: missing {name}"


def test_every_expected_string_occurs_verbatim_in_a_gold_doc(
    rows: list[dict], texts: dict[str, str]
) -> None:
    for row in rows:
        for s in row["expected_any"]:
            assert any(s in texts[name] for name in row["gold_docs"]), f"{row['id']}: {s!r}"


def test_every_gold_doc_holds_an_expected_string(rows: list[dict], texts: dict[str, str]) -> None:
    for row in rows:
        for name in row["gold_docs"]:
            assert any(s in texts[name] for s in row["expected_any"]), f"{row['id']}: {name}"


def test_no_expected_string_is_taken_from_the_question(rows: list[dict]) -> None:
    """An answer that only repeats the question's words must not pass."""
    for row in rows:
        q = row["question"]
        for s in row["expected_any"]:
            assert s.casefold() not in q.casefold(), f"{row['id']}: {s!r}"
            assert not _words(s) <= _words(q), f"{row['id']}: {s!r}"


def test_speaker_rows(rows: list[dict], texts: dict[str, str]) -> None:
    for row in rows:
        speaker = row["expected_speaker"]
        if not row["answerable"]:
            continue
        if row["type"] not in SPEAKER_TYPES:
            assert speaker is None, row["id"]
            continue
        assert speaker and " " not in speaker, f"{row['id']}: a surname as the text names it"
        assert any(speaker in texts[name] for name in row["gold_docs"]), row["id"]
        if row["type"] == "who_said":
            assert speaker in row["expected_any"], row["id"]
    counts = Counter(row["type"] for row in rows if row["expected_speaker"])
    assert counts["said_what"] >= 8 and counts["who_said"] >= 8, counts


def test_holdout_split(rows: list[dict]) -> None:
    assert all(row["split"] == "dev" for row in rows if row["id"] in SEED)
    new = [row for row in rows if row["id"] not in SEED]
    holdout = [row for row in new if row["split"] == "holdout"]
    assert 0.25 <= len(holdout) / len(new) <= 0.35, len(holdout)
    assert {row["lang"] for row in holdout} == {"de", "en"}
    assert {row["type"] for row in holdout} == TYPES
    assert any(not row["answerable"] for row in holdout)


def test_the_merz_example_asks_for_his_own_words(rows: list[dict]) -> None:
    g06 = next(row for row in rows if row["id"] == "g06")
    assert g06["question"] == "Was sagte Merz zur Bundeswehr?"
    assert g06["type"] == "said_what" and g06["expected_speaker"] == "Merz"
    assert "benachbartem Nato-Gebiet" in g06["expected_any"]


def test_loader_carries_type_speaker_and_split(rows: list[dict], corpus_dir: Path) -> None:
    ds = gold_dataset(GOLD, corpus_dir)
    assert len(ds.questions) == len(rows)
    by_id = {q.id: q for q in ds.questions}
    for row in rows:
        q = by_id[row["id"]]
        assert (q.type, q.expected_speaker, q.split) == (
            row["type"],
            row["expected_speaker"],
            row["split"],
        )
        assert q.expected_any == tuple(row["expected_any"])


def test_seed_gold_among_gnad_distractors(tmp_path: Path) -> None:
    """`qa eval --dataset gold --distractors N`: the seed articles and N GNAD articles, evenly
    spaced, linked into one corpus."""
    from qa_service.evaluation.datasets import SHARED, with_distractors

    if not (SHARED / "gnad" / "articles").is_dir():
        pytest.skip("../shared/gnad is not beside the repository")
    ds = with_distractors(gold_dataset(GOLD), tmp_path / "corpus", 7)
    linked = sorted(p.name for p in (tmp_path / "corpus").iterdir())
    seed = sorted(p.name for p in (SHARED / "corpus").glob("*.txt"))
    assert ds.corpus == tmp_path / "corpus"
    assert set(seed) <= set(linked)
    assert len([n for n in linked if n.startswith("gnad_")]) == 7
