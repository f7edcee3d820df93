"""Near-duplicate groups: copies with small edits group, other sentences on the topic do not,
and the prefix-filtered join finds exactly the pairs a comparison of every pair finds."""

from __future__ import annotations

import itertools
import random

import pytest

from qa_service.corpus.attribution import SentenceUnit
from qa_service.corpus.duplicates import (
    MIN_WORDS,
    THRESHOLD,
    find_duplicates,
    jaccard,
    near_duplicate_groups,
    shingles,
    update_duplicates,
)


def units(*texts: str) -> list[SentenceUnit]:
    return [SentenceUnit(f"doc-{i}", 0, 0, len(t), t) for i, t in enumerate(texts)]


def grouped(found: dict[int, tuple[SentenceUnit, ...]]) -> set[frozenset[str]]:
    return {frozenset(u.doc_id for u in members) for members in found.values()}


def test_an_edited_copy_groups_and_a_sentence_on_the_same_topic_does_not():
    found = near_duplicate_groups(
        units(
            "Die Landesrätin Hanna Quendlinger kündigte am Montag in Lorbach neue Radwege an.",
            "Die Landesrätin Hanna Quendlinger (52) kündigte am Montag in Lorbach neue Radwege an.",
            "Die Landesrätin Hanna Quendlinger sprach am Montag in Lorbach über neue Busse.",
            "Neue Radwege",
            "Neue Radwege",
        )
    )
    assert grouped(found) == {frozenset({"doc-0", "doc-1"})}


def _brute_force(sentences: list[SentenceUnit]) -> set[frozenset[str]]:
    """Groups from every pair's Jaccard, joined transitively."""
    long = [u for u in sentences if len(u.text.split()) >= MIN_WORDS]
    groups = [{u.doc_id} for u in long]
    for a, b in itertools.combinations(range(len(long)), 2):
        if jaccard(shingles(long[a].text), shingles(long[b].text)) >= THRESHOLD:
            ga = next(g for g in groups if long[a].doc_id in g)
            gb = next(g for g in groups if long[b].doc_id in g)
            if ga is not gb:
                ga |= gb
                groups.remove(gb)
    return {frozenset(g) for g in groups if len(g) > 1}


def _edited_sentences(seed: int) -> list[SentenceUnit]:
    """Sentences drawn from a small vocabulary and edited copies of them: many pairs near the
    threshold on both sides, where an approximate search (MinHash LSH) missed some."""
    rng = random.Random(seed)
    vocabulary = "rat stadt plan geld jahr woche bahn bau schule wald see berg land amt".split()
    texts = []
    for _ in range(80):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(4, 14))]
        texts.append(" ".join(words))
        for _ in range(rng.randint(0, 2)):
            edited = list(words)
            for _ in range(rng.randint(1, 4)):
                edited[rng.randrange(len(edited))] = rng.choice(vocabulary)
            texts.append(" ".join(edited))
    return units(*texts)


def test_the_join_finds_every_pair_a_comparison_of_all_pairs_finds():
    sentences = _edited_sentences(7)
    expected = _brute_force(sentences)
    assert len(expected) > 10
    assert grouped(near_duplicate_groups(sentences)) == expected


def _edited(unit: SentenceUnit, rng: random.Random) -> SentenceUnit:
    words = unit.text.split()
    words[rng.randrange(len(words))] = rng.choice(["rat", "see", "amt", "neu"])
    return SentenceUnit(unit.doc_id, 0, 0, len(" ".join(words)), " ".join(words))


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_a_build_updated_by_the_documents_changed_is_the_whole_build(seed: int) -> None:
    """Documents added among the earlier ones (the store's order is not the order written),
    then some removed and some edited: each build from the one before has the groups of a
    build of everything, keys and members' order too, and its index holds the same
    sentences."""
    sentences = _edited_sentences(seed)
    rng = random.Random(seed)
    first = [u for u in sentences if rng.random() < 0.6]
    second = [u for u in sentences if u in first or rng.random() < 0.5]
    third = [u for u in sentences if rng.random() < 0.8]  # removed: a fifth, some in groups
    fourth = [_edited(u, rng) if rng.random() < 0.2 else u for u in third]
    assert len(third) < len(sentences) and fourth != third
    groups, index = find_duplicates(first)
    for now, before in ((second, first), (sentences, second), (third, sentences), (fourth, third)):
        ids = {u.doc_id for u in before}
        unchanged = {u.doc_id for u in now if u in before}
        groups, index = update_duplicates(
            now, groups, index, removed=ids - unchanged, added={u.doc_id for u in now} - unchanged
        )
        whole_groups, whole_index = find_duplicates(now)
        assert groups == whole_groups
        assert sorted(index.keys) == sorted(whole_index.keys)
        assert sorted(index.hashes.tolist()) == sorted(whole_index.hashes.tolist())
        assert grouped(groups) == _brute_force(now)


def test_removing_the_sentence_that_joined_two_others_splits_their_group() -> None:
    """A group is a chain: A pairs with B and B with C, A not with C. Without B, A and C are
    two sentences on their own, not a group."""
    chain = units(
        "die stadt plant im kommenden jahr neue radwege am see und im wald",
        "die stadt plant im kommenden jahr neue radwege am see und eine schule am berg",
        "im kommenden jahr neue radwege am see und eine schule am berg baut das land",
    )
    groups, index = find_duplicates(chain)
    assert grouped(groups) == {frozenset({"doc-0", "doc-1", "doc-2"})}
    without = [chain[0], chain[2]]
    groups, index = update_duplicates(without, groups, index, removed={"doc-1"}, added=set())
    assert groups == {} and [doc_id for doc_id, _ in index.keys] == ["doc-0", "doc-2"]
