"""Answer-level scores of `qa eval`, from (question, answer) pairs: no model, no index.

XQuAD (per language): the share of questions whose first quote holds a gold answer string,
the share where any quote does, quotes per answered question, and the refusal rate (XQuAD is
all answerable, so every refusal is a miss). Gold: answer-contains per question type, and
"speaker ok" - the share of answerable said-what questions answered with only the asked
speaker's sentences (a citation whose speaker is unknown counts as wrong).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from qa_service.evaluation.datasets import Question
from qa_service.models import Answer, Citation

Pair = tuple[Question, Answer]


def contains(answer: Answer, expected: Sequence[str]) -> bool:
    """An answered answer whose text holds one of the expected strings (case-insensitive)."""
    text = answer.answer.casefold()
    return answer.answered and any(e.casefold() in text for e in expected)


def quote_holds(citation: Citation, expected: Sequence[str]) -> bool:
    quote = citation.quote.casefold()
    return any(e.casefold() in quote for e in expected)


def _surname(name: str) -> set[str]:
    """The last word, in its hyphen parts ("Rathaus-Pressestelle" -> rathaus, pressestelle)."""
    words = name.casefold().split()
    return {p for p in re.split(r"-+", words[-1]) if p} if words else set()


def speaker_matches(speaker: str | None, expected: str) -> bool:
    """Surname match: "Elias Brunner", "Sozialminister Elias Brunner" and "Brunner" are
    Brunner; "Rathaus-Pressestelle" is the Rathaus. An unknown speaker is no match."""
    return bool(speaker) and bool(_surname(speaker or "") & _surname(expected))


def speaker_ok(answer: Answer, expected: str) -> bool:
    """Answered, cites something, and every citation is the expected speaker's."""
    return (
        answer.answered
        and bool(answer.citations)
        and all(speaker_matches(c.speaker, expected) for c in answer.citations)
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _by_lang(pairs: Iterable[Pair]) -> dict[str, list[Pair]]:
    out: dict[str, list[Pair]] = defaultdict(list)
    for q, a in pairs:
        out[q.lang].append((q, a))
    return dict(sorted(out.items()))


def quote_level(pairs: Iterable[Pair]) -> dict[str, dict[str, float | int | None]]:
    """Per language: first-quote and any-quote hit rates over all questions (a refusal is a
    miss), mean quotes per answered question, refusal rate. Answerable questions only."""
    table = {}
    for lang, mine in _by_lang((q, a) for q, a in pairs if q.answerable).items():
        answered = [a for _, a in mine if a.answered]
        first = sum(
            a.answered and bool(a.citations) and quote_holds(a.citations[0], q.expected_any)
            for q, a in mine
        )
        anywhere = sum(
            a.answered and any(quote_holds(c, q.expected_any) for c in a.citations) for q, a in mine
        )
        table[lang] = {
            "n": len(mine),
            "first_quote": _share(first, len(mine)),
            "any_quote": _share(anywhere, len(mine)),
            "quotes_per_answer": _share(sum(len(a.citations) for a in answered), len(answered)),
            "refusal_rate": _share(len(mine) - len(answered), len(mine)),
        }
    return table


def by_type(pairs: Iterable[Pair]) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """Per language and question type: answer-contains over the answerable questions."""
    table: dict[str, dict[str, dict[str, float | int | None]]] = {}
    for lang, mine in _by_lang((q, a) for q, a in pairs if q.answerable).items():
        groups: dict[str, list[Pair]] = defaultdict(list)
        for q, a in mine:
            groups[q.type or "-"].append((q, a))
        table[lang] = {
            t: {
                "n": len(g),
                "contains": _share(sum(contains(a, q.expected_any) for q, a in g), len(g)),
            }
            for t, g in sorted(groups.items())
        }
    return table


def speaker_level(pairs: Iterable[Pair]) -> dict[str, dict[str, float | int | None]]:
    """Per language: speaker ok over the answerable said-what questions naming a speaker."""
    table = {}
    chosen = (
        (q, a) for q, a in pairs if q.answerable and q.type == "said_what" and q.expected_speaker
    )
    for lang, mine in _by_lang(chosen).items():
        ok = sum(speaker_ok(a, q.expected_speaker or "") for q, a in mine)
        table[lang] = {"n": len(mine), "speaker_ok": _share(ok, len(mine))}
    return table


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_tables(quotes: dict, types: dict, speakers: dict) -> list[str]:
    """The lines `qa eval` prints under its answers table."""
    lines = [
        "",
        f"{'quotes':10} {'lang':4} {'n':>5} {'first-quote':>12} {'any-quote':>10} "
        f"{'quotes/answer':>14} {'refusals':>9}",
    ]
    for lang, m in quotes.items():
        lines.append(
            f"{'hybrid':10} {lang:4} {m['n']:5d} {_f(m['first_quote']):>12} "
            f"{_f(m['any_quote']):>10} {_f(m['quotes_per_answer']):>14} "
            f"{_f(m['refusal_rate']):>9}"
        )
    if types:
        langs = list(types)
        names = sorted({t for per_lang in types.values() for t in per_lang})
        lines += [
            "",
            f"{'contains by type':16}" + "".join(f" {lang + ' (n)':>14}" for lang in langs),
        ]
        for t in names:
            cells = []
            for lang in langs:
                m = types[lang].get(t)
                cell = f"{_f(m['contains'])} ({m['n']})" if m else "-"
                cells.append(f" {cell:>14}")
            lines.append(f"{t:16}" + "".join(cells))
    if speakers:
        lines.append("")
    for lang, m in speakers.items():
        lines.append(
            f"said_what speaker ok {lang}: {_f(m['speaker_ok'])} of {m['n']} "
            "(every citation's speaker is the asked one; unknown speaker = wrong)"
        )
    return lines
