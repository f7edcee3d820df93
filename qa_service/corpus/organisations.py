"""The organisations a document names, with the short forms the text gives them.

News text names a body in a few set ways, and later by its short form or its noun alone:
- a noun for an institution, a medium or a firm before the name: "die Medienbehörde
  Kvantra", "die Nachrichtenagentur QNA", "der Autohersteller Talvoro";
- the name spelled out with its initials in parentheses: "Verband Bruggenauer Zeitungen (VBZ)";
- a name with its legal form: "Talbote AG", "Brodnik Holding";
- a compound on a noun for a body that names one ("Verkehrsministerium", not "Ministerium"
  nor "Familienunternehmen"), a proper adjective before a noun for a body or a medium
  ("Europäischer Gerichtshof", "Bruggenauer Zeitung");
- a short form in capitals on its own or before a role: "VBZ", "XPD-Chef" (parties are
  bodies too), but not a country's ("USA").
A body by its common noun alone ("die Regierung") is no name and is not read.
Only language knowledge decides (the noun tables of `lang.german`); what the organisation is
comes from the text. Measured on the labelled GNAD table (tests/data/entities_gnad.jsonl,
tests/unit/test_organisations_gnad.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from qa_service.corpus.names import (
    best_tag,
    body_kind,
    is_body_noun,
    is_common_noun,
    is_firm_noun,
    is_lexicon_word,
    is_media_noun,
    is_role,
)
from qa_service.lang import alternatives, german
from qa_service.lang.english_names import place_short_forms
from qa_service.models import Document
from qa_service.spelling import fold


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation as one document names it."""

    name: str  # the fullest form written, the genitive's -s taken off a noun for a body
    short: tuple[str, ...] = ()  # short forms the text gives it: "VBZ" for the name spelled out

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(organisation_key(n) for n in (self.name, *self.short)))


def organisation_key(name: str) -> str:
    """One key for the forms of one name: folded, without a genitive's "-s" or "-es" on a
    last word for a body ("Gerichtshofs" -> "gerichtshof")."""
    return fold(_nominative(name)).lower()


_WORD = r"[A-ZÄÖÜ][\w.&’'-]*"
# A short form: two or more capitals, maybe a small letter between them ("VwGH"), 2-8 long.
_SHORT_FORM = r"[A-ZÄÖÜ](?:[a-zäöü]?[A-ZÄÖÜ]){1,7}"
_SHORT = re.compile(rf"(?<![\w-])({_SHORT_FORM})(?![\w-])")
# Spelled out, then its initials: "Verband Bruggenauer Zeitungen (VBZ)".
_SPELLED = re.compile(
    rf"((?:{_WORD}\s+(?:(?:{alternatives(german.NAME_CONNECTORS)})\s+)?){{1,6}}){_WORD}"
    rf"\s+\(({_SHORT_FORM})\)"
)
_TOKEN = re.compile(r"[^\W\d_][\w.&’'-]*[\w]|[^\W\d_]|\S")
_ROMAN = re.compile(r"^[IVXLC]+$")
_PREFIX = re.compile(r"^([A-ZÄÖÜ][A-ZÄÖÜa-z]*[A-ZÄÖÜ])-[A-ZÄÖÜ]")
_CONNECTORS = german.NAME_CONNECTORS


def read_organisations(doc: Document) -> tuple[Organisation, ...]:
    """The organisations `doc` names, in the order it first names them."""
    return _read(doc.text)


