"""The reader of one document: who the text has named so far, and what a subject phrase, a
pronoun or a role noun means at this point ("er", "der Kanzler", "die Forscherin", "so der
45-Jährige": the person its own sentence names before it, else the last person named that
fits; plural and indefinite ones are unnamed sources). The rules (`sources.py`,
`context.py`) ask it; it reads the sentences in order and notes whom each names."""

from __future__ import annotations

import re
from itertools import pairwise

from qa_service.corpus.attribution.grammar import (
    COMPLEMENT,
    DEFINITE,
    nominative,
    run_after,
    speaker_head,
    subject_starts,
)
from qa_service.corpus.attribution.units import MARKERS, How
from qa_service.corpus.names import (
    PRONOUNS,
    body_kind,
    is_adjective_noun,
    is_body_noun,
    is_common_noun,
    is_demonym,
    is_document_noun,
    is_first_name,
    is_lexicon_word,
    is_media_noun,
    is_name_word,
    is_person_noun,
    is_person_or_role,
    is_role,
    is_verb,
    noun_by_ending,
    strip_roles,
    word_class,
)
from qa_service.corpus.organisations import read_organisations
from qa_service.corpus.people import PersonRecord, Registry, name_runs_at, role_gender
from qa_service.lang import alternatives, english, german
from qa_service.models import Document

# Words a clause after a colon has at least, to be a statement rather than a list or a title.
_COLON_CLAUSE = 4
# A clause of a verb, its subject and "so" closing it before a colon ("entgegnete sie so").
_SO_FRAME = re.compile(r"(?:^|[,;–]\s*)([a-zäöüß]+)\s+[^,;–]+?\s(?:es\s+|darauf\s+)?so$")
# A statement noun and whose it is, all of a heading before a colon ("Das Fazit von …").
_STATEMENT = re.compile(r"^(?:\w+\s+)?(\w+)\s+(?:für|von|des|der)\s+([^,;]+)$")

# An institution noun and its name or short form: "Hilfswerk QVB", "Zentralbank (QVB)".
_BODY_NAME = re.compile(r"([A-ZÄÖÜ][\w-]+)(?=\s+(\(?)([A-ZÄÖÜ][\w-]+))")

# A clause opening with an indefinite person noun: someone the text does not name.
_UNNAMED = re.compile(r"\s*(?:[Ee]in|[Ee]ine)\s+([A-ZÄÖÜ][\w-]+)")

_GENDER = german.PRONOUN_GENDER | english.PRONOUN_GENDER
# A word and a media noun: a paper's name ("Quendels Zeitung"), which "laut Quendel" shortens.
_PAPER = re.compile(
    r"(?<![\w-])([A-ZÄÖÜ][\w-]*)[ -](?:"
    + alternatives(n.capitalize() for n in german.MEDIA_NOUNS)
    + r")\b"
)
# ", der danach sagte": a relative pronoun as the subject, lower-case adverbs, the verb next.
_RELATIVE_SUBJECT = re.compile(r",\s+(der|die)\s+(?:[a-zäöüß]+\s+){0,3}$")


def _thing(words: list[str]) -> bool:
    """Does a noun phrase end in a noun for a thing ("Neue App")? Not a surname that is a
    noun too, after a first name or a role ("Maria Stein", "Kanzler Fuchs")."""
    head, before = words[-1], words[-2] if len(words) > 1 else ""
    return (
        bool(before)
        and is_common_noun(head)
        and not any(test(before) for test in (is_first_name, is_role, is_person_noun))
        and not any(test(head) for test in (is_role, is_person_noun, is_body_noun))
    )


def _singular(article: str, noun: str) -> bool:
    """ "der Verhandler", "das Stadtoberhaupt", "die Forscherin", "die Vorsitzende" name one
    person; "die Agenturgründer" name several, who are not the last person named."""
    if article != "die":
        return True
    return noun.endswith("in") or (is_adjective_noun(noun) and not noun.endswith("n"))


def _proper(word: str) -> bool:
    """A capitalised word that names something ("Norwegen", "Linz"), not a common noun or a
    word the lexicon knows."""
    return is_name_word(word) and not noun_by_ending(word) and not is_lexicon_word(word)


def _acronym(word: str) -> bool:
    """ "QVB", "KFZV": a short form, which names a body, never a person."""
    return len(word) >= 2 and word.replace("-", "").isalpha() and word.isupper()


