"""The people a document names, with the roles, parties and ages the text gives them.

News text introduces a person once in full and then shortens: "Verkehrsministerin Anna
Beispiel (XPD)", "Beispiel", "die Ministerin", "die 52-Jährige". Questions ask by any of these,
so ingest keeps what the text says of each person:
- the fullest name as written, keyed by `names.person_key` (the surname's skeleton);
- roles: a role or person noun right before the name ("Verkehrsministerin Anna Beispiel",
  "Wirtschaftspsychologin …"), in an apposition ("Anna Beispiel, die Ministerin,"), or a
  definite noun phrase that refers back to the person last named ("der Professor für …");
- the party: in parentheses after the name ("(XPD)", "(70, CDU)"), or the short form that
  prefixes a role ("XPD-Chef Hans Muster", "der XPD-Politiker");
- the age: "(70, CDU)", "(45)", "der 45-Jährige", "die 83-jährige Mutter Hilde Muster".
The `Registry` is the one place that decides what counts as a person and collects their
roles; attribution uses it too while it reads who says what.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field

from qa_service.corpus.names import (
    best_tag,
    is_adjective_noun,
    is_body_noun,
    is_common_noun,
    is_firm_noun,
    is_first_name,
    is_lexicon_word,
    is_media_noun,
    is_name_word,
    is_person_noun,
    is_person_or_role,
    is_role,
    noun_by_ending,
    person_key,
    strip_roles,
)
from qa_service.lang import first_names, german
from qa_service.models import Document
from qa_service.spelling import fold

_ARTICLES = german.DEFINITE_ARTICLES


@dataclass(frozen=True, slots=True)
class Person:
    """A person as one document names them."""

    name: str  # the fullest form written
    key: str  # names.person_key(name)
    roles: tuple[str, ...] = ()  # in their nominative form, in text order
    party: str | None = None
    age: int | None = None


@dataclass
class PersonRecord:
    """A person while the document is read: what is known so far."""

    name: str
    key: str
    roles: list[str] = field(default_factory=list)
    named: bool = False  # seen with a first name or a role: a person, not just a subject
    party: str | None = None
    age: int | None = None

    def add_role(self, word: str) -> None:
        role = role_form(word)
        if role not in self.roles:
            self.roles.append(role)

    @property
    def gender(self) -> str | None:
        """ "f" for a person the text gives a feminine role ("Ministerin", "Mutter"), "m" for
        a masculine one ("Minister"); else the first name's ("Maria Lotter"); None when
        neither tells ("Vorsitzende", "Kim Lotter", a surname alone)."""
        genders = {role_gender(r) for r in self.roles} - {None}
        if genders:
            return genders.pop() if len(genders) == 1 else None
        words = self.name.split()
        return first_names.gender(words[0]) if len(words) >= 2 else None

    def freeze(self) -> Person:
        return Person(self.name, self.key, tuple(self.roles), self.party, self.age)


def role_gender(role: str) -> str | None:
    last = role.lower().rsplit("-", 1)[-1]
    if last.endswith(("in", "frau")) or last in german.FEMININE_PERSON_NOUNS:
        return "f"
    if last.endswith("e") or is_adjective_noun(role):
        return None  # "Vorsitzende", "Beamte": the article tells, not the noun
    return "m"


# "in der Steiermark", "aus Deutschland", "gegen Norwegen": what follows is a place, not a person.
PLACE = re.compile(
    r"(?<!\w)(?:in|im|nach|aus|gegen|für|zwischen|Richtung|nahe|bei) (?:der |dem |den |die |das )?"
    r"([A-ZÄÖÜ][\w-]+)"
)
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d+-[^\W\d_]+|\S", re.UNICODE)  # "45-Jährige" whole


def tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _TOKEN.finditer(text)]


def role_stem(role: str) -> str:
    """The part of a role both its forms share: "Kanzlerin", "Kanzler" -> "kanzler"."""
    r = role.lower().rsplit("-", 1)[-1]
    for suffix in ("in", "en", "e", "s"):
        if r.endswith(suffix) and len(r) > 5:
            r = r[: -len(suffix)]
            break
    return r


_ROLE_ENDINGS = tuple(german.ROLE_NOUNS) + german.PERSON_NOUN_SUFFIXES


def role_form(word: str) -> str:
    """A role noun in the nominative singular: "Kanzlers" -> "Kanzler", "Präsidenten" ->
    "Präsident", "Vorsitzenden" -> "Vorsitzende" (HanTa's lemma guesses wrong on compounds
    it does not know: "Wissenschafter" -> "Wissenschaft")."""
    for suffix in ("s", "n", "en"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and stem.lower().endswith(_ROLE_ENDINGS):
            return stem
    return word


def role_word(word: str) -> bool:
    """A noun that can stand for a person's role before their name: a role noun, or a noun
    for a person ("Forscherin", "Verwaltungsrechtler" even where the lexicon only guesses
    it); not a short form ("EU") nor a nominalised adjective ("Unbekannte"), nor a firm or
    a medium ("Autohersteller", "TV-Sender")."""
    if word.isupper():
        return False
    if is_role(word):
        return True
    if is_firm_noun(word) or is_media_noun(word):
        return False
    tag, _ = best_tag(word)
    return tag == "NN" and word.lower().rsplit("-", 1)[-1].endswith(german.PERSON_NOUN_SUFFIXES)


def _genitive_role(word: str) -> bool:
    """ "seines Mitverhandlers Stein": a person noun in the genitive before a name is the
    name's role, not its first word (the lexicon does not know every compound). It does not
    make the name a person's: "des Autobauers Talbote" names a firm."""
    return (
        word.endswith("s")
        and not is_first_name(word)
        and best_tag(word)[0] == "NN"
        and role_form(word) != word
    )


