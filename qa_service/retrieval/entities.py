"""Names in a question that the corpus never mentions.

A question about "Erik Lindqvist" or "Bitcoin" cannot be answered from articles that never
name them, however close its vector lands. Names are the capitalised words after the first;
one counts as present if the corpus has it (stemmed, or split into two known parts for German
compounds), a German form of it (English names and demonyms, `data/names_en_de.tsv`; the
bilingual dictionary's names, phrases and abbreviations: "ECB" -> EZB, "Council of Europe" ->
Europarat), or a word of nearly the same name key (transliterations and typos:
Zavadsky/Sawadskyj, Kraeutler/Kräutler, Oberleiner/Oberleitner; `name_match`).

An English phrase the dictionary knows is judged whole: "Federal Constitutional Court" is
present only if the articles name the Bundesverfassungsgericht, not because they say
"Gericht" and "Verfassung" somewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from typing import NamedTuple

from qa_service.corpus.names import is_common_noun, is_first_name
from qa_service.lang import english
from qa_service.lang.english_names import english_names
from qa_service.models import Language
from qa_service.retrieval.name_match import SIMILARITY, NameIndex
from qa_service.retrieval.name_translations import MAX_WORDS, NameTranslations, shared_translations
from qa_service.retrieval.tokens import STOPWORDS, tokenize
from qa_service.settings import get_settings
from qa_service.spelling import fold, skeleton

_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
_SENTENCE_START = re.compile(r"(^|[.!?:;\"„“]\s*)$")
_MIN_SKELETON = 4


class Vocabulary:
    """What words the corpus contains, in the forms the checks above need."""

    def __init__(
        self, stems: Iterable[str], words: Iterable[str], similarity: float = SIMILARITY
    ) -> None:
        self.stems = set(stems)
        self.similarity = similarity
        self.words: set[str] = set()
        self.skeletons: set[str] = set()
        self._add(words)

    def _add(self, words: Iterable[str]) -> None:
        # "UN-Sicherheitsrat" names the Sicherheitsrat too.
        new = {p for w in words for p in (w, *w.split("-")) if p} - self.words
        self.words |= new
        self.skeletons |= {s for s in map(skeleton, new) if len(s) >= _MIN_SKELETON}

    def extended(self, stems: Iterable[str], words: Iterable[str]) -> Vocabulary:
        """This vocabulary with more words (an index that documents were added to): only the
        new words are split and skeletonised."""
        out = Vocabulary.__new__(Vocabulary)
        out.stems, out.similarity = set(stems), self.similarity
        out.words, out.skeletons = set(self.words), set(self.skeletons)
        out._add(words)
        return out

    @cached_property
    def name_index(self) -> NameIndex:
        """Built on the first name the corpus does not have as written."""
        return NameIndex(self.words, self.similarity)

    def knows(
        self, word: str, language: Language, translations: NameTranslations | None = None
    ) -> bool:
        """The word as written or stemmed, its German forms, or a near spelling of it."""
        if self.has(word, language):
            return True
        if language == "en" and translations is not None and self._translated(word, translations):
            return True
        parts = [p for p in word.split("-") if p]
        if len(parts) > 1:
            return all(self.knows(p, language, translations) for p in parts)
        return self.name_index.similar(word)

    def knows_phrase(self, phrase: str, translations: NameTranslations) -> bool | None:
        """An English phrase the dictionary has: is one of its German forms in the corpus?
        None when the dictionary does not have it."""
        forms = translations.forms(phrase)
        if not forms:
            return None
        return any(self._known_form(f) for f in forms)

    def _translated(self, word: str, translations: NameTranslations) -> bool:
        """A German form of the name ("ECB" -> EZB) or of the common word ("Court" -> Gericht)."""
        return bool(self.knows_phrase(word, translations)) or any(
            t in self.stems for t in translations.tokens(word)
        )

    def has(self, word: str, language: Language) -> bool:
        """As written, stemmed, in a German form of `names_en_de.tsv`, or in known parts."""
        if all(t in self.stems for t in tokenize(word, keep_stopwords=True)):
            return True
        lowered = word.lower()
        if fold(lowered) in self.words:
            return True
        if language == "en" and lowered in english_names():
            return any(self.has(form, "de") for form in english_names()[lowered])
        parts = [p for p in lowered.split("-") if p]
        if len(parts) > 1:
            return all(self.has(p, language) for p in parts)
        return self._compound(fold(lowered))

    def _known_form(self, form: str) -> bool:
        content = [w for w in form.split() if w not in STOPWORDS]
        return bool(content) and all(self.has(w, "de") for w in content)

    def _compound(self, word: str) -> bool:
        """German compounds: 'kriegsbeginn' = 'kriegs' + 'beginn' when both halves occur."""
        for i in range(4, len(word) - 3):
            left, right = word[:i], word[i:]
            if (left in self.words or left.rstrip("s") in self.words) and right in self.words:
                return True
        return False


class Absent(NamedTuple):
    """The question's capitalised words the corpus never uses: names, and German common nouns
    ("Wahlbeteiligung", "Segelflieger"). A missing name rules an answer out; a missing noun only
    says the articles put it in other words ("Teuerung" for "Preisanstieg"), so the abstainer
    weighs the two apart."""

    names: list[str]
    nouns: list[str]


def absent(
    question: str,
    language: Language,
    vocabulary: Vocabulary,
    translations: NameTranslations | None = None,
) -> Absent:
    """The question's names and nouns the corpus never mentions. English names are also
    looked up in `translations` (default: the process's, from the `QA_DICTIONARY` setting)."""
    tokens = list(_WORD.finditer(question))
    names = {i for i, m in enumerate(tokens) if _is_name(m, question)}
    verdicts: dict[int, bool] = {}
    if language == "en" and names:
        translations = translations or shared_translations(get_settings().dictionary)
        verdicts = _phrases(tokens, names, vocabulary, translations)
    else:
        translations = None
    for i in sorted(names - verdicts.keys()):
        verdicts[i] = vocabulary.knows(tokens[i].group(), language, translations) or (
            language == "en" and _origin_adjective(question, tokens, i)
        )
    _join_runs(question, tokens, verdicts, vocabulary, language)
    words = [tokens[i].group() for i in sorted(names) if not verdicts[i]]
    nouns = [w for w in words if language == "de" and _common_noun(w, vocabulary)]
    return Absent([w for w in words if w not in nouns], nouns)


def _common_noun(word: str, vocabulary: Vocabulary) -> bool:
    """A German noun the lexicon knows ("QVB-Arbeitsgruppe" by its last part), not a first name
    it also lists. A hyphenated one none of whose parts the corpus uses ("Segelflug-Weltcup"
    over articles on trade) is no other wording of theirs: it stays as absent as a name."""
    parts = [p for p in word.split("-") if p]
    if len(parts) > 1 and not any(vocabulary.knows(p, "de") for p in parts):
        return False
    return is_common_noun(parts[-1]) and not is_first_name(parts[0])


def _origin_adjective(question: str, tokens: list[re.Match], i: int) -> bool:
    """An English adjective of origin before a common noun ("the Bavarian beer")."""
    word = tokens[i].group()
    after = tokens[i + 1].group() if i + 1 < len(tokens) else ""
    between = question[tokens[i].end() : tokens[i + 1].start()] if after else ""
    return (
        word.lower().endswith(english.ORIGIN_ADJECTIVE_ENDINGS)
        and after.islower()
        and after not in STOPWORDS
        and between == " "
    )


def _is_name(m: re.Match, question: str) -> bool:
    word = m.group()
    return (
        word[0].isupper()
        and not _SENTENCE_START.search(question[: m.start()])
        and word.lower() not in STOPWORDS
        and len(word) >= 2
    )


def _phrases(
    tokens: list[re.Match], names: set[int], vocabulary: Vocabulary, translations: NameTranslations
) -> dict[int, bool]:
    """Name words inside an English phrase the dictionary has, longest phrases first ->
    whether the corpus has the phrase (as written, or a German form of it)."""
    verdicts: dict[int, bool] = {}
    for size in range(MAX_WORDS, 1, -1):
        for start in range(len(tokens) - size + 1):
            span = range(start, start + size)
            inside = [i for i in span if i in names]
            if not inside or any(i in verdicts for i in span):
                continue
            phrase = " ".join(tokens[i].group() for i in span)
            known = vocabulary.knows_phrase(phrase, translations)
            if known is None:
                continue
            known = known or all(vocabulary.has(tokens[i].group(), "en") for i in inside)
            verdicts.update(dict.fromkeys(span, known))
    return {i: v for i, v in verdicts.items() if i in names}


def _join_runs(
    question: str,
    tokens: list[re.Match],
    verdicts: dict[int, bool],
    vocabulary: Vocabulary,
    language: Language,
) -> None:
    """Names split into syllables ("Xi Jin Ping", "Ai Wei Wei") are known written as one."""
    for i in sorted(verdicts):
        run = [i]
        while run[-1] + 1 in verdicts and len(run) < 3:
            nxt = run[-1] + 1
            if question[tokens[run[-1]].end() : tokens[nxt].start()] != " ":
                break
            run.append(nxt)
            if not all(verdicts[j] for j in run) and vocabulary.has(
                "".join(tokens[j].group() for j in run), language
            ):
                verdicts.update(dict.fromkeys(run, True))
