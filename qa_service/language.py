"""Question language: German or English, by function words (robust on short questions)."""

from __future__ import annotations

import re

from qa_service.models import Language

_DE = frozenset(
    "der die das den dem des ein eine einen einem einer und oder ist sind war waren wer was wie "
    "wo wann warum wieso welche welcher welches welchen hat haben hatte wird werden wurde wurden "
    "nicht mit von zu zum zur im auf für über sagte sagten bei nach aus sich auch noch dazu "
    "gibt es viele wieviele wie viele kann können soll sollen mehr als um ich du wir ihr "
    "sie schrieb erklärte betonte forderte warnte teilte sozialen medien gestern heute zuletzt "
    "seit".split()
)
_EN = frozenset(
    "the a an and or is are was were who what how where when why which whom whose has have had "
    "will would did does do not with of to in on for about said say says at after from by also "
    "there many much can could should more than it its this that these those i you we they".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str, default: Language = "de") -> Language:
    words = [w.lower() for w in _WORD.findall(text)]
    de = sum(w in _DE for w in words) + 2 * bool(re.search(r"[äöüßÄÖÜ]", text))
    en = sum(w in _EN for w in words)
    if de == en:
        return default
    return "de" if de > en else "en"
