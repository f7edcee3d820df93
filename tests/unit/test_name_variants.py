"""Names in another spelling or language: `absent` on the labelled pairs and cases.

Measurement (`tests/data/name_variants.jsonl`, 239 pairs): for each pair a vocabulary of the
target's words only, and the query asked as "What about <query>?" / "Was ist mit <query>?";
the pair counts as matched when `absent` finds no missing name. The pairs are split in
two halves by the CRC32 of the target (111 and 128 pairs). Threshold rule: on half 0, the
lowest `name_match.SIMILARITY` in 80..100 whose false matches exceed those of exact keys
alone (100) by at most 3 % of the half's false pairs; half 1 reports it. Both halves choose 91.

Figures (with Debian's trans-de-en), recall of true pairs / false matches:
- before (main 44f8e83): 67/152 = 0.441 / 8/87 = 0.092
- SIMILARITY 91: 127/152 = 0.836 / 6/87 = 0.069; half 0: 58/68 = 0.853 / 3/43 (2 at 100);
  half 1: 69/84 = 0.821 / 3/44 (2 at 100)
- by category: transliteration 55/63, umlaut/diacritic/hyphen 30/30, place 19/19,
  institution 14/26, typo 9/14; false: person 2/45 (Gül by stem, Plattner/Platter at 92),
  institution 0/25, place 4/17 (Holland by stem, Cameroon by equal key, Baghdad/al-Baghdadi
  at 92, "Frankfurt (Oder)" by the stop word "oder").
"""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from pathlib import Path

import pytest

from qa_service.bilingual import Dictionary
from qa_service.retrieval import name_match
from qa_service.retrieval.entities import Vocabulary, absent
from qa_service.retrieval.name_translations import NameTranslations, shared_translations
from qa_service.retrieval.tokens import tokenize, words
from qa_service.settings import get_settings

TABLE = Path(__file__).resolve().parents[1] / "data" / "name_variants.jsonl"
FRAME = {"en": "What about {}?", "de": "Was ist mit {}?"}
FALSE_BUDGET = 0.03
# First match of "query note" wins; the rest are transliterations (true) or persons (false).
CATEGORIES = (
    ("typo", r"typo|misspell|transposition|run together|missing hyphen"),
    (
        "umlaut/diacritic/hyphen",
        r"diacritic|stripped|umlaut|\b[uoa]e for|Oe for|ß vs|accent|casing|hyphenation|syllable",
    ),
    (
        "place",
        r"exonym|Austrian state|countr|city|town|village|Austria vs|Ireland|Slovenia|Sweden"
        r"|S\.\.ia|^(?:Iraq|Gaza|Salzgitter) ",
    ),
    (
        "institution",
        r"abbreviation|acronym|EN name|agenc|(?<!based )EN vs DE(?! transl)"
        r"|Austrian (?:VfGH|VwGH|Freedom)|gnad_0(?:809|302|672|413|024)\b|bank|court|EU "
        r"|chamber|railways|democrats|parties|liberals|ministry|organisations|papers|clubs",
    ),
)
# Floors at the figures reached: (true pairs matched, false pairs matched) per category.
RECALL_FLOOR = {
    "transliteration": 55,
    "umlaut/diacritic/hyphen": 30,
    "place": 19,
    "institution": 14,
    "typo": 9,
}
FALSE_CEILING = {"person": 2, "institution": 0, "place": 4}


def _rows() -> list[dict]:
    return [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines()]


def _category(row: dict) -> str:
    text = f"{row['query']} {row['note']}"
    for name, pattern in CATEGORIES:
        if re.search(pattern, text, re.IGNORECASE):
            return name
    return "transliteration" if row["match"] else "person"


@pytest.fixture(scope="module")
def translations() -> NameTranslations:
    source = get_settings().dictionary
    if not source.is_file():
        pytest.skip(f"no bilingual dictionary at {source} (make dictionary)")
    return shared_translations(source)


def _matched(row: dict, translations: NameTranslations, similarity: float) -> bool:
    target = row["target"]
    vocabulary = Vocabulary(tokenize(target), words(target), similarity=similarity)
    question = FRAME[row["lang"]].format(row["query"])
    found = absent(question, row["lang"], vocabulary, translations)
    return not found.names and not found.nouns


