"""Who says each sentence of an article, and how the text tells us.

News text attributes speech in a handful of ways, and this module reads them in one pass
over a document's sentences:
- a reporting verb with its subject: "…, sagte Wendelbrunn", "Quendlinger schrieb …", "teilte
  EU-Ratspräsidentin Olga Brandstetter … mit", "Er forderte …" (German verb-second order: the
  subject stands right after the verb when something else comes first);
- "so Wendelbrunn", "laut X", "nach Angaben von X", "nach den Worten von X", "hieß es im
  Ministerium";
- the name line: a quote alone on its line, the speaker's name alone on the next;
- a sentence ending in ":" ("… sagte er:") lends its speaker to the quote it introduces;
- reported speech goes on in the subjunctive ("Es gebe keine Alternative"), in a bare quote
  sentence or in the first person (news text without quote marks): it keeps the previous
  sentence's speaker;
- reported speech nobody is said to speak, nor just before (a subjunctive I in a main
  clause, or the first person), is the voice of its pronoun subject, of the person named
  before its colon, or of the person the sentence before named;
- a pronoun or a role noun ("er", "der Kanzler", "die Forscherin", "so der 45-Jährige") is
  the person its own sentence names before it, else the last person named that fits (by
  gender for a pronoun); plural and indefinite ones are unnamed sources.
A speaker is a name as the text writes it, in its fullest form in the document ("Gustav
Wendelbrunn" for "so Wendelbrunn"), an institution ("teilte die Polizei mit") or an unnamed
source; never a common noun: HanTa's German lexicon tells nouns ("Firmengeschichte") from
names, and reads verbs to their lemmas. A sentence nobody is said to speak has no speaker:
the outlet reports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

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
    is_name_word,
    is_person_noun,
    is_role,
    is_verb,
    noun_by_ending,
    person_key,
    same_person,
    strip_roles,
    word_class,
)
from qa_service.corpus.people import PersonRecord, Registry, name_runs_at, role_gender, tokens
from qa_service.lang import english, german
from qa_service.models import Document
from qa_service.sentences import split_sentences

# "verb" | "so" | "laut" | "line" | "intro" | "colon" | "continued" | "pronoun" | "role" | "voice"
How = str
UNKNOWN: tuple[str, How] = ("", "unknown")
CONTINUES: tuple[str, How] = ("", "continues")  # "hieß es weiter": the last speaker goes on
FOLLOWS: tuple[str, How] = ("", "follows")  # "Demnach …": the sentence before's source, if any
_MARKERS = (UNKNOWN, CONTINUES, FOLLOWS)  # what `attribute` returns that names no one


@dataclass(frozen=True, slots=True)
class SentenceUnit:
    """One sentence of a document, the unit answers quote: `doc.text[start:end] == text`."""

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_key: str | None = None
    how: How | None = None
    section_time: dt.datetime | None = None
    section_start: int | None = None
    introduces: bool = False  # ends in ":" - its content is the next sentence
    refers_back: bool = False  # "Er …", "Damit …", "Dies …": needs the sentence before


def _clause_end(particle: str) -> str:
    """A separable particle stands at the end of its clause: before punctuation or the end."""
    return r"(?<![\w-])(?:" + particle + r")(?=\s*(?:[,.;:!?–]|$))"


# Particle verbs count only with their particle later in the clause ("teilte … mit"); some
# verbs with a prepositional object anywhere after them ("verwies darauf, dass …").
_PARTICLE = {
    lemma: _clause_end("|".join(particles))
    for lemma, particles in german.REPORTING_PARTICLES.items()
} | {
    lemma: r"\b(?:" + "|".join(objects) + r")\b"
    for lemma, objects in german.REPORTING_OBJECTS.items()
}


# What stands before a verb of knowing or showing that frames content said before it: the
# content and a comma ("…, wusste der Trainer"), or "das" after it ("… – das zeigt …").
_CONJUNCTIONS = german.SUBORDINATORS - german.DEFINITE_ARTICLES  # "als", "wenn", "wie" …
_FRAMES = re.compile(r"(?:,|(?:^|[–:-])\s*[Dd](?:as|ies))\s*$")


def _frames(text: str, verb: re.Match[str]) -> bool:
    """Does a verb of knowing or showing frame the content before it? Not after a clause
    that opens with a conjunction ("Als es dunkel wurde, sah die Ministerin …")."""
    opener = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    subordinate = opener in _CONJUNCTIONS
    return bool(_FRAMES.search(text[: verb.start()])) and not subordinate


def _views(text: str, verb: re.Match[str]) -> bool:
    """Does a verb of expecting or believing right after a subject that opens the sentence
    state that subject's view ("Quendlinger sieht darin keinen Verstoß")? Not with a
    separable particle closing its clause ("Der Plan sieht … vor", "Das sieht gut aus"), nor
    in the plural, whose subjects are mostly groups nobody names ("Experten befürchten …"),
    nor after a conjunction ("Wie erwartet ließ …")."""
    word = verb.group()
    if word.endswith("en") or word_class(word)[0] not in german.VIEW_VERBS:
        return False
    before = text[: verb.start()].split()
    if not before or before[-1].lower() in _CONJUNCTIONS or not _opens_clause(text, verb.start()):
        return False
    clause = re.split(r"[,;:.–]", text[verb.end() :], maxsplit=1)[0].split()
    return not clause or clause[-1].lower() not in german.SEPARABLE_PARTICLES


def _reporting_verbs(text: str) -> list[re.Match[str]]:
    """The reporting verbs of a sentence, in order. A participle between an article and a
    noun is an adjective ("das erklärte Ziel"); a perfect participle reports speech only for
    verbs of saying ("hatte … angekündigt", not "hatte … kritisiert"); a separable particle
    closes its clause ("teilte … mit.", not "gebe … Zweifel an der …")."""
    found: list[re.Match[str]] = []
    words = list(re.finditer(r"[^\W\d_]+", text))
    for i, m in enumerate(words):
        word = m.group()
        if word in english.REPORTED_FORMS:
            found.append(m)
            continue
        if not word.islower():
            continue
        before = words[i - 1].group().lower() if i else ""
        after = words[i + 1].group() if i + 1 < len(words) else ""
        if before in german.ARTICLES and after[:1].isupper():
            continue
        if after != "sich" and not is_verb(word):
            continue  # no verb (the lemma's pass costs as much as the tag's)
        lemma, tag = word_class(word)
        # "…, ärgerte sich der Trainer": a feeling framing the words before it
        inverted = text[: m.start()].rstrip().endswith(",")
        if after == "sich" and lemma in german.FEELING_REPORTING_VERBS and inverted:
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
            and (_frames(text, m) or _views(text, m))
            and not participle
        )
        if (
            lemma in german.REPORTING_VERBS
            or framing
            or (particle and re.search(particle, text[m.end() :]))
        ):
            found.append(m)
    return found


# "beklagte sich Falkenrath": a reflexive reporting verb's subject stands after "sich".
_REFLEXIVE = re.compile(r"(?:\s+sich\b)?")
# "Und: …" goes on with the last speaker's words.
_GOES_ON = re.compile(r"^(?:" + "|".join(w.capitalize() for w in german.GOING_ON) + r"):\s")
# Words a clause after a colon has at least, to be a statement rather than a list or a title.
_COLON_CLAUSE = 4
_HIESS = re.compile(r"(?<!\w)(hieß|heißt) es\b(?:\s+(?:weiter|ausdrücklich|zudem|auch))*")
# "Von der Landesregierung hieß es": the body a statement came from, before it.
_HIESS_FROM = re.compile(
    r"(?:^|\s)(?:[Vv]on|[Aa]us|[Bb]ei|[Ii]m|[Ii]n)\s+(?:(?:der|dem|den|des)\s+)?"
    r"(?:[a-zäöü]+\s+)*([A-ZÄÖÜ][\w-]+)\s*$"
)
# "so seine Einschätzung": the person the possessive means.
_SO_OWN = re.compile(r"(?:^|[,;–-]\s*)so\s+(sein|ihr)(?:e|er|en|em)?\s+[A-ZÄÖÜ]")
_SO = re.compile(
    r"(?:^|[,;–-]\s*|\.\s+)so\s+(?=(?:(?:der|die|das|ein|eine)\s+(?:[a-zäöüß]+e\s+)?)?[A-ZÄÖÜ])"
)
_LAUT = re.compile(
    r"(?<!\w)(?:[Ll]aut|[Nn]ach (?:den )?(?:Angaben|Worten|Aussage|Darstellung) (?:von|des|der|aus)"
    r"|aus einem (?:Post|Beitrag|Schreiben|Brief|Interview|Statement) (?:des|der|von)"
    r"|[Aa]ccording to)\s+"
)
# A source that names no one ("nach französischen Angaben"): someone speaks, we cannot say who.
_ANONYMOUS = re.compile(
    r"(?<!\w)[Nn]ach (?:\w+(?:en|er) )(?:Angaben|Darstellung|Informationen|Berichten)\b"
)
_ZUFOLGE = re.compile(r"([A-ZÄÖÜ][\w-]+)\s+zufolge\b")
_APPOSITION = re.compile(r"^[^,.;:]{0,60},\s+((?:[A-ZÄÖÜ][\w-]+\s?){2,3})")
# Whose an unnamed speaker after the verb is: "sagte ein Sprecher des Ministeriums" (a
# genitive: article, perhaps an adjective, capitalised words). Not "von": "hat mir ein Maler
# von Basile erzählt" tells of Basile.
_COMPLEMENT = re.compile(
    r"\s*((?:des|der)\s+(?:[a-zäöüß]+e[nrs]?\s+)?[A-ZÄÖÜ][\w-]+(?:\s+[A-ZÄÖÜ][\w-]+){0,3})"
)
# An institution noun and its name or short form: "Hilfswerk QVB", "Zentralbank (QVB)".
_BODY_NAME = re.compile(r"([A-ZÄÖÜ][\w-]+)(?=\s+(\(?)([A-ZÄÖÜ][\w-]+))")
# Right after a reporting verb, a nominative article: "teilte die QVB mit", "berichtet das KFZV".
_NOMINATIVE_NEXT = re.compile(r"\s*(?:die|das)\s")
# A clause opening with an indefinite person noun: someone the text does not name.
_UNNAMED = re.compile(r"\s*(?:[Ee]in|[Ee]ine)\s+([A-ZÄÖÜ][\w-]+)")
# Subjunctive I marks reported speech on its own; subjunctive II ("würden") only right after
# a reporting sentence, since it also states conditions.
_SUBJUNCTIVE = german.SUBJUNCTIVE_I | german.SUBJUNCTIVE_II
CARRY = 3  # sentences a subjunctive I may be away from its reporting sentence


def _subjunctive_form(word: str) -> bool:
    """ "sei", "verstoße", "widerspreche": a finite verb in the subjunctive I (the stem + e of
    its lemma), or a listed one."""
    if word in german.SUBJUNCTIVE_I:
        return True
    if not (word.islower() and word.endswith("e") and len(word) > 3):
        return False
    lemma, tag = word_class(word)
    return tag in ("VV(FIN)", "VA(FIN)", "VM(FIN)") and lemma == word + "n"


def _main_clause_words(sentence: str) -> set[str]:
    """The words of a sentence's main clauses: a clause after a comma that opens with a
    conjunction or a relative pronoun ("…, dass …", "…, die …", "…, in der …") is left out."""
    words: set[str] = set()
    for i, clause in enumerate(re.split(r"[,;:–]\s*", sentence)):
        opener = [w.lower() for w in clause.split()[:2]]
        # A sentence opens with an article, never with a relative pronoun.
        openers = (
            german.SUBORDINATORS - german.DEFINITE_ARTICLES if i == 0 else german.SUBORDINATORS
        )
        if opener and (
            opener[0] in openers
            or (len(opener) == 2 and opener[0] in german.PREPOSITIONS
                and opener[1] in openers)  # "…, mit der …"; "Mit der Mannschaft …" opens one
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
    return any(_subjunctive_form(word) for word in words)


_REFERS_BACK = re.compile(
    r"^(?:"
    + "|".join(
        w[:1].upper() + w[1:]
        for w in german.BACK_REFERENCE_OPENERS | english.BACK_REFERENCE_OPENERS
    )
    + r")\b"
)
_GENDER = german.PRONOUN_GENDER | english.PRONOUN_GENDER
_QUOTE_OPEN = '„"“»«'
# An interview's label opening a sentence: "Hans Muster: Das ist …", "STANDARD: Warum …?".
_LABEL = re.compile(r"^[A-ZÄÖÜ][\w'’.-]*(?:\s+[A-ZÄÖÜ][\w'’.-]*){0,3}:\s")
# Words that may stand between a verb and its subject ("sagte jedoch der britische …").
_FILLER = german.ARTICLES | german.INTERPOSED_ADVERBS | english.ARTICLES
_ARTICLE = german.DEFINITE_ARTICLES | {"the"}
_I_WE = german.FIRST_PERSON_SUBJECTS | english.FIRST_PERSON_SUBJECTS


def _first_person_subject(text: str, verb: re.Match[str]) -> bool:
    """ "Wir fordern …", "…, schreiben wir": the verb's subject is the speaker of a quote."""
    before = text[: verb.start()].split()[-1:]
    after = text[verb.end() :].split()[:1]
    return any(w.strip(",.;:").lower() in _I_WE for w in before + after)


