"""The meaning check over news it was not written for: tests/data/meaning_pairs_gnad.jsonl.

101 answer lines over 37 quotes of 17 GNAD articles (DER STANDARD 2015/16), written before the
check was measured on them: 41 faithful, 60 distortions of one thing each. The figures are
floors and ceilings at what the check reaches (issue 18), so a change that loses ground fails:

| | faithful kept | distortions kept |
|---|---|---|
| word list with the seed articles' persons and aliases | 25/41 | 27/60 |
| names, roles and places read from the text only | 27/41 | 21/60 |
| the same, with hedges, scales, units and the tables of 2026-12-05 | 34/41 | 15/60 |
| the same, with a German sentence's nouns the quote's (rule `Nouns`) | 34/41 | 9/60 |
| the same, with an amount's direction the quote's (rule `Direction`, 2026-12-07) | 34/41 | 8/60 |
| the same, with no reason the quote does not give (rule `Reasons`) | 34/41 | 7/60 |
| the same, with role nouns of both languages ("lawyers": "Anwälten") | 35/41 | 7/60 |
| the same, with an English name's German forms ("GDP": "BIP") | 35/41 | 8/60 |
| the same, with a number's counted noun the quote's ("inhabitants") | 35/41 | 7/60 |
| the same, with a span in two units ("two weeks" for "14 Tagen") | 36/41 | 7/60 |
| the same, with a condition's word translated ("the chance": "die Möglichkeit") | 37/41 | 7/60 |

The row with the names keeps one distortion more: g084 ("expects federal funds as a share of GDP to
fall", the quote's condition dropped) had been caught only because "GDP" was not found in
the quote; with the name read right, no rule sees the dropped condition (the words it governs
are said in English). The last row catches g090 ("per 1,000 inhabitants" for "auf 1.000
Erwerbstätige": the Numbers rule compares the words after a number, an English one by its
German translations in the bilingual word list, where before it compared the word list's
twenty units only).

These pairs have been looked at while those rules were written (2026-12-05): the figures
are no longer an untouched measure. Distortions still kept, by kind: addition 3/5, object
2/5, unit 1/7 (a period changed: "a month" for "im Jahr"),
condition 2/5 (g084, below), negation 0/5 ("higher" for "geringer" is the Direction rule's
since); modality, number, place, speaker, subject and time 0.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from qa_service.answering.meaning import MeaningCheck
from qa_service.bilingual import shared_dictionary
from qa_service.retrieval.name_translations import shared_translations
from qa_service.settings import get_settings

DATA = Path(__file__).resolve().parent.parent / "data" / "meaning_pairs_gnad.jsonl"
PAIRS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
FAITHFUL_KEPT = 37
DISTORTIONS_KEPT = 7


# A second set, 80 pairs over 16 other GNAD articles, written and committed (695e0cd) before
# the check was run on it and looked at once, after the rules of 2026-12-05: 17 of 32
# faithful and 17 of 48 distortions kept (the code before those rules: 20 and 19; without
# the Nouns rule 19 and 18). Two faults seen there were then mended (a speech frame now
# covers a speaker's first name; a quote's "er" no longer lets the Nouns rule pass another
# noun): 19 and 17, so the set is no longer untouched either. The Direction rule (an amount
# going the quote's way: "better" is not "schlechter", "still losing" not "gewinnen
# wieder") then caught two more of its distortions and dropped no faithful sentence: 19, 15;
# the Bounds and Multiples rules ("more than 5,000" for "bis zu 5.000", "tripled" for
# "verdoppelt") two more: 19, 13; the Reasons rule (no "because" the quote does not give)
# two more: 19, 11. Role nouns of both languages, "beiden" as two, "mittlerweile" as now and
# "even if" as no condition (as "auch wenn" is none) kept three more faithful sentences: 22,
# 11; an English name's German forms ("Egypt": "Ägypten", "UN": "Uno") two more, and one
# distortion caught only by the name it had misread (h018, an expectation stated as done): 24,
# 12; a name of two English words translated whole ("South Korea": "Südkorea") one more: 25.
# A number counting what the quote's counts, any noun and an English one by the word list
# ("families" for "Personen", "employees" for "Einwohner", "Asylwerber" for "anerkannte
# Flüchtlinge") three distortions more: 25, 9. An English sentence negating nothing over a
# quote that negates the German translation of one of its words ("justifiable" for "nicht
# vertretbar") one more: 25, 8.
FRESH = DATA.with_name("meaning_pairs_gnad2.jsonl")
FRESH_FAITHFUL_KEPT = 25
FRESH_DISTORTIONS_KEPT = 8


@pytest.fixture(scope="module")
def check() -> MeaningCheck:
    """The check as the service builds it, with the bilingual dictionary's names and words."""
    source = get_settings().dictionary
    if not source.is_file():
        pytest.skip(f"no bilingual dictionary at {source} (make dictionary)")
    return MeaningCheck(
        translate=shared_translations(source).forms, words=shared_dictionary(source).translations
    )


def _kept(check: MeaningCheck, pairs: list[dict] = PAIRS) -> Counter[tuple[str, str]]:
    """(label, kind) -> how many the check keeps."""
    kept: Counter[tuple[str, str]] = Counter()
    for p in pairs:
        verdict = check.check(p["sentence"], p["quote"], speaker=p["speaker"], language=p["lang"])
        kept[(p["label"], p["kind"])] += verdict.faithful
    return kept


def test_the_check_keeps_its_figures_on_news_it_was_not_written_for(check):
    labels = Counter(p["label"] for p in PAIRS)
    assert labels == {"faithful": 41, "distortion": 60}
    kept = _kept(check)
    faithful = sum(n for (label, _), n in kept.items() if label == "faithful")
    distortions = sum(n for (label, _), n in kept.items() if label == "distortion")
    assert faithful >= FAITHFUL_KEPT
    assert distortions <= DISTORTIONS_KEPT
    assert kept[("distortion", "number")] == kept[("distortion", "speaker")] == 0
    for kind in ("modality", "place", "subject", "time"):
        assert kept[("distortion", kind)] == 0, kind


def test_the_check_keeps_its_figures_on_the_set_written_after_it(check):
    pairs = [json.loads(line) for line in FRESH.read_text(encoding="utf-8").splitlines()]
    assert Counter(p["label"] for p in pairs) == {"faithful": 32, "distortion": 48}
    kept = _kept(check, pairs)
    assert sum(n for (label, _), n in kept.items() if label == "faithful") >= FRESH_FAITHFUL_KEPT
    distortions = sum(n for (label, _), n in kept.items() if label == "distortion")
    assert distortions <= FRESH_DISTORTIONS_KEPT
