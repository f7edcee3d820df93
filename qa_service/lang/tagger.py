"""HanTa's taggers, with its two passes over a word's letters made faster, results kept.

Tagging a word HanTa's model has not precomputed runs `analyze_forward`, a Viterbi pass over
the word's letters that scores each segment against each tag that may follow the state
before it: reading a thousand news articles spent two thirds of its time there (cProfile of
the snapshot's readings). For every segment HanTa tries every following tag, up to 74, and
looks the segment up in that tag's morphemes, though few tags know it and only 11 of 150 can
guess an unknown one from its suffix. `_forward` looks the segment up once, in an index of
each morpheme's tags, and tries only the tags that know it and the tags that guess. It finds
the same states with the same scores; only where several paths end in one part of speech are
their probabilities summed in another order, so a score may differ in its last bits (3.6e-15
for 6 of 12,338 words of 300 news articles; the tags and their order never).

A lemma runs `analyze_viterbi`, the same pass for a known part of speech keeping the best
path. There the order in which states are found decides ties, so `_viterbi` keeps HanTa's
loops and only inlines the lookups: the same paths to the bit (44,460 calls on the words of
200 news articles, 1.4x faster). `tests/unit/test_tagger.py` compares both with HanTa's own.
Where the model lacks the tables they read (another HanTa release), HanTa's passes are kept.
"""

from __future__ import annotations

import math
import types
from operator import itemgetter

_TABLES = (
    "LP_m_t",
    "LP_trans_nonfinal",
    "LP_trans_final",
    "LP_hapax_t",
    "LP_s_t",
    "LP_len_t",
    "Int_t",
    "strict",
)


def load_tagger(model: str):  # noqa: ANN201 - HanTa has no types
    """HanTa's tagger for `model` ("morphmodel_ger.pgz", "morphmodel_en.pgz")."""
    from HanTa import HanoverTagger

    tagger = HanoverTagger.HanoverTagger(model)
    if all(hasattr(tagger, name) for name in _TABLES):
        tagger._forward_index = _index(tagger)
        tagger.analyze_forward = types.MethodType(_forward, tagger)
        tagger.analyze_viterbi = types.MethodType(_viterbi, tagger)
    return tagger


def _index(tagger) -> tuple[dict, dict, dict, dict]:  # noqa: ANN001
    """What `_forward` reads instead of trying every tag: the first two terms of a guessed
    morpheme's score for each tag that guesses, each known morpheme's tags with their scores,
    each state's following tags as a dict, and those of them that guess."""
    hapax, suffixes = tagger.LP_hapax_t, tagger.LP_s_t
    base = {t: tagger.Int_t + hapax[t] for t in hapax if t in suffixes}
    by_morpheme: dict[str, dict[int, float]] = {}
    for tag, known in tagger.LP_m_t.items():
        for morpheme, lp in known.items():
            by_morpheme.setdefault(morpheme, {})[tag] = lp
    follow = tagger.LP_trans_nonfinal
    return (
        base,
        by_morpheme,
        {s: dict(f) for s, f in follow.items()},
        {s: [(t, p) for t, p in f if t in base] for s, f in follow.items()},
    )


def _live(row: dict, lowerbound: float) -> list:
    """A row's states a pass goes on from, in the row's order: HanTa keeps those within 1 of
    the row's fourth best."""
    bound = sorted(row.values(), reverse=True)[3] - 1 if len(row) > 3 else lowerbound
    return [(state, lp) for state, lp in row.items() if lp >= bound]


def _endings(m: str, wlen: int) -> tuple[tuple[str, ...], int, float]:
    """What HanTa scores an unknown morpheme `m` of a `wlen`-letter word by: its endings of 4
    to 1 letters (each shorter than the morpheme), longest first; its length, capped at 24;
    and -4.6 where it would be the whole word (one unknown morpheme is the likeliest guess
    otherwise)."""
    mlen = len(m)
    ends = (m[-4:], m[-3:], m[-2:], m[-1:])[4 - min(4, mlen - 1) :] if mlen > 1 else ()
    return ends, min(mlen, 24), -4.6 if wlen == mlen else 0.0


def _suffix_score(lp_s: dict[str, float], ends: tuple[str, ...]) -> float:
    """A tag's score for the longest of the endings it knows, or for none."""
    for end in ends:
        if end in lp_s:
            return lp_s[end]
    return lp_s[""]