@functools.lru_cache(maxsize=4)
def _read(text: str) -> tuple[Organisation, ...]:
    found: dict[str, tuple[int, Organisation]] = {}
    places = _places(text)

    def add(at: int, org: Organisation) -> None:
        key = organisation_key(org.name)
        if not key or org.name in places:
            return
        old = found.get(key)
        if old is None:
            found[key] = (at, org)
            return
        short = tuple(dict.fromkeys((*old[1].short, *org.short)))
        found[key] = (old[0], Organisation(old[1].name, short))

    spelled_shorts: set[str] = set()
    spelled: list[tuple[int, int]] = []  # the spans of names spelled out: read whole
    for m in _SPELLED.finditer(text):
        words, short = (m.group(0)[: m.group(0).rindex("(")].split(), m.group(2))
        name = _initials_name(words, short)
        if name:
            spelled_shorts.add(short)
            spelled.append((m.start() + max(0, m.group(0).find(name)), m.end()))
            add(m.start(), Organisation(name, (short,)))
    toks = [(m.group(), m.start()) for m in _TOKEN.finditer(text)]
    for i, (tok, pos) in enumerate(toks):
        if not tok[:1].isupper() or any(a <= pos < z for a, z in spelled):
            continue
        if tok.lower() in german.LEGAL_FORMS:
            if legal := _before_legal_form(toks, i):
                add(toks[i - len(legal.split()) + 1][1], Organisation(legal))
            continue
        if _marks_name(tok) and (name := _name_after(toks, i + 1, _owns_name(tok))):
            # "Universität Wellental" is the name; "die Tageszeitung Kvantra" names one; not
            # "Verband Bruggenauer" of "Verband Bruggenauer Zeitungen": a noun goes on
            after = i + 1 + len(name.split())
            if after >= len(toks) or not toks[after][0][:1].isupper():
                add(pos, Organisation(f"{tok} {name}" if _owns_name(tok) else name))
        elif (body := _proper_body(toks, i)) is not None:
            add(pos, Organisation(body))
        elif _is_short(tok) and tok not in spelled_shorts and not _is_place_short(tok, places):
            add(pos, Organisation(_short_with_name(toks, i)))
        elif (prefix := _PREFIX.match(tok)) and _is_short(prefix.group(1)):
            # "XPD-Chef", "UN-Kommission"; not "PR-Gag" nor a country's "in den USA"
            head = tok.rsplit("-", 1)[-1]
            if (is_role(head) or is_body_noun(head)) and not _is_place_short(
                prefix.group(1), places
            ):
                add(pos, Organisation(prefix.group(1)))
    # a short form already given to a spelled-out name is that organisation, not another
    merged = {k: v for k, v in found.items() if not _short_of_another(v[1], found)}
    return tuple(org for _, org in sorted(merged.values(), key=lambda v: v[0]))


def _short_of_another(org: Organisation, found: dict[str, tuple[int, Organisation]]) -> bool:
    return not org.short and any(org.name in other.short for _, other in found.values())


def _marks_name(word: str) -> bool:
    """A noun that stands before an organisation's name: "Medienbehörde", "Tageszeitung",
    "Autohersteller", "Initiative"."""
    if is_role(word) or not best_tag(word)[0].startswith("NN"):
        return False
    return (
        is_body_noun(word)
        or is_media_noun(word)
        or is_firm_noun(word)
        or word.lower().rsplit("-", 1)[-1].endswith(german.ORGANISATION_NOUNS)
    )


def _owns_name(noun: str) -> bool:
    """ "Universität", "Institut": a noun that is the first word of the name it stands
    before."""
    return noun.lower().endswith(german.ORGANISATION_NOUNS) and noun.lower().endswith(_OWN)


_OWN = german.NAME_OWNING_NOUNS


def _name_after(toks: list[tuple[str, int]], j: int, own: bool = False) -> str | None:
    """The name right after a marking noun: capitalised words that are no common noun of the
    lexicon, or a short form; after "für"/"der"/"of" inside it any capitalised words ("Institut
    für Angewandte Wellenkunde"), and a noun that owns its name may open with one
    ("Universität der Künste")."""
    words: list[str] = []
    connected = False  # a connector stood inside: the name goes on over nouns too
    while j < len(toks):
        tok = toks[j][0]
        opens = j + 1 < len(toks) and toks[j + 1][0][:1].isupper()
        if tok in _CONNECTORS and (words or own) and opens:
            connected = True
        elif not (
            tok[:1].isupper()
            and (_is_short(tok) or _name_like(tok) or connected or (words and _proper(tok)))
        ):
            break
        words.append(tok)
        j += 1
    while words and words[-1] in _CONNECTORS:
        words.pop()
    return " ".join(words) or None


def _name_like(word: str) -> bool:
    """A capitalised word that is no word of the lexicon and no role: part of a name."""
    return len(word) > 1 and not is_lexicon_word(word) and not is_role(word)


def _proper(word: str) -> bool:
    """A capitalised adjective or a name word inside a name ("Angewandte", "One")."""
    return best_tag(word)[0].startswith(("ADJ", "NE", "FM")) or _name_like(word)


def _before_legal_form(toks: list[tuple[str, int]], i: int) -> str | None:
    """ "Talbote AG", "Brodnik Media Group": the capitalised words before a legal form, any
    words but articles and the like ("Die Talbote AG")."""
    words: list[str] = []
    j = i - 1
    while j >= 0 and toks[j][0][:1].isupper() and len(words) < 4:
        if toks[j][0].lower() in _OPENERS or best_tag(toks[j][0])[0].startswith(_NOT_IN_NAME):
            break
        words.insert(0, toks[j][0])
        j -= 1
    return " ".join([*words, toks[i][0]]) if words else None


def _short_with_name(toks: list[tuple[str, int]], i: int) -> str:
    """A short form of two or three letters before a name is part of it: a club's "XY
    Wellental"; else the short form alone."""
    tok = toks[i][0]
    name = _name_after(toks, i + 1) if len(tok) <= 3 else None
    return f"{tok} {name}" if name and not _is_short(name.split()[0]) else tok


