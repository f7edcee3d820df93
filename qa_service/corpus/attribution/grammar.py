"""The German clause as attribution reads it, from text alone: reporting verbs with their
particles and mood, the subject before a verb (past adverbs, relative clauses and
appositions) or after it (past articles, adjectives and a prepositional phrase), the
genitive or "von" phrase that says whose an unnamed speaker is, and the places a subject may
stand in verb-second order. Knows no document: the reader (`reader.py`) resolves what these
find to people and institutions."""

from __future__ import annotations

import re

from qa_service.corpus.names import (
    PRONOUNS,
    is_body_noun,
    is_common_noun,
    is_document_noun,
    is_name_word,
    is_person_noun,
    is_person_or_role,
    is_role,
    is_verb,
    word_class,
)
from qa_service.corpus.people import name_after_particle, tokens
from qa_service.lang import alternatives, english, german


def _clause_end(particle: str) -> str:
    """A separable particle stands at the end of its clause: before punctuation, the end or
    a conjunction joining the next clause ("teilte die Polizei mit und sprach von …")."""
    joining = alternatives(german.CLAUSE_CONJUNCTIONS)
    return r"(?<![\w-])(?:" + particle + rf")(?=\s*(?:[,.;:!?–]|$|(?:{joining})\b))"


# Particle verbs count only with their particle later in the clause ("teilte … mit"); some
# verbs with a prepositional object anywhere after them ("verwies darauf, dass …").
_PARTICLE = {
    lemma: _clause_end(alternatives(particles))
    for lemma, particles in german.REPORTING_PARTICLES.items()
} | {
    lemma: r"\b(?:" + alternatives(objects) + r")\b"
    for lemma, objects in german.REPORTING_OBJECTS.items()
}

# What stands before a verb of knowing or showing that frames content said before it: the
# content and a comma ("…, wusste der Trainer"), or "das" after it ("… – das zeigt …").
_CONJUNCTIONS = german.SUBORDINATORS - german.DEFINITE_ARTICLES  # "als", "wenn", "wie" …

_FRAMES = re.compile(r"(?:,|(?:^|[–:-])\s*[Dd](?:as|ies))\s*$")


def first_word(text: str) -> str:
    """The sentence's first word, lower-cased ("" for none)."""
    return text.split(maxsplit=1)[0].lower() if text.strip() else ""


def _frames(text: str, verb: re.Match[str]) -> bool:
    """Does a verb of knowing or showing frame the content before it? Not after a clause
    that opens with a conjunction ("Als es dunkel wurde, sah die Ministerin …")."""
    subordinate = first_word(text) in _CONJUNCTIONS
    return bool(_FRAMES.search(text[: verb.start()])) and not subordinate


def states_view(text: str, verb: re.Match[str]) -> bool:
    """Does a verb of expecting or believing right after a subject that opens the sentence
    state that subject's view ("Quendlinger sieht darin keinen Verstoß")? Not with a
    separable particle closing its clause ("Der Plan sieht … vor", "Das sieht gut aus"), nor
    in the plural, whose subjects are mostly groups nobody names ("Experten befürchten …"),
    nor after a conjunction ("Wie erwartet ließ …")."""
    word = verb.group()
    if word.endswith("en") or word_class(word)[0] not in german.VIEW_VERBS:
        return False
    before = text[: verb.start()].split()
    if not before or before[-1].lower() in _CONJUNCTIONS or not opens_clause(text, verb.start()):
        return False
    clause = re.split(r"[,;:.–]", text[verb.end() :], maxsplit=1)[0].split()
    return not clause or clause[-1].lower() not in german.SEPARABLE_PARTICLES


def _closes(word: str, rest: str) -> bool:
    """Does the separable particle of `word`'s verb close its clause in `rest` ("kündigte …
    an")? Then `word` is its finite verb: a participle adjective holds its particle
    ("das angekündigte Ziel")."""
    lemma = word_class(word)[0]
    return lemma in german.REPORTING_PARTICLES and bool(re.search(_PARTICLE[lemma], rest))


_CLAUSE_MARKS = ",;:–"