def _compound_role(word: str) -> bool:
    """ "Bundesliga-Torhüter Hugo Muster", "Defensive-Line-Spieler Muster": a compound whose
    last part is a noun for a person is a role before a name."""
    return "-" in word and is_person_or_role(word)


# A noun in -er refers back to a person only if it is a role noun: "der Brenner" is a pass,
# "der Tiroler" anyone from there; "die Forscherin", "der Künstler", "der Professor" are not.
_REFERRING_SUFFIXES = tuple(s for s in german.PERSON_NOUN_SUFFIXES if s != "er") + ("ler",)


def referring_role(word: str) -> bool:
    """A definite role noun that means the person last named ("der Minister")."""
    if word.isupper():
        return False
    if is_role(word):
        return True
    last = word.lower().rsplit("-", 1)[-1]
    return last.endswith(_REFERRING_SUFFIXES) and best_tag(word)[0] == "NN" and is_person_noun(word)


class Registry:
    """The people a document names, in the order it names them."""

    def __init__(self) -> None:
        self.by_key: dict[str, PersonRecord] = {}
        # Other persons under a key taken ("Hugo Brodnik" beside "Anna Bredenek": one skeleton)
        self.twins: dict[str, list[PersonRecord]] = {}
        self.last: PersonRecord | None = None
        self.recent: list[PersonRecord] = []  # named persons, the last mentioned last
        self.places: set[str] = set()
        self.known: set[str] = set()  # words of names given whole ("Gustav Wendelbrunn")

    @classmethod
    def of(cls, doc: Document) -> Registry:
        """The persons a document introduces: a name with a role ("Bundeskanzlerin Anna
        Beispiel"), with age or party ("Hans Muster (79)"), a first name the lexicon knows
        before a surname ("Barbara Muster"), or a first name and a surname the text also uses
        alone. A copy: readers note mentions in it, and reading the text is done once for
        the snapshot's two readers of a document (its people, its speakers)."""
        return copy.deepcopy(_registry_of(doc.text))

    @classmethod
    def _read(cls, text: str) -> Registry:
        registry = cls()
        registry.places = {m.group(1) for m in PLACE.finditer(text)} - _surnames(text)
        for words, start, end in name_runs_at(text, registry.places):
            name_words, nouns = registry.split(words)
            roles = [r for r in nouns if role_word(r)]
            if (
                nouns
                and name_words
                and not roles
                and is_body_noun(nouns[-1])
                and not is_first_name(name_words[0])
            ):
                continue  # "der Agentur Rosso Blu": the body's name, no one's
            if (
                roles
                or (
                    _PERSON_PARENTHESIS.match(text, end) and not _spelled_out(name_words, text, end)
                )
                or (len(name_words) >= 2 and is_first_name(name_words[0]))
                or (len(name_words) >= 2 and surname_alone(text, name_words[-1], start))
            ):
                person = registry.add(words)
                joined = _JOINED_ROLE.search(text, max(0, start - 60), start)
                if person is not None and joined and is_role(joined.group(1)):
                    person.add_role(joined.group(1))
        for person in list(registry.persons):
            registry._family_name_first(person, text)
        return registry

    @property
    def persons(self) -> list[PersonRecord]:
        """Each person once (a family name first is a second key of its person)."""
        everyone = [*self.by_key.values(), *(p for ps in self.twins.values() for p in ps)]
        return list({id(p): p for p in everyone}.values())

    def get(self, name: str) -> PersonRecord | None:
        """The person a name or a surname means: by its `person_key`, and where two persons
        of the text share that key, the one whose surname is written so."""
        key = person_key(name)
        person = self.by_key.get(key)
        if key in self.twins:
            written = _surname(name)
            same = (p for p in (person, *self.twins[key]) if p and _surname(p.name) == written)
            return next(same, person)
        return person

    def _family_name_first(self, person: PersonRecord, text: str) -> None:
        """ "Lin Quanmei" called "Lin" alone and never "Quanmei": a name that puts the family
        name first (or a person the text calls by the first name), which is then a key of
        its person too."""
        words = person.name.split()
        if len(words) != 2 or text.count(words[0]) <= text.count(" ".join(words)):
            return  # the first word only ever stands before the second (most names)
        if not all(map(self.is_name, words)):
            return
        alone = surname_alone(text, words[0], -1, not_before=words[1])
        if alone and not surname_alone(text, words[1], -1):
            self.by_key.setdefault(person_key(words[0]), person)

    def split(self, words: list[str]) -> tuple[list[str], list[str]]:
        """Name words and role words of a run: role nouns, and common nouns before a name
        ("Verwaltungsrechtler Hans Muster"); a nominalised adjective ends the name ("rät
        Muster Betroffenen")."""
        name_words, roles = strip_roles(words)
        roles = list(roles)
        while len(name_words) > 1 and (
            not self.is_name(name_words[0])
            or (
                (_genitive_role(name_words[0]) or _compound_role(name_words[0]))
                and self.is_name(name_words[1])
            )
        ):
            roles.append(name_words.pop(0))
        # "Ingolstadts Manager Hugo Stein": a name in the genitive and its role noun, before
        # the name whose role it is.
        while (
            len(name_words) > 2
            and name_words[0].endswith("s")
            and (role_word(name_words[1]) or is_person_noun(name_words[1]))
        ):
            roles.extend(name_words[:2])
            del name_words[:2]
        # "Landeshauptmannvize Hans Muster": a noun the lexicon only guesses, before a first
        # name, is a role too.
        while (
            len(name_words) > 2
            and is_first_name(name_words[1])
            and (role_word(name_words[0]) or best_tag(name_words[0])[0] == "NN")
        ):
            roles.append(name_words.pop(0))
        cut = next((i for i in range(1, len(name_words)) if _ends_name(name_words, i)), None)
        return (name_words[:cut] if cut else name_words), roles

    def add(self, words: list[str]) -> PersonRecord | None:
        name_words, roles = self.split(words)
        # A surname after a first name is a name, whatever else the word means ("Fuchs").
        first = next((i for i, w in enumerate(name_words) if self.is_name(w)), None)
        if first is None:
            return None
        # a place, in the genitive too ("ein Vertreter Talvoriens" after "in Talvorien")
        name_words = [
            w for w in name_words[first:]
            if w not in self.places and not (w.endswith("s") and w[:-1] in self.places)
        ]  # fmt: skip
        if not name_words:
            return None
        name = " ".join(name_words)
        key = person_key(name)
        person = self.get(name)
        if person is not None and _another(person.name.split(), name_words):
            person = None  # one skeleton, two people: the key stays the first's
            self.twins.setdefault(key, []).append(person := PersonRecord(name, key))
        elif person is None:
            person = self.by_key[key] = PersonRecord(name, key)
        elif person.name == name + "s" or (
            len(name) > len(person.name) and name != person.name + "s"
        ):
            person.name = name  # the fullest form, but not a genitive ("Hugo Steins")
        for role in roles:
            if role_word(role) or _genitive_role(role):
                person.add_role(role)
        person.named = person.named or len(name_words) >= 2 or bool(roles)
        if len(name_words) >= 2:
            self.known.update(name_words)
        return person

    def mention(self, person: PersonRecord | None) -> None:
        """Only a named person is who a later "er" can mean."""
        if person is not None and person.named:
            self.last = person
            if person in self.recent:
                self.recent.remove(person)
            self.recent.append(person)

    def by_pronoun(self, gender: str | None) -> PersonRecord | None:
        """The last person mentioned whom a pronoun of `gender` can mean: "er" skips a woman
        the text named since ("seine Mutter Hilde Muster")."""
        fits = [p for p in self.recent if gender is None or p.gender in (None, gender)]
        return fits[-1] if fits else None

    def is_name(self, word: str) -> bool:
        """A word that may name someone: not a place of the text, not a common noun."""
        if word in self.known or word.rstrip("s'’") in self.known:
            return True
        return (
            is_name_word(word)
            and word not in self.places
            and not noun_by_ending(word)
            and not is_lexicon_word(word)
        )

    def by_role(self, role: str) -> PersonRecord | None:
        """The last-named person who holds `role` ("Kanzler" fits "Bundeskanzler")."""
        stem = role_stem(role)
        fits = [p for p in self.persons if any(role_stem(r).endswith(stem) for r in p.roles)]
        if self.last in fits:
            return self.last
        return fits[-1] if fits else None

    def lookup(self, words: list[str]) -> PersonRecord | None:
        """The person a run of capitalised words names, if the registry knows them."""
        name_words = strip_roles(words)[0]
        return self.get(" ".join(name_words) or words[-1])


