"""Each attribution rule on its own cases (tests/data/attribution_rules/<rule>.jsonl).

A case is a short invented text, the sentence it is about and the speaker that sentence
gets (null: none). It must get it with all rules, and not without the case's own rule: so
each case shows what its rule adds, and a rule that no longer does anything fails here by
name. The labelled tables (test_attribution_gnad.py, test_attribution_cases.py) measure the
rules together.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa_service.corpus.attribution import read_sentences
from qa_service.corpus.attribution.context import CONTEXT_RULES
from qa_service.corpus.attribution.sources import SOURCE_RULES
from tests.texts import document

CASES = Path(__file__).resolve().parent.parent / "data" / "attribution_rules"
RULES = {rule.name for rule in (*SOURCE_RULES, *CONTEXT_RULES)}


def _cases(name: str) -> list[dict]:
    lines = (CASES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _speaker(case: dict, without: str | None = None) -> str | None:
    sources = tuple(r for r in SOURCE_RULES if r.name != without)
    context = tuple(r for r in CONTEXT_RULES if r.name != without)
    units = read_sentences(document(case["text"]), sources, context)
    (unit,) = [u for u in units if u.text.startswith(case["sentence"])]
    return unit.speaker


def test_every_rule_has_its_cases_file_and_every_file_a_rule():
    assert {p.stem for p in CASES.glob("*.jsonl")} == RULES
    assert len(RULES) == len(SOURCE_RULES) + len(CONTEXT_RULES)  # names are unique


@pytest.mark.parametrize(
    "case", [case for name in sorted(RULES) for case in _cases(name)], ids=lambda c: c["id"]
)
def test_the_case_needs_its_rule(case):
    rule = case["id"].rsplit("-", 1)[0]
    assert _speaker(case) == case["speaker"], case["why"]
    assert _speaker(case, without=rule) != case["speaker"], f"{rule} adds nothing here"