def _speaks(noun: str) -> bool:
    """Can this word name a source: a person, a body, a text that states something, or a
    name ("Insidern", "Polizei", "Medienberichten", "Falkenrath"); not "Angaben", "Modell"."""
    forms = (noun, word_class(noun)[0])  # "Bundespolizisten" -> Bundespolizist
    return any(
        is_person_noun(f) or is_role(f) or is_body_noun(f) or is_document_noun(f) for f in forms
    ) or not is_common_noun(noun)


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


_OF = frozenset({"des", "der", "von", "vom"})


def speaker_head(speaker: str) -> str:
    """ "Sprecher des Ministeriums" -> "Sprecher": the spokesman is not the ministry, and
    "Sprecher von Hugo Falkenrath" is not Falkenrath. A name keeps its particles ("Ursula von
    der Brandstetter"): only a person noun has a complement."""
    head, _, rest = speaker.partition(" ")
    if rest.split(" ", 1)[0] in _OF and is_person_noun(head):
        return head
    return speaker


def _proper(word: str) -> bool:
    """A capitalised word that names something ("Norwegen", "Linz"), not a common noun or a
    word the lexicon knows."""
    return is_name_word(word) and not noun_by_ending(word) and not is_lexicon_word(word)


def _acronym(word: str) -> bool:
    """ "QVB", "KFZV": a short form, which names a body, never a person."""
    return len(word) >= 2 and word.replace("-", "").isalpha() and word.isupper()