def _half(row: dict) -> int:
    return zlib.crc32(row["target"].encode("utf-8")) % 2


def _false(rows, translations, similarity) -> int:
    return sum(_matched(r, translations, similarity) for r in rows if not r["match"])


def test_similarity_is_chosen_by_the_rule_on_half_0(translations):
    half = [r for r in _rows() if _half(r) == 0]
    budget = FALSE_BUDGET * sum(not r["match"] for r in half)
    exact = _false(half, translations, 100)
    chosen = next(t for t in range(80, 101) if _false(half, translations, t) - exact <= budget)
    assert chosen == name_match.SIMILARITY


@pytest.mark.parametrize(("half", "recall", "false"), [(0, 58, 3), (1, 69, 3)])
def test_halves_keep_their_figures(translations, half, recall, false):
    rows = [r for r in _rows() if _half(r) == half]
    hits = [_matched(r, translations, name_match.SIMILARITY) for r in rows]
    assert sum(h for h, r in zip(hits, rows, strict=True) if r["match"]) >= recall
    assert sum(h for h, r in zip(hits, rows, strict=True) if not r["match"]) <= false


def test_categories_keep_their_figures(translations):
    rows = _rows()
    matched, false = Counter(), Counter()
    for r in rows:
        hit = _matched(r, translations, name_match.SIMILARITY)
        (matched if r["match"] else false)[_category(r)] += hit
    assert {c: matched[c] for c in RECALL_FLOOR} == {
        c: max(matched[c], floor) for c, floor in RECALL_FLOOR.items()
    }
    assert {c: false[c] for c in FALSE_CEILING} == {
        c: min(false[c], ceiling) for c, ceiling in FALSE_CEILING.items()
    }


# -- cases, on a small dictionary file in the Ding format ----------------------------------

DING = """\
# test entries
Europäische Zentralbank {f} /EZB/ [fin.] :: European Central Bank /ECB/
Verfassungsgerichtshof {m} /VfGH/; Verfassungsgericht {n} [jur.] | \
Bundesverfassungsgericht {n} [Dt.] /BVerfG/ :: constitutional court | \
Federal Constitutional Court in Germany
Europarat {m} :: Council of Europe
Griechenland {n} /GR/ [geogr.] :: Greece
Gericht {n} | Gerichte {pl} :: court | courts
"""


@pytest.fixture
def ding(tmp_path) -> NameTranslations:
    path = tmp_path / "de-en"
    path.write_text(DING, encoding="utf-8")
    return NameTranslations(path, cache_dir=None, words=Dictionary(path, cache_dir=None))


def _vocabulary(text: str) -> Vocabulary:
    return Vocabulary(tokenize(text), words(text))


@pytest.mark.parametrize(
    ("question", "corpus"),
    [
        ("What did Zelensky say?", "Selenskyj sagte"),
        ("What did Poroshenko promise?", "Poroschenko versprach"),
        ("Was sagte Schaeuble?", "Schäuble sagte"),
        ("Was sagte Mitterlener?", "Vizekanzler Mitterlehner sagte"),
        ("What did Xi Jin Ping say?", "Xi Jinping sagte"),
        ("What did the UN say?", "Der UN-Sicherheitsrat tagte"),
    ],
)
def test_spellings_of_a_name_the_corpus_has(question, corpus, ding):
    language = "de" if question.startswith("Was") else "en"
    assert absent(question, language, _vocabulary(corpus), ding).names == []


@pytest.mark.parametrize(
    ("question", "corpus", "missing"),
    [
        ("Was sagte Markel?", "Merkel sagte", ["Markel"]),
        ("Was sagte Hofner?", "Hofer sagte", ["Hofner"]),
        ("What did the EIB decide?", "Die EZB entschied", ["EIB"]),
        ("Was sagte Olaf Scholz?", "Martin Schulz sagte", ["Olaf", "Scholz"]),
    ],
)
def test_other_names_stay_missing(question, corpus, missing, ding):
    language = "de" if question.startswith("Was") else "en"
    assert absent(question, language, _vocabulary(corpus), ding).names == missing


