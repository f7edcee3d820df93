"""Each rule of the meaning check alone, on its own cases (tests/data/meaning_rules/).

A case is a generated sentence over its quote (invented names) that the rule must catch or
must let pass; the labelled tables (test_meaning.py, test_meaning_gnad.py) measure the rules
together. Every rule has a file, with cases of both kinds, so a rule that can no longer fire
or no longer let anything pass fails here by name.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa_service.answering.meaning.rules import RULES, Reading

CASES = Path(__file__).resolve().parent.parent / "data" / "meaning_rules"
BY_NAME = {rule.name: rule for rule in RULES}


def _cases(name: str) -> list[dict]:
    lines = (CASES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_every_rule_has_its_cases_file_and_every_file_a_rule():
    assert {p.stem for p in CASES.glob("*.jsonl")} == set(BY_NAME)
    for name in BY_NAME:
        expected = {case["expect"] for case in _cases(name)}
        assert expected == {"caught", "passes"}, name


@pytest.mark.parametrize(
    "case",
    [case for name in sorted(BY_NAME) for case in _cases(name)],
    ids=lambda case: case["id"],
)
def test_the_rule_alone_catches_or_passes_its_case(case):
    rule = BY_NAME[case["id"].rsplit("-", 1)[0]]
    names = case.get("translations", {})  # the dictionary's German forms, as a fake
    words = case.get("words", {})  # the word list's German index tokens, as a fake
    reading = Reading.of(
        case["sentence"],
        case["quote"],
        case.get("speaker"),
        case.get("context", ""),
        case["lang"],
        translate=lambda name: names.get(name, []),
        words=lambda word: words.get(word, []),
    )
    reasons = rule.check(reading)
    if case["expect"] == "caught":
        assert reasons, case["why"]
    else:
        assert reasons == [], case["why"]