def _nominative(noun: str) -> str:
    """ "Insidern zufolge" -> "Insider": the dative plural -n of nouns in -er/-el goes."""
    lemma = word_class(noun)[0] if is_common_noun(noun) else noun
    return lemma if noun == lemma + "n" and lemma.endswith(("er", "el")) else noun


def _with(noun: str, of: str) -> str:
    return f"{noun} {of}" if of else noun


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


def _run_after(text: str, pos: int) -> tuple[list[str], bool, str]:
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
    for i, tok in enumerate(toks):
        low = tok.lower()
        # "am Rande des Ministerrats": the genitive is the phrase's, not the subject
        genitive = closed and low in german.GENITIVE_ARTICLES
        closed = False
        if not (words or article) and (low in german.PREPOSITIONS or genitive):
            phrase = True
            continue
        if phrase:
            phrase = not tok[0].isupper()  # its noun ends it
            closed = not phrase
            if phrase and not (low in _FILLER or _inflected(low)):
                break
            continue
        if (tok[0].isupper() and tok[0].isalpha()) or is_person_noun(tok):
            definite = definite or i == 0
            words.append(tok)
        elif words and low in german.NAME_PARTICLES and _name_goes_on(words[-1], toks[i + 1 :]):
            words.append(tok)  # "sagt Hans von Quendlinger": a name goes on past its particle
        elif len(words) == 1 and words[0].endswith("s") and _genitive_before(toks[i:]):
            words = []  # "Quendlingers früherer Chef": a genitive before its noun
        elif words:
            break
        elif low in _FILLER or _inflected(low):
            if low in german.ARTICLES and not article:
                article = low
            definite = definite or low in _ARTICLE
            continue
        else:
            break
    return words, definite, article


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


