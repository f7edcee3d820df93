"""MeaningCheck: a generated sentence is kept only if what it claims is in its quote.

Similarity is not meaning: "Brunner said all pensions would rise by three percent at
once" shares most words with a quote that says *after the budget vote*, *the minimum
pension*, *could*. So a sentence is read for the claims a small model
gets wrong, and each must be found in the quote (German or English on either side; word lists
in `data/meaning_lexicon.tsv` hold only general language: countries, institutions a dictionary
has, words, numbers, units, times - no person, city or organisation of any corpus):

- who: every name it uses is in the quote or its speaker's line, in any spelling (names are
  read from the text, `name_words.py`); a country only where the quote names it, also as the
  speaker's ("des britischen Premierministers"); the speaker it names is the quote's speaker;
  the actor of its clause is not someone the quote names in another role ("Fenwick
  informed Petrenko" for "Petrenko hatte Fenwick informiert"), and a person stays in the
  clause the quote puts them in;
- roles: "the chancellor", "Vizekanzler" only where the quote or its speaker's line gives that
  role (no role is taken to name a person: who is "Kanzler" depends on the corpus);
- numbers and what they count ("40 Drohnen" is not "40 missiles"), bounded the quote's way
  ("more than 5,000" is not "bis zu 5.000"), a change by the quote's factor ("tripled" is
  not "verdoppelt");
- negation: what the quote negates is not stated, and nothing the quote states is negated
  ("rejected", "ruled out", "criticised" count as negations);
- direction: an amount goes the quote's way ("higher" is not "geringer", "losing" not
  "gewinnen");
- modality: no firmer than the quote (könnte < wollen/sollen < fact);
- reasons: none the quote does not give ("thanks to …", "because …");
- condition: the quote's condition is kept and is the same ("nach einem Waffenstillstand"
  is not "in the event of a war"); none is invented; "before" is not "after";
- place: "in X" only where the quote has X as a location, negated alike;
- time: weekdays, months, "again", "yesterday", ... only those the quote has;
- and it must share something with the quote at all (a name, a number, a word); a German
  sentence over a German quote, half its content words.

The package is a reader and rules: `reader.Text` reads a sentence or quote once, each rule of
`rules.RULES` is a class that asks the readings one question, and `MeaningCheck` runs them
all. The rules are deliberately strict: a dropped faithful sentence costs a fallback to the
extractive answer, a kept distortion costs the user's trust. Measured on
tests/data/meaning_pairs.jsonl (README, "Meaning check").
"""

from __future__ import annotations

from dataclasses import dataclass

from qa_service.answering.meaning.reader import LEXICON, Translate, Words
from qa_service.answering.meaning.rules import RULES, Reading, Rule

__all__ = ["LEXICON", "MeaningCheck", "Verdict"]


@dataclass(frozen=True)
class Verdict:
    faithful: bool
    reasons: tuple[str, ...] = ()  # "kind: detail", the first word is the rule that failed


class MeaningCheck:
    """Is what `sentence` claims in `quote`? `speaker` is who the article says spoke the
    quote; `context` is other text the claim may rest on (the citation's date)."""

    def __init__(
        self,
        rules: tuple[Rule, ...] = RULES,
        translate: Translate | None = None,
        words: Words | None = None,
    ) -> None:
        """`translate`: an English name's German forms (the bilingual dictionary's), so
        "Egypt" in an English sentence is the quote's "Ägypten"; `words`: an English word's
        German index tokens (the word list's), so "inhabitants" is not "Erwerbstätige"."""
        self.rules, self.translate, self.words = rules, translate, words

    def check(
        self,
        sentence: str,
        quote: str,
        *,
        speaker: str | None = None,
        context: str = "",
        language: str | None = None,
    ) -> Verdict:
        reading = Reading.of(
            sentence, quote, speaker, context, language, self.translate, self.words
        )
        reasons = [reason for rule in self.rules for reason in rule.check(reading)]
        return Verdict(not reasons, tuple(reasons))