def _surname(name: str) -> str:
    """A name's last word as written, folded, without a genitive's s."""
    return fold(name.split()[-1]).rstrip("s'’") if name.split() else ""


def _another(known: list[str], name_words: list[str]) -> bool:
    """Two full names whose first names and surnames differ are two people, though their
    surnames share a consonant skeleton ("Hugo Brodnik", "Anna Bredenek"); a spelling variant
    keeps one of them ("Hugo Brodnyk"), and a surname alone can mean either."""
    return (
        len(known) >= 2
        and len(name_words) >= 2
        and fold(known[0]) != fold(name_words[0])
        and _surname(" ".join(known)) != _surname(" ".join(name_words))
    )


@functools.lru_cache(maxsize=4)
def _registry_of(text: str) -> Registry:
    return Registry._read(text)


def _surnames(text: str) -> set[str]:
    """Last words of names the text gives whole, with a role or a first name the lexicon
    knows ("Regierungschef Hans Muster"): "gegen Muster" later is that person, not a place."""
    out = set()
    for words, _, _ in name_runs_at(text, set()):
        name_words, roles = strip_roles(words)
        # "XPD-Rat Ewald Quendlinger": a first name anywhere before the surname
        if len(name_words) >= 2 and (
            any(role_word(r) for r in roles) or any(is_first_name(w) for w in name_words[:-1])
        ):
            out.add(name_words[-1])
    return out