def _short_name(words: list[str]) -> str:
    """The short form a common noun for a thing or a body names ("Organisation QVB",
    "Naturschutzorganisation KFZV"): the body, not the noun. Not a person's ("Minister QVB")."""
    return next(
        (
            short
            for noun, short in pairwise(words)
            if _acronym(short)
            and is_common_noun(noun)
            and not (is_person_or_role(noun) or is_media_noun(noun))
        ),
        "",
    )


def _with(noun: str, of: str) -> str:
    return f"{noun} {of}" if of else noun


class Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.people = Registry.of(doc)
        self.named: PersonRecord | None = None  # the person the last sentence read named
        self.last_text = ""  # the last sentence read, for the plural noun a "sie" may mean
        self.sources: dict[str, str] = {}  # unnamed speakers by their noun ("sprecher")
        self.speakers: list[PersonRecord | None] = []  # of the last two sentences read
        self.bodies = _named_bodies(doc.text)  # "hilfswerk" -> ("QVB", stands alone)
        # names of two words or more, as read at ingest: "Verband Bruggenauer Zeitungen"
        self.organisations = [o.name for o in read_organisations(doc) if len(o.name.split()) > 1]
        self.papers = list(_PAPER.finditer(doc.text))  # "Quendels Zeitung", "Lorbacher Blatt"

    def speaker_of(
        self,
        words: list[str],
        definite: bool = False,
        subject: bool = True,
        article: str = "",
        before: str = "",
        short_form: bool = False,
    ) -> tuple[str, How] | None:
        """A subject phrase -> (speaker, how), resolving pronouns (by the sentence `before`
        them) and role nouns: a person, an institution, an unnamed source ("ein
        Regierungssprecher", "Experten"); never a thing. A short form ("QVB") is a body
        that speaks only where the caller knows it is the subject (`short_form`): "der KFZV"
        may be whom someone told."""
        if not words:
            return None
        if words[0].lower() in PRONOUNS:
            person = self.pronoun(words[0], before)
            return (person.name, "pronoun") if person else None
        head = speaker_head(" ".join(words)).split()
        of = " ".join(words[len(head) :])  # whose an unnamed speaker is ("des Ministeriums")
        if of.startswith(("des ", "der ")) and (holder := self._named_after_owner(of.split()[1:])):
            return holder.name, "verb"  # "der Vizechef der Präsidialverwaltung Hugo Stein"
        words = head
        # "die Tageszeitung Tagblatt", "Das Magazin Profil": the paper by its name
        media = next((i for i, w in enumerate(words[:-1]) if is_media_noun(w)), None)
        the = article in DEFINITE or words[0].lower() in DEFINITE
        if media is not None and the and is_name_word(words[media + 1]):
            return " ".join(words[media + 1 :]), "verb"
        if short_form and _acronym(words[-1]) and (len(words) == 1 or words[0].lower() == article):
            # "QVB teilte mit", "Der KFZV forderte", "teilte die KFZV mit": a body speaks
            return words[-1], "verb"
        if body := self._organisation(words):
            return body, "verb"  # "laut Verkehrsclub Bruggenau": not the club, nor the place
        if (short := _short_name(words)) and (the or subject):
            return short, "verb"  # "die Organisation QVB", "die Gewerkschaften QVB und KFZV"
        while words and not any(test(words[0]) for test in (is_name_word, is_role, is_person_noun)):
            words = words[1:]  # "Der Palast", "Doch Experten"
        if len(words) > 1 and is_demonym(words[0]) and not self.people.is_name(words[1]):
            # "das Wiener Stadtamt", "das Schweizer Sekretariat": a place's, no person
            if article in DEFINITE and is_body_noun(words[1]):
                return " ".join(words[:2]), "verb"
            words = words[1:]
        if not words:
            return None
        if len(words) == 2 and words[0].endswith("s") and is_body_noun(words[1]):
            return " ".join(words), "verb"  # "Talvoriens Verkehrsministerium": the body
        if article in german.INDEFINITE_ARTICLES and is_person_noun(words[0]):
            return _with(nominative(words[0]), of), "verb"  # "ein Vertreter": no one named
        if article in ("ein", "eine") and is_body_noun(words[0]):
            return _with(words[0], of), "verb"  # "stellte ein Untersuchungsausschuss fest"
        if (
            article in german.INDEFINITE_ARTICLES
            and len(words) > 1
            and not any(test(words[-1]) for test in (is_document_noun, is_body_noun))
        ):
            return None  # "als eine Art Beweis": a name takes no indefinite article
        if article in DEFINITE and is_body_noun(words[0]):
            return self._body(words), "verb"  # "der Verband Steirischer Bäcker"
        if is_document_noun(words[-1]):
            return words[-1], "verb"  # "ergab eine Grazer Studie": the text states it
        if len(words) == 1 and (paper := self._paper(words[0])):
            return paper, "verb"  # "laut Quendel": the "Quendels Zeitung" the text names
        known = self.people.get(words[-1])
        if _thing(words) and not (known and known.named):
            return None  # "Neue App versprach": a thing says nothing
        name_words, roles = self.people.split(words)
        if article in DEFINITE and name_words == words == words[:1] and is_person_noun(words[0]):
            name_words, roles = [], words  # "der Vereins-Rekordspieler": a name takes no article
        if any(self.people.is_name(w) for w in name_words):
            person = self.people.add(words)
            if person is not None:
                return person.name, "verb"
        # A state or an institution in subject position speaks too ("Der Senat erinnerte",
        # "Norwegen behauptet"), though it is never the "er" of a later sentence.
        places = [w for w in name_words if _proper(w)]
        if places and not roles and (subject or definite):
            return " ".join(places), "verb"
        roles += [w for w in name_words if is_person_noun(w) or is_demonym(w)]  # "die Forscherin"
        if roles:
            # "Linzer Psychologen": a bare plural (not its lemma) is no one named before.
            plural = not article and word_class(roles[-1])[0] != roles[-1]
            person = None if plural else self.people.by_role(roles[-1])
            singular = article in DEFINITE and _singular(article, roles[-1])
            # "sagte das Stadtoberhaupt", "der Sprecher des Krisenstabs": the person named
            # before; but "der Sprecher von Falkenrath" is not the Falkenrath named before.
            source = self.sources.get(nominative(roles[-1]).lower())
            if person is None and singular and source:
                return source, "role"  # "Ein Sprecher des Ministeriums …": "der Sprecher"
            # "erklärte der Italiener": someone of that place, not whoever was named last
            demonym = is_demonym(roles[-1])
            if person is None and singular and not demonym and not of.startswith("vo"):
                person = self._referred(roles[-1])
                if person is not None and person.roles and not _owned_by(person, of):
                    person = None  # "der Chef der Gruppe X" is not the minister named last
            if person is None and singular and demonym and self.people.last in self.speakers:
                person = self.people.last  # "…, meinte der Wiener": the coach quoted just now
            if person is None and demonym and not is_person_noun(roles[-1]):
                return None  # "sagte der Wiener" of no one just quoted: a word the lexicon
                # knows as a thing too, no unnamed source
            if person is not None:
                return person.name, "role"
            if singular and not of and not demonym:
                return None  # "der Sprecher" of no one the text names
            # "ein Regierungssprecher", "die Experten", "der Sprecher des Ministeriums"
            return _with(nominative(roles[-1]), of), "verb"
        bodies = [w for w in name_words if is_body_noun(w)]  # "teilte die Polizei mit"
        if bodies and (article in DEFINITE or subject):
            return self._body(bodies[-1:]) if article in DEFINITE else bodies[-1], "verb"
        return None

    def _named_after_owner(self, owner: list[str]) -> PersonRecord | None:
        """A full name closing a role's owner ("der Präsidialverwaltung Hugo Stein"): the
        role's holder, a first name and a surname after the owner's noun. Not after a
        person's ("der Sprecher des Innenministers Hugo Stein" speaks for Stein)."""
        if len(owner) < 3 or not (is_common_noun(owner[0]) or is_body_noun(owner[0])):
            return None
        if is_person_or_role(owner[0]):
            return None
        name = owner[-2:]
        if not (is_first_name(name[0]) and self.people.is_name(name[1])):
            return None
        person = self.people.add(name)
        return person if person is not None and person.named else None

    def _paper(self, word: str) -> str | None:
        """The paper a text names by a word and a media noun ("Quendels Zeitung", "Lorbacher
        Blatt") that a phrase calls by the word alone."""
        return next(
            (
                m.group()
                for m in self.papers
                if m[1].startswith(word) and len(m[1]) - len(word) <= 2
            ),
            None,
        )

    def _organisation(self, words: list[str]) -> str | None:
        """The organisation the text names whose whole name the phrase holds."""
        phrase = f" {' '.join(words)} "
        return next((name for name in self.organisations if f" {name} " in phrase), None)

    def _body(self, words: list[str]) -> str:
        """ "das UN-Hilfswerk" -> the body the text named as "Flüchtlingshilfswerk QVB"; a
        body given by its name ("der Verband Steirischer Bäcker") is itself."""
        kind = body_kind(words[0]) if len(words) == 1 else None
        if kind not in self.bodies:
            return " ".join(words)
        name, short = self.bodies[kind]
        return name if short else f"{words[0]} {name}"  # "die Staatsanwaltschaft" -> "… Linz"

    def note_source(self, found: tuple[str, How] | None) -> None:
        """An unnamed speaker a sentence names ("Sprecher des Ministeriums") is whom a later
        "der Sprecher" means, unless the text names a person who holds that role."""
        spoke = self.people.get(found[0]) if found and found not in MARKERS else None
        self.speakers = [*self.speakers, spoke][-2:]
        if found is None or found in MARKERS or found[1] != "verb":
            return
        head = speaker_head(found[0])
        if head != found[0] or (" " not in head and is_person_noun(head)):
            self.sources[head.lower()] = found[0]

    def _referred(self, role: str) -> PersonRecord | None:
        """The person named before, whom a definite role noun the registry does not know
        means ("sagte das Stadtoberhaupt"); but a spokesman or a lawyer speaks for the one
        named before, unless the text gave that person no other role. A role of one gender
        never means a person of the other ("der Familienvater" is not the wife named last)."""
        last = self.people.last
        if last is None or (german.is_agent_noun(role) and last.roles):
            return None
        gender = role_gender(role)
        return last if gender is None or last.gender in (None, gender) else None

    def pronoun(self, pronoun: str, before: str = "") -> PersonRecord | None:
        """ "Hans Muster (XPD) will …: …, sagte er": the person the sentence names before its
        pronoun, unless after a preposition ("nach dem Treffen mit Muster sagte er"); else the
        last person mentioned whom the pronoun's gender fits ("er" is not "seine Mutter")."""
        gender = _GENDER.get(pronoun.lower())
        for words, start, _ in name_runs_at(before, self.people.places):
            lead = [w.lower() for w in before[:start].split()[-2:]]
            # "Für Brodnik ist das unmöglich, wie er versicherte": his view, his words
            view = before[:start].strip(' „"').lower() == "für"
            if any(w in german.PREPOSITIONS for w in lead) and not view:
                continue
            person = self.people.lookup(words)
            if person is not None and person.named and person.gender in (None, gender):
                return person
        return self.people.by_pronoun(gender)

    def group(self) -> str | None:
        """The people the last sentence read named by a plural noun ("unter den
        Anrainern"), whom a plural "sie" next means. Read only when asked: looking up
        every capitalised word's lemma for every sentence made ingest's reading 1.5 times
        as slow."""
        return next((nominative(w) for w in reversed(_plural_people(self.last_text))), None)

    def named_people(self, text: str) -> list[PersonRecord]:
        """The named people a sentence mentions anywhere, subject or not."""
        found = (self.people.lookup(words) for words in _name_runs(text, self.people.places))
        return [person for person in found if person is not None and person.named]

    def relative(self, before: str) -> PersonRecord | None:
        """ "Sie informierte Hugo Stein über den Plan, der danach sagte": the person nearest
        before the comma whose relative pronoun is the subject ("der" a man, "die" a woman)."""
        m = _RELATIVE_SUBJECT.search(before)
        if not m:
            return None
        gender = "m" if m.group(1) == "der" else "f"
        clause = re.split(r"[,;:–]", before[: m.start()])[-1]
        for words, _, _ in reversed(name_runs_at(clause, self.people.places)):
            person = self.people.lookup(words)
            if person is not None and person.named:  # the nearest person; a thing says nothing
                return person if person.gender in (None, gender) else None
        return None

    def colon_speaker(self, text: str) -> tuple[str, How] | None:
        """ "Anna Quendlinger, Sprecherin des Verbands, verteidigt den Plan: Wir …", "Quendlinger:
        Die …", "Dazu meint er: …": the subject of the clause before a colon speaks the clause
        after it: a person named first or right after the finite verb, or its pronoun; a text
        alone before it ("Studie: …") states it."""
        head, colon, tail = text.partition(": ")
        if not colon or len(tail.split()) < _COLON_CLAUSE or not tail[:1].isupper():
            return None
        if head.count("(") > head.count(")"):
            return None  # "(Codename: Amsel)": a label in parentheses
        for start, word, after_verb in subject_starts(head):
            if word.lower() in PRONOUNS and after_verb:
                person = self.pronoun(word, head[:start])
                return (person.name, "colon") if person else None
        person = self.subject_person(head) or self._statement_of(head)
        if person is None and len(head.split()) == 1 and is_document_noun(head):
            return head, "colon"  # "Studie: Wer Sport treibt, …": the study's finding
        if person is None:
            return self._so_frame(head)
        return (person.name, "colon")

    def _so_frame(self, head: str) -> tuple[str, How] | None:
        """ "…, entgegnete die Ministerin so: …", "antwortete Quendlinger darauf so: …": the
        subject after the verb of a clause ending in "so" before a colon."""
        m = _SO_FRAME.search(head)
        if not m or not is_verb(m.group(1)):
            return None
        words, definite, article = run_after(head, m.end(1))
        found = self.speaker_of(words, definite, subject=False, article=article, before=head)
        return (found[0], "colon") if found else None

    def _statement_of(self, head: str) -> PersonRecord | None:
        """ "Das Fazit für Präsident Hugo Stein", "Die Bilanz des Ministers": whose
        conclusion a verbless heading before a colon names."""
        m = _STATEMENT.match(head)
        if not m or m.group(1).lower() not in german.STATEMENT_NOUNS:
            return None
        runs = name_runs_at(m.group(2), self.people.places)
        person = self.people.lookup(runs[-1][0]) if runs else None
        if person is None and (role := re.search(r"(\w+)\s*$", m.group(2))):
            person = self.people.by_role(nominative(role.group(1)))
        return person if person is not None and person.named else None

    def subject_person(self, clause: str) -> PersonRecord | None:
        """The named person a clause has for its subject, if any."""
        runs = {start: words for words, start, _ in name_runs_at(clause, self.people.places)}
        for start, _, _ in subject_starts(clause):
            person = self.people.lookup(runs[start]) if start in runs else None
            if person is not None and person.named:
                return person
        return None

    def clause_subject(self, before: str) -> tuple[str, How] | None:
        """ "Wendelbrunn hatte … versprochen": a person named before the verb in its clause, else
        a state or institution opening the sentence ("Norwegen hatte … klargestellt")."""
        clause = re.split(r"[,;:]", before)[-1]
        unnamed = _UNNAMED.match(clause)
        if unnamed and is_person_noun(unnamed.group(1)):
            # "Ein Sprecher der Landesrätin Hugo Falkenrath (XPD) erklärte": not Falkenrath
            of = COMPLEMENT.match(clause, unnamed.end())
            return _with(nominative(unnamed.group(1)), of.group(1) if of else ""), "verb"
        pronoun = re.match(r"\s*(?:wie|als|nachdem|während)\s+(er|sie)\b", clause)
        if pronoun:  # "…, wie er am Montag versicherte"
            return self.speaker_of([pronoun.group(1)], before=before)
        subject = re.match(r"\s*wie\s+(?=(?:der|die|das)\s)", clause)
        if subject:  # "…, wie das Hilfswerk am Dienstag mitteilte": the subject follows "wie"
            words, definite, article = run_after(clause, subject.end())
            found = self.speaker_of(words, definite, article=article, short_form=True)
            if found:
                return found
        for words in _name_runs(clause, set()):
            person = self.people.get(" ".join(strip_roles(words)[0]) or words[-1])
            if person is not None and person.named:
                return person.name, "verb"
        opening = re.match(r"(Der |Die |Das )?([A-ZÄÖÜ][\w-]+)\s+(?:hat|hatte|hatten|haben)\b",
                           clause.strip())  # fmt: skip
        name = opening.group(2) if opening else ""
        if _acronym(name) or _proper(name):
            return name, "verb"
        if name and opening.group(1) and is_body_noun(name):
            return self._body([name]), "verb"  # "Die Gewerkschaft hatte … argumentiert"
        if name and not opening.group(1) and is_person_noun(name):
            return nominative(name), "verb"  # "Insider hatten … gesagt": unnamed sources
        return None

    def own_voice(self, text: str) -> PersonRecord | None:
        """Whose reported speech a sentence would be if nobody is said to speak it: the
        person its pronoun subject means ("Er sei …"), the person named before its colon
        ("Hans Muster, Sprecher des Verbands: Ich …"), else the person the sentence before
        named (news text drops quote marks: "… war sich Muster unsicher. Ich war …")."""
        first = text.split(maxsplit=1)[0] if text.strip() else ""
        if first.lower() in PRONOUNS:
            return self.pronoun(first)
        head = text.split(": ", 1)[0] if ": " in text else ""
        for words in _name_runs(head, self.people.places):
            person = self.people.lookup(words)
            if person is not None and person.named:
                return person
        return self.named

    def note_mentions(self, text: str) -> None:
        """The first person named in `text`, usually its subject, is who a following "er"
        or "der Republikaner" means; unless its subject is a pronoun, whose person stays
        the one meant ("Mit zwei Siegen zog er mit seinem Bruder Lorbach gleich. Dann gab er
        bekannt …": not Lorbach)."""
        self.named = None
        self.last_text = text
        subject = next(
            (self.pronoun(word, text[:start]) for start, word, _ in subject_starts(text)
             if word.lower() in _GENDER),
            None,
        )  # fmt: skip
        if subject is not None:
            self.people.mention(subject)
            self.named = subject
            return
        for words in _name_runs(text, self.people.places):
            name_words, roles = strip_roles(words)
            person = self.people.get(" ".join(name_words)) if name_words else None
            if person is None and roles and any(w.lower() in DEFINITE for w in text.split()):
                person = self.people.by_role(roles[-1])
            if person is not None and person.named:
                self.people.mention(person)
                self.named = person
                return


