"""English names of places and institutions in German, from the bilingual dictionary.

An English question says "European Central Bank", "ECB" or "Council of Europe" where the
articles say "EZB" and "Europarat". `bilingual.Dictionary` keeps single common words only;
this reads the same Ding file (`QA_DICTIONARY`) for what it leaves out: English phrases
("constitutional court"), capitalised names ("Greece" beside "Griechenland /GR/") and
abbreviations ("/ECB/"), each to its German forms (words folded, abbreviations as words).
Only the lines' text is parsed (no stemming; 2-4 s for the 200,000 lines), on the first
English question that needs it, and cached beside the word list (then 0.1 s per process).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from qa_service.bilingual import (
    ABBREVIATION,
    CACHE_DIR,
    NOTES,
    Dictionary,
    parsed_with_cache,
    shared_dictionary,
)
from qa_service.spelling import fold

MAX_WORDS = 6  # longer English entries are explanations, not names
_WORD = re.compile(r"[^\W\d_][\w-]*")
_INSTITUTIONAL = re.compile(r"\[(?:pol|jur|adm|geogr|econ|fin|mil)\.\]")
# "Federal Constitutional Court in Germany": the country qualifies the entry, it is not the name.
_QUALIFIER = re.compile(r"\s+in\s+[A-Z][\w-]*$")
_FORMAT = 1  # of the cached entries: bump when `parse` changes


def phrase_key(text: str) -> str:
    """How a phrase is looked up: folded words joined by one space ("people s party")."""
    return " ".join(_WORD.findall(text.lower() if text.isascii() else fold(text)))


def parse(lines) -> dict[str, list[str]]:
    """English phrase, name or abbreviation (`phrase_key`) -> German forms (`phrase_key`)."""
    out: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("#") or " :: " not in line:
            continue
        german, english = line.rstrip("\n").split(" :: ", 1)
        if english.islower() and not _INSTITUTIONAL.search(german):
            continue  # no name, no abbreviation, no institution
        for de_part, en_part in zip(german.split(" | "), english.split(" | "), strict=False):
            en_names, en_abbreviations = _forms(en_part)
            named = [n for n in en_names if _capitalised(n)]
            if not named and not en_abbreviations and not any(" " in n for n in en_names):
                continue
            de_names, de_abbreviations = _forms(de_part)
            if _INSTITUTIONAL.search(de_part) and any(" " not in n for n in de_names):
                # "constitutional court" [jur.]: an institution German names in one word
                named += [n for n in en_names if " " in n and n not in named]
            keys = [phrase_key(k) for k in [*named, *en_abbreviations]]
            forms = [phrase_key(f) for f in [*de_names, *de_abbreviations, *en_abbreviations]]
            for key in keys:
                known = out.setdefault(key, [])
                known += [f for f in forms if f and f != key and f not in known]
    return {k: v for k, v in out.items() if k and v}


def _forms(part: str) -> tuple[list[str], list[str]]:
    """A dictionary part's synonyms: (names and phrases, abbreviations)."""
    phrases, abbreviations = [], []
    for synonym in NOTES.sub(" ", part).split(";"):
        abbreviations += ABBREVIATION.findall(synonym)
        text = " ".join(ABBREVIATION.sub(" ", synonym).split())
        if text and len(text.split()) <= MAX_WORDS:
            phrases.append(text)
            if (unqualified := _QUALIFIER.sub("", text)) != text:
                phrases.append(unqualified)
    return phrases, abbreviations


def _capitalised(text: str) -> bool:
    return any(w[:1].isupper() for w in text.split())


class NameTranslations:
    """English phrase -> German forms; empty without the dictionary file. The parsed form is
    cached beside `bilingual.Dictionary`'s, keyed by the file's size and time."""

    def __init__(
        self, source: Path, cache_dir: Path | None = CACHE_DIR, words: Dictionary | None = None
    ):
        self.source, self.cache_dir = Path(source), cache_dir
        self.words = words if words is not None else shared_dictionary(self.source)
        self._entries: Mapping[str, list[str]] | None = None
        self._lock = threading.Lock()

    def forms(self, phrase: str) -> list[str]:
        return self.entries.get(phrase_key(phrase), [])

    def tokens(self, word: str) -> list[str]:
        """A common word's German index tokens ("Court" -> gericht, gerichtshof, hof)."""
        return self.words.translations(word)

    @property
    def entries(self) -> Mapping[str, list[str]]:
        with self._lock:
            if self._entries is None:
                self._entries = self._load() if self.source.is_file() else {}
            return self._entries

    def _load(self) -> Mapping[str, list[str]]:
        return parsed_with_cache(self.source, self.cache_dir, f"names{_FORMAT}", parse)


@lru_cache(maxsize=4)
def shared_translations(source: Path) -> NameTranslations:
    """The process's one NameTranslations for `source`."""
    return NameTranslations(Path(source))