def _ends_name(name_words: list[str], i: int) -> bool:
    """Does the name of a run end before its `i`th word? A nominalised adjective ends it ("rät
    Muster Betroffenen"), unless it is a surname right after a first name ("Maria Lotter");
    so does a common noun closing the run after a name in the genitive ("Brodniks Daten",
    "Maria Steins Arbeiten", "Brodniz’ Vorwurf"): the name's possession, not its part ("Brodniks
    Manager Hugo Stein" goes on to a name)."""
    word, before = name_words[i], name_words[i - 1]
    if is_first_name(before):
        return False
    last = i == len(name_words) - 1
    # a thing's name may follow the thing ("Steins Actionspektakel Quendel Tarr"), a person's
    # name their role or a noun for them ("Brodniks Manager Hugo Stein", "Lorbachs Golfstar
    # Hugo Stein": a first name goes on to the person)
    after = name_words[i + 1] if not last else ""
    person = is_person_noun(word) or role_word(word) or is_body_noun(word) or is_first_name(after)
    thing = last or not person
    genitive = thing and before.endswith(("s", "’", "'")) and is_common_noun(word)
    return is_adjective_noun(word) or genitive


def name_runs_at(text: str, places: set[str]) -> list[tuple[list[str], int, int]]:
    """Maximal runs of capitalised words (names with their role nouns), with their spans;
    a name particle between two of them goes on ("Gustav de Wendelbrunn", "Maria von der
    Brodnik")."""
    runs: list[tuple[list[str], int, int]] = []
    run: list[str] = []
    start = end = 0
    toks = tokens(text)
    for i, (tok, pos) in enumerate(toks):
        name = is_name_word(tok) and tok not in places and not noun_by_ending(tok)
        if tok[0].isupper() and tok[0].isalpha() and (name or is_role(tok)):
            if not run:
                start = pos
            run.append(tok)
            end = pos + len(tok)
        elif run and _particle_in_name(toks, i, run):
            run.append(tok)
        else:
            if run:
                runs.append((run, start, end))
            run = []
    if run:
        runs.append((run, start, end))
    return runs


