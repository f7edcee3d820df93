"""The rules that give a sentence naming no source of its own the speaker of its context.

News text lets reported speech go on without a new verb: in the subjunctive ("Es gebe
keine Alternative"), in a bare quote or the first person on the same line, for up to
`CARRY` sentences after the reporting one; a quote alone on its line takes the name on the
next line; an interview's answer goes on until the next label. Each rule is a class whose
`apply` reads one sentence (`At`) with what the sentences before left (`Context`) and the
speaker so far, and returns the speaker; `CONTEXT_RULES` is their order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Protocol

from qa_service.corpus.attribution.grammar import first_word, subjunctive_form
from qa_service.corpus.attribution.reader import Reader
from qa_service.corpus.attribution.sources import GOES_ON, Found
from qa_service.corpus.attribution.units import CONTINUES, FOLLOWS, UNKNOWN
from qa_service.corpus.names import (
    is_common_noun,
    is_name_word,
    is_verb,
    same_person,
    strip_roles,
)
from qa_service.corpus.people import PersonRecord
from qa_service.lang import alternatives, english, german
from qa_service.models import Section

# Subjunctive I marks reported speech on its own; subjunctive II ("würden") only right after
# a reporting sentence, since it also states conditions.
_SUBJUNCTIVE = german.SUBJUNCTIVE_I | german.SUBJUNCTIVE_II

CARRY = 3  # sentences a subjunctive I may be away from its reporting sentence


def _main_clause_words(sentence: str) -> set[str]:
    """The words of a sentence's main clauses: a clause after a comma that opens with a
    conjunction or a relative pronoun ("…, dass …", "…, die …", "…, in der …") is left out."""
    words: set[str] = set()
    opening = True  # the clause holds the sentence's start: an article there is no relative
    for clause in re.split(r"[,;:–]\s*", sentence):
        opener = [w.lower() for w in clause.split()[:2]]
        openers = (
            german.SUBORDINATORS - german.DEFINITE_ARTICLES if opening else german.SUBORDINATORS
        )
        # "Im Gegenteil, die Bahn werde …": a short phrase with no verb before the comma
        # leaves the main clause to open after it.
        opening = opening and len(clause.split()) <= 3 and not any(map(is_verb, clause.split()))
        if opener and (
            opener[0] in openers
            or (len(opener) == 2 and opener[0] in german.PREPOSITIONS | german.FOCUS_PARTICLES
                and opener[1] in openers)  # "…, mit der …", "– auch wenn …"; "Mit der
                                           # Mannschaft …" opens one
        ):  # fmt: skip
            continue
        words |= {w.strip(',.;:!?"„“‘’()') for w in clause.split()}
    return words


def _reported(words: set[str]) -> bool:
    """Is a verb in the subjunctive I, the mood of reported speech? "sei", "könne", and the
    stem + e of any verb ("verstoße", "wirke") unless "ich" is its subject."""
    if words & german.SUBJUNCTIVE_I:
        return True
    if "ich" in words or "Ich" in words:
        return False
    return any(subjunctive_form(word) for word in words)


REFERS_BACK = re.compile(
    r"^(?:"
    + alternatives(
        w[:1].upper() + w[1:]
        for w in german.BACK_REFERENCE_OPENERS | english.BACK_REFERENCE_OPENERS
    )
    + r")\b"
)

_QUOTE_OPEN = '„"“»«'

# An interview's label opening a sentence: "Hans Muster: Das ist …", "STANDARD: Warum …?".
_LABEL = re.compile(r"^[A-ZÄÖÜ][\w'’.-]*(?:\s+[A-ZÄÖÜ][\w'’.-]*){0,3}:\s")


def _label_name(at: At) -> str | None:
    """The person an answer's label names after an interviewer's question ("Muster: Nein."),
    though the colon rule did not take it: the person the text named so, else a surname
    alone that is no common noun, place or paper's short name, or one that labels the answers
    to several questions ("Bauer:" after each: the interviewee); never "Antwort:"."""
    words = at.text.split(":", 1)[0].split()
    if len(words) != 1 or not is_name_word(words[0]) or words[0].isupper():
        return None
    known = at.reader.people.get(words[0])
    if known is not None:
        return known.name
    if words[0].lower() in _ANSWER_LABELS:
        return None
    if is_common_noun(words[0]) or words[0] in at.reader.people.places:
        answers = re.findall(rf"\?\s+{re.escape(words[0])}:", at.reader.doc.text)
        return words[0] if len(answers) >= _LABELLED_ANSWERS else None
    return words[0]


_LABELLED_ANSWERS = 2  # one "Bauer: …" after a question may be a farmer's words
_QUESTION_LABELS = german.QUESTION_LABELS | english.QUESTION_LABELS
_ANSWER_LABELS = german.ANSWER_LABELS | english.ANSWER_LABELS


def _asks(text: str) -> bool:
    """Is a labelled sentence an interviewer's question: a question, or a label that is a
    paper's short name ("STANDARD: …") or says it is one ("Frage: …")?"""
    label = text.split(":", 1)[0].strip()
    return text.rstrip().endswith("?") or label.isupper() or label.lower() in _QUESTION_LABELS