def _forward(self, word: str) -> list[tuple[int, float]]:  # noqa: C901, PLR0912 - one loop, kept whole as HanTa's
    """HanTa's `HanoverTagger.analyze_forward` (1.2) over an index of the model's tables:
    each part of speech with the log probability of its paths, best first."""
    from HanTa.HanoverTagger import EMPTY, START, UNKNOWN
    from numpy import logaddexp

    lowerbound = -1e6
    wlen = len(word)
    final, lp_s_t, lp_len_t = self.LP_trans_final, self.LP_s_t, self.LP_len_t
    base, by_morpheme, follow_dict, follow_guess = self._forward_index
    guessing = not self.strict
    table: list[dict[tuple[int, int], float]] = [{(EMPTY, START): 0}]
    table += [{} for _ in range(wlen + 1)]
    for i in range(wlen + 1):
        for state, lp in _live(table[i], lowerbound):
            follows = follow_dict.get(state)
            if not follows:
                continue
            guessed = follow_guess[state] if guessing else ()
            previous = state[1]
            for j in range(i + 1, wlen + 1):
                m = word[i:j]
                mlen = j - i
                target = table[j]
                known = by_morpheme.get(m)
                if known:
                    for tag, v in known.items():
                        lpt = follows.get(tag)
                        if lpt is None:
                            continue
                        lp1 = lp + lpt + v
                        if lp1 > lowerbound:
                            new = (previous, tag)
                            old = target.get(new)
                            if old is None or lp1 > old:
                                target[new] = lp1
                if not guessed or not (wlen < 4 or mlen > 2):
                    continue
                ends, length, whole = _endings(m, wlen)
                for tag, lpt in guessed:
                    if known and tag in known:
                        continue
                    suffix = _suffix_score(lp_s_t[tag], ends)
                    lp1 = lp + lpt + (base[tag] + lp_len_t[tag][length] + suffix + whole)
                    if lp1 > lowerbound:
                        new = (previous, tag)
                        old = target.get(new)
                        if old is None or lp1 > old:
                            target[new] = lp1
    last = table[-1]
    for state, lp in table[-2].items():
        for tag, lpt in final.get(state, ()):
            lp1 = lp + lpt
            if lp1 > lowerbound:
                new = (state[1], tag)
                if new not in last or lp1 > last[new]:
                    last[new] = lp1
    results: dict[int, float] = {}
    for state, lp in last.items():
        if lp == -math.inf:
            continue
        pos = -state[1]
        results[pos] = logaddexp(results[pos], lp) if pos in results else lp
    ranked = sorted(results.items(), key=itemgetter(1), reverse=True)
    return ranked or [(UNKNOWN, 0)]


def _viterbi(self, word: str, targetpos: int) -> list[tuple[int, int]]:  # noqa: C901, PLR0912
    """HanTa's `HanoverTagger.analyze_viterbi` (1.2), the lemma's pass for a known part of
    speech: its loops in its order, with the morpheme lookups inlined and a segment's
    suffixes taken once, so the same path to the bit (ties keep the first found)."""
    from HanTa.HanoverTagger import EMPTY, END_UNKNOWN, START, UNKNOWN

    wlen = len(word)
    lowerbound = -1e6
    reachable = self.reachability.get(targetpos, frozenset())
    lp_m_t, lp_s_t, lp_len_t = self.LP_m_t, self.LP_s_t, self.LP_len_t
    base = self._forward_index[0]
    for strict in (True, False):
        table: list[dict] = [{(EMPTY, START): 0}] + [{} for _ in range(wlen + 1)]
        backpointer: list[dict] = [{} for _ in range(wlen + 2)]
        for i in range(wlen + 1):
            for state, lp in _live(table[i], lowerbound):
                followup = [
                    (t, p) for t, p in self.LP_trans_nonfinal.get(state, []) if t in reachable
                ]
                for j in range(i + 1, wlen + 1):
                    m = word[i:j]
                    mlen = j - i
                    may_guess = not strict and (wlen < 4 or mlen > 2)
                    target, pointers = table[j], backpointer[j]
                    ends = None  # taken at the segment's first guess
                    for tag, lpt in followup:
                        v = lp_m_t[tag].get(m)
                        if v is None:
                            if not may_guess or tag not in base:
                                continue  # -inf: never above the lower bound
                            if ends is None:
                                ends, length, whole = _endings(m, wlen)
                            suffix = _suffix_score(lp_s_t[tag], ends)
                            v = base[tag] + lp_len_t[tag][length] + suffix + whole
                        lp1 = lp + lpt + v
                        if lp1 > lowerbound:
                            new = (state[1], tag)
                            old = target.get(new)
                            if old is None or lp1 > old:
                                target[new] = lp1
                                pointers[new] = (state, i)
        last = table[-1]
        for state, lp in table[-2].items():
            for tag, lpt in self.LP_trans_final.get(state, []):
                if tag == targetpos:
                    lp1 = lp + lpt
                    if lp1 > lowerbound:
                        new = (state[1], tag)
                        if new not in last or lp1 > last[new]:
                            last[new] = lp1
                            backpointer[-1][new] = (state, wlen)
                    break
        if last:
            break  # a second try, guessing unknown morphemes, only when nothing was found
    best, pmax = (EMPTY, EMPTY), -math.inf
    for state, lp in table[-1].items():
        if lp > pmax:
            pmax, best = lp, state
    i = len(backpointer) - 1
    if best == (EMPTY, EMPTY):
        states = [((UNKNOWN, END_UNKNOWN), i), ((START, UNKNOWN), i - 1)]
    else:
        states = [(best, i)]
        state = best
        while i > 0:
            state, i = backpointer[i][state]
            states.append((state, i))
        states = states[:-1]
    return [(state[1], i) for state, i in states[::-1]]