def _particle_in_name(toks: list[tuple[str, int]], i: int, run: list[str]) -> bool:
    """Is the `i`th token a name particle ("de", "von der") between the first name that
    opens a name and the rest of it ("Gustav de Wendelbrunn", "Maria von der Brodnik")? After a
    surname "von" tells where from ("Hugo Stein von der Polizei"); nor does a noun the
    lexicon knows go on a name ("Maria von der Regierung"), nor a compound of one
    ("von Polizei-Einsatz")."""
    tok, before = toks[i][0], run[-1]
    after_particle = before.lower() in _IN_NAME  # "Anna Van der Wende" too
    first = is_first_name(before) and (len(run) == 1 or not is_name_word(run[-2]))
    # "da", "van", "de" are no German prepositions: after any name word they go on with it
    # ("Hugo Maria da Quendel"). A name has one particle ("Anna van der Brodnik von der
    # Sternwarte": the place she works at).
    foreign = tok not in german.PREPOSITIONS and is_name_word(before) and not is_role(before)
    opens = (first or foreign) and not any(w.lower() in _IN_NAME for w in run)
    if not (
        (tok in german.NAME_PARTICLES and (opens or after_particle))
        or (tok in german.NAME_ARTICLES and before.lower() in german.NAME_PARTICLES)
    ):
        return False
    # A particle written capitalised inside a sentence ("Van der Wende") is where it starts.
    capital = before[:1].isupper() and before.lower() in german.NAME_PARTICLES
    return name_after_particle([t for t, _ in toks[i - 1 if capital else i :]])


def name_after_particle(toks: list[str]) -> bool:
    """Does a name go on after the particle `toks[0]`: past further particles and "der" or
    "den", a capitalised name word without a noun's ending that the lexicon does not know
    ("von der Brodnik"; "von der Regierung" is a phrase), or any after a particle written
    capitalised ("Van der Wende", whatever "Wende" means on its own)?"""
    j = 1
    while j < len(toks) and toks[j] in _IN_NAME:
        j += 1
    return (
        j < len(toks)
        and toks[j][:1].isupper()
        and is_name_word(toks[j])
        and not noun_by_ending(toks[j])
        and (toks[0][:1].isupper() or not _known_word(toks[j]))
    )


def _known_word(word: str) -> bool:
    """A word the lexicon knows, or a compound ending in a noun it knows ("Polizei-Einsatz")."""
    return is_lexicon_word(word) or is_common_noun(word.rsplit("-", 1)[-1])


_IN_NAME = german.NAME_PARTICLES | german.NAME_ARTICLES


_SHORT_FORM = re.compile(r" \(([A-ZÄÖÜ][A-ZÄÖÜa-z]{1,7})\)")


# What a parenthesis after a person's name holds: a party or an abbreviation, an age, or both
# ("(QVB)", "(70)", "(70, QVB)"), or a match's minute ("(30.)", "(40./Elfmeter)"); not another
# figure ("Talvorien (21,0 Prozent)", "Bruggenau (10 Punkte)", "Landwirte (12,5
# Prozent)"), which follows places and things as often.
_PERSON_PARENTHESIS = re.compile(r" \((?:[^\d)]+|\d{1,3}(?:,\s+\D[^)]*)?|\d{1,3}\.(?!\d)[^)]*)\)")


