"""The meaning check against the labelled set tests/data/meaning_pairs.jsonl.

The set (194 pairs from the corpus) was written and committed before the check; its
`heldout` part (30 %) was looked at only once the rules were done. Requirement (issue 12):
no distortion kept, at least 85 % of faithful sentences kept.

Since the word list lost its persons, cities, organisations and role aliases (issue 18: names
are read from the text), faithful kept is 82/88 (55/59 dev, 27/29 heldout; 88/88 with the
article knowledge), distortions kept still 0/106. The six it drops need what only the article
knew: "Germany" for the chancellor's "wir" (2) or "the German chancellor" for "Bundeskanzler
Friedrich Merz" (1), "Chancellor Merz" for "der Bundeskanzler" (1), "Kyiv" for "Kiew" (2).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from qa_service.answering.meaning import LEXICON, MeaningCheck

DATA = Path(__file__).resolve().parent.parent / "data" / "meaning_pairs.jsonl"
PAIRS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
KINDS = {
    "speaker",
    "subject",
    "number",
    "unit",
    "negation",
    "modality",
    "condition",
    "place",
    "time",
    "language",  # an English sentence that leaves the German quote's words untranslated
}


def _space(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_set_is_large_varied_and_made_of_real_quotes(corpus_dir):
    assert len(PAIRS) >= 100
    assert len({p["id"] for p in PAIRS}) == len(PAIRS)
    labels = Counter(p["label"] for p in PAIRS)
    assert set(labels) == {"faithful", "distortion"}
    assert {p["lang"] for p in PAIRS} == {"de", "en"}
    assert {p["kind"] for p in PAIRS if p["label"] == "distortion"} == KINDS
    faithful_kinds = {"paraphrase", "translation", "fragment"}  # fragment: "Keir Starmer", "35"
    assert {p["kind"] for p in PAIRS if p["label"] == "faithful"} == faithful_kinds
    held = sum(p["split"] == "heldout" for p in PAIRS) / len(PAIRS)
    assert 0.25 <= held <= 0.35
    for p in PAIRS:
        assert _space(p["quote"]) in _space((corpus_dir / p["doc"]).read_text("utf-8")), p["id"]
    measured = [p for p in PAIRS if "measured" in p.get("note", "")]
    assert len(measured) == 2 and all(p["label"] == "distortion" for p in measured)


def _verdicts(split: str | None = None):
    check = MeaningCheck()
    for p in PAIRS:
        if split is None or p["split"] == split:
            yield (
                p,
                check.check(p["sentence"], p["quote"], speaker=p["speaker"], language=p["lang"]),
            )


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_no_distortion_is_kept_and_most_faithful_sentences_are(split):
    kept_distortions, faithful, kept_faithful = [], 0, 0
    for p, verdict in _verdicts(split):
        if p["label"] == "distortion" and verdict.faithful:
            kept_distortions.append(p["id"])
        if p["label"] == "faithful":
            faithful += 1
            kept_faithful += verdict.faithful
    assert kept_distortions == []
    assert kept_faithful / faithful >= 0.85


def test_the_two_measured_distortions_are_dropped_for_what_they_get_wrong():
    reasons = {p["kind"]: v.reasons for p, v in _verdicts() if "measured" in p.get("note", "")}
    usa, war = reasons["subject"], reasons["condition"]
    assert any(r.startswith("subject: usa") for r in usa)
    assert any(r.startswith("condition") for r in war)
    assert any(r.startswith("place") for r in war)
    assert any(r.startswith("modality") for r in war)


def test_a_faithful_english_rendering_of_a_german_quote_is_kept():
    quote = (
        "Dazu kann zum Beispiel gehören, dass wir nach einem Waffenstillstand Kräfte für die "
        "Ukraine auf benachbartem Nato-Gebiet einmelden."
    )
    verdict = MeaningCheck().check(
        "Merz said this could include committing forces for Ukraine on neighbouring NATO "
        "territory after a ceasefire.",
        quote,
        speaker="Friedrich Merz",
    )
    assert verdict.faithful, verdict.reasons
    # Who "wir" is, the quote does not say: no person's country is known to the check.
    germany = MeaningCheck().check(
        "Merz said this could include Germany committing forces for Ukraine on neighbouring "
        "NATO territory after a ceasefire.",
        quote,
        speaker="Friedrich Merz",
    )
    assert germany.reasons == ("subject: germany is not in the quote",)


def test_names_come_from_the_quote_in_any_spelling():
    quote = "Der ukrainische Präsident Wolodymyr Selenskyj kündigte neue Sanktionen an."
    check = MeaningCheck()
    for kept, language in (
        ("Ukrainian President Volodymyr Zelensky announced new sanctions.", "en"),
        ("Selenskyj kündigte neue Sanktionen an.", "de"),
    ):
        assert check.check(kept, quote, language=language).faithful, kept
    other = check.check(
        "Ukrainian President Petro Poroshenko announced new sanctions.", quote, language="en"
    )
    assert "subject: porosenko is not in the quote" in other.reasons
    # A name the quote's speaker has, though the lexicon knows it as a noun ("Kerl").
    assert check.check(
        "Kerle sagte, die Branche sichere 450.000 Jobs.",
        "Die Branche sichere 450.000 Jobs.",
        speaker="Günther Kerle",
    ).faithful


def test_a_role_must_be_the_quotes():
    quote = "Es ist jetzt eine andere Politik gefragt als die Politik des Kanzlers, sagte Blümel."
    check = MeaningCheck()
    said = "Blümel said a policy other than the {}'s was needed now."
    assert check.check(said.format("chancellor"), quote, language="en").faithful
    vice = check.check(said.format("vice-chancellor"), quote, language="en")
    assert vice.reasons == ("role: vice-chancellor is not the quote's",)
    # No role names a person by itself: "der Kanzler" of one corpus is not another's.
    assert not check.check(
        "Chancellor Faymann held out the prospect of new jobs.",
        "Damit stellte der Bundeskanzler neue Jobs in Aussicht.",
        language="en",
    ).faithful


def test_the_word_list_holds_no_knowledge_of_articles():
    """Issue 18: no person, city, organisation or role alias of any corpus in the word list."""
    rows = [
        line.split("\t")
        for line in LEXICON.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert {kind for kind, *_ in rows} == {"entity", "concept", "unit", "number", "scale", "time"}
    assert {attrs.split(",")[0] for kind, _, attrs, _ in rows if kind == "entity"} <= {
        "org",
        "place",
    }
    forms = {f.lstrip("=~").split(":")[-1] for *_, text in rows for f in text.split()}
    seed = {"merz", "macron", "starmer", "selenskyj", "putin", "paris", "kiew", "dnipro"}
    seed |= {"charkiw", "fastiw", "vilnius", "florida", "sbu", "tass", "elysee", "blumenol"}
    seed |= {"koalition_der_willigen", "bundeskanzler", "kremlchef", "nato_chef"}
    assert not forms & seed


def test_the_citation_date_may_carry_a_sentences_time():
    quote = "Bundeskanzler Friedrich Merz nimmt in Paris an Beratungen teil."
    sentence = "Merz nimmt am Dienstag in Paris an Beratungen teil."
    check = MeaningCheck()
    assert not check.check(sentence, quote).faithful
    assert check.check(sentence, quote, context="Dienstag, 6. Januar 2026").faithful


def test_a_sentence_about_something_else_is_not_backed_by_a_quote():
    quote = "Der bisherige Leiter des ukrainischen Geheimdienstes SBU, Wassyl Maljuk, tritt zurück."
    check = MeaningCheck()
    assert check.check("Der Mond besteht aus grünem Käse.", quote).reasons[0] == (
        "topic: nothing in common with the quote"
    )
    assert not check.check("Maljuk bleibt im SBU-System.", quote).faithful
    assert check.check("Maljuk tritt als Leiter des SBU zurück.", quote).faithful
