"""The rules that find the source a sentence names for itself, one class each.

Each rule reads a `Sentence` with the document's `Reader` (who the text has named so far)
and returns (speaker, how), a marker (`UNKNOWN`: someone speaks whom we cannot name;
`CONTINUES`, `FOLLOWS`: the speaker before goes on), or None to leave the sentence to the
next rule. `SOURCE_RULES` is their order: a reporting verb and its subject first, the
sentence's other ways of naming a source after, and last a sentence that reports someone's
words without saying whose. Sentences left without a source are the context rules' (`carry.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from qa_service.corpus.attribution.grammar import (
    I_WE,
    can_speak,
    complement,
    first_person_subject,
    first_word,
    nominative,
    opens_clause,
    past_adverbs,
    past_relative,
    reporting_verbs,
    run_after,
    states_view,
    subject_before,
    subjunctive_form,
)
from qa_service.corpus.attribution.reader import Reader
from qa_service.corpus.attribution.units import CONTINUES, FOLLOWS, UNKNOWN, How
from qa_service.corpus.names import (
    PRONOUNS,
    is_body_noun,
    is_common_noun,
    is_document_noun,
    is_role,
    strip_roles,
    word_class,
)
from qa_service.lang import alternatives, german

Found = tuple[str, How]

# "beklagte sich Falkenrath": a reflexive reporting verb's subject stands after "sich".
_REFLEXIVE = re.compile(r"(?:\s+sich\b)?")

# "Und: …" goes on with the last speaker's words.
GOES_ON = re.compile(r"^(?:" + alternatives(w.capitalize() for w in german.GOING_ON) + r"):\s")

_HIESS = re.compile(r"(?<!\w)(hieß|heißt) es\b(?:\s+(?:weiter|ausdrücklich|zudem|auch))*")
# "hieß es im Ministerium": where it was said, before the words that name it.
_HIESS_AT = re.compile(r"\s*(?:im|aus|in|von|vom|beim)\s+(?:\w+\s+){0,3}?")
# "hieß es (am Freitag) seitens des Ministeriums": whose statement, in the genitive.
_HIESS_ON_BEHALF = re.compile(r"\s*(?:\S+\s+){0,3}?(?:seitens|vonseiten|von seiten)\s+")

# "Von der Landesregierung hieß es": the body a statement came from, before it.
_HIESS_FROM = re.compile(
    r"(?:^|\s)(?:[Vv]on|[Aa]us|[Bb]ei|[Ii]m|[Ii]n)\s+(?:(?:der|dem|den|des)\s+)?"
    r"(?:[a-zäöü]+\s+)*([A-ZÄÖÜ][\w-]+)\s*$"
)

# "betonte man": the impersonal subject right after a verb.
_MAN = re.compile(r"\s+man\b")

# "so seine Einschätzung": the person the possessive means.
_SO_OWN = re.compile(r"(?:^|[,;–-]\s*)so\s+(sein|ihr)(?:e|er|en|em)?\s+[A-ZÄÖÜ]")

# What a closing "so" phrase may hold up to the sentence's end: a few words, no clause.
_CLOSING = re.compile(r"[^,;:–]{3,80}[.!?]?\s*")
_SO = re.compile(
    r"(?:^|[,;–-]\s*|\.\s+)so\s+(?=(?:(?:der|die|das|ein|eine)\s+(?:[a-zäöüß]+e\s+)?)?[A-ZÄÖÜ])"
)

_LAUT = re.compile(
    r"(?<!\w)(?:[Ll]aut|[Nn]ach (?:den )?"
    r"(?:Angaben|Worten|Aussage|Darstellung|Meinung|Auffassung|Einschätzung)"
    r" (?:von|des|der|aus)"
    r"|aus einem (?:Post|Beitrag|Schreiben|Brief|Interview|Statement) (?:des|der|von)"
    r"|[Aa]ccording to)\s+"
)

# A source that names no one ("nach französischen Angaben"): someone speaks, we cannot say who.
_ANONYMOUS = re.compile(
    r"(?<!\w)[Nn]ach (?:\w+(?:en|er) )(?:Angaben|Darstellung|Informationen|Berichten)\b"
)

_ZUFOLGE = re.compile(r"([A-ZÄÖÜ][\w-]+)\s+zufolge\b")

# A name set off by commas after a role ("der Leiter der Stadtverwaltung, Jurij Balakow,";
# "Hugo Raad al-Stein"): two to four words, closed by punctuation.
_NAME_WORD = rf"(?:[A-ZÄÖÜ][\w-]+|(?:{alternatives(german.NAME_PARTICLES)})(?:-[\w-]+)?)"
# The name a role goes on to: after a comma ("der Leiter der Stadtverwaltung, Hugo Stein") or
# after a second role joined by "und" ("der Vizepräsident des Senats und Parteichef Hugo Stein").
_APPOSITION = re.compile(
    rf"^[^,.;:]{{0,100}}(?:,|\s+und)\s+([A-ZÄÖÜ][\w-]+(?:\s{_NAME_WORD}){{1,3}})"
    r"(?=\s*(?:[,.;:]|$))"
)

# Right after a reporting verb, a nominative article: "teilte die QVB mit", "berichtet das KFZV".
_NOMINATIVE_NEXT = re.compile(r"\s*(?:die|das)\s")
# "…, betonte der KFZV." / "… der KFZV in einer Aussendung": a word after "der" that closes
# the clause, or only a prepositional phrase follows, is its subject; "sagte der KFZV ein
# Sprecher" (dative) has another after it. Whether the word is a short form, `speaker_of`
# tells.
_SUBJECT_SHORT_FORM = re.compile(
    r"\s*der\s+[\w-]+(?:\s*[.!?,;:–]|\s*$"
    rf"|\s+(?:{alternatives(german.PREPOSITIONS)})\s+[^,.;:]*[.!?]?$)"
)


@dataclass
class Sentence:
    """One sentence as the source rules read it: its text and its reporting verbs."""

    text: str

    @cached_property
    def verbs(self) -> list[re.Match[str]]:
        """Its reporting verbs, the indicative first: a verb in the subjunctive ("Das Urteil
        erkläre …, sagte …") is within the content."""
        return sorted(reporting_verbs(self.text), key=lambda m: subjunctive_form(m.group()))

    @cached_property
    def reports(self) -> list[re.Match[str]]:
        """The verbs whose subject is not the first person: "Wir fordern … auf" is the
        quote's own speaker, said before it."""
        return [m for m in self.verbs if not first_person_subject(self.text, m)]


def framing(verb: re.Match[str]) -> bool:
    """A verb of knowing or showing, which names its subject right after it or frames
    nothing; not used reflexively ("zeigt sich zufrieden" shows no finding)."""
    reflexive = _REFLEXIVE.match(verb.string, verb.end()).group()
    return word_class(verb.group())[0] in german.FRAMING_VERBS and not reflexive


def _closing_first(text: str, reports: list[re.Match[str]]) -> list[re.Match[str]]:
    """The verbs of a sentence in the order their subjects are tried: a last one right after
    a comma frames all before it, a report within the report too ("Lotter hat gesagt, man
    müsse …, behauptete Stein": Stein claims it), so it comes first."""
    if len(reports) > 1 and text[: reports[-1].start()].rstrip().endswith(","):
        return [reports[-1], *reports[:-1]]
    return reports


def _plural_subject(words: list[str], article: str, verb: re.Match[str]) -> bool:
    """A plural noun opening the sentence before a plural verb is that verb's subject, named
    or not; a singular name after the verb is its object."""
    if not words or not verb.group().endswith("en") or not is_common_noun(words[-1]):
        return False
    noun = words[-1]
    return word_class(noun)[0] != noun or (article.lower() == "die" and not noun.endswith("in"))


class SourceRule(Protocol):
    name: str  # its cases file: tests/data/attribution_rules/<name>.jsonl

    def find(self, reader: Reader, s: Sentence) -> Found | None: ...


class ReportingVerb:
    """A reporting verb and its subject: "…, sagte Wendelbrunn", "Quendlinger schrieb …",
    "teilte die Polizei mit", "Er forderte …" (German verb-second order: the subject stands
    right after the verb when something else comes first)."""

    name = "reporting_verb"

    def find(self, reader: Reader, s: Sentence) -> Found | None:
        text = s.text
        for m in _closing_first(text, s.reports):
            end = _REFLEXIVE.match(text, m.end()).end()  # past "sich" ("beklagte sich X")
            after = text[end:].lstrip()
            first = after.split(maxsplit=1)[0].strip(",.:;") if after else ""
            found = None
            lead = text[: m.start()]
            if m.group().endswith("en") and (first == "sie" or lead.endswith(("Sie ", " sie "))):
                # "Sie sprachen von …", "sagten sie": the people a plural noun named before,
                # never one person
                group = reader.group()
                if group:
                    return group, "pronoun"
                continue
            at = past_relative(text, past_adverbs(text, m.start()), first)  # subject's end
            if first.lower() in PRONOUNS:
                found = reader.speaker_of([first], before=lead)
            elif opens_clause(text, at) and (not framing(m) or states_view(text, m)):
                words, article = subject_before(text, at)
                found = reader.speaker_of(words, article=article, before=lead, short_form=True)
                if found is None and _plural_subject(words, article, m):
                    continue  # "Westliche Regierungen werfen Russland vor": not Russland
            if found is None and first.lower() not in PRONOUNS:
                found = self._after_verb(reader, text, m, end)
            finite = text[m.end() :].lstrip()[:1] in ",:;.!?"  # a relative clause's verb ends it
            if found is None and finite and (person := reader.relative(lead)):
                return person.name, "pronoun"  # "…, der danach sagte:", not "der erklären soll"
            pronoun_before = lead.rstrip().lower().endswith(tuple(PRONOUNS))
            if found is None and not framing(m) and pronoun_before:
                found = reader.speaker_of([lead.split()[-1]], before=lead)
            if found:
                return found
        return None

    @staticmethod
    def _after_verb(reader: Reader, text: str, m: re.Match[str], end: int) -> Found | None:
        """The subject after the verb, else (not for a verb of knowing) before it or the
        person its clause names."""
        words, definite, article = run_after(text, end)
        if words and not any(reader.people.is_name(w) for w in strip_roles(words)[0]):
            # "erklärte der Leiter der Stadtverwaltung, Jurij Balakow": the role (or a noun
            # for a person: "der Geschäftsführer des Vereins, …") is his, as a later "der
            # Leiter" says
            at = text.find(words[-1], end)
            appos = _APPOSITION.match(text[at:])
            names = strip_roles(appos.group(1).split())[0] if appos else []
            if names and all(reader.people.is_name(w) for w in names if w[:1].isupper()):
                words, definite, article = [*words, *names], False, ""
        short_form = _NOMINATIVE_NEXT.match(text, end) or _SUBJECT_SHORT_FORM.match(text, end)
        found = reader.speaker_of(
            words + complement(text, end, words), definite, subject=False,
            article=article, short_form=bool(short_form),
        )  # fmt: skip
        if found is None and not framing(m):
            before, article = subject_before(text, m.start())
            if before and before[-1].lower() in PRONOUNS:
                before = before[-1:]
            found = reader.speaker_of(before, article=article, before=text[: m.start()])
        if found is None and not framing(m):
            found = reader.clause_subject(text[: m.start()])
        return found


class SoOrLaut:
    """ "…, so Wendelbrunn", "laut X", "nach Angaben von X", "nach den Worten von X". A "so"
    phrase ending the sentence that names no one we can name ("…, so die Argumentation des
    offiziellen Bruggenau") is still someone's words: UNKNOWN, not the speaker before's."""

    name = "so_or_laut"

    def find(self, reader: Reader, s: Sentence) -> Found | None:
        text = s.text
        for pattern, how in ((_SO, "so"), (_LAUT, "laut")):
            for m in pattern.finditer(text):
                words, definite, article = run_after(text, m.end())
                words += complement(text, m.end(), words)
                found = reader.speaker_of(words, definite, article=article, short_form=True)
                if found:
                    return found[0], how
                if how == "so" and _CLOSING.fullmatch(text, m.end()):
                    return UNKNOWN
        return None


class SoOwn:
    """ "…, so seine Einschätzung": the person the possessive means."""

    name = "so_own"

    def find(self, reader: Reader, s: Sentence) -> Found | None:
        text = s.text
        m = _SO_OWN.search(text)
        if m:
            person = reader.subject_person(text[: m.start()]) or reader.pronoun(
                "er" if m.group(1) == "sein" else "sie", text[: m.start()]
            )
            if person is not None:
                return person.name, "so"
        return None


@dataclass(frozen=True)
class Marker:
    """A pattern that says how the sentence stands to the speakers around it: `marker` where
    it matches, else nothing."""

    name: str
    pattern: re.Pattern[str]
    marker: Found

    def find(self, reader: Reader, s: Sentence) -> Found | None:
        return self.marker if self.pattern.search(s.text) else None


class PerSourceBefore:
    """ "Demnach …", "Demzufolge …": according to the source of the sentence before."""

    name = "per_source_before"

    def find(self, reader: Reader, s: Sentence) -> Found | None:
        return FOLLOWS if first_word(s.text) in german.PER_SOURCE_BEFORE else None


class Colon:
    """ "Anna Quendlinger, Sprecherin des Verbands, verteidigt den Plan: Wir …": the subject
    of the clause before a colon speaks the clause after it."""

    name = "colon"

    def find(self, reader: Reader, s: Sentence) -> Found | None:
        return reader.colon_speaker(s.text)


class Zufolge:
    """ "Insidern zufolge", "Dem Staatsanwalt zufolge", "Seinen Angaben zufolge"."""

    name = "zufolge"

    def find(self, reader: Reader, s: Sentence) -> Found | None:
        text = s.text
        m = _ZUFOLGE.search(text)
        if not m:
            return None
        source = m.group(1)  # a common noun in its dictionary form
        if can_speak(source):
            # "Dem Staatsanwalt zufolge": the prosecutor the text named, if it did
            person = reader.people.by_role(nominative(source)) if is_role(source) else None
            return (person.name, "role") if person else (nominative(source), "laut")
        # "Seinen Angaben zufolge": his; "den Angaben zufolge": a source named before
        owner = re.search(r"\b(sein|ihr)\w*\s+$", text[: m.start()], re.I)
        person = reader.pronoun("er" if owner and owner.group(1).lower() == "sein" else "sie",
                                text[: m.start()]) if owner else None  # fmt: skip
        return (person.name, "laut") if person else UNKNOWN


class HiessEs:
    """ "hieß es im Ministerium", "Von der Regierung hieß es", "hieß es weiter"; "Bei den
    Ämtern wiegelte man ab": a body, in the plural too, before the impersonal "man"."""

    name = "hiess_es"

    def find(self, reader: Reader, s: Sentence) -> Found | None:
        text = s.text
        for verb in s.reports:
            if _MAN.match(text, verb.end()):
                source = _HIESS_FROM.search(text[: verb.start()])
                body = source.group(1) if source else ""
                if body and (is_body_noun(body) or is_body_noun(word_class(body)[0])):
                    return body, "verb"  # "Bei den Ämtern wiegelte man ab"
        m = _HIESS.search(text)
        if m and "weiter" in m.group():
            return CONTINUES
        if m:
            source = _HIESS_FROM.search(text[: m.start()])
            if source and is_body_noun(source.group(1)):  # "Von der Regierung hieß es"
                return source.group(1), "verb"
            place = _HIESS_ON_BEHALF.match(text, m.end()) or _HIESS_AT.match(text, m.end())
            if place:
                words = run_after(text, place.end())[0]
                owner = _owner(reader, words)
                if owner:
                    return owner, "verb"
                if words:
                    return " ".join(words), "verb"
        return None


def _owner(reader: Reader, words: list[str]) -> str | None:
    """ "in einer Erklärung Bans": the person named before whose text it is."""
    if len(words) < 2 or not is_document_noun(words[0]) or not words[-1].endswith("s"):
        return None
    person = reader.people.lookup([words[-1][:-1]])
    return person.name if person is not None and person.named else None


class UnnamedReport:
    """A sentence whose verbs report someone's words without saying whose: UNKNOWN, so it
    does not inherit the speaker before. But "Ich habe das Gefühl, dass sie es ernst meinen":
    a sentence in the first person is someone's own words, whoever its verbs report, unless
    one frames it ("Ich …, sagte ein Teilnehmer"); it may go on the speaker before. A verb in
    the subjunctive ("widerspreche die Novelle") or of knowing reports nothing new."""

    name = "unnamed_report"

    def find(self, reader: Reader, s: Sentence) -> Found | None:
        text = s.text
        verbs = sum(not (subjunctive_form(m.group()) or framing(m)) for m in s.reports)
        framed = any(text[: m.start()].rstrip().endswith((",", "–")) for m in s.reports)
        own_words = first_word(text) in I_WE
        return UNKNOWN if verbs and (framed or not own_words) else None


SOURCE_RULES: tuple[SourceRule, ...] = (
    ReportingVerb(),
    SoOrLaut(),
    SoOwn(),
    # "Laut Zeitung …": a source we cannot name, not the speaker before
    Marker("laut_unnamed", _LAUT, UNKNOWN),
    # "Und: …" goes on with the last speaker's words
    Marker("goes_on", GOES_ON, CONTINUES),
    PerSourceBefore(),
    Colon(),
    Zufolge(),
    # "nach französischen Angaben": someone speaks, we cannot say who
    Marker("anonymous", _ANONYMOUS, UNKNOWN),
    HiessEs(),
    UnnamedReport(),
)


def own_source(
    reader: Reader, text: str, rules: tuple[SourceRule, ...] = SOURCE_RULES
) -> Found | None:
    """The source a sentence names for itself: the first rule's that finds one."""
    sentence = Sentence(text)
    for rule in rules:
        found = rule.find(reader, sentence)
        if found is not None:
            return found
    return None
