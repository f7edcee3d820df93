"""Keyword search for a question not in the corpus language: its words put into German.

An English question shares almost no index terms with German articles (its words stem
into German ones only by accident), so its keyword query is built from the bilingual word
list instead: each content word (or two-word term, "real estate") becomes the group of its
German index tokens, scored by its best one (`BM25Index.group_scores`). Names, numbers and
words the list lacks stand for themselves; a capitalised word the list knows ("Bank",
"Green") stands for both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from qa_service.bilingual import Dictionary
from qa_service.lang import english
from qa_service.retrieval.tokens import tokenize

_WORD = re.compile(r"[^\W_][\w-]*")


def content_words(question: str) -> list[tuple[int, str]]:
    """The question's content words, each once, with their place: no stopwords, and three
    letters at least unless a number."""
    out: list[tuple[int, str]] = []
    seen: set[str] = set()
    for position, match in enumerate(_WORD.finditer(question)):
        word = match.group()
        low = word.lower()
        if low in english.STOPWORDS or low in seen or (len(low) < 3 and not low.isdigit()):
            continue
        seen.add(low)
        out.append((position, word))
    return out


def content_terms(question: str, dictionary: Dictionary) -> list[tuple[int, str]]:
    """The content words, two adjacent ones as one term where the word list has the pair
    ("real estate" -> Immobilien, "labour court" -> Arbeitsgericht): German writes it as one
    compound, which neither word alone finds."""
    words = content_words(question)
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(words):
        position, word = words[i]
        if i + 1 < len(words) and words[i + 1][0] == position + 1:
            pair = f"{word} {words[i + 1][1]}"
            if dictionary.knows(pair):
                out.append((position, pair))
                i += 2
                continue
        out.append((position, word))
        i += 1
    return out


def keyword_groups(
    question: str, dictionary: Dictionary, idf: Mapping[str, float] | None = None
) -> list[list[str]]:
    """One group of alternative German index tokens per content word of the question (with
    the index's `idf`: the translations it holds, its commonest first)."""
    groups: list[list[str]] = []
    for position, word in content_terms(question, dictionary):
        group = list(dictionary.translations(word.lower(), idf))
        if not group or (position > 0 and word[:1].isupper()):
            group += [t for t in tokenize(word) if t not in group]
        if group:
            groups.append(group)
    return groups
