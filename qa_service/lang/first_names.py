"""First names of every country, from the name dictionary `gender-guesser` installs: Jörg
Michael's `nam_dict.txt` (about 48,000 names; GNU Free Documentation License), read from
the installed file and never copied into this package. Only the data is read, none of that
package's (GPLv3) code.

Why not HanTa's proper-noun tag: HanTa tags any name it has seen "NE", so the English name
of a body ("National Trust", "Global Partners") looked like a first name and a surname, and a
first name it has not seen ("Tyrell", "Jayden") did not. On every fifth GNAD article the dictionary
drops 92 such runs (about 85 of them no person) and finds 78 persons more (about 62 of them
real people); on the labelled entity table precision goes from 60/73 to 60/67, recall stays.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import PackageNotFoundError, distribution

from qa_service.errors import ConfigError

_DATA = "gender_guesser/data/nam_dict.txt"


# The dictionary's sex codes: male, and male as a first part; the same for female. "?M" and
# "?F" (a name for both, mostly men's or women's) and "?" tell none: a pronoun may mean either.
_GENDERS = {"M": "m", "1M": "m", "F": "f", "1F": "f"}


@lru_cache(maxsize=1)
def first_names() -> dict[str, str | None]:
    """The dictionary's names as written ("Barbara", "Jean-Pierre", "Lin"), with "m" or "f"
    where the dictionary gives the name to one sex only; a "+" in one joins its parts with a
    hyphen or nothing ("Jean+Pierre")."""
    try:
        path = distribution("gender-guesser").locate_file(_DATA)
    except PackageNotFoundError as exc:
        raise ConfigError("the name dictionary is missing: pip install gender-guesser") from exc
    names: dict[str, set[str | None]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line[:1] in ("#", "=", ""):
            continue  # comments, and "=" lines that pair a short form with its full name
        code, name = line.split()[:2]
        forms = {name.replace("+", "-"), name.replace("+", "")} if "+" in name else {name}
        for form in forms:
            names.setdefault(form, set()).add(_GENDERS.get(code))
    return {name: g.pop() if len(g) == 1 else None for name, g in names.items()}


def is_first_name(word: str) -> bool:
    """ "Barbara", "Anna-Lena" (each part), "Jayden"; not "National" or "Global"."""
    names = first_names()
    return all(part in names for part in word.split("-"))


def gender(word: str) -> str | None:
    """ "f" for "Barbara" and "Anna-Lena", "m" for "Hugo"; None for a name given to both
    ("Kim") or no first name. A double name takes its first part's."""
    return first_names().get(word.split("-")[0])