def _spelled_out(name_words: list[str], text: str, end: int) -> bool:
    """ "Verband Bruggenauer Zeitungen (VBZ)", "Miliz Talbotischer Staat (TS)": the short
    form in parentheses is the initials of the last words before it, so they name a body, not
    a person with a party."""
    m = _SHORT_FORM.match(text, end)
    if not m:
        return False
    short = m.group(1).upper()
    return any(
        "".join(w[0] for w in name_words[k:]).upper() == short for k in range(len(name_words) - 1)
    )


def surname_alone(text: str, surname: str, start: int, not_before: str = "") -> bool:
    """Does the text use `surname` without its first name somewhere else (than at `start`),
    and, given `not_before`, without that word after it?"""
    after = rf"(?!\s+{re.escape(not_before)})" if not_before else ""
    pattern = re.compile(
        r"(?<![\w-])(?<![A-ZÄÖÜ][\w-] )" + re.escape(surname) + r"(?![\w-])" + after
    )
    return any(
        not _NAME_BEFORE.search(text[max(0, m.start() - 30) : m.start()])
        for m in pattern.finditer(text)
        if m.start() != start
    )


# A capitalised word right before a position: the name there goes on from it.
_NAME_BEFORE = re.compile(r"[A-ZÄÖÜ][\w-]+\s$")
# What a person's name may be followed by: "(70, CDU)", "(45)", "(XPD)".
_AFTER_NAME = re.compile(r"\s?\((?:(\d{1,3})(?:,\s*)?)?([A-ZÄÖÜ][\w-]{0,15})?\)")
_OLDEST = 120  # a number in parentheses after a name above this is no age
# "der 45-Jährige", "die 83-jährige Mutter": an age the text gives a person.
_AGE = re.compile(r"(?<!\w)(\d{1,3})-[Jj]ährigen?\b")
# Sentence ends a role noun or an age may be from the person's last mention. Measured on the
# first half of tests/data/entities_gnad.jsonl (roles recalled of 42, roles read): 1 -> 23
# (25 read), 2 -> 27 (29), 3 -> 27 (31), 5 -> 28 (33), the whole paragraph -> 28 (37).
BACK = 2
_AHEAD = 30  # characters from "83-jährige" to the name: room for a role and an adjective
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÄÖÜ„\"])|\n")
# A short form of a party before a role noun: "XPD-Chef", "CDU-Politikerin".
# "Hans Muster, der Bürgermeister", "…, dem XPD-Bürgermeister von …": a role in apposition.
_APPOSITION = re.compile(
    r",\s+(?:der|dem|den)\s+(?:[a-zäöüß]\w*\s+)?([A-ZÄÖÜ][\w-]+)\b(?!\s+[A-ZÄÖÜ])"
)
_PREFIX = re.compile(r"^([A-ZÄÖÜ][A-ZÄÖÜa-z]*[A-ZÄÖÜ])-")
# "…, der Verkehrsminister," or a sentence's "der Professor für …": a definite noun phrase.
_DEFINITE = re.compile(
    r"(?<![\w-])(?:[Dd]er|[Dd]ie|[Dd]as|[Dd]em|[Dd]en|[Dd]es)\s+(?:[a-zäöüß][\w-]*\s+){0,2}([A-ZÄÖÜ][\w-]+)"
)


# "Notenbank-Gouverneur und EZB-Rat Ewald Muster": a role joined to the one before the name.
_JOINED_ROLE = re.compile(r"([A-ZÄÖÜ][\w-]+) und $")


def _party(role: str, before_name: bool) -> str | None:
    """The party a role's prefix names: any prefix of a party member's noun ("XPD-Politiker"),
    else the prefix of a role written right before the name ("XPD-Chef Hans Muster")."""
    m = _PREFIX.match(role)
    if not m:
        return None
    head = role.lower().rsplit("-", 1)[-1]
    return m.group(1) if before_name or head in german.PARTY_MEMBER_NOUNS else None


