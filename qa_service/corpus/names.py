"""Person names as news text writes them: "Bundeskanzler Friedrich Merz", "Merz", "der Kanzler".

A person is keyed by the skeleton of their surname (`person_key`), so "Selenskyj",
"Selenskij" and the English "Zelensky" are one person, and "Friedrich Merz" and "Merz" are
one too. Role nouns ("Bundeskanzler", "EU-Ratspräsident", "president") are recognised by
their endings so that compounds need no list of their own.
"""

from __future__ import annotations

import re

from qa_service.date_words import MONTHS, WEEKDAYS
from qa_service.spelling import skeleton

# Endings of role nouns (lower case): "Bundeskanzler", "US-Sondergesandte", "Nato-Chef".
_ROLE_ENDINGS = (
    "kanzler kanzlerin präsident präsidentin premierminister premierministerin minister "
    "ministerin sprecher sprecherin chef chefin korrespondent korrespondentin gesandte "
    "gesandter berater beraterin sekretär sekretärin vorsitzende vorsitzender leiter leiterin "
    "botschafter botschafterin kommandeur bürgermeister bürgermeisterin abgeordnete "
    "abgeordneter politiker politikerin beamte beamter kollege kollegen schwiegersohn "
    "staatschef regierungschef außenminister republikaner demokrat demokratin diplomat "
    "diplomatin general experte expertin analyst analystin reporter reporterin moderator "
    "president chancellor minister secretary spokesman spokeswoman envoy chief leader "
    "ambassador premier gouverneur governor unterhändler beamten"
).split()
_ROLE_EXACT = frozenset("prime us eu nato".split())
# Capitalised words that never name a person (sentence starts, pronouns, months, weekdays).
_NOT_NAMES = frozenset(
    """
    Der Die Das Den Dem Des Ein Eine Einen Einem Einer Eines Er Sie Es Wir Ich Ihr Man Auch
    Aber Doch Und Oder Dies Diese Dieser Dieses Damit Dazu Daher Danach Darum Deshalb Dann Da
    Dabei Zudem Außerdem So Im In Am An Auf Bei Nach Vor Mit Seit Für Zum Zur Wie Was Wer Wo
    Wann Warum Wenn Als Nun Hier Heute Gestern Morgen Jetzt Noch Bis Unter Über Laut Trotz
    Während Zuvor Zugleich Gleichzeitig Insgesamt Allerdings Ebenso Darin Darüber Aktuell Uhr
    The A An It He She They We I This That These Those His Her Their Its And Or But In On At
    To Of For With By From As After Before When Where What Who Why How Which Also Then Today
    Yesterday Mr Mrs Ms Dr
    """.split()
    + [name for names in (*MONTHS.values(), *WEEKDAYS.values()) for name in names.split()]
)
PRONOUNS = frozenset("er sie he she ihm ihn him".split())
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


# Endings of German common nouns, which a first name or surname does not have.
# Capitalised adjectives at a line start ("Multinationale Truppe") end like adjectives.
_NOUN_ENDINGS = tuple(
    "ung ungen heit heiten keit keiten schaft schaften ion ionen tät ismus nis tum ment enz "
    "anz ik ien ität ische ischen ale "
    "alen liche lichen ige igen ierte".split()
)


def is_role(word: str) -> bool:
    """Role nouns in any case form: "Premierministers", "Präsidenten", "Kanzler"."""
    w = word.lower().strip(".")
    if w in _ROLE_EXACT:
        return True
    last = w.rsplit("-", 1)[-1]
    forms = {last} | {last[: -len(s)] for s in ("s", "es", "en", "n") if last.endswith(s)}
    return any(f.endswith(end) for f in forms for end in _ROLE_ENDINGS)


def looks_like_noun(word: str) -> bool:
    return word.lower().endswith(_NOUN_ENDINGS)


def is_name_word(word: str) -> bool:
    """Could this capitalised word be (part of) a name? Roles and function words cannot."""
    return (
        len(word) > 1
        and word[0].isupper()
        and word not in _NOT_NAMES
        and not is_role(word)
        and not word.isupper()  # acronyms: "SBU", "USA", "EU"
    )


def person_key(name: str) -> str:
    """One key for all spellings of one person: the skeleton of the surname."""
    words = [w for w in _WORD.findall(name) if not is_role(w)]
    last = (words[-1] if words else name).rstrip("s'’") if name else ""
    # A genitive "Merz'" or "Macrons" keeps its stem; short names keep their letters.
    return skeleton(last) if len(last) > 3 else last.lower()


def strip_roles(words: list[str]) -> tuple[list[str], list[str]]:
    """("Frankreichs", "Präsident", "Emmanuel", "Macron") -> name words after the last role,
    and the role words."""
    last_role = max((i for i, w in enumerate(words) if is_role(w)), default=-1)
    roles = [w for w in words[: last_role + 1] if is_role(w)]
    return words[last_role + 1 :], roles


def same_person(a: str | None, b: str | None) -> bool:
    """ "Friedrich Merz" is "Merz"; "Elysée-Palast" is "Elysée"."""
    if not (a and b):
        return False
    if person_key(a) == person_key(b):
        return True
    first = [person_key(x.split()[-1].split("-")[0]) for x in (a, b)]
    return first[0] == first[1]
