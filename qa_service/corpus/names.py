"""Person names as news text writes them: "Bundeskanzler Gustav Wendelbrunn", "Wendelbrunn", "der
Kanzler".

A person is keyed by the skeleton of their surname (`person_key`), so "Jurij Balakow" and
"Balakov" are one person, and "Gustav Wendelbrunn" and "Wendelbrunn" are one too. Role nouns
("Bundeskanzler", "EU-Ratspräsident", "president") are recognised by their endings so that
compounds need no list of their own.
"""

from __future__ import annotations

import functools
import re

from qa_service.lang import english, first_names, german
from qa_service.lang.tagger import load_tagger
from qa_service.spelling import skeleton

_ROLE_ENDINGS = tuple(german.ROLE_NOUNS | english.ROLE_NOUNS)
# Capitalised words that never name a person (sentence starts, pronouns, months, weekdays).
_NOT_NAMES = frozenset(
    w[:1].upper() + w[1:] for w in german.OPENING_WORDS | english.OPENING_WORDS | english.TITLES
) | frozenset((*german.MONTHS, *german.WEEKDAYS, *english.MONTHS, *english.WEEKDAYS))
PRONOUNS = german.PERSON_PRONOUNS | english.PERSON_PRONOUNS
# An age as a noun ("der 45-Jährige"): the lexicon tags it an adjective.
_AGE_NOUN = re.compile(r"\d+-[A-ZÄÖÜ]\w*$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


@functools.cache
def _tagger():  # noqa: ANN202 - HanTa has no types
    """HanTa's German model (in the wheel, 0.3 s to load): only when a word must be told."""
    return load_tagger("morphmodel_ger.pgz")


# Tagging a word HanTa's model has not precomputed runs its forward pass over the letters,
# ~1 ms: most of what reading a corpus costs. So each word is tagged once (`best_tag`), and
# the lemma's second pass runs only for words whose lemma is asked for (`word_class`). Sized
# for the distinct words of a few thousand articles.
_WORDS = 1 << 18


@functools.lru_cache(maxsize=_WORDS)
def word_class(word: str) -> tuple[str, str]:
    """(lemma, STTS tag) of a word on its own: "sagte" -> ("sagen", "VV(FIN)"), "Polizei" ->
    ("Polizei", "NN"), "Quendlinger" -> ("Quendlinger", "NE"). The tag is `best_tag`'s, as
    HanTa's own `analyze` takes it."""
    tagger = _tagger()
    lemma, tag = tagger._analyze(word, tagger.tag2int[best_tag(word)[0]], taglevel=1)
    return str(lemma), str(tag)


# HanTa's log score of a word's best tag: words of its lexicon (and compounds of them) score
# above this, words it only guesses from their letters below. Measured on the speaker names
# and nouns of tests/data/attribution_gnad.jsonl and attribution_cases.jsonl: nouns -9 to
# -25.5 ("Linksaktivist"), the surnames it guesses -30.8 to -33.4.
_KNOWN_WORD = -28.0


@functools.lru_cache(maxsize=_WORDS)
def best_tag(word: str) -> tuple[str, float]:
    if not word:  # the head of a suspended compound ("Nord-"), or an empty token
        return "", float("-inf")
    tag, score = _tagger().tag_word(word)[0]
    return str(tag), float(score)


def is_verb(word: str) -> bool:
    """A word the lexicon tags a verb, in any form: "sagte", "mitgeteilt", "erklären"."""
    return best_tag(word)[0].startswith("V")


def is_lexicon_word(word: str) -> bool:
    """A capitalised word the German lexicon knows as other than a name: a noun, or an
    adjective, pronoun or preposition opening a sentence ("Viele", "Ohne", "Erste")."""
    tag, score = best_tag(word)
    return tag != "NE" and score > _KNOWN_WORD


@functools.lru_cache(maxsize=_WORDS)
def is_first_name(word: str) -> bool:
    """A first name of the name dictionary ("Barbara", "Wolfgang", "Peyton"): before another
    name ("Barbara Muster") the pair names a person. Not a German function word the
    dictionary also lists, which opens sentences ("Allen Bedenken zum Trotz", "Man", "Will")."""
    return (
        word[:1].isupper()
        and not word.isupper()
        and word.lower() not in german.STOPWORDS
        and first_names.is_first_name(word)
    )


def is_common_noun(word: str) -> bool:
    """A capitalised word the German lexicon knows as a noun ("Firmengeschichte", "Kauf",
    "Professor", "Betroffenen"), not a name. A surname that is also a noun ("Fuchs") is told
    by the text (a first name before it), not here."""
    tag, score = best_tag(word)
    return tag in ("NN", "NNA") and score > _KNOWN_WORD


def is_adjective_noun(word: str) -> bool:
    """A nominalised adjective: "Betroffenen", "Vorsitzende", "45-Jährige"."""
    return bool(_AGE_NOUN.match(word)) or (is_common_noun(word) and best_tag(word)[0] == "NNA")


def is_person_noun(word: str) -> bool:
    """A common noun for a person: "Forscherin", "Verhandler", "der 45-Jährige"."""
    if _AGE_NOUN.match(word):
        return True
    head = word.rsplit("-", 1)[-1]  # "Vereins-Rekordspieler": the lexicon knows the last part
    if not (is_common_noun(word) or (head != word and is_common_noun(head.capitalize()))):
        return False
    last = head.lower()
    forms = (last, last[:-1]) if last.endswith("en") else (last,)  # "Psychologen"
    return is_adjective_noun(word) or any(f.endswith(german.PERSON_NOUN_SUFFIXES) for f in forms)


# A place the lexicon knows scores above this: Berlin -8.1, Italien -9.1, Wien -9.4,
# Norwegen -11.3, Niederösterreich -12.6; the stems it guesses a name for below it:
# "Amerikan" -17.7, "Republikan" -19.1 (of "der Republikaner", a party's man).
_KNOWN_PLACE = -15.0


def is_demonym(word: str) -> bool:
    """A person named for where they are from: "der Italiener", "die Norwegerin", "der
    Wiener": the stem before "-er" is a place the lexicon knows (itself or with "-en") and
    makes an adjective it knows ("italienisch", "norwegisch", "wienerisch"); "Lehrer",
    "Trainer" and "Spieler" do not both."""
    stem = word.removesuffix("in")
    if not stem.endswith("er") or len(stem) < 5:
        return False
    stem = stem[:-2]
    place = any(
        tag == "NE" and score > _KNOWN_PLACE for tag, score in map(best_tag, (stem, stem + "en"))
    )
    return place and any(
        tag.startswith("ADJ") and score > _KNOWN_WORD
        for tag, score in map(best_tag, (stem.lower() + "isch", stem.lower() + "erisch"))
    )


def _ends_in(word: str, nouns: tuple[str, ...]) -> bool:
    """A compound's last part ends in one of the nouns ("UN-Regulierungsbehörde")."""
    return word.lower().rsplit("-", 1)[-1].endswith(nouns)


def is_body_noun(word: str) -> bool:
    """A noun for an institution that speaks as one: "Polizei", "Regulierungsbehörde"."""
    return _ends_in(word, german.INSTITUTION_NOUNS)


def is_media_noun(word: str) -> bool:
    """A noun for a publication or broadcaster: "Tageszeitung", "Nachrichtenmagazin"."""
    return _ends_in(word, german.MEDIA_NOUNS)


def is_firm_noun(word: str) -> bool:
    """A noun in -er for a firm or a machine, not a person: "Autohersteller", "Browser"."""
    return _ends_in(word, german.FIRM_NOUNS)


def body_kind(word: str) -> str | None:
    """The institution noun a word ends in, in any case form ("UN-Flüchtlingshilfswerkes" ->
    hilfswerk): an institution the text names once is what "das Hilfswerk" means later."""
    forms = _head_forms(word, ("es", "s", "en", "n"))
    return max((n for n in german.INSTITUTION_NOUNS for f in forms if f.endswith(n)), key=len,
               default=None)  # fmt: skip


def is_document_noun(word: str) -> bool:
    """A noun for a text that states something: "Studie", "Umfragen", "Liga-Statistik"."""
    if not word[:1].isupper():
        return False
    return any(f.endswith(german.DOCUMENT_NOUNS) for f in _head_forms(word, ("en", "n", "e")))


@functools.lru_cache(maxsize=1 << 16)
def is_role(word: str) -> bool:
    """Role nouns in any case form: "Premierministers", "Präsidenten", "Kanzler"."""
    w = word.lower().strip(".")
    if w in english.ROLE_PREFIXES:
        return True
    if any(f.endswith(_ROLE_ENDINGS) for f in _head_forms(w, ("s", "es", "en", "n"))):
        return True
    # a plural with an umlaut ("Rechtsanwälte", "Ärzte") by its lemma
    return (
        word[:1].isupper()
        and is_common_noun(word)
        and word_class(word)[0].lower().endswith(_ROLE_ENDINGS)
    )


def is_person_or_role(word: str) -> bool:
    """A noun for a person ("Forscherin") or a role ("Präsidenten", "Rechtsanwälte"): what
    may head a phrase naming someone, and take a genitive owner that is not them."""
    return is_person_noun(word) or is_role(word)


def _head_forms(word: str, endings: tuple[str, ...]) -> set[str]:
    """The last part of a hyphen compound, lower-cased, as it is and without each inflection
    ending it has: the forms a noun table of singular heads is matched against."""
    last = word.lower().rsplit("-", 1)[-1]
    return {last} | {last[: -len(e)] for e in endings if last.endswith(e)}


def looks_like_noun(word: str) -> bool:
    return word.lower().endswith(german.NOUN_SUFFIXES)


def noun_by_ending(word: str) -> bool:
    """A common noun by its ending ("Verzerrung", "Gewerkschaft"); but "-ik" or "-enz" on a
    word the lexicon does not know as a noun is a name's ending ("Brodnik", "Lorenz"; the
    nouns it knows: "Politik", "Konferenz")."""
    if not looks_like_noun(word):
        return False
    return not word.lower().endswith(german.NAME_LIKE_NOUN_SUFFIXES) or is_lexicon_word(word)


def is_name_word(word: str) -> bool:
    """Could this capitalised word be (part of) a name? Roles and function words cannot."""
    return (
        len(word) > 1
        and word[0].isupper()
        and word not in _NOT_NAMES
        and not is_role(word)
        and not word.isupper()  # acronyms: "SBU", "USA", "EU"
        and not any(c.isdigit() for c in word)  # the end of a link: "pic.twitter.com/Z9Nhx"
    )


def person_key(name: str) -> str:
    """One key for all spellings of one person: the skeleton of the surname."""
    words = [w for w in _WORD.findall(name) if not is_role(w)]
    last = (words[-1] if words else name).rstrip("s'’") if name else ""
    # A genitive "Wendelbrunns" or "Balakows" keeps its stem; short names keep their letters.
    return skeleton(last) if len(last) > 3 else last.lower()


def strip_roles(words: list[str]) -> tuple[list[str], list[str]]:
    """("Norwegens", "Präsident", "Hugo", "Falkenrath") -> name words after the last role,
    and the role words."""
    last_role = max((i for i, w in enumerate(words) if is_role(w)), default=-1)
    roles = [w for w in words[: last_role + 1] if is_role(w)]
    return words[last_role + 1 :], roles


def same_person(a: str | None, b: str | None) -> bool:
    """ "Gustav Wendelbrunn" is "Wendelbrunn"; "Hofburg-Palast" is "Hofburg"."""
    if not (a and b):
        return False
    if person_key(a) == person_key(b):
        return True
    first = [person_key(x.split()[-1].split("-")[0]) for x in (a, b)]
    return first[0] == first[1]
