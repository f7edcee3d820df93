"""The package knows no article: no proper name of the five seed articles (../shared/corpus)
or of the GNAD articles our labelled tables are about (tests/data/*gnad*.jsonl: the gold
questions, attribution, entity and meaning tables) occurs in any file under qa_service/,
ingest/ or prompts/ (code, docstrings, comments, word tables, templates, OpenAPI examples).

The names are what HanTa's German model tags `NE` in those articles, the last word of a run
of them (the surname of "Vorname Nachname"), each part of a hyphenated one. A name is general
language, and may stay, when the Ding dictionary (Settings.dictionary) has the word in any
case, or its stem without a genitive -s: nouns that are surnames too ("Kern"), countries and
cities ("Frankreich", "Wien", "Kiew"), institutions ("Kreml", "Bundestag"). The price of that
rule: a name that is also an everyday word ("trump", "macron" in English) is not caught here.
Files are compared folded (lower case, no accents), so "merz" and "Elysee" count too.
On 124 articles: about 30 s, most of it HanTa tagging.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from qa_service.evaluation.datasets import SHARED
from qa_service.sentences import split_sentences
from qa_service.settings import Settings
from qa_service.spelling import fold

REPO = Path(__file__).resolve().parents[2]
PACKAGE = [REPO / "qa_service", REPO / "ingest", REPO / "prompts"]
TABLES = sorted((REPO / "tests" / "data").glob("*gnad*.jsonl"))
SUFFIXES = {".py", ".tsv", ".md", ".json", ".txt", ".html", ".jinja", ".j2", ".yaml", ".toml"}
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d+|[^\w\s]")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
MIN_LETTERS = 3  # two-letter tags are initials and acronyms ("AG", "EU"), no one's name


def _articles() -> list[Path]:
    docs: set[str] = set()
    for table in TABLES:
        for line in table.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            docs.update(row.get("gold_docs", []))
            docs.update(row[k] for k in ("doc", "about") if isinstance(row.get(k), str))
    seed = sorted((SHARED / "corpus").glob("*.txt"))
    return seed + [SHARED / "gnad" / "articles" / doc for doc in sorted(docs)]


def _tagged_names(text: str, tagger) -> set[str]:  # noqa: ANN001 - HanTa has no types
    """The last word of each run of `NE` tokens, split at hyphens."""
    names: set[str] = set()
    for start, end in split_sentences(text):
        tokens = _TOKEN.findall(text[start:end])
        run: list[str] = []
        for token, tag in zip(
            [*tokens, ""], [*tagger.tag_sent(tokens, taglevel=0), ""], strict=True
        ):
            if tag == "NE":
                run.append(token)
            elif run:
                names.update(part for part in run[-1].split("-") if part)
                run = []
    return names


@functools.cache
def _dictionary_words(path: Path) -> frozenset[str]:
    return frozenset(fold(w) for w in _WORD.findall(path.read_text(encoding="utf-8")))


def _is_general(name: str, words: frozenset[str]) -> bool:
    folded = fold(name)
    return folded in words or (folded.endswith("s") and folded[:-1] in words)


def _news_outlets() -> set[str]:
    """The news agencies and outlets ingest reads a text's credit by ("(dpa-AFX)", "ORF"):
    knowledge of news writing, not of an article; their words count as general."""
    from ingest import metadata

    names = [*metadata._CANONICAL_AGENCY.values(), *(n for n, _ in metadata._OUTLET_NAMES)]
    return {fold(part) for name in names for part in re.split(r"[-\s]", name) if part}


@pytest.fixture(scope="module")
def article_names() -> set[str]:
    dictionary = Settings().dictionary
    articles = _articles()
    missing = [p for p in articles if not p.is_file()]
    if missing or not dictionary.is_file():
        pytest.skip(
            f"needs ../shared (corpus and gnad/articles) and {dictionary}: "
            f"{len(missing)} of {len(articles)} articles missing"
        )
    from HanTa import HanoverTagger

    tagger = HanoverTagger.HanoverTagger("morphmodel_ger.pgz")
    words = _dictionary_words(dictionary) | _news_outlets()
    found = set().union(*(_tagged_names(p.read_text(encoding="utf-8"), tagger) for p in articles))
    return {
        n for n in found if len(n) >= MIN_LETTERS and not n.isdigit() and not _is_general(n, words)
    }


def _package_files() -> list[Path]:
    return sorted(
        p
        for root in PACKAGE
        for p in root.rglob("*")
        if p.is_file() and p.suffix in SUFFIXES and "__pycache__" not in p.parts
    )


@pytest.mark.slow
def test_the_package_names_no_one_of_the_articles(article_names: set[str]) -> None:
    by_fold = {fold(n): n for n in article_names}
    names = "|".join(map(re.escape, sorted(by_fold, key=len, reverse=True)))
    pattern = re.compile(rf"(?<!\w)({names})s?(?!\w)")
    hits: dict[str, dict[str, None]] = defaultdict(dict)
    for path in _package_files():
        for number, line in enumerate(fold(path.read_text(encoding="utf-8")).splitlines(), 1):
            for match in pattern.finditer(line):
                hits[by_fold[match.group(1)]][f"{path.relative_to(REPO)}:{number}"] = None
    assert not hits, "article names in the package:\n" + "\n".join(
        f"  {name}: {', '.join(places)}" for name, places in sorted(hits.items())
    )