def _complement(text: str, pos: int, words: list[str]) -> list[str]:
    """The genitive or "von" phrase after a lone person noun that `_run_after` read from
    `pos` ("sagte ein Sprecher des Ministeriums" -> des Ministeriums); else none."""
    if len(words) != 1 or not is_person_noun(words[0]):
        return []
    at = text.find(words[0], pos)
    m = _COMPLEMENT.match(text, at + len(words[0])) if at >= 0 else None
    return m.group(1).split() if m else []


# Words after which capitalised words are no subject: "In Wien", "Den Plan", "Wie die Kollegen".
_NOT_BEFORE_SUBJECT = german.PREPOSITIONS | german.OBLIQUE_ARTICLES | _CONJUNCTIONS


def _opens_clause(text: str, pos: int) -> bool:
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
    rf",\s+(?:{'|'.join(sorted(german.RELATIVE_PRONOUNS))})\s[^,;:–]*\s[a-zäöüß]+,\s*$"
)
_APPOSITION_BEFORE = re.compile(
    rf",\s+(?:{'|'.join(sorted(german.ARTICLES))})\s[^,;:–]*\s[A-ZÄÖÜ][\w-]+(,\s*)?$"
)


_ADVERBS_BEFORE = re.compile(rf"(?:\s(?:{'|'.join(sorted(german.INTERPOSED_ADVERBS))}))+\s*$")


def _past_adverbs(text: str, pos: int) -> int:
    """Where the subject of the verb at `pos` ends, before adverbs between them ("Der
    Minister hingegen meinte …")."""
    m = _ADVERBS_BEFORE.search(text[:pos])
    return m.start() if m else pos


def _past_relative(text: str, pos: int, after: str) -> int:
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


