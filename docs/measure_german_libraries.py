"""SoMaJo and simplemma against the hand code they would replace, on the labelled tables.

Neither is a dependency: `pip install somajo simplemma`, then from the checkout
`python docs/measure_german_libraries.py` (needs ../shared beside it). Sentences: how many
labelled sentences of the attribution tables come out of each splitter as one unit, and the
time to split every fifth GNAD article. Lemmas: the reporting-verb forms the language layer
lists with their lemma (`german.QUESTION_REPORTING_FORMS`), by HanTa and by simplemma.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import simplemma
from somajo import SoMaJo

from ingest.loading import load_document
from qa_service.corpus.names import word_class
from qa_service.lang import german
from qa_service.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SOMAJO = SoMaJo("de_CMC", split_sentences=True, character_offsets=True)


def somajo_spans(text: str) -> list[tuple[int, int]]:
    sentences = SOMAJO.tokenize_text([text])
    return [(s[0].character_offset[0], s[-1].character_offset[1]) for s in sentences]


def one_unit(table: str, folder: Path) -> tuple[int, int, int]:
    """Labelled sentences each splitter gives as one unit: (ours, SoMaJo, all)."""
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / table).open(encoding="utf-8")]
    units: dict[str, tuple[set[str], set[str]]] = {}
    ours = theirs = 0
    for row in rows:
        if row["doc"] not in units:
            text = load_document(folder / row["doc"]).text
            units[row["doc"]] = (
                {text[s:e].strip() for s, e in split_sentences(text)},
                {text[s:e].strip() for s, e in somajo_spans(text)},
            )
        mine, somajo = units[row["doc"]]
        ours += row["sentence"].strip() in mine
        theirs += row["sentence"].strip() in somajo
    return ours, theirs, len(rows)


def main() -> None:
    out = sys.stdout
    for table, folder in (
        ("attribution_gnad.jsonl", SHARED / "gnad" / "articles"),
        ("attribution_cases.jsonl", SHARED / "corpus"),
    ):
        ours, somajo, rows = one_unit(table, folder)
        out.write(f"{table}, sentences one unit: ours {ours}, SoMaJo {somajo}, of {rows}\n")
    files = sorted((SHARED / "gnad" / "articles").glob("*.txt"))[::5]
    texts = [load_document(f).text for f in files]
    t = time.perf_counter()
    ours = sum(len(split_sentences(x)) for x in texts)
    mine_s = time.perf_counter() - t
    t = time.perf_counter()
    theirs = sum(len(somajo_spans(x)) for x in texts)
    somajo_s = time.perf_counter() - t
    out.write(
        f"{len(texts)} GNAD articles: ours {ours} sentences in {mine_s:.2f} s, "
        f"SoMaJo {theirs} in {somajo_s:.2f} s\n"
    )
    pairs = [(f, lemma) for lemma, forms in german.QUESTION_REPORTING_FORMS.items() for f in forms]
    hanta = sum(word_class(f)[0] == lemma for f, lemma in pairs)
    simple = sum(simplemma.lemmatize(f, lang="de") == lemma for f, lemma in pairs)
    out.write(f"reporting-verb forms to their lemma: HanTa {hanta}, simplemma {simple}, ")
    out.write(f"of {len(pairs)}\n")


if __name__ == "__main__":
    main()
