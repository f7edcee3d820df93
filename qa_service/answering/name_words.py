"""Names in a sentence, read from the text alone: which capitalised words name someone, and
whether two spellings name the same one.

The meaning check knows no persons, places or organisations of any corpus; a name the
generated sentence uses must be one its quote (or the quote's speaker) uses. A capitalised
word is a name when the language's lexicon does not know it as another word: HanTa's German
model tells "Brunner" (a name) from "Rentenreform" (a noun), its English model tells
"Obermayr" (a word it does not know) from "Asked" or "Council"; a word the quote uses as
a name is one in the sentence too ("Baker", an English noun as well). Spellings are compared
on `spelling.name_key` (German, English and transliterated forms), with
`retrieval.name_match.SIMILARITY` for typos and inflections, a genitive -s dropped
("Tessmanns"), and a key that opens the other ("Kreml"/"Kremlin").
"""

from __future__ import annotations

import functools

from rapidfuzz import fuzz

from qa_service.corpus.names import is_lexicon_word, is_role
from qa_service.lang import english
from qa_service.lang.tagger import load_tagger
from qa_service.retrieval.name_match import MIN_KEY, SIMILARITY
from qa_service.spelling import name_key

# Capitalised English words that are no names: titles (they also join a name's noun group,
# "Chancellor Brunner"), and weekdays and months, which HanTa's English model takes for names.
ENGLISH_NOT_NAMES = (
    english.ROLE_NOUNS
    | english.TITLE_WORDS
    | {w.lower() for w in (*english.WEEKDAYS, *english.MONTHS)}
    | {"i", "tv"}
)


@functools.cache
def _english_tagger():  # noqa: ANN202 - HanTa has no types
    return load_tagger("morphmodel_en.pgz")


# HanTa's log score of an English word's best tag: words of its lexicon score above this,
# words it only guesses from their letters below ("brunner" -33.3, "obermayr" -33.7, "kowalenko"
# -33.1; "council" -8.9, "baker" -13.1, "miller" -16.3 as a name). The German threshold of
# corpus/names.py, which falls in the same gap.
_KNOWN_WORD = -28.0


@functools.lru_cache(maxsize=1 << 14)
def _english_name(word: str) -> bool:
    """An English word the lexicon reads as a proper noun ("miller") or does not know ("brunner");
    "Council of Ministers", "Western countries" and "Asked" are words."""
    tag, score = _english_tagger().tag_word(word.lower())[0]
    return str(tag) == "NP0" or float(score) < _KNOWN_WORD


def is_role_word(raw: str) -> bool:
    """A role noun ("Bundeskanzler", "chancellor", "Sozialminister"), not a prefix ("US")."""
    return raw.lower() not in english.ROLE_PREFIXES and is_role(raw)


def is_name(raw: str, folded: str, language: str) -> bool:
    """Does this capitalised word name someone or something? Acronyms ("DFB") do."""
    if len(raw) < 2 or not raw[0].isupper() or is_role_word(raw):
        return False
    if raw.isupper():
        return folded not in english.ROLE_PREFIXES
    if language == "de":
        return not is_lexicon_word(raw)
    return folded not in ENGLISH_NOT_NAMES and _english_name(raw)


@functools.lru_cache(maxsize=1 << 16)
def same_name(a: str, b: str) -> bool:
    """Two spellings of one name: "Sawadskyj"/"Zavadsky", "Moreau"/"Moreaus",
    "Kreml"/"Kremlin"; acronyms only alike ("EIB" is not "EZB")."""
    if a.isupper() or b.isupper():
        return a.lower() == b.lower()
    return any(_same_key(name_key(x), name_key(y)) for x in _forms(a) for y in _forms(b))


def _forms(word: str) -> set[str]:
    """The word and its stem without a genitive -s ("Tessmanns Antrag", "Moreaus Worte")."""
    return {word, word[:-1]} if len(word) > MIN_KEY and word.endswith("s") else {word}


def _same_key(ka: str, kb: str) -> bool:
    if ka == kb:
        return True
    if min(len(ka), len(kb)) < MIN_KEY:
        return False
    return ka.startswith(kb) or kb.startswith(ka) or fuzz.ratio(ka, kb) >= SIMILARITY