def _owned_by(person: PersonRecord, of: str) -> bool:
    """Does a role's genitive owner ("des Verbands", "der Gruppe X") fit the person: one of
    their roles or their party names it ("Verbandspräsident", "XPD-Chef")? A role with no
    owner fits anyone. Over all GNAD articles, the persons named last whose roles did not
    fit were all someone else (the foreign minister for "der Chef der Gruppe X"); those the
    text had given no role were all meant ("sagte die Rektorin der Universität X" after her
    quote)."""
    owners = [w.lower() for w in of.split() if w[:1].isupper()]
    held = " ".join([*person.roles, person.party or ""]).lower()
    return all(
        any(form and form in held for form in (w, w.removesuffix("s"), w.removesuffix("es")))
        for w in owners
    )


def _plural_people(text: str) -> list[str]:
    """Nouns for people in the plural ("Anrainern", "Experten"), not opening the text."""
    words = [w.strip(',.;:!?"„“()') for w in text.split()[1:]]
    return [
        w for w in words
        if w[:1].isupper() and (lemma := word_class(w)[0]) != w and is_person_noun(lemma)
    ]  # fmt: skip


def _named_bodies(text: str) -> dict[str, tuple[str, bool]]:
    """The institutions a text names by an institution noun and a name or short form
    ("des Flüchtlingshilfswerkes QVB", "Zentralbank (QVB)"), by their noun's kind, with
    whether the name stands alone; a second body of one kind makes the kind ambiguous."""
    found: dict[str, tuple[str, bool]] = {}
    ambiguous: set[str] = set()
    for m in _BODY_NAME.finditer(text):
        kind = body_kind(m.group(1))
        name = m.group(3)
        if kind is None or not (_acronym(name) or _proper(name)):
            continue
        # "Flüchtlingshilfswerkes QVB": the QVB; "Staatsanwaltschaft Linz": a body of Linz
        named = (name, _acronym(name) or bool(m.group(2)))
        if found.setdefault(kind, named) != named:
            ambiguous.add(kind)
    return {k: v for k, v in found.items() if k not in ambiguous}


def _name_runs(text: str, places: set[str]) -> list[list[str]]:
    """Maximal runs of capitalised words (names with their role nouns)."""
    return [words for words, _, _ in name_runs_at(text, places)]