@pytest.mark.parametrize(
    "question",
    [
        "What did the ECB decide?",
        "What did the European Central Bank decide?",
        "What does the Council of Europe say?",
        "How many refugees came through Greece?",
    ],
)
def test_english_names_of_institutions_and_places(question, ding):
    corpus = "Die EZB senkte die Zinsen. Der Europarat warnte. In Griechenland kamen viele an."
    assert absent(question, "en", _vocabulary(corpus), ding).names == []


def test_an_adjective_of_origin_before_a_noun_is_no_name_to_find(ding):
    """ "the Carniolan ragwort" is the article's "Krainer Greiskraut"; a name stays one."""
    corpus = _vocabulary("Das Krainer Greiskraut besteht aus vier Arten.")
    question = "Into how many species has the Carniolan ragwort been split?"
    assert absent(question, "en", corpus, ding).names == []
    assert absent("What did Morgan say about it?", "en", corpus, ding).names == ["Morgan"]


def test_a_dictionary_phrase_is_judged_whole(ding):
    """ "Court" alone is Gericht; the Federal Constitutional Court is the Bundesverfassungsgericht,
    which an Austrian corpus with a Verfassungsgerichtshof and Gerichte does not name."""
    austrian = _vocabulary("Der Verfassungsgerichtshof hob das Gesetz auf. Das Gericht tagte.")
    german = _vocabulary("Das Bundesverfassungsgericht entschied.")
    question = "What did the Federal Constitutional Court decide?"
    assert absent(question, "en", austrian, ding).names == ["Federal", "Constitutional", "Court"]
    assert absent(question, "en", german, ding).names == []
    assert absent("What did the Constitutional Court decide?", "en", austrian, ding).names == []
    assert absent("What did the Court decide?", "en", austrian, ding).names == []


def test_german_nouns_the_corpus_lacks_are_told_apart_from_names(ding):
    """A noun the articles do not use may be put in other words ("Teuerung" for
    "Preisanstieg"); a name they lack cannot: the abstainer weighs the two apart."""
    corpus = _vocabulary("Brodnik sagte, die Teuerung in Talvorien steige.")
    found = absent("Wie hoch ist die Inflationsrate in Bruggenau laut Brodnik?", "de", corpus, ding)
    assert found.names == ["Bruggenau"]
    assert found.nouns == ["Inflationsrate"]
    # An English capitalised word is never a noun of this kind
    found = absent("What did Quendel say about the Inflation?", "en", corpus, ding)
    assert found.nouns == [] and "Quendel" in found.names


def test_a_compound_none_of_whose_parts_the_corpus_uses_is_as_absent_as_a_name(ding):
    """Articles on prices say nothing of a gliding cup in any words: the off-topic question is
    refused outright (`absent_name`), as a name would be; one part known keeps it a noun."""
    corpus = _vocabulary("Brodnik sagte, die Teuerung in Talvorien steige.")
    found = absent("Wer gewann den Segelflug-Weltcup?", "de", corpus, ding)
    assert found.names == ["Segelflug-Weltcup"] and found.nouns == []
    found = absent("Wie hoch war die Teuerungs-Prognose?", "de", corpus, ding)
    assert found.names == [] and found.nouns == ["Teuerungs-Prognose"]


def test_without_a_dictionary_english_names_are_matched_by_spelling(tmp_path):
    missing_file = tmp_path / "absent"
    empty = NameTranslations(missing_file, cache_dir=None, words=Dictionary(missing_file, None))
    vocabulary = _vocabulary("Selenskyj sagte in Wien")
    assert absent("Did Zelensky speak in Vienna?", "en", vocabulary, empty).names == []
    assert absent("Did the ECB speak?", "en", vocabulary, empty).names == ["ECB"]


def test_near_spellings_are_looked_up_in_the_words_of_near_length():
    filler = ["x" * n for n in range(1, 30)]
    index = name_match.NameIndex(["mitterlehner", "merkel", "selenskyj", *filler])
    assert index.similar("Mitterlener") and index.similar("Zelensky")
    assert not index.similar("Markel") and not index.similar("MERKEL")
