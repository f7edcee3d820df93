"""The refusal policy: every reason to decline an answer, in one list, decided here.

A refusal cites nothing, says why in the question's language (`no_answer_<reason>`
templates) and sets `Answer.refusal_reason`. The reasons, in the order they are checked:

- `empty_index`: no article is indexed yet (the reader is told how to add some);
- `no_passages`: retrieval found nothing (filters that leave nothing);
- `absent_name`: the question asks what someone said whom the articles never mention;
- `speaker_not_quoted`: the articles mention the speaker but quote them on nothing near the
  question's topic;
- `outside_time_range`: the question's time leaves no sentence;
- `not_close_enough`: no sentence holds what the question asks for, or the answerer's
  confidence is below its bar (the learned abstainer's threshold), or the quotes chosen
  state no figure or count for a how-many question (`unstated_kind`);
- `unverified`: none of the answer's quotes is verbatim in its document any more.

Answerers raise `Refusal` where a fact rules every sentence out and call `below_bar` for the
confidence decision; the service turns either into the one refusal draft.
"""

from __future__ import annotations

from collections.abc import Iterable

from qa_service.analysis.question import QuestionType
from qa_service.answering.base import Draft
from qa_service.models import Language, RefusalReason
from qa_service.prompts import PromptLibrary


class Refusal(Exception):
    """Declining to answer, with the values its message names (speaker, names, period)."""

    def __init__(self, reason: RefusalReason, confidence: float | None = None, **values: str):
        super().__init__(reason)
        self.reason, self.confidence, self.values = reason, confidence, values


def below_bar(
    confidence: float, bar: float, speaker: str | None, missing_names: tuple[str, ...]
) -> Refusal | None:
    """The confidence decision, and which reason explains it best to the reader."""
    if confidence >= bar:
        return None
    if speaker:
        return Refusal("speaker_not_quoted", confidence, speaker=speaker)
    if missing_names:
        return Refusal("absent_name", confidence, names=", ".join(missing_names))
    return Refusal("not_close_enough", confidence)


# Question types whose answer is a kind of thing a quote states or does not: a count (or the
# sum of money or share asked for). Quotes on the topic that give none answer nothing ("Wie
# viele Lieder hat das Album?" -> "X veröffentlicht sein Album"). Not when: a time may be
# the ticker's or a condition ("wenn …"), and on GNAD dev the rule for it refused an English
# question it had answered wrongly, over CI's false-refusal floor; nor where and who: a place
# or a person is often in the sentence next to the one quoted.
_STATED_KINDS = frozenset({"how_many"})


def unstated_kind(qtype: QuestionType, stated: Iterable[bool], confidence: float) -> Refusal | None:
    """Refuse a how-many question whose chosen quotes (`stated`: whether each states the
    kind asked for, `answer_types.states`) state none."""
    if qtype in _STATED_KINDS and not any(stated):
        return Refusal("not_close_enough", confidence)
    return None


def refusal_draft(refusal: Refusal, prompts: PromptLibrary, language: Language) -> Draft:
    template = "no_answer" if refusal.reason in GENERIC else f"no_answer_{refusal.reason}"
    return Draft(
        text=prompts.render(template, language, **refusal.values),
        answered=False,
        confidence=refusal.confidence,
        refusal_reason=refusal.reason,
    )


GENERIC: frozenset[RefusalReason] = frozenset({"no_passages", "unverified"})