def _subject_before(text: str, pos: int) -> tuple[list[str], str]:
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
    of = counted[1:] in (["von"], ["vom"]) or (
        counted[1:] in (["des"], ["der"]) and german.is_agent_noun(counted[0])
    )
    if opens and of and is_person_noun(counted[0]) and lead[-n].lower() in german.ARTICLES:
        # "Der Sprecher von Innenminister Falkenrath sagte", "Der Sprecher der Landesrätin
        # sagte": the spokesman, not the minister (but "hat mir ein Maler von Basile erzählt"
        # tells of Basile: no clause opens there)
        return [counted[0], counted[1], *words], lead[-n].lower()
    if counted and counted[-1].lower() in german.PREPOSITIONS - {"von", "vom", "um"}:
        # "Das Ministerium in Moskau teilte mit": the phrase before the place ("von" names
        # the agent: "wie vom Ministerium betont"; "um" the head of a group: "die Forscher
        # um Berta Brandstetter schreiben")
        phrase = text.rfind(counted[-1], 0, text.rfind(words[0], 0, pos))
        return _subject_before(text, phrase) if phrase > 0 else ([], "")
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


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.people = Registry.of(doc)
        self.named: PersonRecord | None = None  # the person the last sentence read named
        self.sources: dict[str, str] = {}  # unnamed speakers by their noun ("sprecher")
        self.bodies = _named_bodies(doc.text)  # "hilfswerk" -> ("QVB", stands alone)

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
        words = head
        if len(words) == 1 and _acronym(words[0]) and short_form:
            return words[0], "verb"  # "QVB teilte mit", "teilte die KFZV mit": a body speaks
        while words and not any(test(words[0]) for test in (is_name_word, is_role, is_person_noun)):
            words = words[1:]  # "Der Palast", "Doch Experten"
        if len(words) > 1 and is_demonym(words[0]) and not self.people.is_name(words[1]):
            # "das Wiener Stadtamt", "das Schweizer Sekretariat": a place's, no person
            if article in _ARTICLE and is_body_noun(words[1]):
                return " ".join(words[:2]), "verb"
            words = words[1:]
        if not words:
            return None
        if article in german.INDEFINITE_ARTICLES and is_person_noun(words[0]):
            return _with(_nominative(words[0]), of), "verb"  # "ein Vertreter": no one named
        if article in _ARTICLE and is_body_noun(words[0]):
            return self._body(words), "verb"  # "der Verband Steirischer Bäcker"
        if is_document_noun(words[-1]):
            return words[-1], "verb"  # "ergab eine Grazer Studie": the text states it
        known = self.people.by_key.get(person_key(words[-1]))
        if _thing(words) and not (known and known.named):
            return None  # "Neue App versprach": a thing says nothing
        name_words, roles = self.people.split(words)
        if article in _ARTICLE and name_words == words == words[:1] and is_person_noun(words[0]):
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
        roles += [w for w in name_words if is_person_noun(w)]  # "die Forscherin"
        if roles:
            # "Linzer Psychologen": a bare plural (not its lemma) is no one named before.
            plural = not article and word_class(roles[-1])[0] != roles[-1]
            person = None if plural else self.people.by_role(roles[-1])
            singular = article in _ARTICLE and _singular(article, roles[-1])
            # "sagte das Stadtoberhaupt", "der Sprecher des Krisenstabs": the person named
            # before; but "der Sprecher von Falkenrath" is not the Falkenrath named before.
            source = self.sources.get(_nominative(roles[-1]).lower())
            if person is None and singular and source:
                return source, "role"  # "Ein Sprecher des Ministeriums …": "der Sprecher"
            # "erklärte der Italiener": someone of that place, not whoever was named last
            demonym = is_demonym(roles[-1])
            if person is None and singular and not demonym and not of.startswith("vo"):
                person = self._referred(roles[-1])
            if person is not None:
                return person.name, "role"
            if singular and not of and not demonym:
                return None  # "der Sprecher" of no one the text names
            # "ein Regierungssprecher", "die Experten", "der Sprecher des Ministeriums"
            return _with(_nominative(roles[-1]), of), "verb"
        bodies = [w for w in name_words if is_body_noun(w)]  # "teilte die Polizei mit"
        if bodies and (article in _ARTICLE or subject):
            return self._body(bodies[-1:]) if article in _ARTICLE else bodies[-1], "verb"
        return None

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
        if found is None or found in _MARKERS or found[1] != "verb":
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

    def attribute(self, text: str) -> tuple[str, How] | None:
        """The speaker a sentence names for itself; UNKNOWN when it reports someone's words
        without saying whose (so it does not inherit the previous speaker), else None."""
        verbs = 0
        framed = False  # a verb right after the words it frames ("…, sagte der Trainer")
        # A verb in the subjunctive ("Das Urteil erkläre …, sagte …") is within the content.
        for m in sorted(_reporting_verbs(text), key=lambda m: _subjunctive_form(m.group())):
            if _first_person_subject(text, m):
                continue  # "Wir fordern … auf": the quote's own speaker, said before it
            # A reporting verb in the subjunctive ("widerspreche die Novelle") is itself
            # reported speech: it names no new source when it has no speaker.
            # A verb of knowing or showing names its subject right after it, or frames nothing.
            framing = word_class(m.group())[0] in german.FRAMING_VERBS
            verbs += not (_subjunctive_form(m.group()) or framing)
            framed = framed or text[: m.start()].rstrip().endswith((",", "–"))
            end = _REFLEXIVE.match(text, m.end()).end()  # past "sich" ("beklagte sich X")
            after = text[end:].lstrip()
            first = after.split(maxsplit=1)[0].strip(",.:;") if after else ""
            found = None
            at = _past_relative(text, _past_adverbs(text, m.start()), first)  # subject's end
            if first.lower() in PRONOUNS:
                found = self.speaker_of([first], before=text[: m.start()])
            elif _opens_clause(text, at) and (not framing or _views(text, m)):
                words, article = _subject_before(text, at)
                found = self.speaker_of(
                    words, article=article, before=text[: m.start()], short_form=True
                )
            if found is None and first.lower() not in PRONOUNS:
                words, definite, article = _run_after(text, end)
                if words and not strip_roles(words)[0]:
                    # "erklärte der Leiter der Stadtverwaltung, Jurij Balakow": the role is
                    # his, as a later "der Leiter" says
                    at = text.find(words[-1], end)
                    appos = _APPOSITION.match(text[at:])
                    names = strip_roles(appos.group(1).split())[0] if appos else []
                    if names and all(self.people.is_name(w) for w in names):
                        words, definite, article = [*words, *names], False, ""
                found = self.speaker_of(
                    words + _complement(text, end, words), definite, subject=False,
                    article=article, short_form=bool(_NOMINATIVE_NEXT.match(text, end)),
                )  # fmt: skip
                if found is None and not framing:
                    before, article = _subject_before(text, m.start())
                    if before and before[-1].lower() in PRONOUNS:
                        before = before[-1:]
                    found = self.speaker_of(before, article=article, before=text[: m.start()])
                if found is None and not framing:
                    found = self._clause_subject(text[: m.start()])
            lead = text[: m.start()]
            if found is None and not framing and lead.rstrip().lower().endswith(tuple(PRONOUNS)):
                found = self.speaker_of([lead.split()[-1]], before=lead)
            if found:
                return found
        for pattern, how in ((_SO, "so"), (_LAUT, "laut")):
            for m in pattern.finditer(text):
                words, definite, article = _run_after(text, m.end())
                words += _complement(text, m.end(), words)
                found = self.speaker_of(words, definite, article=article, short_form=True)
                if found:
                    return found[0], how
        m = _SO_OWN.search(text)
        if m:
            person = self.subject_person(text[: m.start()]) or self.pronoun(
                "er" if m.group(1) == "sein" else "sie", text[: m.start()]
            )
            if person is not None:
                return person.name, "so"
        if _LAUT.search(text):
            return UNKNOWN  # "Laut Zeitung …": a source we cannot name, not the speaker before
        if _GOES_ON.match(text):
            return CONTINUES
        if text.split(maxsplit=1)[0].lower() in german.PER_SOURCE_BEFORE:
            return FOLLOWS
        found = self.colon_speaker(text)
        if found:
            return found
        m = _ZUFOLGE.search(text)
        if m:  # "Insidern zufolge": a common noun in its dictionary form
            source = m.group(1)
            if _speaks(source):
                # "Dem Staatsanwalt zufolge": the prosecutor the text named, if it did
                person = self.people.by_role(_nominative(source)) if is_role(source) else None
                return (person.name, "role") if person else (_nominative(source), "laut")
            # "Seinen Angaben zufolge": his; "den Angaben zufolge": a source named before
            owner = re.search(r"\b(sein|ihr)\w*\s+$", text[: m.start()], re.I)
            person = self.pronoun("er" if owner and owner.group(1).lower() == "sein" else "sie",
                                  text[: m.start()]) if owner else None  # fmt: skip
            return (person.name, "laut") if person else UNKNOWN
        if _ANONYMOUS.search(text):
            return UNKNOWN
        m = _HIESS.search(text)
        if m and "weiter" in m.group():
            return CONTINUES
        if m:
            source = _HIESS_FROM.search(text[: m.start()])
            if source and is_body_noun(source.group(1)):  # "Von der Regierung hieß es"
                return source.group(1), "verb"
            place = re.match(r"\s*(?:im|aus|in|von|vom|beim)\s+(?:\w+\s+){0,3}?", text[m.end() :])
            if place:
                words = _run_after(text, m.end() + place.end())[0]
                if words:
                    return " ".join(words), "verb"
        # "Ich habe das Gefühl, dass sie es ernst meinen": a sentence in the first person is
        # someone's own words, whoever its verbs report, unless one frames it ("Ich …, sagte
        # ein Teilnehmer"); it may go on the speaker before.
        own_words = text.split(maxsplit=1)[0].lower() in _I_WE if text.strip() else False
        return UNKNOWN if verbs and (framed or not own_words) else None

    def colon_speaker(self, text: str) -> tuple[str, How] | None:
        """ "Anna Quendlinger, Sprecherin des Verbands, verteidigt den Plan: Wir …", "Quendlinger:
        Die …", "Dazu meint er: …": the subject of the clause before a colon speaks the clause
        after it: a person named first or right after the finite verb, or its pronoun."""
        head, colon, tail = text.partition(": ")
        if not colon or len(tail.split()) < _COLON_CLAUSE or not tail[:1].isupper():
            return None
        for start, word, after_verb in _subject_starts(head):
            if word.lower() in PRONOUNS and after_verb:
                person = self.pronoun(word, head[:start])
                return (person.name, "colon") if person else None
        person = self.subject_person(head)
        return (person.name, "colon") if person else None

    def subject_person(self, clause: str) -> PersonRecord | None:
        """The named person a clause has for its subject, if any."""
        runs = {start: words for words, start, _ in name_runs_at(clause, self.people.places)}
        for start, _, _ in _subject_starts(clause):
            person = self.people.lookup(runs[start]) if start in runs else None
            if person is not None and person.named:
                return person
        return None

    def _clause_subject(self, before: str) -> tuple[str, How] | None:
        """ "Wendelbrunn hatte … versprochen": a person named before the verb in its clause, else
        a state or institution opening the sentence ("Norwegen hatte … klargestellt")."""
        clause = re.split(r"[,;:]", before)[-1]
        unnamed = _UNNAMED.match(clause)
        if unnamed and is_person_noun(unnamed.group(1)):
            # "Ein Sprecher der Landesrätin Hugo Falkenrath (XPD) erklärte": not Falkenrath
            of = _COMPLEMENT.match(clause, unnamed.end())
            return _with(_nominative(unnamed.group(1)), of.group(1) if of else ""), "verb"
        pronoun = re.match(r"\s*(?:wie|als|nachdem|während)\s+(er|sie)\b", clause)
        if pronoun:  # "…, wie er am Montag versicherte"
            return self.speaker_of([pronoun.group(1)], before=before)
        subject = re.match(r"\s*wie\s+(?=(?:der|die|das)\s)", clause)
        if subject:  # "…, wie das Hilfswerk am Dienstag mitteilte": the subject follows "wie"
            words, definite, article = _run_after(clause, subject.end())
            found = self.speaker_of(words, definite, article=article, short_form=True)
            if found:
                return found
        for words in _name_runs(clause, set()):
            key = person_key(" ".join(strip_roles(words)[0]) or words[-1])
            person = self.people.by_key.get(key)
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
            return _nominative(name), "verb"  # "Insider hatten … gesagt": unnamed sources
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
        subject = next(
            (self.pronoun(word, text[:start]) for start, word, _ in _subject_starts(text)
             if word.lower() in _GENDER),
            None,
        )  # fmt: skip
        if subject is not None:
            self.people.mention(subject)
            self.named = subject
            return
        for words in _name_runs(text, self.people.places):
            name_words, roles = strip_roles(words)
            key = person_key(" ".join(name_words)) if name_words else None
            person = self.people.by_key.get(key) if key else None
            if person is None and roles and any(w.lower() in _ARTICLE for w in text.split()):
                person = self.people.by_role(roles[-1])
            if person is not None and person.named:
                self.people.mention(person)
                self.named = person
                return


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