def read_people(doc: Document) -> tuple[Person, ...]:
    """The persons `doc` names, in the order it first names them."""
    registry = Registry.of(doc)
    text = doc.text
    # In text order: who a role noun or an age refers back to is the person last named.
    events: list[tuple[int, int, str, object]] = []
    for words, start, end in name_runs_at(text, registry.places):
        person = registry.lookup(words)
        if person is not None and person.named:
            events.append((start, end, "name", (person, words)))
    for m in _DEFINITE.finditer(text):
        if referring_role(m.group(1)) and not is_name_word_after(text, m.end()):
            events.append((m.start(1), m.end(1), "role", m.group(1)))
    for m in _AGE.finditer(text):
        # "der 45-Jährige" refers back; "die 83-jährige Mutter Hilde Muster" ahead.
        back = m.group()[m.group().index("-") + 1].isupper()
        events.append((m.start(), m.end(), "age" if back else "age ahead", int(m.group(1))))
    events.sort(key=lambda e: e[0])

    last: PersonRecord | None = None
    last_end = -1
    ahead: tuple[int, int] | None = None  # (end, age) of an age adjective before a name
    for start, end, kind, value in events:
        if kind == "age ahead":
            ahead = (end, int(value))  # type: ignore[call-overload]
            continue
        if kind == "name":
            person, words = value  # type: ignore[misc]
            if ahead and start - ahead[0] <= _AHEAD:
                person.age = person.age or ahead[1]
            ahead = None
            after = _AFTER_NAME.match(text, end)
            if after:
                number = int(after.group(1) or 0)
                # "Hugo Stein (202)" in a table: points, not years
                person.age = person.age or (number if 0 < number <= _OLDEST else None)
                if _is_party(after.group(2) or ""):
                    person.party = after.group(2)
            roles = registry.split(words)[1]
            for role in roles:
                # "EZB-Rat Ewald Muster": no role noun, so no party's member either
                party = _party(role, before_name=role is roles[-1]) if role_word(role) else None
                if party and person.party is None:
                    person.party = party
            # "XPD-Chef und Minister Hans Muster", "Hans Muster, dem XPD-Bürgermeister von
            # …": a role joined to the one before the name, or in apposition after it.
            joined = _JOINED_ROLE.search(text, max(0, start - 60), start)
            apposition = _APPOSITION.match(text, end)
            for m in (joined, apposition):
                if m and role_word(m.group(1)):
                    if m is apposition:
                        person.add_role(m.group(1))
                    person.party = person.party or _party(m.group(1), before_name=True)
            last, last_end = person, end
            continue
        # A role or an age refers back to a mention at most BACK sentences before.
        if last is None or len(_SENTENCE_END.findall(text, last_end, start)) > BACK:
            continue
        last_end = end  # a role noun or an age names the person again
        if kind == "age":
            last.age = last.age or value  # type: ignore[assignment]
        elif _singular(text[:start], str(value)):
            last.add_role(str(value))
            party = _party(str(value), before_name=False)
            if party and last.party is None:
                last.party = party
    return tuple(p.freeze() for p in registry.persons if p.named)


def _is_party(word: str) -> bool:
    """In parentheses after a name, a short form ("XPD", "CDU") or a nominalised adjective
    ("Grüne") is a party."""
    return sum(c.isupper() for c in word) >= 2 or (bool(word) and is_adjective_noun(word))


def is_name_word_after(text: str, pos: int) -> bool:
    """Does a name follow right after `pos` ("der Minister Hans Muster")? Then the noun is
    that name's role, not a reference back."""
    m = re.match(r"\s+([A-ZÄÖÜ][\w-]+)", text[pos:])
    return bool(m) and is_name_word(m.group(1)) and not is_lexicon_word(m.group(1))


def _singular(before: str, noun: str) -> bool:
    """ "der Minister", "das Stadtoberhaupt", "die Forscherin" name one person; "die
    Minister" several."""
    words = before.split()[-3:]
    article = next((w.lower() for w in reversed(words) if w.lower() in _ARTICLES), "")
    if article in ("der", "das", "dem", "des"):
        return True
    return noun.endswith("in") or (is_adjective_noun(noun) and not noun.endswith("n"))
