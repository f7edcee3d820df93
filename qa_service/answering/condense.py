"""Condenser: a follow-up ("Und was sagte Moreau dazu?") becomes a question that stands alone.

Retrieval sees one question, so a follow-up must carry its context. With a language model
configured it rewrites the question (prompts/condense.*.txt). Without one, a rule: a question
that looks like a follow-up - it starts with "und", "aber", "what about"..., refers back
("dazu", "dort", "he", "that"...) or has at most two content words - gets the content words
of the previous question appended in brackets, without its speaker when the follow-up names
its own: "Und was sagte Moreau dazu? (Rentenreform)". Anything else is left as it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qa_service.errors import LLMError
from qa_service.lang import english, german
from qa_service.models import Language, Turn
from qa_service.prompts import PromptLibrary
from qa_service.retrieval.tokens import tokenize

if TYPE_CHECKING:  # langchain_core costs most of a cold `qa ask`; only a chat model needs it
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

_OPENERS = re.compile(
    r"^\s*(und|aber|also|und was|was ist mit|wie ist es mit|wie steht es|and|but|so|"
    r"what about|how about|and what)\b",
    re.IGNORECASE,
)
_BACK_REFERENCES = german.FOLLOW_UP_WORDS | english.FOLLOW_UP_WORDS
_MAX_HISTORY_CHARS = 3000
_WORD = re.compile(r"\w[\w'-]*")


def looks_like_follow_up(question: str) -> bool:
    ws = _WORD.findall(question.lower())
    return (
        bool(_OPENERS.match(question))
        or any(w in _BACK_REFERENCES for w in ws)
        or len(tokenize(question)) <= 2
    )


def _asked_speaker(question: str) -> str | None:
    from qa_service.analysis.question import analyse
    from qa_service.language import detect_language

    a = analyse(question, detect_language(question), dt.date.today())
    return a.speaker if a.type == "said_what" else None


class Condenser:
    def __init__(self, prompts: PromptLibrary, chat_model: BaseChatModel | None = None) -> None:
        self.prompts, self.chat_model = prompts, chat_model

    def condense(self, question: str, history: Sequence[Turn], language: Language) -> str | None:
        """The standalone question, or None when there is nothing to condense."""
        previous = [t.content for t in history if t.role == "user" and t.content.strip()]
        if not previous or not looks_like_follow_up(question):
            return None
        if self.chat_model is not None:
            try:
                return self._by_model(question, history, language, previous[-1])
            except LLMError as exc:
                log.warning("condensing by model failed, using the rule: %s", exc)
        return self._by_rule(question, previous[-1])

    def _by_rule(self, question: str, previous: str) -> str:
        own = set(tokenize(question))
        # "Und was sagte Moreau dazu?" after "Was sagte Brunner …?" asks Moreau on Brunner's topic:
        # the earlier speaker is not part of the topic.
        speaker = _asked_speaker(previous) if _asked_speaker(question) else None
        dropped = set(tokenize(speaker)) if speaker else set()
        context = [
            w
            for w in dict.fromkeys(_WORD.findall(previous))
            if (t := set(tokenize(w))) and not t <= own and not t <= dropped
        ]
        return f"{question.strip()} ({', '.join(context)})" if context else question

    def _by_model(
        self, question: str, history: Sequence[Turn], language: Language, previous: str
    ) -> str:
        names = {"user": "Nutzer" if language == "de" else "User", "assistant": "Assistent"}
        transcript = "\n".join(f"{names[t.role]}: {t.content.strip()}" for t in history)
        prompt = self.prompts.template("condense", language)
        text = prompt.format(history=transcript[-_MAX_HISTORY_CHARS:], question=question)
        lines = self.chat_model.invoke(text).text.strip().splitlines()
        rewritten = lines[0].strip().strip('"„“') if lines else ""
        # A model that answers instead of rewriting, or echoes the question: use the rule then.
        if (
            not rewritten.endswith("?")
            or len(rewritten) > 4 * len(question) + 200
            or rewritten.casefold() == question.strip().casefold()
        ):
            return self._by_rule(question, previous)
        return rewritten
