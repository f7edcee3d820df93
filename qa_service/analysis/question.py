"""What a news question asks for: its type, whose words, about what, and when.

The answerer needs to know more than a question's vector: "Was sagte Brunner zur Rentenreform?"
wants Brunner's own statements (not sentences about him, not other people's), a where-question a
place, a when-question a date, a how-many question a number. The rules are a table of
question openings per language; a name is a capitalised word that is not a question word,
a role noun or the first word.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from qa_service.analysis.dates import TimeRange, read_time
from qa_service.corpus.names import is_name_word, is_role, noun_by_ending, word_class
from qa_service.lang import alternatives, english, german
from qa_service.models import Language
from qa_service.retrieval.tokens import tokenize

QuestionType = Literal[
    "who", "who_said", "said_what", "when", "where", "how_many", "why", "how", "yes_no", "what"
]

# Reporting verbs as questions write them, both languages, lemmas and forms.
_SAY = frozenset(
    f
    for table in (german.QUESTION_REPORTING_FORMS, german.QUESTION_OPINION_FORMS)
    for forms in table.values()
    for f in forms
) | frozenset(
    (*english.REPORTING_VERBS, *(f for fs in english.REPORTING_VERBS.values() for f in fs))
)
# ... as index tokens: no topic word of a question ("sagte" is how it asks, not what about).
_SAY_TOKENS = frozenset(tokenize(" ".join(_SAY)))

# "Wie äußerte sich …", "How did … describe …": how someone spoke of something.
_DESCRIBE = sorted(
    {f for v in ("äußern", "beschreiben", "bezeichnen") for f in german.QUESTION_REPORTING_FORMS[v]}
    | {"describe", *english.REPORTING_VERBS["describe"]}
)

# fmt: off
_RULES: list[tuple[QuestionType, re.Pattern[str]]] = [
    (
        "who_said",
        re.compile(
            r"^(?:und\s+|and\s+)?(?:wer|who)\s+(?:hat\s+|has\s+|had\s+)?(?:\w+\s+)?"
            r"(?:" + alternatives(_SAY) + r")\b",
            re.I,
        ),
    ),
    (
        "said_what",
        re.compile(
            r"^(?:und\s+|and\s+)?(?:welche\s+(?:forderungen|aussagen|äußerungen|worte|"
            r"warnungen)\b|.*\b\w+'s\s+(?:\w+\s+)?(?:statement|remarks|words|comments|response|reaction)\b|"
            r"(?:wie|how)\s+(?:\w+\s+){0,3}?(?:" + alternatives(_DESCRIBE) + r")\b|"
            # "Wie sieht X die Proteste?": a view ("Wie sieht die Lage aus?" is none)
            r"wie\s+(?:sieht|sehen|beurteilt|beurteilen|bewertet|bewerten)\b(?!.*\baus\W*$)|"
            r"what\s+(?:did|does|do|has|have)\s+.*\bcall\s+(?:on|for)\b|"  # "What did X call on …?"
            r"(?:was|what)\b.*\b(?:"
            + alternatives(_SAY)
            + r")\b)",
            re.I,
        ),
    ),
    ("who_said", re.compile(r"^(?:und\s+|and\s+)?von\s+wem\s+(?:stammt|kommt)|^(?:and\s+)?whose\s+"
                            r"(?:words|quote|statement)", re.I)),
    (
        "how_many",
        re.compile(
            r"^(?:und\s+|and\s+)?(?:wie\s*viel(?:e[mnrs]?)?|wie\s+(?:hoch|lang|groß|alt|weit|schwer|"
            r"teuer)|how\s+(?:many|much|long|old|large|big|far|high)|what\s+(?:percentage|"
            r"number|share)|um\s+wie\s+viel)\b",
            re.I,
        ),
    ),
    ("when", re.compile(r"^(?:und\s+|and\s+)?(?:wann|seit\s+wann|bis\s+wann|ab\s+wann|"
                        r"um\s+wie\s+viel\s+uhr|an\s+welchem\s+tag|in\s+welchem\s+(?:jahr|monat)|when|what\s+time|how\s+soon|"
                        r"on\s+what\s+(?:day|date)|in\s+(?:what|which)\s+(?:year|month)|"
                        r"since\s+when)\b", re.I)),
    ("where", re.compile(r"^(?:und\s+|and\s+)?(?:wo|wohin|woher|"
                         r"in\s+welche[mrn]?\s+(?:stadt|land|ort)|"
                         r"an\s+welchem\s+ort|where|in\s+which\s+(?:city|country|town|place))\b",
                         re.I)),
    ("why", re.compile(r"^(?:und\s+|and\s+)?(?:warum|weshalb|wieso|weswegen|"
                       r"aus\s+welchem\s+grund|why|"
                       r"for\s+what\s+reason)\b", re.I)),
    ("who", re.compile(r"^(?:und\s+|and\s+)?(?:wer|wen|wem|wessen|who|whom|whose|welche[rs]?\s+"
                       r"(?:politiker|person|präsident|minister)|which\s+(?:politician|person|"
                       r"leader))\b", re.I)),
    ("how", re.compile(r"^(?:und\s+|and\s+)?(?:wie|womit|wodurch|how)\b", re.I)),
]
# fmt: on
# A question opening with a finite verb asks yes or no ("Ist …", "Nimmt …", "Does …"); "Was"
# is German "what". A German finite verb is an auxiliary or modal, or a word ending like one
# ("-t", "-en") that is no function word ("Welchen", "Seit").
_OPENING = re.compile(r"^(?:und\s+|and\s+)?([^\W\d_]+)\b", re.I)
_NOT_VERBS = (
    german.QUESTION_WORDS
    | german.PREPOSITIONS
    | german.ARTICLES
    | german.OPENING_WORDS
    | german.PRONOMINAL_ADVERBS
    | german.STOPWORDS
)


def _asks_yes_no(question: str, language: Language) -> bool:
    opening = _OPENING.match(question)
    verb = opening.group(1).lower() if opening else ""
    if language == "en":
        return verb in english.AUXILIARY_FORMS | english.MODAL_FORMS
    if verb in german.AUXILIARY_FORMS | german.MODAL_FORMS:
        return True
    return verb not in _NOT_VERBS and verb.endswith(("t", "en"))


_QUESTION_WORDS = german.QUESTION_WORDS | english.QUESTION_WORDS | {"und", "and"}
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s?$")  # English: "Lorbach's", "Jones'"

Amount = Literal["money", "percent"]
# Only these types ask for an amount: "What did X say about the price?" asks for words.
_AMOUNT_TYPES = ("how_many", "what", "how")
_AMOUNTS: list[tuple[Amount, re.Pattern[str]]] = [
    (
        "money",
        re.compile(f"{german.MONEY_QUESTION_PATTERN}|{english.MONEY_QUESTION_PATTERN}", re.I),
    ),
    (
        "percent",
        re.compile(f"{german.PERCENT_QUESTION_PATTERN}|{english.PERCENT_QUESTION_PATTERN}", re.I),
    ),
]


def _amount(question: str, qtype: QuestionType) -> Amount | None:
    """The amount a question asks for: "Wie viel hat der Umbau gekostet?" a sum of money,
    "What share of the vote did the party get?" a share."""
    if qtype not in _AMOUNT_TYPES:
        return None
    return next((kind for kind, pattern in _AMOUNTS if pattern.search(question)), None)


@dataclass(frozen=True)
class QuestionAnalysis:
    """What the answerer must find; `speaker` is set for said-what questions only."""

    language: Language
    type: QuestionType
    speaker: str | None = None
    names: tuple[str, ...] = ()  # every name in the question, the speaker's too
    topic: tuple[str, ...] = ()  # content tokens (stemmed), without the speaker and dates
    time: TimeRange = TimeRange()
    amount: Amount | None = None  # a how-much or what question after a sum or a share

    @property
    def subject(self) -> str | None:
        """The first name that is not the speaker: who or what the question is about."""
        return next((n for n in self.names if n != self.speaker), None)


def _names(question: str) -> list[str]:
    """Capitalised words that can be names, joined into runs ("Odile Moreau")."""
    runs: list[list[str]] = []
    previous_end = -1
    for i, m in enumerate(_WORD.finditer(question)):
        word = m.group()
        # The first word of a question is its opening ("Was", "Ist", "Who"), not a name.
        if i == 0 or question[: m.start()].rstrip().endswith((".", "?", "!", ":")):
            continue
        low = word.lower()
        if low in _QUESTION_WORDS or not is_name_word(word) or low in _SAY or noun_by_ending(word):
            previous_end = -1
            continue
        owner = _POSSESSIVE.search(word)  # "Hugo Stein's new play": the name ends
        word = word[: owner.start()] if owner else word
        if runs and previous_end >= 0 and question[previous_end : m.start()].strip() == "":
            runs[-1].append(word)
        else:
            runs.append([word])
        previous_end = -1 if owner else m.end()
    return [" ".join(r) for r in runs if not _role_field(r, question)]


def _role_field(run: list[str], question: str) -> bool:
    """Is a run of capitalised words the field of the role after it ("Interior Minister X",
    "Social Affairs Minister X"), no name?"""
    if not all(w.lower() in english.ROLE_FIELDS for w in run):
        return False
    after = re.search(rf"\b{re.escape(' '.join(run))}\s+([^\W\d_]+)", question)
    return after is not None and is_role(after.group(1))


# Words before a name typed in lower case: articles ("der minister brunner") and role nouns.
_SKIP = german.DEFINITE_ARTICLES | english.ARTICLES
# Words after it, which end it: prepositions, time words, particles ("was sagte brunner zur …").
_STOP = (
    german.PREPOSITIONS
    | english.PREPOSITIONS
    | german.PRONOMINAL_ADVERBS
    | german.TIME_ADVERBS
    | english.TIME_ADVERBS
    | german.RECENT
    | english.RECENT
    | german.PARTICLES
    | english.PARTICLES
)
_POSITION = re.compile(
    r"^(?:und\s+|and\s+)?(?:was|what|wie|how)\s+(?:(?:did|does|do|has|have|had|hat|haben|"
    r"hatte|hatten|will|would)\s+)?(.+)$",
    re.I,
)


def _speaker_at(question: str) -> str | None:
    """Who the question asks about by position, for questions typed in lower case:
    "was sagte brunner …", "what did moreau tell …", "was hat sawadskyj zuletzt … gesagt"."""
    m = _POSITION.match(question.strip().rstrip("?"))
    if not m:
        return None
    words = m.group(1).split()
    if words and words[0].lower() in _SAY:
        words = words[1:]  # "was sagte brunner": the verb comes first
    if words and words[0].lower() in german.SUBJECT_PRONOUNS | english.SUBJECT_PRONOUNS:
        return None  # a follow-up: whose words comes from the conversation
    out: list[str] = []
    for w in words:
        low = w.lower().strip(",.")
        if not out and (
            low in _SKIP
            or low in english.ROLE_FIELDS  # "what did interior minister brunner say"
            or (is_role(low) and low not in english.ROLE_PREFIXES)
        ):
            continue
        if is_role(low):
            return None  # "the party's general secretary": whoever holds the role
        if low in _SAY or low in _STOP or not w[:1].isalpha():
            break
        out.append(w.strip(",."))
        if len(out) == 2:
            break
    return " ".join(out) if out else None


def _speaker(question: str, names: list[str], qtype: QuestionType) -> str | None:
    if qtype != "said_what":
        return None
    possessive = re.search(r"\b([A-Za-zÄÖÜäöü-]+)'s\s+(?:\w+\s+)?"
                           r"(?:statement|remarks|words|response|reaction)", question)  # fmt: skip
    if possessive:
        return possessive.group(1)
    owner = re.search(r"\b([A-Za-zÄÖÜäöü-]+)'s\s+(\w+)(?:\s+(\w+))?", question)
    owned = [w for w in owner.groups()[1:] if w] if owner else []
    head = next((w for w in owned if w.lower() not in english.ROLE_PREFIXES), None)
    if head and is_role(head):
        return None  # "Ferrari's president", "Austria's prime minister": a role, not the name
        # before it; "the Commission's EU border guard proposal" is none
    placed = _speaker_at(question)
    if not names:
        return placed
    if placed and placed[:1].isupper() and not any(placed in n or n in placed for n in names):
        return placed  # "What did Brodnik say about the show": a surname read as a noun
    speaker = _nearest_the_verb(question, names)
    if speaker is None:
        return None
    at = question.find(speaker)
    before = question[:at]
    if any(is_role(m.group(1)) for m in _OF.finditer(before)):
        return None  # "the mayor of Linz": whoever holds the role, not the place
    if holder := _role_holder_after(question, at + len(speaker), names):
        return holder  # "Was sagte Lorbachs Trainer Hugo Stein": Stein, not Lorbach
    if _beside_a_role(before, question[at + len(speaker) :]):
        return None
    return speaker


def _role_holder_after(question: str, end: int, names: list[str]) -> str | None:
    """A name right after a role that follows the name ending at `end` ("Lorbachs Trainer
    Hugo Stein", "Lorbach coach Hugo Stein"): the one who holds the role speaks."""
    for name in names:
        at = question.find(name, end)
        between = _WORD.findall(question[end:at]) if at > end else []
        if 1 <= len(between) <= 2 and all(is_role(w.lower()) for w in between):
            return name
    return None


# Words between a role and a name that make the name no speaker: a preposition ("der
# Verteidigungsminister zur Rückführung von Flüchtlingen") or a genitive article ("der Sprecher
# der Stadtwerke").
_BETWEEN = german.PREPOSITIONS | english.PREPOSITIONS | {"der", "des"}


def _beside_a_role(before: str, after: str) -> bool:
    """Is a name the question gives a role's modifier or its topic rather than the speaker?
    A role follows it in the same phrase ("the British prime minister", "the Puls 4 info
    director"), or a role precedes it with a preposition or genitive between ("Was sagte der
    Verteidigungsminister zur Balkanroute?"): whoever holds the role is asked for."""
    for word in _WORD.findall(after)[:3]:
        low = word.lower()
        if low in _SAY or low in _STOP:
            break
        if is_role(low) and low not in english.ROLE_PREFIXES:
            return True
    words = [w.lower() for w in _WORD.findall(before)]
    roles = [i for i, w in enumerate(words) if is_role(w) and w not in english.ROLE_PREFIXES]
    return bool(roles) and any(w in _BETWEEN for w in words[roles[-1] + 1 :])


# "What did the president of the Regional Forestry Office say": a role of a place
# or a body is asked for by the role (`ExtractiveAnswerer.with_role_speaker` resolves it).
_OF = re.compile(r"\b([^\W\d_][\w-]*)\s+of\s", re.I)


def _nearest_the_verb(question: str, names: list[str]) -> str | None:
    """The name nearest after the reporting verb, else the first name: "Was sagte Brunner
    …", "What did Brunner say …", "Wie äußerte sich der Minister Brunner …". An English
    question names its speaker before the verb ("What did the EU commissioner say about …
    Europe?": no one by name), after "by", or as the owner of views ("… describe Hugo's
    views")."""
    verb = re.search(r"\b(" + alternatives(_SAY | {"react"}) + r")\b", question,
                     re.I)  # fmt: skip
    if verb:
        after = [n for n in names if question.find(n) > verb.start()]
        before = [n for n in names if question.find(n) < verb.start()]
        if question.lower().startswith(("what", "how", "and what", "and how")):
            if before:
                return before[-1]  # nearest the verb: "Hartwig CEO Anna Berger said"
            by = [
                n
                for n in after
                if re.search(rf"\bby\s+(?:\w+\s+)?{re.escape(n)}|{re.escape(n)}'s\b", question)
                or n.endswith("'s")
            ]
            return by[0] if by else None
        if after:
            return after[0]
    return names[0]


_TYPOS = german.QUESTION_WORD_TYPOS | english.QUESTION_WORD_TYPOS
# "Welcher/Which" and the words after it: the noun it asks with comes first, or after an
# adjective ("in what year", "Welcher frühere Minister", "What Austrian painter").
_WHICH = re.compile(r"\b(?:welche[rsmn]?|which|what)((?:\s+[^\W\d_][\w-]*){1,3})", re.I)
_KINDS: dict[Language, tuple[tuple[QuestionType, frozenset[str]], ...]] = {
    "de": (
        ("when", german.TIME_NOUNS),
        ("where", german.PLACE_NOUNS),
        ("who", german.PERSON_NOUNS),
    ),
    "en": (
        ("when", english.TIME_NOUNS),
        ("where", english.PLACE_NOUNS),
        ("who", english.PERSON_NOUNS),
    ),
}


def _modifier(word: str, language: Language) -> bool:
    """A word between "welcher/which" and its noun: a German adjective (lower case, inflected:
    "frühere", "deutschen"), an English adjective of origin ("German", "British")."""
    if language == "de":
        return word.islower() and word.endswith(("e", "er", "en", "em", "es"))
    return word[:1].isupper() and word.lower() not in english.STOPWORDS


def _kind_of(word: str, language: Language) -> QuestionType | None:
    """The kind a noun asks for: a time, a place or a person (a role is a person)."""
    forms = {word.lower()}
    if language == "de":
        forms.add(word_class(word)[0].lower())
    else:
        forms |= {word.lower().removesuffix("s"), re.sub(r"ies$", "y", word.lower())}
    if is_role(word):
        return "who"
    return next((kind for kind, nouns in _KINDS[language] if forms & nouns), None)


def _kind_asked(text: str, language: Language) -> QuestionType:
    """A question no opening types asks by its noun: "… in what year?" when, "Which countries
    …" where, "Welcher frühere Minister …" who; else what."""
    for m in _WHICH.finditer(text):
        for word in m.group(1).split():
            if kind := _kind_of(word, language):
                return kind
            if not _modifier(word, language):
                break
    return "what"


# "Wie heißt der Arzt, …?", "What is the name of Brunner's wife?": a name asked for, of a
# person when the noun is one.
_NAME_OF = re.compile(
    r"^(?:und\s+|and\s+)?(?:wie\s+hei(?:ß|ss)(?:t|en)\s+(?:der|die|das|den)|what\s+(?:is|was)\s+"
    r"the\s+name\s+of\s+(?:the\s+)?(?:[\w-]+'s\s+)?)\s*([^\W\d_][\w-]*)",
    re.I,
)


def _opening_type(text: str) -> QuestionType | None:
    return next((name for name, pattern in _RULES if pattern.search(text)), None)


# What may stand before a question's opening: a preposition ("Auf wessen Single …", "Vor wie
# vielen Zuschauern …") or a clause up to a comma ("According to the study, why …"), before a
# question word that opens on its own ("In what year" and "In welchem Jahr" are typed by
# their noun); a lead holding a question word is the question ("Welcher Abgeordnete
# erklärte, wie …").
_OPENS_ALONE = {  # not "was"/"what" nor a which-word, whose noun types the question
    w for w in _QUESTION_WORDS - {"und", "and"} if not w.startswith(("was", "wel", "wha", "whi"))
}
_LEAD = re.compile(
    rf"^(?:und\s+|and\s+)?((?:{alternatives(german.PREPOSITIONS | english.PREPOSITIONS)})"
    rf"\s+|[^,?]{{3,80}},\s*)(?=(?:{alternatives(_OPENS_ALONE)})\b)",
    re.I,
)


# "When imperialism shapes a state's norms, what is it called?": an English "when" opening a
# clause before the question word, not asking when.
_WHEN_CLAUSE = re.compile(
    rf"^when\s+[^,?]{{3,120}},\s*(?=(?:{alternatives(english.QUESTION_WORDS - {'when'})})\b)",
    re.I,
)


def _after_lead(text: str) -> str:
    """The question after its lead, for the openings to type when none types it whole."""
    m = _LEAD.match(text)
    if not m or any(w.lower() in _QUESTION_WORDS for w in _WORD.findall(m.group(1))):
        return ""
    return text[m.end() :]


def _described(text: str, speaker: str | None) -> str:
    """The speaker with the words before that describe them, which are not what the
    question is about: role nouns and the name whose role it is ("Lorbachs Trainer Hugo
    Stein", "the Lorbach coach Hugo Stein")."""
    if not speaker or (at := text.find(speaker)) < 0:
        return speaker or ""
    words = text[:at].split()
    start = len(words)
    while start and is_role(words[start - 1].lower()):
        start -= 1
    if start < len(words) and start and words[start - 1][:1].isupper():
        start -= 1  # "Lorbachs Trainer", "the Lorbach coach": whose role it is
    return " ".join([*words[start:], speaker])


def analyse(question: str, language: Language, today: dt.date) -> QuestionAnalysis:
    text = question.strip()
    first, _, rest = text.partition(" ")
    if first.lower() in _TYPOS:
        text = f"{_TYPOS[first.lower()]} {rest}"
    asked = text[clause.end() :] if (clause := _WHEN_CLAUSE.match(text)) else text
    qtype = _opening_type(asked) or _opening_type(_after_lead(asked))
    if qtype is None:
        qtype = "yes_no" if _asks_yes_no(asked, language) else _kind_asked(asked, language)
    if qtype in ("how", "what") and (named := _NAME_OF.match(text)):
        qtype = "who" if _kind_of(named.group(1), language) == "who" else qtype
    names = _names(text)
    speaker = _speaker(text, names, qtype)
    time = read_time(text, today)
    skip = set(tokenize(_described(text, speaker))) | set(tokenize(time.expression or ""))
    skip |= _SAY_TOKENS
    topic = tuple(dict.fromkeys(t for t in tokenize(text) if t not in skip))
    amount = _amount(text, qtype)
    return QuestionAnalysis(language, qtype, speaker, tuple(names), topic, time, amount)
