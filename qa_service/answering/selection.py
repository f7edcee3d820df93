"""Learned sentence selection and abstention: what a sentence has, and what that is worth.

Every candidate sentence of an extractive answer is described by the same features (cosines,
the question's words and names it holds, whether it carries what the question asks for, its
speaker, its passage's rank and its place in the article). Two logistic models, fitted by
`qa train` on development questions only (see `qa_service/data/selector.md`), turn them into
numbers: the probability that a sentence holds the answer, and, from the best sentences of a
question, the probability that the question is answerable at all. The refusal threshold and
the share of the best sentence's probability a further quote needs come with the model, chosen
on the development data, so no weight or threshold is set by hand here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "selector.json"
SENTENCE_FEATURES = (
    "cosine",
    "cosine_gap",  # to the best candidate of the question
    "cosine_rank",  # 1 / (1 + rank among the candidates)
    "alignment",  # each question word's closest sentence word, averaged (alignment.py)
    "alignment_gap",  # to the best aligned candidate
    "alignment_top",
    "lexical",  # idf-weighted share of the question's words in the sentence
    "lexical_window",  # ... within two sentences either side
    "distinctive",  # the question's words weighted by how few of the article's sentences hold them
    "distinctive_gap",  # to the candidate with the most
    "distinctive_top",  # 1 for the candidates with the most
    "lexical_gap",
    "lexical_top",
    "translated",  # English question: idf-weighted share of its words' German translations
    "translated_window",  # (German question: the same as lexical)
    "translated_gap",  # to the candidate holding most of them
    "translated_top",
    "names",  # share of the question's names (any spelling) in the sentence
    "names_window",
    "names_article",  # ... in its article: a question about someone is answered from their news
    "passage_rank",  # 1 / (1 + rank of its passage); 0 for statements from elsewhere
    "ends",  # a sentence, not a headline
    "fits",  # holds the kind of thing the question's type asks for
    "near",  # ... next to one of the question's words (when, how many, where)
    "reason",  # gives a reason, for a why-question
    "speaker",  # someone speaks it
    "speaker_match",  # the speaker the question asks about speaks it
    "speaker_named",  # ... speaks it, or is named within two sentences of it
    "said_what_speaker",  # someone speaks it, and the question asks what someone said
    "position",  # its place in the article, 0 = first sentence
    "length",  # log of its length in characters
    "newest",  # a question after the latest news: 1 for the newest candidate, 0 the oldest
    "english",  # the question is English
    "english_cosine",
    "english_lexical",
)
QUESTION_FEATURES = (
    "best",  # log-odds of the best sentence
    "second",  # log-odds of the second best
    "best_cosine",
    "best_lexical",
    "best_names",
    "best_fits",
    "best_near",
    "best_distinctive",  # the question's words the article rarely uses, in the best sentence
    "coverage",  # idf-weighted share of the question's words found around any candidate
    "uncovered",  # the rarest question word found around none, as a share of the rarest's idf
    "missing_names",  # the question names what the corpus never mentions
    "missing_share",  # ... as a share of its names
    "missing_nouns",  # German nouns of the question the corpus never uses
    "english",
    "speaker_asked",  # a said-what question with a speaker
    "candidates",  # log of the number of candidates
    "amount_found",  # one of the best candidates states the sum or share asked for (1: none asked)
    "speaker_found",  # the asked speaker speaks or is named near one of the best (1: none asked)
    "aligned_coverage",  # the question's content words' closest match in any candidate, mean
    "aligned_weakest",  # ... the lowest
    "aligned_among",  # the best alignment among the likeliest candidates
    "translated_among",  # ... and the best share of the question's words (translated) there
)
LIKELIEST = 5  # the best candidates looked at for the amount, speaker or words asked for


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression: p = σ(((x - mean) / scale) · coef + intercept)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        # A feature the running encoder cannot give (NaN: no word alignment without its
        # token vectors) is read at its training mean, so it says nothing either way.
        return np.nan_to_num((x - self.mean) / self.scale, nan=0.0) @ self.coef + self.intercept

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.log_odds(x)))

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(float(self.intercept), 6),
        }

    @classmethod
    def from_json(cls, data: dict) -> Logistic:
        return cls(
            tuple(data["features"]),
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            np.asarray(data["coef"], dtype=np.float64),
            float(data["intercept"]),
        )


@dataclass(frozen=True)
class Selector:
    """The fitted sentence and question models, the refusal threshold per language (on the
    question model's probability) and the share of the best probability a further quote
    needs."""

    sentence: Logistic
    question: Logistic
    thresholds: dict[str, float]
    further_quote: float

    def sentence_probabilities(self, x: np.ndarray) -> np.ndarray:
        return self.sentence.probability(x)

    def answerable(self, x: np.ndarray) -> float:
        return float(self.question.probability(x[None, :])[0])

    def to_json(self) -> dict:
        return {
            "sentence": self.sentence.to_json(),
            "question": self.question.to_json(),
            "thresholds": {k: round(v, 6) for k, v in self.thresholds.items()},
            "further_quote": round(self.further_quote, 6),
        }

    @classmethod
    def from_json(cls, data: dict) -> Selector:
        sentence = Logistic.from_json(data["sentence"])
        question = Logistic.from_json(data["question"])
        if sentence.features != SENTENCE_FEATURES or question.features != QUESTION_FEATURES:
            raise ValueError("the selector was trained on other features: run `qa train`")
        return cls(sentence, question, dict(data["thresholds"]), float(data["further_quote"]))

    @classmethod
    def load(cls, path: Path | None = None) -> Selector:
        """The shipped model (package data), or the one at `path`."""
        return cls.from_json(json.loads(Path(path or SHIPPED).read_text(encoding="utf-8")))


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class QuestionFacts:
    """What the abstainer knows of a question beyond its candidates' rows: the names it asks
    about and how many the corpus lacks, and how much of its wording the candidates' text
    holds at all (an on-topic question the articles cannot answer asks for words they lack:
    "Lösegeld", "Regie", "Versuchspersonen")."""

    missing: int = 0
    names: int = 0
    nouns_missing: int = 0
    english: bool = False
    speaker_asked: bool = False
    coverage: float = 1.0
    uncovered: float = 0.0
    amount: bool = False  # the question asks for a sum of money or a share
    aligned_coverage: float = math.nan  # `alignment.Aligned`: its words as the encoder reads
    aligned_weakest: float = math.nan  # them, the least well said of them (NaN: no alignment)

    def to_json(self) -> dict:
        return {k: round(v, 6) if isinstance(v, float) else v for k, v in vars(self).items()}


def question_features(
    probabilities: np.ndarray, sentence_rows: np.ndarray, facts: QuestionFacts
) -> np.ndarray:
    """The question's row for the abstainer, from its candidates' rows and probabilities."""
    order = np.argsort(-probabilities)
    best = sentence_rows[order[0]]
    likeliest = order[:LIKELIEST]
    col = {name: i for i, name in enumerate(SENTENCE_FEATURES)}
    second = probabilities[order[1]] if len(order) > 1 else 0.0
    values = {
        "best": logit(float(probabilities[order[0]])),
        "second": logit(float(second)),
        "best_cosine": best[col["cosine"]],
        "best_lexical": best[col["lexical"]],
        "best_names": best[col["names"]],
        "best_fits": best[col["fits"]],
        "best_near": best[col["near"]],
        # An on-topic question the articles cannot answer finds its topic words everywhere
        # but its own rarer words nowhere.
        "best_distinctive": best[col["distinctive"]],
        "coverage": facts.coverage,
        "uncovered": facts.uncovered,
        "missing_names": float(facts.missing > 0),
        "missing_share": facts.missing / facts.names if facts.names else 0.0,
        "missing_nouns": float(facts.nouns_missing > 0),
        "english": float(facts.english),
        "speaker_asked": float(facts.speaker_asked),
        "candidates": math.log(len(probabilities)),
        # "Wie viel kostete …?" where no likely sentence names a sum: the articles do not say.
        "amount_found": float(sentence_rows[likeliest, col["fits"]].max()) if facts.amount else 1.0,
        # "What did X say about Y?" where X is named near none of the likely sentences
        "speaker_found": float(sentence_rows[likeliest, col["speaker_named"]].max())
        if facts.speaker_asked
        else 1.0,
        # "Wie alt ist …?" where no candidate says anything like "alt", in any language
        "aligned_coverage": facts.aligned_coverage,
        "aligned_weakest": facts.aligned_weakest,
        # A question the articles are about but do not answer: its words are spread over
        # the candidates, and no likely one says them all ("Wer moderierte die Gala?" where
        # one sentence names the gala and another a host)
        "aligned_among": float(sentence_rows[likeliest, col["alignment"]].max()),
        "translated_among": float(sentence_rows[likeliest, col["translated"]].max()),
    }
    return np.asarray([values[f] for f in QUESTION_FEATURES], dtype=np.float64)


def rows(values: Sequence[dict[str, float]]) -> np.ndarray:
    """Feature dicts (one per candidate) as the model's matrix, columns in feature order."""
    return np.asarray([[v[f] for f in SENTENCE_FEATURES] for v in values], dtype=np.float64)