def _subject_starts(clause: str) -> list[tuple[int, str, bool]]:
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


def _someone_else(subject: PersonRecord | None, speaker: tuple[str, How]) -> bool:
    return subject is not None and not same_person(subject.name, speaker[0])


def _alone_on_line(text: str, start: int, end: int) -> bool:
    before = text.rfind("\n", 0, start)
    after = text.find("\n", end)
    return (
        not text[before + 1 : start].strip()
        and not text[end : after if after >= 0 else len(text)].strip()
    )


def _name_line(text: str, start: int, end: int, reader: _Reader) -> str | None:
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
    key = person_key(" ".join(name_words))
    known = reader.people.by_key.get(key)
    if known is None and len(name_words) < 2:
        return None
    return known.name if known else " ".join(name_words)


def read_sentences(doc: Document) -> list[SentenceUnit]:
    """Every sentence of `doc` with its span, ticker time and speaker."""
    text = doc.text
    spans = split_sentences(text)
    reader = _Reader(doc)
    sections = sorted(doc.sections, key=lambda s: s.start)
    found: list[tuple[str, How] | None] = []
    voices: list[PersonRecord | None] = []
    for s, e in spans:
        sentence = text[s:e]
        found.append(reader.attribute(sentence))
        reader.note_source(found[-1])
        voices.append(reader.own_voice(sentence))
        reader.note_mentions(sentence)
        if found[-1] and found[-1] not in _MARKERS:
            reader.people.mention(reader.people.by_key.get(person_key(found[-1][0])))

    units: list[SentenceUnit] = []
    previous: tuple[str, How] | None = None
    previous_end = -1
    last: tuple[str, How] | None = None  # the last reporting sentence's speaker …
    since = CARRY + 1  # … and how many sentences ago it was
    last_start = 0
    answering: tuple[str, How] | None = None  # the interviewee whose answer goes on
    asked = False  # an interviewer's label came before ("STANDARD: …?")
    for i, (s, e) in enumerate(spans):
        sentence = text[s:e]
        speaker = found[i]
        says_unknown = speaker is UNKNOWN
        if speaker is CONTINUES:
            speaker = (last[0], "continued") if last else None
        if speaker is FOLLOWS:
            speaker = (previous[0], "continued") if previous else None
        speaker = None if says_unknown else speaker
        gap = text[previous_end:s] if previous_end >= 0 else "\n\n"
        same_line, same_paragraph = "\n" not in gap, "\n\n" not in gap
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        if nxt and _alone_on_line(text, s, e) and _alone_on_line(text, *nxt):
            line_name = _name_line(text, *nxt, reader)
            if line_name and not sentence.rstrip().endswith(":"):
                speaker = (line_name, "line")
        words = {w.strip(',.;:!?"„“‘’') for w in sentence.split()}
        first_person = bool({w.lower() for w in words} & german.FIRST_PERSON)  # "Wir …" too
        main = _main_clause_words(sentence)
        reported = _reported(main)
        # "Quendlinger sieht … gefährdet": a person an indicative sentence names as its subject
        # is not what the speaker before goes on about ("Wendelbrunn werde teilnehmen" may be).
        subject = reader.subject_person(sentence) if speaker is None and not reported else None
        if (
            speaker is None
            and previous
            and same_paragraph
            and not says_unknown
            and not _someone_else(subject, previous)
        ):
            # Reported speech goes on in the subjunctive on the same line; a bare quote, one
            # in the first person (news text quotes without marks too) or the quote an intro
            # announces may start a new one.
            quoted = sentence[:1] in _QUOTE_OPEN or first_person
            if (
                quoted
                or previous[1] == "intro"
                or (same_line and (main & _SUBJUNCTIVE or reported))
            ):
                speaker = (previous[0], "continued")
        section = next((sec for sec in sections if sec.start <= s < sec.end), None)
        if speaker is None and not reported and subject:
            last = None  # "Berta Quendlinger glaubt …": a new subject, the reported speech is over
        if (
            speaker is None
            and last
            and since <= CARRY
            and not says_unknown
            and not _someone_else(subject, last)
        ):
            # "Das kündigte ein Regierungssprecher an. … Wendelbrunn werde in Präsenz teilnehmen."
            same_section = section is None or section.start <= last_start
            if (reported or first_person) and same_section:
                speaker = (last[0], "continued")
        # Reported speech nobody is said to speak here, nor just before: its own voice.
        own = reported or first_person
        if (
            speaker is None
            and voices[i] is not None
            and not says_unknown
            and same_paragraph
            and own
        ):
            speaker = (voices[i].name, "voice")
        # An interview: an answer labelled with its speaker ("Hans Muster: …") after a
        # question labelled with its asker ("STANDARD: …?") goes on until the next label,
        # whatever its sentences say. A quote so labelled in a report does not.
        if _LABEL.match(sentence) and not _GOES_ON.match(sentence):  # "Und: …" is no label
            answer = speaker is not None and speaker[1] == "colon"
            answering = speaker if answer and asked else None
            asked = not answer
        elif speaker is None and answering and not says_unknown:
            speaker = (answering[0], "continued")
        units.append(
            SentenceUnit(
                doc_id=doc.id,
                index=i,
                start=s,
                end=e,
                text=sentence,
                speaker=speaker[0] if speaker else None,
                speaker_key=person_key(speaker_head(speaker[0])) if speaker else None,
                how=speaker[1] if speaker else None,
                section_time=section.time if section else None,
                section_start=section.start if section else None,
                introduces=sentence.rstrip().endswith(":"),
                refers_back=bool(_REFERS_BACK.match(sentence)),
            )
        )
        introduces = speaker is not None and sentence.rstrip().endswith(":")
        previous = (speaker[0], "intro") if introduces else speaker
        previous_end = e
        if speaker is not None:
            last, last_start, since = speaker, s, 0
        else:
            since += 1
        if says_unknown:
            last = None
    return units
