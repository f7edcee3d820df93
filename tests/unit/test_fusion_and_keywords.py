"""Reciprocal rank fusion and the BM25 index, on hand-made chunks (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from qa_service.bilingual import MAX_TRANSLATIONS, Dictionary
from qa_service.models import Chunk, chunk_id
from qa_service.retrieval.bm25 import BM25Index
from qa_service.retrieval.cross_language import keyword_groups
from qa_service.retrieval.hybrid import reciprocal_rank_fusion
from qa_service.retrieval.tokens import tokenize


def test_rrf_sums_weighted_reciprocal_ranks():
    fused = reciprocal_rank_fusion([(["a", "b"], 1.0), (["b", "c"], 0.5)], rrf_k=60)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 0.5 / 61)
    assert fused["c"] == pytest.approx(0.5 / 62)
    assert max(fused, key=fused.get) == "b"  # found by both lists


def test_rrf_ignores_lists_without_weight():
    assert reciprocal_rank_fusion([(["a"], 1.0), (["z"], 0.0), (["y"], -1.0)]) == {
        "a": pytest.approx(1 / 61)
    }
    assert reciprocal_rank_fusion([]) == {}


def _chunks(*texts: str) -> list[Chunk]:
    return [
        Chunk(
            id=chunk_id("d", i, t),
            doc_id="d",
            index=i,
            text=t,
            start=0,
            end=len(t),
            title="T",
            source="d.txt",
        )
        for i, t in enumerate(texts)
    ]


TEXTS = (
    "Die Bundeswehr bekommt neue Panzer und mehr Soldaten.",
    "Der Schnee legt den Verkehr in Bayern lahm.",
    "Die Bundeswehr übt in Litauen; Bundeswehr-Soldaten bleiben dort.",
    "Macron empfängt die Koalition der Willigen in Paris.",
)


def test_bm25_ranks_by_shared_rare_terms():
    index = BM25Index(_chunks(*TEXTS))
    hits = index.search("Wo übt die Bundeswehr?", top_k=10)
    positions = [i for i, _ in hits]
    assert positions[0] == 2  # "übt" and "Bundeswehr" (twice)
    assert set(positions) == {0, 2}  # only chunks sharing a term score at all
    assert hits[0][1] > hits[1][1] > 0


def test_bm25_rarer_terms_weigh_more_and_mask_applies():
    index = BM25Index(_chunks(*TEXTS))
    [bayern], [bundeswehr] = tokenize("Bayern"), tokenize("Bundeswehr")
    assert index.idf[bayern] > index.idf[bundeswehr]
    allowed = np.array([True, True, False, True])
    assert [i for i, _ in index.search("Bundeswehr", 10, allowed)] == [0]


def test_bm25_edges():
    index = BM25Index(_chunks(*TEXTS))
    assert index.search("Eiffelturm", 5) == []
    assert index.search("Bundeswehr", 0) == []
    assert BM25Index([]).search("Bundeswehr", 5) == []
    assert len(index) == 4


def test_an_index_extended_by_added_chunks_is_the_whole_build():
    """Chunks of added documents among the earlier ones: the index built from the earlier one
    reads only the new chunks and scores every query as a build of them all, to the bit; a
    changed chunk text builds it whole."""
    more = (
        "Der Gemeinderat von Lorbach beschließt neue Radwege.",
        "Die Bundeswehr bekommt in Bruggenau einen neuen Standort.",
        "Hanna Quendlinger kritisiert den Plan für Lorbach.",
    )
    every = _chunks(*TEXTS, *more)
    everything = [every[i] for i in (4, 0, 1, 5, 2, 3, 6)]
    before = BM25Index([c for c in everything if c.text in TEXTS])
    whole = BM25Index(everything)
    for previous in (before, BM25Index(_chunks(*TEXTS[:3], "Ein anderer Text."))):
        grown = BM25Index(everything, previous=previous)
        assert grown.idf == whole.idf
        assert grown.vocabulary.words == whole.vocabulary.words
        assert grown.vocabulary.skeletons == whole.vocabulary.skeletons
        for query in ("Wo übt die Bundeswehr?", "Radwege in Lorbach", "Quendlinger Plan"):
            assert np.array_equal(grown.scores(query), whole.scores(query))
            assert grown.search(query, 5) == whole.search(query, 5)


DING = """\
Schnee {m} :: snow
Verkehr {m} | Verkehre {pl} :: traffic; transport
Soldat {m} | Soldaten {pl} :: soldier | soldiers
Truppe {f}; Soldaten {pl} :: troops
Bank {f}; Ufer {n} :: bank
etw. entdecken; etw. nachweisen {vt} | entdeckt :: to detect sth. | detected
sich erinnern {vr} :: to remember
jdm. etw. geben :: to give sb. sth.
sich ein Bild machen :: to get a picture of oneself
Gouverneur {m} [pol.] | Gouverneure {pl} :: governor /Gov./ | governor /Gov./s
Immobilien {pl}; Grundbesitz {m} :: real estate; real property
echt; wirklich :: real
sterben {vi} | gestorben | ich/er/sie starb :: to die | died | I/he/she died
"""


@pytest.fixture
def dictionary(tmp_path) -> Dictionary:
    path = tmp_path / "de-en"
    path.write_text(DING, encoding="utf-8")
    return Dictionary(path, cache_dir=None)


def test_english_words_become_groups_of_german_terms(dictionary):
    groups = keyword_groups("How much snow hit the traffic of Bavaria in 2015?", dictionary)
    # Words the list lacks and names stand for themselves.
    assert groups == [
        tokenize("Schnee"),
        tokenize("hit"),
        tokenize("Verkehr"),
        tokenize("Bavaria"),
        ["2015"],
    ]
    # A capitalised word the list knows stands for its translations and for itself.
    assert keyword_groups("Who leads the Bank?", dictionary)[-1] == tokenize("Bank Ufer")


def test_the_corpus_picks_and_orders_a_words_many_translations(tmp_path):
    # The dictionary lists a word's senses by German headword, so a common one comes late:
    # more than MAX_TRANSLATIONS come before "leiten" and "führen".
    rare = [f"Anschlussdraht{chr(97 + i)}" for i in range(MAX_TRANSLATIONS + 2)]
    lines = [f"{w} {{m}} :: lead" for w in rare] + ["leiten :: to lead", "führen :: to lead"]
    path = tmp_path / "de-en"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dictionary = Dictionary(path, cache_dir=None)
    assert len(dictionary.translations("lead")) == MAX_TRANSLATIONS
    assert "leit" not in dictionary.translations("lead")
    # With the corpus's idf: only the words it uses, its commonest first.
    idf = {"leit": 3.0, "fuhr": 1.5, tokenize(rare[0])[0]: 7.0}
    assert dictionary.translations("lead", idf) == ["fuhr", "leit", tokenize(rare[0])[0]]
    assert keyword_groups("Who will lead?", dictionary, idf) == [
        ["fuhr", "leit", *tokenize(rare[0])]
    ]


def test_a_hyphenated_word_the_list_lacks_is_its_parts(tmp_path):
    path = tmp_path / "de-en"
    lines = [
        "Kreidezeit {f} :: Cretaceous",
        "Paläogen {n} :: Paleogene",
        "langfristig :: long-term",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dictionary = Dictionary(path, cache_dir=None)
    assert dictionary.translations("Cretaceous-Paleogene") == tokenize("Kreidezeit Paläogen")
    assert dictionary.translations("long-term") == tokenize("langfristig")  # listed whole


def test_transitive_and_reflexive_verbs_are_single_words(dictionary):
    # The dictionary writes a verb with stand-ins for its objects ("etw.", "sth.", "sich"):
    # these verbs were dropped as phrases, so "detect" found nothing.
    assert dictionary.translations("detect") == tokenize("entdecken nachweisen entdeckt")
    assert dictionary.translations("detected") == tokenize("entdeckt")
    assert dictionary.translations("remember") == tokenize("erinnern")
    assert dictionary.translations("give") == tokenize("geben")
    # A phrase stays a phrase after its stand-ins go: no single word of it is a translation.
    assert dictionary.translations("picture") == []


def test_a_word_with_its_abbreviation_is_a_single_word(dictionary):
    # "governor /Gov./": the abbreviation after the word is a note, as "{m}" is.
    assert dictionary.translations("governor") == tokenize("Gouverneur")


def test_group_scores_count_a_word_once_by_its_best_term():
    index = BM25Index(_chunks(*TEXTS))
    soldiers = [tokenize("Soldaten")[0], tokenize("Truppe")[0]]
    hits = index.search([soldiers], top_k=10)
    assert {i for i, _ in hits} == {0, 2}
    # Many translations of one word add nothing over its best one.
    scores = index.group_scores([soldiers])
    assert np.allclose(scores, index.group_scores([[soldiers[0]]]))
    assert np.allclose(
        index.group_scores([[t] for t in tokenize("Bundeswehr Soldaten")]),
        index.scores("Bundeswehr Soldaten"),
    )


def test_tokens_stem_the_same_from_many_threads_at_once():
    """Server threads tokenize at the same time; a stemmer shared between them garbled words
    (IndexError under the load test)."""
    import random
    import string
    from concurrent.futures import ThreadPoolExecutor

    from qa_service.retrieval import tokens

    rng = random.Random(7)
    suffixes = ("ungen", "lichkeit", "ierten", "ernden", "heit", "end", "isch", "en")
    batches = [
        ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 14))) + rng.choice(suffixes)
         for _ in range(3000)]
        for _ in range(6)
    ]  # fmt: skip
    expected = [[tokens._stemmer().stemWord(w) for w in batch] for batch in batches]

    def stem(batch: list[str]) -> list[str]:
        return [tokens._stemmer().stemWord(w) for w in batch]

    with ThreadPoolExecutor(6) as pool:
        for _ in range(3):
            assert list(pool.map(stem, batches)) == expected


def test_two_adjacent_words_the_list_has_as_one_term_are_one_group(dictionary):
    # German writes "real estate" as one compound, which neither word alone finds.
    assert dictionary.translations("real estate") == tokenize("Immobilien Grundbesitz")
    assert keyword_groups("Is real estate traffic up?", dictionary)[0] == tokenize(
        "Immobilien Grundbesitz"
    )
    # Not adjacent, they are two words.
    assert keyword_groups("Is real traffic estate up?", dictionary)[0] == tokenize("echt wirklich")


def test_a_verbs_forms_translate_it_and_a_form_its_form(dictionary):
    # "Where did she die?" is "starb" in German text: the base verb takes all its forms; a
    # form ("I/he/she died") the form beside it, without person and auxiliary.
    assert set(tokenize("starb gestorben")) <= set(dictionary.translations("die"))
    assert dictionary.translations("died") == tokenize("gestorben starb")