def _proper_body(toks: list[tuple[str, int]], i: int) -> str | None:
    """A noun for a body as a name: a compound on one ("Verkehrsministerium", "Weltbank",
    not the bare "Ministerium"), or a proper adjective before one or before a noun for a
    medium ("Europäischen Gerichtshofs", "Wellentaler Zeitung")."""
    tok = toks[i][0]
    head = body_kind(tok)  # in the singular's case forms: "Gerichtshofs", not "Behörden"
    if head and not tok.lower().endswith((head, head + "s", head + "es")):
        head = None
    if not (head or is_media_noun(tok)) or is_role(tok):
        return None
    if i + 1 < len(toks) and toks[i + 1][0] in ("für", "of"):
        return None  # the name goes on: "Internationales Institut für …" (spelled out)
    before = toks[i - 1][0] if i else ""
    if before[:1].isupper() and before.lower() not in _OPENERS and _proper_adjective(before):
        return f"{before} {_nominative(tok)}"
    name = _nominative(tok)
    compound = head is not None and len(name) >= len(head) + 3 and "-" not in tok
    compound = compound and best_tag(tok)[0].startswith("NN")  # not "Insgesamt"
    return name if compound and head in german.NAMED_BODY_NOUNS else None


def _proper_adjective(word: str) -> bool:
    """A capitalised adjective inside a sentence, or a place's "-er" form ("Wellentaler")."""
    return best_tag(word)[0].startswith("ADJ") or (word.endswith("er") and not is_common_noun(word))


_OPENERS = german.DEFINITE_ARTICLES | german.INDEFINITE_ARTICLES
_NOT_IN_NAME = ("ART", "APPR", "KO", "PPER", "PPOS", "PD", "PI", "PRELS")  # HanTa's tags


def _nominative(name: str) -> str:
    """A last word for a body without its genitive ending: "Gerichtshofs" -> "Gerichtshof",
    "Presserates" -> "Presserat"."""
    head, _, last = name.rpartition(" ")
    for ending in ("es", "s"):
        stem = last[: -len(ending)]
        if last.endswith(ending) and is_body_noun(stem) and not is_body_noun(last):
            return f"{head} {stem}".strip()
    return name


def _is_place_short(word: str, places: set[str]) -> bool:
    """A country's short form ("USA", from the English names table) or one the text puts
    after a preposition of place."""
    return word in places or word in place_short_forms()


def _is_short(word: str) -> bool:
    """A short form in capitals; not a Roman numeral, nor a function word written in
    capitals ("DER STANDARD")."""
    if not _SHORT.fullmatch(word) or _ROMAN.match(word):
        return False
    return not best_tag(word.capitalize())[0].startswith(_NOT_IN_NAME)


def _places(text: str) -> set[str]:
    """Words after a preposition of place ("in den USA", "nach XY", "aus Bruggenau"): a
    place's name or short form, no organisation's."""
    return {m.group(1) for m in _PLACE.finditer(text)}


_PLACE = re.compile(r"\b(?:in|aus|nach) (?:den |die )?([A-ZÄÖÜ][\w-]*?)(?![\w-])")


def _initials_name(words: list[str], short: str) -> str | None:
    """The last words before "(VBZ)" whose capitals' initials spell it (small connecting
    words skipped), the longest such run: "Verband Bruggenauer Zeitungen"; of two words or
    more, a compound may give up to two more letters in order ("Institut für Angewandte
    Wellenkunde (IAWK)", "Kraftfahrclub Bruggenau (KCB)")."""
    capitals = "".join(c for c in short if c.isupper())  # "EuGH": EGH
    for k in range(len(words)):
        part = words[k:]
        if part[0] in _CONNECTORS:
            continue
        named = [w for w in part if w not in _CONNECTORS]
        if _spells(named, capitals, 0 if len(named) >= 2 else 2):
            return " ".join(part)
    return None


def _spells(words: list[str], capitals: str, extra: int = 0) -> bool:
    """Do `words` spell `capitals`: each word its first letter, then perhaps later letters
    of its own (up to two in all, `extra` used so far: "Kraftfahrclub" gives K and C)?"""
    if not words:
        return not capitals
    word = words[0]
    if not capitals or word[0].upper() != capitals[0]:
        return False
    rest, at = word[1:].upper(), 0
    for n in range(0, 3 - extra):
        if _spells(words[1:], capitals[1 + n :], extra + n):
            return True
        if n + 1 >= len(capitals):
            return False
        at = rest.find(capitals[1 + n], at) + 1
        if not at:
            return False
    return False
