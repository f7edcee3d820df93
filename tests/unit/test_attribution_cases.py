"""The attribution table (tests/data/attribution_cases.jsonl) is real corpus text.

Each row is one whole sentence of a sample article with the speaker the text attributes it to
(or none); the attribution code is tested against it. These checks keep the table itself
right: verbatim sentences, speakers the article names, and every pattern covered.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parent.parent / "data" / "attribution_cases.jsonl"


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    lines = CASES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def texts(corpus_dir: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in corpus_dir.glob("*.txt")}


def test_fields_and_size(rows: list[dict]) -> None:
    assert len(rows) >= 50
    for row in rows:
        assert set(row) == {"doc", "sentence", "speaker", "why"}, row
        assert row["why"].strip(), row
        assert row["speaker"] is None or row["speaker"].strip(), row
    assert len({(row["doc"], row["sentence"]) for row in rows}) == len(rows)


def test_every_sentence_is_verbatim_in_its_document(
    rows: list[dict], texts: dict[str, str]
) -> None:
    for row in rows:
        assert row["sentence"] in texts[row["doc"]], row["sentence"]


def test_every_speaker_is_named_in_its_document(rows: list[dict], texts: dict[str, str]) -> None:
    """The surname (last word, before any hyphen) occurs in the article."""
    for row in rows:
        if row["speaker"]:
            surname = row["speaker"].split()[-1].split("-")[0]
            assert surname in texts[row["doc"]], row


def test_covers_every_document_and_pattern(rows: list[dict]) -> None:
    assert {row["doc"][:3] for row in rows} == {"000", "001", "002", "003", "004"}
    assert sum(row["speaker"] is None for row in rows) >= 20
    assert len(Counter(row["speaker"] for row in rows if row["speaker"])) >= 15
    whys = " ".join(row["why"] for row in rows)
    for pattern in (
        "attribution line",
        "sagte",
        "erklärte",
        "betonte",
        "schrieb",
        "kündigte an",
        "teilte",
        "forderte",
        "so Merz",
        "laut",
        "nach Angaben aus",
        "hieß es",
        "pronoun",
        "role noun",
        "Konjunktiv",
    ):
        assert pattern in whys, pattern