def _clause_start(text: str, pos: int) -> int:
    """Where the clause of the word at `pos` starts: after the last , ; : or – before it."""
    return max(text.rfind(c, 0, pos) for c in _CLAUSE_MARKS) + 1


def _frames_nothing(text: str, pos: int) -> bool:
    """Does the clause of the word at `pos` open with a condition ("Wenn … meinen, dann") or
    stand for a thing ("darauf, was Nachbarn sagen")? A verb of saying there has no words."""
    first = text[_clause_start(text, pos) : pos].split(maxsplit=1)
    return bool(first) and first[0].lower() in _NO_FRAME_OPENERS


_NO_FRAME_OPENERS = german.CONDITIONAL_SUBORDINATORS | german.THING_CLAUSE_OPENERS


# "in einer Aussendung", "in seiner Stellungnahme": the clause states someone's words.
_IN_STATEMENT = re.compile(
    r"\b[Ii]n\s+(?:einer|der|seiner|ihrer)\s+(?:[a-zäöüß]+e[nr]?\s+)?(?:"
    + alternatives(n.capitalize() for n in german.RELEASE_NOUNS)
    + r")\b"
)


_JOINED = re.compile(r"\b(?:und|oder|sowie)\b")


def _statement_clauses(text: str) -> list[tuple[int, int]]:
    """The clauses (between , ; : –) that say they are in a press release or statement."""
    spans = []
    for m in _IN_STATEMENT.finditer(text):
        ends = [i for c in _CLAUSE_MARKS if (i := text.find(c, m.end())) >= 0]
        spans.append((_clause_start(text, m.start()), min(ends, default=len(text))))
    return spans


def reporting_verbs(text: str) -> list[re.Match[str]]:
    """The reporting verbs of a sentence, in order. A participle between an article and a
    noun is an adjective ("das erklärte Ziel"); a perfect participle reports speech only for
    verbs of saying ("hatte … angekündigt", not "hatte … kritisiert"); a separable particle
    closes its clause ("teilte … mit.", not "gebe … Zweifel an der …")."""
    found: list[re.Match[str]] = []
    statements = _statement_clauses(text)
    released: list[tuple[tuple[int, int], re.Match[str]]] = []
    words = list(re.finditer(r"[^\W\d_]+", text))
    for i, m in enumerate(words):
        word = m.group()
        if word in english.REPORTED_FORMS:
            found.append(m)
            continue
        if not word.islower():
            continue
        # the word right before, in the same phrase ("mische sich nicht ein, sagte …": no
        # article "ein" before "sagte")
        joined = i and not text[words[i - 1].end() : m.start()].strip()
        before = words[i - 1].group().lower() if joined else ""
        after = words[i + 1].group() if i + 1 < len(words) else ""
        if before in german.ARTICLES and after[:1].isupper() and not _closes(word, text[m.end() :]):
            continue  # "das erklärte Ziel"; but "Das kündigte Quendlinger an" reports
        if after != "sich" and not is_verb(word):
            continue  # no verb (the lemma's pass costs as much as the tag's)
        if _frames_nothing(text, m.start()):
            continue
        lemma, tag = word_class(word)
        # "…, ärgerte sich der Trainer": a feeling framing the words before it
        inverted = text[: m.start()].rstrip().endswith(",")
        clause = next(((a, b) for a, b in statements if a <= m.start() < b), None)
        # finite: "X zeigt sich in einer Aussendung zufrieden", "…, informiert X in einer …"
        finite = tag == "VV(FIN)" or (tag == "VV(PP)" and inverted)
        if clause and finite and lemma != "heißen":  # "wie es … heißt": HiessEs's
            released.append((clause, m))
        if after == "sich" and lemma in german.FEELING_REPORTING_VERBS and inverted:
            found.append(m)
            continue
        if lemma in german.FRAMING_ONLY_REPORTING_VERBS:
            if inverted and after != "sich":
                found.append(m)
            continue
        if after == "sich" and lemma not in german.REFLEXIVE_REPORTING_VERBS:
            continue  # "bestätigte sich der Verdacht", "zeigte sich zufrieden": no one speaks
        # "…, attestiert Muster": a form in -t right after the content is finite, whatever
        # the lexicon guesses for it alone.
        inverted = inverted and after[:1].isupper()
        participle = tag == "VV(PP)" and not inverted
        if not tag.startswith("V") or (participle and lemma not in german.SAYING_VERBS):
            continue
        particle = _PARTICLE.get(lemma)
        framing = (
            lemma in german.FRAMING_VERBS
            and (_frames(text, m) or states_view(text, m))
            and not participle
        )
        if (
            lemma in german.REPORTING_VERBS
            or (after == "sich" and lemma in german.REFLEXIVE_REPORTING_VERBS)  # "fragt sich"
            or framing
            or (particle and re.search(particle, text[m.end() :]))
        ):
            found.append(m)
    # A clause in a press release reports by its verb, and by each verb joined to a verb of
    # saying ("verwies in einer Aussendung auf … und bezeichnete …"); not by one that stands
    # beside it unjoined ("Verband distanziert sich X teilte in einer Aussendung mit": a
    # heading run into the sentence).
    for (start, end), m in released:
        beside = (f for f in found if start <= f.start() < end)
        if all(
            _JOINED.search(text, min(m.end(), f.end()), max(m.start(), f.start())) for f in beside
        ):
            found.append(m)
    return sorted(found, key=lambda f: f.start())