def _someone_else(subject: PersonRecord | None, speaker: Found) -> bool:
    return subject is not None and not same_person(subject.name, speaker[0])


def _alone_on_line(text: str, start: int, end: int) -> bool:
    before = text.rfind("\n", 0, start)
    after = text.find("\n", end)
    return (
        not text[before + 1 : start].strip()
        and not text[end : after if after >= 0 else len(text)].strip()
    )


def _name_line(text: str, start: int, end: int, reader: Reader) -> str | None:
    """The name line under a quote: a short line of nothing but a name ("Gustav Wendelbrunn")."""
    line = text[start:end].strip()
    words = line.split()
    if not 1 <= len(words) <= 4 or re.search(r"[.!?:;,\"„“]", line):
        return None
    if not all(w[0].isupper() for w in words):
        return None
    name_words, _ = strip_roles(words)
    if not name_words or not all(reader.people.is_name(w) for w in name_words):
        return None
    known = reader.people.get(" ".join(name_words))
    if known is None and len(name_words) < 2:
        return None
    return known.name if known else " ".join(name_words)


@dataclass
class Context:
    """What the sentences read so far leave for the next."""

    previous: Found | None = None  # the sentence before's speaker ("intro" if it ends in ":")
    previous_end: int = -1
    last: Found | None = None  # the last sentence with a speaker …
    since: int = CARRY + 1  # … and how many sentences ago it was
    last_start: int = 0
    answering: Found | None = None  # the interviewee whose answer goes on
    asked: bool = False  # a label that is no answer's came before ("STANDARD: …")
    questioned: bool = False  # … and it asked ("STANDARD: …?", "Frage: …")

    def after(self, at: At, speaker: Found | None) -> None:
        """Move on past a sentence: one ending in ":" lends its speaker to the next as its
        intro; one whose source we cannot name ends the reported speech before."""
        introduces = speaker is not None and at.text.rstrip().endswith(":")
        self.previous = (speaker[0], "intro") if introduces else speaker
        self.previous_end = at.end
        if speaker is not None:
            self.last, self.last_start, self.since = speaker, at.start, 0
        else:
            self.since += 1
        if at.says_unknown:
            self.last = None


@dataclass
class At:
    """One sentence in its document, as the context rules read it: `own` is what the
    source rules found in it, `voice` whose reported speech it would be (`Reader.own_voice`)."""

    reader: Reader
    start: int
    end: int
    own: Found | None
    voice: PersonRecord | None
    next_span: tuple[int, int] | None
    section: Section | None
    previous_end: int

    @property
    def doc_text(self) -> str:
        return self.reader.doc.text

    @cached_property
    def text(self) -> str:
        return self.doc_text[self.start : self.end]

    @property
    def says_unknown(self) -> bool:
        return self.own is UNKNOWN

    @cached_property
    def gap(self) -> str:
        return self.doc_text[self.previous_end : self.start] if self.previous_end >= 0 else "\n\n"

    @property
    def same_line(self) -> bool:
        return "\n" not in self.gap

    @property
    def same_paragraph(self) -> bool:
        return "\n\n" not in self.gap

    @cached_property
    def first_person(self) -> bool:
        words = {w.strip(',.;:!?"„“‘’') for w in self.text.split()}
        return bool({w.lower() for w in words} & german.FIRST_PERSON)  # "Wir …" too

    @property
    def pronoun_subject(self) -> bool:
        """ "Er fühle sich …": the person its pronoun means speaks, not a group before."""
        return first_word(self.text) in german.SUBJECT_PRONOUNS

    @cached_property
    def mentioned(self) -> list[PersonRecord]:
        return self.reader.named_people(self.text)

    @cached_property
    def spoken(self) -> bool:
        """A modal particle of speech inside the sentence: not first ("Ja, …" answers), nor
        after a comma (", ja sogar" heightens), nor in an interviewer's labelled question."""
        if _LABEL.match(self.text):
            return False
        words = self.text.split()
        return any(
            word.strip(',.;:!?"„“‘’').lower() in german.SPOKEN_PARTICLES
            and not words[i - 1].endswith((",", ":", ";", "–"))
            for i, word in enumerate(words[1:], 1)
        )

    @cached_property
    def main(self) -> set[str]:
        return _main_clause_words(self.text)

    @cached_property
    def reported(self) -> bool:
        return _reported(self.main)

    @cached_property
    def subject(self) -> PersonRecord | None:
        """ "Quendlinger sieht … gefährdet": a person an indicative sentence names as its
        subject is not what the speaker before goes on about ("Wendelbrunn werde teilnehmen"
        may be)."""
        return None if self.reported else self.reader.subject_person(self.text)


