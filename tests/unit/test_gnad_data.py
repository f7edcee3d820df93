"""Rules for the development data over real news (`../shared/gnad/articles/`, DER STANDARD,
CC BY-NC-SA 4.0): the GNAD gold questions, question forms, meaning pairs, entities and name
variants (fields in tests/data/README.md). Written before any tuning on them; these checks
keep them honest: verbatim expected strings that never repeat the question, a split by
article, refusals on- and off-topic."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import get_args

import pytest

from qa_service.analysis.question import QuestionType
from qa_service.evaluation.datasets import SHARED

DATA = Path(__file__).resolve().parent.parent / "data"
ARTICLES = SHARED / "gnad" / "articles"
TYPES = set(get_args(QuestionType))
ASKS = set(
    "person organisation party role place date count money percent reason yes_no list "
    "statement event manner thing".split()
)


def _rows(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in ARTICLES.glob("*.txt")}


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return _rows("gold_gnad_qa.jsonl")


def test_gold_size_languages_and_refusals(gold: list[dict]) -> None:
    assert len(gold) >= 300
    assert len({r["id"] for r in gold}) == len(gold)
    assert len({r["question"].casefold() for r in gold}) == len(gold)
    langs = Counter(r["lang"] for r in gold)
    assert langs["de"] == langs["en"], langs
    unanswerable = [r for r in gold if not r["answerable"]]
    assert len(unanswerable) >= 0.25 * len(gold)
    on_topic = [r for r in unanswerable if r["note"].startswith("On-topic")]
    assert len(on_topic) >= 0.7 * len(unanswerable)
    for r in unanswerable:
        assert re.match(r"(On-topic|Absent person|Off-topic)", r["note"]), r["id"]
        assert (r["gold_docs"], r["expected_any"], r["expected_speaker"]) == ([], [], None)


def test_gold_types_and_what_is_asked(gold: list[dict]) -> None:
    answerable = Counter(r["type"] for r in gold if r["answerable"])
    assert {t: answerable[t] for t in TYPES if answerable[t] < 8} == {}
    assert {r["asks"] for r in gold} <= ASKS
    assert {"party", "money", "reason", "yes_no", "list"} <= {r["asks"] for r in gold}


def test_gold_expected_strings_are_verbatim_and_not_the_question(
    gold: list[dict], texts: dict[str, str]
) -> None:
    for r in gold:
        assert r["about"] in texts, r["id"]
        if not r["answerable"]:
            continue
        assert r["gold_docs"] == [r["about"]], r["id"]
        assert r["expected_any"], r["id"]
        for s in r["expected_any"]:
            assert s in texts[r["about"]], f"{r['id']}: {s!r}"
            assert s.casefold() not in r["question"].casefold(), f"{r['id']}: {s!r}"
            assert not _words(s) <= _words(r["question"]), f"{r['id']}: {s!r}"


def test_gold_speakers(gold: list[dict], texts: dict[str, str]) -> None:
    for r in gold:
        if not r["answerable"] or r["type"] not in {"said_what", "who_said"}:
            assert r["expected_speaker"] is None, r["id"]
            continue
        speaker = r["expected_speaker"]
        assert speaker and " " not in speaker and speaker in texts[r["about"]], r["id"]
        if r["type"] == "who_said":
            assert speaker in r["expected_any"], r["id"]


def test_gold_is_split_by_article(gold: list[dict]) -> None:
    """Every question about an article shares its split; ≥ 30 % of articles are held out."""
    splits: dict[str, set[str]] = defaultdict(set)
    for r in gold:
        splits[r["about"]].add(r["split"])
    assert all(len(s) == 1 for s in splits.values())
    assert len(splits) >= 60
    held = [a for a, s in splits.items() if s == {"holdout"}]
    assert len(held) >= 0.3 * len(splits)
    holdout = [r for r in gold if r["split"] == "holdout"]
    assert {r["lang"] for r in holdout} == {"de", "en"}
    assert sum(not r["answerable"] for r in holdout) >= 0.2 * len(holdout)


def test_question_forms_come_from_the_gold_questions(gold: list[dict]) -> None:
    forms = _rows("question_forms_gnad.jsonl")
    assert len(forms) >= 60
    by_question = {r["question"]: r for r in gold}
    for f in forms:
        row = by_question[f["q"]]
        assert (f["language"], f["type"]) == (row["lang"], row["type"]), f["q"]
        for key in ("speaker", "subject"):
            assert f[key] is None or f[key] in f["q"], f["q"]


def test_meaning_pairs_quote_their_article(texts: dict[str, str]) -> None:
    pairs = _rows("meaning_pairs_gnad.jsonl")
    assert len(pairs) >= 60
    assert len({p["doc"] for p in pairs}) >= 14
    assert {p["label"] for p in pairs} == {"faithful", "distortion"}
    for p in pairs:
        assert p["quote"] in texts[p["doc"]], p["id"]
        assert p["split"] in {"dev", "heldout"}, p["id"]


def test_entities_are_named_in_their_article(texts: dict[str, str]) -> None:
    rows = _rows("entities_gnad.jsonl")
    assert len(rows) >= 15
    for row in rows:
        text = texts[row["doc"]]
        for entity in row["persons"] + row["organisations"]:
            for form in [entity["name"], *entity["mentions"]]:
                assert form in text, f"{row['doc']}: {form!r}"


def test_name_variants_have_both_kinds() -> None:
    rows = _rows("name_variants.jsonl")
    matches = Counter(r["match"] for r in rows)
    assert matches[True] >= 60 and matches[False] >= 60, matches
    assert len({(r["query"], r["target"]) for r in rows}) == len(rows)


def test_attribution_table_over_gnad(texts: dict[str, str]) -> None:
    """Who speaks each sentence; a speaker is a person, an organisation, an unnamed source
    or a document, never a place or a common noun of the sentence."""
    rows = _rows("attribution_gnad.jsonl")
    assert len(rows) >= 150 and len({r["doc"] for r in rows}) >= 15
    kinds = {"person", "organisation", "unnamed", "document"}
    for r in rows:
        assert r["sentence"] in texts[r["doc"]], r["sentence"][:60]
        assert (r["speaker"] is None) == (r["speaker_kind"] is None), r["sentence"][:60]
        assert r["speaker_kind"] is None or r["speaker_kind"] in kinds
        if r["speaker_kind"] == "person":
            assert r["speaker"].split()[-1] in texts[r["doc"]], r["speaker"]
    assert sum(r["speaker"] is None for r in rows) >= 40


def test_gnad_negatives_ask_articles_without_their_answers(tmp_path: Path, texts) -> None:
    """`qa eval --dataset gnad-negatives`: each answerable question asked against its article
    with the sentences holding its expected strings left out; the rest of the article and
    the distractors stay as they are."""
    from qa_service.evaluation.datasets import gnad_negatives

    corpus = tmp_path / "corpus"
    ds = gnad_negatives(DATA / "gold_gnad_qa.jsonl", corpus, distractors=3)
    answerable = [r for r in _rows("gold_gnad_qa.jsonl") if r["answerable"]]
    by_id = {r["id"]: r for r in answerable}
    assert len(ds.questions) >= 0.9 * len(answerable)
    for q in ds.questions:
        row = by_id[q.id.removesuffix("-neg")]
        shortened = (corpus / q.about).read_text(encoding="utf-8")
        assert not q.answerable and q.about == row["gold_docs"][0]
        assert not any(e in shortened for e in row["expected_any"]), q.id
        assert 0 < len(shortened) < len(texts[q.about])
    linked = [p for p in corpus.iterdir() if p.is_symlink()]
    assert len(linked) >= 3 and all(p.read_text("utf-8") == texts[p.name] for p in linked)
    # Built again over the last run's folder, it is the same
    again = gnad_negatives(DATA / "gold_gnad_qa.jsonl", corpus, distractors=3)
    assert [q.id for q in again.questions] == [q.id for q in ds.questions]