# Whose an unnamed speaker after the verb is: "sagte ein Sprecher des Ministeriums" (a
# genitive: article, perhaps an adjective, capitalised words). Not "von": "hat mir ein Maler
# von Basile erzählt" tells of Basile.
COMPLEMENT = re.compile(
    r"\s*((?:des|der)\s+(?:[a-zäöüß]+e[nrs]?\s+)?[A-ZÄÖÜ][\w-]+(?:\s+[A-ZÄÖÜ][\w-]+){0,3})"
)


def subjunctive_form(word: str) -> bool:
    """ "sei", "verstoße", "widerspreche": a finite verb in the subjunctive I (the stem + e of
    its lemma), or a listed one."""
    if word in german.SUBJUNCTIVE_I:
        return True
    if not (word.islower() and word.endswith("e") and len(word) > 3):
        return False
    lemma, tag = word_class(word)
    return tag in ("VV(FIN)", "VA(FIN)", "VM(FIN)") and lemma == word + "n"


# Words that may stand between a verb and its subject ("sagte jedoch der britische …").
_FILLER = german.ARTICLES | german.POSSESSIVES | german.INTERPOSED_ADVERBS | english.ARTICLES

DEFINITE = german.DEFINITE_ARTICLES | {"the"}

I_WE = german.FIRST_PERSON_SUBJECTS | english.FIRST_PERSON_SUBJECTS


def first_person_subject(text: str, verb: re.Match[str]) -> bool:
    """ "Wir fordern …", "…, schreiben wir": the verb's subject is the speaker of a quote."""
    before = text[: verb.start()].split()[-1:]
    after = text[verb.end() :].split()[:1]
    return any(w.strip(",.;:").lower() in I_WE for w in before + after)


def can_speak(noun: str) -> bool:
    """Can this word name a source: a person, a body, a text that states something, or a
    name ("Insidern", "Polizei", "Medienberichten", "Falkenrath"); not "Angaben", "Modell"."""
    forms = (noun, word_class(noun)[0])  # "Bundespolizisten" -> Bundespolizist
    return any(
        is_person_or_role(f) or is_body_noun(f) or is_document_noun(f) for f in forms
    ) or not is_common_noun(noun)


_OF = frozenset({"des", "der", "von", "vom"})


def speaker_head(speaker: str) -> str:
    """ "Sprecher des Ministeriums" -> "Sprecher": the spokesman is not the ministry, and
    "Sprecher von Hugo Falkenrath" is not Falkenrath. A name keeps its particles ("Ursula von
    der Brandstetter"): only a person noun has a complement."""
    head, _, rest = speaker.partition(" ")
    if rest.split(" ", 1)[0] in _OF and is_person_or_role(head):
        return head
    return speaker