class ContextRule(Protocol):
    name: ClassVar[str]

    def apply(self, at: At, ctx: Context, speaker: Found | None) -> Found | None: ...


class Markers:
    """What the source rules said of the context: "hieß es weiter" goes on with the last
    speaker, "Demnach" with the sentence before's; UNKNOWN is someone we cannot name."""

    name = "markers"

    def apply(self, at: At, ctx: Context, speaker: Found | None) -> Found | None:
        if speaker is CONTINUES:
            return (ctx.last[0], "continued") if ctx.last else None
        if speaker is FOLLOWS:
            return (ctx.previous[0], "continued") if ctx.previous else None
        return None if at.says_unknown else speaker


class NameLine:
    """A quote alone on its line, the speaker's name alone on the next."""

    name = "name_line"

    def apply(self, at: At, ctx: Context, speaker: Found | None) -> Found | None:
        text = at.doc_text
        nxt = at.next_span
        if nxt and _alone_on_line(text, at.start, at.end) and _alone_on_line(text, *nxt):
            line_name = _name_line(text, *nxt, at.reader)
            if line_name and not at.text.rstrip().endswith(":"):
                return line_name, "line"
        return speaker


class SpeechGoesOn:
    """Reported speech goes on in the subjunctive on the same line; a bare quote, one in the
    first person (news text quotes without marks too) or the quote an intro announces may
    start a new one; not where the sentence names another person for its subject."""

    name = "speech_goes_on"

    def apply(self, at: At, ctx: Context, speaker: Found | None) -> Found | None:
        previous = ctx.previous
        if (
            speaker is None
            and previous
            and at.same_paragraph
            and not at.says_unknown
            and not _someone_else(at.subject, previous)
        ):
            quoted = at.text[:1] in _QUOTE_OPEN or at.first_person
            if (
                quoted
                or previous[1] == "intro"
                or (at.same_line and (at.main & _SUBJUNCTIVE or at.reported))
            ):
                return previous[0], "continued"
        return speaker


class CarriedReport:
    """ "Das kündigte ein Regierungssprecher an. … Wendelbrunn werde in Präsenz teilnehmen.":
    reported speech up to `CARRY` sentences after its reporting sentence, in its section; a
    new subject ("Berta Quendlinger glaubt …") ends it."""

    name = "carried_report"

    def apply(self, at: At, ctx: Context, speaker: Found | None) -> Found | None:
        if speaker is None and not at.reported and at.subject:
            ctx.last = None
        last = ctx.last
        if (
            speaker is None
            and last
            and ctx.since <= CARRY
            and not at.says_unknown
            and not _someone_else(at.subject, last)
            and not (at.pronoun_subject and _someone_else(at.voice, last))
        ):
            section = at.section
            same_section = section is None or section.start <= ctx.last_start
            # "ja" in a sentence about someone else ("Für Hugo Stein ist es ja …") is theirs
            spoken = at.spoken and not any(_someone_else(p, last) for p in at.mentioned)
            if (at.reported or at.first_person or spoken) and same_section:
                return last[0], "continued"
        return speaker


class OwnVoice:
    """Reported speech nobody is said to speak here, nor just before: its own voice."""

    name = "own_voice"

    def apply(self, at: At, ctx: Context, speaker: Found | None) -> Found | None:
        if (
            speaker is None
            and at.voice is not None
            and not at.says_unknown
            and at.same_paragraph
            and (at.reported or at.first_person)
        ):
            return at.voice.name, "voice"
        return speaker


class Interview:
    """An answer labelled with its speaker ("Hans Muster: …") after a question labelled with
    its asker ("STANDARD: …?") goes on until the next label, whatever its sentences say. A
    quote so labelled in a report does not."""

    name = "interview"

    def apply(self, at: At, ctx: Context, speaker: Found | None) -> Found | None:
        if _LABEL.match(at.text) and not GOES_ON.match(at.text):  # "Und: …" is no label
            answer = speaker is not None and speaker[1] == "colon"
            asks = not answer and _asks(at.text)
            if not answer and not asks and ctx.questioned and (name := _label_name(at)):
                speaker, answer = (name, "colon"), True  # "Muster: Nein." after the question
            ctx.answering = speaker if answer and ctx.asked else None
            ctx.asked, ctx.questioned = not answer, asks
            if asks:
                return None  # the interviewer's question, not the answer before it going on
        elif speaker is None and ctx.answering and not at.says_unknown:
            return ctx.answering[0], "continued"
        return speaker


CONTEXT_RULES: tuple[ContextRule, ...] = (
    Markers(),
    NameLine(),
    SpeechGoesOn(),
    CarriedReport(),
    OwnVoice(),
    Interview(),
)
