"""Sanity checks for the evaluation gold set (qa_service/data/gold_seed_qa.jsonl)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

GOLD = Path(__file__).resolve().parents[2] / "qa_service" / "data" / "gold_seed_qa.jsonl"
FIELDS = {"id", "lang", "question", "answerable", "gold_docs", "expected_any", "note"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_size_and_fields(rows: list[dict]) -> None:
    assert len(rows) >= 40
    for row in rows:
        assert set(row) == FIELDS, row.get("id")
        assert row["lang"] in {"de", "en"}, row["id"]
        assert isinstance(row["answerable"], bool), row["id"]
        assert row["question"].strip(), row["id"]
        assert row["note"].strip(), row["id"]


def test_unique_ids(rows: list[dict]) -> None:
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))


def test_language_balance(rows: list[dict]) -> None:
    counts = Counter(row["lang"] for row in rows)
    assert abs(counts["de"] - counts["en"]) <= 2, counts


def test_unanswerable_share(rows: list[dict]) -> None:
    unanswerable = [row for row in rows if not row["answerable"]]
    assert len(unanswerable) >= 8
    for row in unanswerable:
        assert row["gold_docs"] == [], row["id"]
        assert row["expected_any"] == [], row["id"]


def test_answerable_rows_have_gold(rows: list[dict]) -> None:
    for row in rows:
        if row["answerable"]:
            assert row["gold_docs"], row["id"]
            assert row["expected_any"], row["id"]


def test_gold_docs_exist(rows: list[dict], corpus_dir: Path) -> None:
    for row in rows:
        for name in row["gold_docs"]:
            assert (corpus_dir / name).is_file(), f"{row['id']}: missing {name}"


def test_expected_strings_occur_in_gold_docs(rows: list[dict], corpus_dir: Path) -> None:
    cache: dict[str, str] = {}
    for row in rows:
        if not row["expected_any"]:
            continue
        texts = [
            cache.setdefault(name, (corpus_dir / name).read_text(encoding="utf-8"))
            for name in row["gold_docs"]
        ]
        assert any(s in text for s in row["expected_any"] for text in texts), (
            f"{row['id']}: none of {row['expected_any']} occurs in {row['gold_docs']}"
        )