def nominative(noun: str) -> str:
    """ "Insidern zufolge" -> "Insider": the dative plural -n of nouns in -er/-el goes."""
    lemma = word_class(noun)[0] if is_common_noun(noun) else noun
    return lemma if noun == lemma + "n" and lemma.endswith(("er", "el")) else noun


def _inflected(word: str) -> bool:
    """An inflected adjective ending, as words between an article and its noun have ("der
    35-jährige Trainer" too)."""
    word = re.sub(r"^\d+-", "", word)
    return word.isalpha() and word.endswith(("e", "en", "er", "es"))


def _genitive_before(rest: list[str]) -> bool:
    """Do `rest` go on with adjectives and a noun ("früherer Chef"), so that the word before
    them is a genitive ("Quendlingers früherer Chef")? Not "Linz der …", "Muster weiter"."""
    for i, tok in enumerate(rest):
        if tok[:1].isupper():
            return i > 0
        if tok.lower() in _FILLER or not _inflected(tok):
            return False
    return False


def _weekday_time(word: str) -> bool:
    """ "Montagmittag", "Dienstagabend": a weekday and a part of the day, a time."""
    low = word.lower()
    day = next((d for d in german.WEEKDAYS if low.startswith(d.lower())), None)
    return day is not None and low[len(day) :] in german.DAY_PARTS


def run_after(text: str, pos: int) -> tuple[list[str], bool, str]:
    """Capitalised words after `pos`, past articles and adjectives ("der britische
    Premierminister Hugo Falkenrath" -> Premierminister Hugo Falkenrath); whether they are definite
    (a definite article, or named right after the verb: "behauptet Norwegen"); and the
    article itself ("der Kanzler" is someone named before, "ein Sprecher" is not). A
    prepositional phrase before them is passed ("argumentierte in Linz der Verband")."""
    words: list[str] = []
    definite = False
    article = ""
    phrase = False  # within a prepositional phrase before the subject ("in Linz der …")
    closed = False  # right after that phrase's noun, where a genitive still belongs to it
    toks = [tok for tok, _ in tokens(text[pos:])[:12]]
    skip = 0  # past an attribute phrase between the article and its noun
    for i, tok in enumerate(toks):
        if i < skip:
            continue
        low = tok.lower()
        if article and not words and low in german.PREPOSITIONS:
            # "ein mit den Ermittlungen vertrauter Beamter": the phrase ends in an adjective
            skip = _attribute_end(toks, i)
            if skip:
                continue
        # "am Rande des Ministerrats": the genitive is the phrase's, not the subject
        genitive = closed and low in german.GENITIVE_ARTICLES
        closed = False
        if (
            not (words or article)
            and low in german.NAME_PARTICLES
            and name_after_particle(toks[i:])
        ):
            words.append(tok)  # "sagte von der Brodnik", "so van Quendel": a name, no phrase
            continue
        if not (words or article) and (low in german.PREPOSITIONS or genitive):
            phrase = True
            continue
        if phrase:
            phrase = not tok[0].isupper()  # its noun ends it
            closed = not phrase
            if phrase and not (low in _FILLER or _inflected(low)):
                break
            continue
        if words and _weekday_time(tok):
            break  # "kündigte Vizekanzler Hans Quendlinger Montagmittag an"
        if low in german.NAME_TITLES and toks[i + 1 : i + 2] == ["."]:
            skip = i + 2  # "meint Dr. Hugo Stein": the title and its period
            continue
        if (tok[0].isupper() and tok[0].isalpha()) or is_person_noun(tok):
            definite = definite or i == 0
            words.append(tok)
        elif words and low in german.NAME_PARTICLES and _name_goes_on(words[-1], toks[i + 1 :]):
            words.append(tok)  # "sagt Hans von Quendlinger": a name goes on past its particle
        elif (
            words
            and words[-1].lower() in german.NAME_PARTICLES
            and name_after_particle(toks[i - 1 :])
        ):
            words.append(tok)  # "Van der Brodnik": the article after a particle
        elif len(words) == 1 and words[0].endswith("s") and _genitive_before(toks[i:]):
            words = []  # "Quendlingers früherer Chef": a genitive before its noun
        elif words:
            break
        elif low in _FILLER or _inflected(low):
            if low in german.ARTICLES and not article:
                article = low
            definite = definite or low in DEFINITE
            continue
        else:
            break
    return words, definite, article


