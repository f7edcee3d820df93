"""English words in German: a bilingual word list, so an English question's words can be
looked for in German sentences ("court" -> Gericht, Gerichtshof; "chancellor" -> Kanzler).

The list is Debian's `trans-de-en` (the Ding dictionary of TU Chemnitz, GPL-2+), read from
the system at `QA_DICTIONARY` (installed by `make setup`), never shipped with the package:
only its entries of one German word, for an English word or a two-word English term ("real
estate" -> Immobilien: the compound its words alone do not find) -> German index tokens
(stemmed and folded as the keyword index stores them). The parsed form is cached, keyed by
the file's size and time, in the user's cache folder, so a process loads it in half a second
instead of parsing 200,000 lines (eight seconds); one Dictionary per file serves the whole
process.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from qa_service.retrieval.tokens import tokenize

log = logging.getLogger(__name__)

CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "qa-service"
MAX_TRANSLATIONS = 12  # per English word asked: the corpus's commonest, else the first
# Kept per English word from the dictionary, in its order (by German headword, so a common
# sense may come late: "lead" -> ableiten, Anrisstext, … before leiten and führen).
STORED_TRANSLATIONS = 64
# The dictionary's notes: gender, usage, explanations ("Gouverneur {m} [pol.]").
NOTES = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>")
# Abbreviations after a word ("governor /Gov./", "European Central Bank /ECB/").
ABBREVIATION = re.compile(r"/([^/\s]+)/")
_WORD = re.compile(r"^[^\W\d_][\w-]*$")
_TERM = re.compile(r"^[^\W\d_][\w-]*(?: [^\W\d_][\w-]*)?$")  # English: one word or two
# The dictionary's stand-ins for a verb's objects ("etw. erkennen :: to detect sth.", "sich
# erinnern :: to remember"): without them a transitive verb is the single word it is.
_OBJECTS = re.compile(r"(?<!\S)(?:etw|jdn|jdm|jds|jd|sth|sb)\.(?!\S)|(?<!\S)(?:sich|oneself)(?!\S)")
# A conjugated form's person and auxiliary ("ich/er/sie starb", "er/sie hat/hatte gefunden"
# :: "I/he/she died"): without them the form is the single word it is.
_PERSONS = {
    False: re.compile(
        r"^(?:(?:ich|du|er|sie|es|wir|ihr)(?:/(?:ich|du|er|sie|es|wir|ihr))*\s+)"
        r"(?:(?:ist|war|hat|hatte|sind|waren|haben|hatten)(?:/\w+)*\s+)?"
    ),
    True: re.compile(
        r"^(?:(?:i|you|he|she|it|we|they)(?:/(?:i|you|he|she|it|we|they))*\s+)"
        r"(?:(?:has|had|have|is|was|were|would|will)(?:/\w+)*\s+)?",
        re.I,
    ),
}
# A verb's entry: its first part's notes say so ("sterben {vi}").
_VERB = re.compile(r"\{v[itr]?\}")
_FORMAT = 7  # of the cached entries: bump when `parse` changes


def parse(lines: Iterable[str]) -> dict[str, list[str]]:
    """English word or two-word term -> German index tokens, from Ding lines ("Gericht {n};
    Gerichtshof {m} | Gerichte {pl} :: court; law court | courts")."""
    out: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("#") or " :: " not in line:
            continue
        german, english = line.rstrip("\n").split(" :: ", 1)
        de_parts = german.split(" | ")
        de_words = [_single_words(part) for part in de_parts]
        de_tokens = [[t for w in words for t in tokenize(w)] for words in de_words]
        # A verb's forms all translate its English verb: "die" is "starb" in German text
        # ("sterben {vi} | sterbend | gestorben | … | ich/er/sie starb :: to die | …").
        if _VERB.search(de_parts[0]):
            de_tokens[0] += [t for tokens in de_tokens[1:] for t in tokens]
        en_parts = english.split(" | ")
        for words, tokens, en_part in zip(de_words, de_tokens, en_parts, strict=False):
            if not words:
                continue
            for en in _single_words(en_part, english=True):
                known = out.setdefault(en.lower(), [])
                for t in tokens:
                    if t not in known and len(known) < STORED_TRANSLATIONS:
                        known.append(t)
    return out


def _single_words(part: str, english: bool = False) -> list[str]:
    words = []
    for synonym in NOTES.sub(" ", part).split(";"):
        w = _PERSONS[english].sub("", " ".join(_OBJECTS.sub(" ", synonym).split()))
        w = " ".join(ABBREVIATION.sub(" ", w).split())  # before it, "ich/er/sie" is no note
        if english and w.startswith("to "):
            w = w[3:]
        if (_TERM if english else _WORD).match(w):
            words.append(w)
    return words


class Dictionary:
    """English word -> German index tokens; empty (with one warning) without the file."""

    def __init__(self, source: Path, cache_dir: Path | None = CACHE_DIR):
        self.source, self.cache_dir = Path(source), cache_dir
        self._entries: Mapping[str, list[str]] | None = None
        self._lock = threading.Lock()

    def knows(self, term: str) -> bool:
        return term.lower() in self.entries

    def translations(self, word: str, idf: Mapping[str, float] | None = None) -> list[str]:
        """A word's German index tokens: with the corpus's `idf`, those the corpus uses, its
        commonest first ("lead" -> führen, leiten, Führung, … over Anschlussdraht); else the
        dictionary's first. A hyphenated word the list lacks is its parts ("Bronze-Age" ->
        Bronze, Zeitalter)."""
        word = word.lower()
        found = self.entries.get(word, [])
        if not found and "-" in word:
            found = list(dict.fromkeys(t for p in word.split("-") for t in self.entries.get(p, ())))
        if idf is None:
            return found[:MAX_TRANSLATIONS]
        used = sorted((t for t in found if t in idf), key=idf.__getitem__)
        return used[:MAX_TRANSLATIONS]

    @property
    def entries(self) -> Mapping[str, list[str]]:
        with self._lock:
            if self._entries is None:
                self._entries = self._load()
            return self._entries

    def _load(self) -> Mapping[str, list[str]]:
        if not self.source.is_file():
            log.warning(
                "no bilingual dictionary: English questions are matched by meaning only",
                extra={"path": str(self.source)},
            )
            return {}
        return parsed_with_cache(self.source, self.cache_dir, f"dictionary{_FORMAT}", parse)


def parsed_with_cache(
    source: Path,
    cache_dir: Path | None,
    prefix: str,
    parse: Callable[[Iterable[str]], Mapping[str, list[str]]],
) -> Mapping[str, list[str]]:
    """`parse` over the dictionary file's lines, cached as JSON in `cache_dir` under a name of
    `prefix` and the file's size and time; written whole, then renamed, so a reader (another
    process) never sees half of it."""
    stat = source.stat()
    cache = None
    if cache_dir is not None:
        cache = cache_dir / f"{prefix}-{stat.st_size}-{int(stat.st_mtime)}.json.gz"
        if cache.is_file():
            with gzip.open(cache, "rt", encoding="utf-8") as f:
                return json.load(f)
    with source.open(encoding="utf-8", errors="replace") as f:
        entries = parse(f)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with gzip.open(tmp, "wt", encoding="utf-8") as f:
            json.dump(entries, f, separators=(",", ":"))
        tmp.replace(cache)
    return entries


_SHARED: dict[Path, Dictionary] = {}
_SHARED_LOCK = threading.Lock()


def shared_dictionary(source: Path) -> Dictionary:
    """The process's one Dictionary for `source` (every service of a process shares it)."""
    with _SHARED_LOCK:
        return _SHARED.setdefault(Path(source), Dictionary(Path(source)))
