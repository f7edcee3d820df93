"""Word tables live in the language layer (`qa_service/lang/`), each once.

The rule of issue 18: general German and English knowledge (reporting verbs, pronouns,
stopwords, months, role nouns, …) is written once, in `qa_service/lang/german.py` and
`english.py`, and every analyser imports it. This test reads the code of the package and
fails on a literal table of words anywhere else, so a new list goes to the layer (or is
allowed below, with its reason).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from qa_service.lang import english, german

PACKAGE = Path(__file__).resolve().parents[2] / "qa_service"
LAYER = PACKAGE / "lang"
# A literal of this many words or more is a word table: at 5 the scan also finds the API's
# names (chat roles, ingest statuses), at 6 nothing but word tables. Shorter ones stay with
# their one rule (compose.py's "Er Sie He She", the endings "e en er es").
MIN_WORDS = 6
_WORD = re.compile(r"^[^\W\d_][\w'’-]*$")
# module (relative to qa_service/) -> why its word tables are not in the layer yet.
ALLOWED: dict[str, str] = {}


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _words_of(node: ast.AST) -> list[str]:
    """The words a literal lists: a set, list or tuple of words, or a string of words that is
    split (`"a b c".split()`) or handed to a function on its own (`_words("a b c")`).
    Identifiers (with "_"), acronyms ("GET") and dictionary keys are not words of a language."""
    if isinstance(node, ast.Set | ast.List | ast.Tuple):
        items = [i.value for i in node.elts if isinstance(i, ast.Constant)]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        receiver = node.func.value
        split = node.func.attr == "split" and not node.args
        items = receiver.value.split() if split and _is_text(receiver) else []
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
        if node.func.id[:1].isupper():
            return []  # a message for an exception class, not a table
        arg = node.args[0]
        items = arg.value.split() if _is_text(arg) else []
    else:
        return []
    words = [
        w
        for w in items
        if isinstance(w, str) and _WORD.match(w) and "_" not in w and not w.isupper()
    ]
    return words if len(words) == len(items) else []


def word_tables(path: Path) -> list[tuple[int, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [(node, _words_of(node)) for node in ast.walk(tree)]
    return [(node.lineno, words) for node, words in found if len(words) >= MIN_WORDS]


def test_no_word_table_outside_the_language_layer():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if path.is_relative_to(LAYER) or module in ALLOWED:
            continue
        for line, words in word_tables(path):
            offenders.append(f"qa_service/{module}:{line}: {' '.join(words[:8])} …")
    assert not offenders, "word tables outside qa_service/lang/:\n" + "\n".join(offenders)


def test_the_scan_finds_the_tables_of_the_layer():
    """The scan sees the forms tables are written in (else the test above proves nothing)."""
    assert len(word_tables(LAYER / "german.py")) >= 10
    assert len(word_tables(LAYER / "english.py")) >= 5


def test_allowed_modules_still_hold_word_tables():
    """An allowance ends when its module's tables have moved to the layer."""
    assert all(word_tables(PACKAGE / module) for module in ALLOWED)


def test_question_forms_are_of_reporting_verbs():
    """The forms questions ask with belong to verbs the layer knows as reporting verbs."""
    lemmas = german.REPORTING_VERBS | german.REFLEXIVE_REPORTING_VERBS
    assert set(german.QUESTION_REPORTING_FORMS) <= lemmas
    assert german.SAYING_VERBS <= german.REPORTING_VERBS


def test_tables_are_lower_case_words():
    """Tables hold lower-case words (names of months and days are capitalised as written)."""
    for module in (german, english):
        for name, table in vars(module).items():
            if (
                name.isupper()
                and isinstance(table, frozenset)
                and name not in ("MONTHS", "WEEKDAYS")
            ):
                assert all(w == w.lower() for w in table), name


def test_each_table_is_defined_once_per_language():
    """A second table under a name taken replaces the first for every reader of it (a new
    table of press-release nouns once overwrote the colon rule's nouns of conclusions)."""
    for module in (german, english):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        names = [
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        ]
        assert sorted({n for n in names if names.count(n) > 1}) == [], module.__name__