def _attribute_end(toks: list[str], i: int) -> int:
    """Where an extended attribute opening with the preposition at `i` ends: at its
    inflected adjective or participle right before a capitalised noun ("mit den Ermittlungen
    vertrauter Beamter", "auf einer Umfrage basierende Studie"), within eight words; 0 if
    there is none."""
    for j in range(i + 2, min(i + 9, len(toks) - 1)):
        if not toks[j].replace("-", "").isalnum():
            return 0  # punctuation: no attribute
        if toks[j].islower() and _inflected(toks[j]) and toks[j + 1][:1].isupper():
            return j
    return 0


def _name_goes_on(before: str, rest: list[str]) -> bool:
    """After a name word ("Hans", not "Regierung" or a role), a particle followed by a
    capitalised word is inside the name."""
    return (
        bool(rest)
        and rest[0][:1].isupper()
        and is_name_word(before)
        and not is_role(before)
        and not is_common_noun(before)
    )


def complement(text: str, pos: int, words: list[str]) -> list[str]:
    """The genitive or "von" phrase after a lone person noun that `run_after` read from
    `pos` ("sagte ein Sprecher des Ministeriums" -> des Ministeriums); else none."""
    if len(words) != 1 or not is_person_noun(words[0]):
        return []
    at = text.find(words[0], pos)
    m = COMPLEMENT.match(text, at + len(words[0])) if at >= 0 else None
    return m.group(1).split() if m else []


# Words after which capitalised words are no subject: "In Wien", "Den Plan", "Wie die Kollegen".
_NOT_BEFORE_SUBJECT = german.PREPOSITIONS | german.OBLIQUE_ARTICLES | _CONJUNCTIONS


def opens_clause(text: str, pos: int) -> bool:
    """Do capitalised words right before `pos` open the sentence, after adverbs and adjectives
    at most ("Schon frühe Kritiken strichen … heraus", "Verbraucherschützer empfehlen
    Betroffenen …")? Then they are the subject of the verb at `pos`; "In Wien sagte …" is a
    place."""
    if re.search(r"[,;:–]", text[:pos]):
        return False
    words = [tok.lower() for tok, _ in tokens(text[:pos])]
    run = len(_run_before(text, pos))
    lead = words[: len(words) - run + 1]  # the words before the run, and its first
    return bool(run) and all(
        w.isalpha()
        and w not in _NOT_BEFORE_SUBJECT
        and not _finite_verb(w)  # "Zuvor hatte ein Vertreter Salzburgs …"
        for w in lead
    )


# A relative clause between a subject and its verb ("Die Firma, die das Gerät entwickelt hat,
# bestätigte …"): the subject stands before it. The clause ends in its verb, in lower case; an
# apposition ("Berta Quendlinger, die grüne Stadträtin, widerspricht …") in a noun.
_RELATIVE_BEFORE = re.compile(
    rf",\s+(?:{alternatives(german.RELATIVE_PRONOUNS)})\s[^,;:–]*\s[a-zäöüß]+,\s*$"
)

_APPOSITION_BEFORE = re.compile(
    rf",\s+(?:{alternatives(german.ARTICLES)})\s[^,;:–]*\s[A-ZÄÖÜ][\w-]+(,\s*)?$"
)

_ADVERBS_BEFORE = re.compile(rf"(?:\s(?:{alternatives(german.INTERPOSED_ADVERBS)}))+\s*$")


def past_adverbs(text: str, pos: int) -> int:
    """Where the subject of the verb at `pos` ends, before adverbs between them ("Der
    Minister hingegen meinte …")."""
    m = _ADVERBS_BEFORE.search(text[:pos])
    return m.start() if m else pos


def past_relative(text: str, pos: int, after: str) -> int:
    """Where the subject of the verb at `pos` ends: before a relative clause or an apposition
    that ends right before the verb, else at the verb. Not when a name follows the verb
    (`after`: the word after it), which is its subject ("…, sagte Brodnik")."""
    if after[:1].isupper():
        return pos
    relative = _RELATIVE_BEFORE.search(text[:pos])
    at = relative.start() if relative else pos
    # "Hans Muster, der Trainer der Gäste, die …, warnte": an apposition before the clause
    apposition = _APPOSITION_BEFORE.search(text[:at])
    if apposition and (relative or apposition.group(1)):
        return apposition.start()
    return at


def subject_before(text: str, pos: int) -> tuple[list[str], str]:
    """Capitalised words right before `pos`, and the article before them ("ein Vertreter").
    Counted people are none ("hat zwölf Verletzte gefordert": the verb's object, not its subject),
    unless one of them speaks ("einer von drei Befragten erklärte"); nor is the noun of a
    prepositional phrase ("hatte vor Gericht argumentiert")."""
    words = _run_before(text, pos)
    lead = text[:pos].split()
    counted = lead[-len(words) - 2 : -len(words)] if words else []  # "von drei"
    if len(counted) == 2 and german.is_count(counted[1]) and counted[0].lower() != "von":
        return [], ""
    n = len(words) + 3  # article, noun, "von", the run
    opens = len(lead) == n or len(lead) > n and lead[-n - 1].endswith((",", ";", ":"))
    of = counted[1:] in (["von"], ["vom"], ["des"], ["der"])
    if (
        opens
        and of
        and is_person_or_role(counted[0])  # "Die Rechtsanwälte der …"
        and lead[-n].lower() in german.ARTICLES
    ):
        # "Der Sprecher von Innenminister Falkenrath sagte", "Der Sprecher der Landesrätin
        # sagte": the spokesman, not the minister (but "hat mir ein Maler von Basile erzählt"
        # tells of Basile: no clause opens there)
        return [counted[0], counted[1], *words], lead[-n].lower()
    if counted and counted[-1].lower() in german.PREPOSITIONS - {"von", "vom", "um"}:
        # "Das Ministerium in Moskau teilte mit": the phrase before the place ("von" names
        # the agent: "wie vom Ministerium betont"; "um" the head of a group: "die Forscher
        # um Berta Brandstetter schreiben")
        phrase = text.rfind(counted[-1], 0, text.rfind(words[0], 0, pos))
        return subject_before(text, phrase) if phrase > 0 else ([], "")
    lead = lead[: len(lead) - len(words) + 1][-2:]  # the word before the run, and its first
    article = next((w.lower() for w in lead if w.lower() in german.ARTICLES), "")
    return words, article


def _run_before(text: str, pos: int) -> list[str]:
    """Capitalised words right before `pos` ("Premierminister Hugo Falkenrath betonte")."""
    words: list[str] = []
    for tok, _ in reversed(tokens(text[:pos])[-6:]):
        if tok[0].isupper() and tok[0].isalpha():
            words.insert(0, tok)
        else:
            break
    return words


def subject_starts(clause: str) -> list[tuple[int, str, bool]]:
    """Where a clause's subject may stand in German verb-second order: first ("Auch Hans
    Muster …" after one adverb) or right after the finite verb ("verteidigt Hans Muster …",
    "reagierte auch Hans Muster") -> (offset, word, whether after the verb); only words a
    subject opens with (capitalised, or a pronoun)."""
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", clause)]
    starts = []
    for i, (start, word) in enumerate(words):
        if not (word[:1].isupper() or word.lower() in PRONOUNS):
            continue  # a subject starts with a name, a noun or a pronoun: no verb to look up
        before = [w.lower() for _, w in words[max(0, i - 2) : i]]
        if before and before[-1] in german.INTERPOSED_ADVERBS:
            before = before[:-1]  # "reagierte auch …"
        after_verb = bool(before) and _finite_verb(before[-1])
        if i == 0 or not before or after_verb:
            starts.append((start, word, after_verb))
    return starts


def _finite_verb(word: str) -> bool:
    return word.isalpha() and word.islower() and is_verb(word)
