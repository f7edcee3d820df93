"""The faster forward pass gives HanTa's own results, word for word: the same tags in the
same order, scores equal but for the last bits of a sum taken in another order."""

from __future__ import annotations

import pytest

from qa_service.lang.tagger import load_tagger

# Words HanTa's lexicon precomputes and words it must guess from their letters: invented
# names, long compounds, short and one-letter words, hyphens, umlauts, capitals.
GERMAN = """Quendlinger Bruggenau Lorbach Kowalenko Brodnik Lotter sagte angekündigt
Gewerkschaftsvorsitzende Hochwasserschutzanlagen Stellenabbaupläne Vereins-Rekordspieler
Verkehrsministerin 45-Jährige Betroffenen Quendlingers ab zu x Ö Übergangsfristen
Bundesverfassungsgericht Lorbachs Selbstständigkeit abgeschlossen Mehrwertsteuererhöhung
Pressesprecherin Zwischenbilanz unverhältnismäßig Klimaschutzgesetz EU-Kommissarin""".split()
ENGLISH = """quendlinger bruggenau chancellor council announced unprecedented kowalenko
transport minister shareholders spokeswoman re-election a x counterintelligence""".split()


@pytest.mark.parametrize(("model", "words"), [("morphmodel_ger.pgz", GERMAN),
                                              ("morphmodel_en.pgz", ENGLISH)])  # fmt: skip
def test_forward_pass_is_hantas_own(model: str, words: list[str]) -> None:
    from HanTa.HanoverTagger import HanoverTagger

    tagger = load_tagger(model)
    assert "analyze_forward" in vars(tagger)  # the faster pass is in use
    for word in words:
        for form in {word, word.lower(), tagger.normalize(word)}:
            ours = tagger.analyze_forward(form)
            theirs = HanoverTagger.analyze_forward(tagger, form)
            assert [tag for tag, _ in ours] == [tag for tag, _ in theirs]
            assert [score for _, score in ours] == pytest.approx(
                [score for _, score in theirs], rel=0, abs=1e-9
            )


@pytest.mark.parametrize(("model", "words"), [("morphmodel_ger.pgz", GERMAN),
                                              ("morphmodel_en.pgz", ENGLISH)])  # fmt: skip
def test_lemma_pass_is_hantas_own_to_the_bit(model: str, words: list[str]) -> None:
    """The lemma's pass keeps HanTa's order, so its paths (and lemmas) are the same."""
    from HanTa.HanoverTagger import HanoverTagger

    tagger = load_tagger(model)
    assert "analyze_viterbi" in vars(tagger)
    for word in words:
        form = word.lower()
        for tag, _ in tagger.analyze_forward(tagger.normalize(word))[:3]:
            assert tagger.analyze_viterbi(form, -tag) == HanoverTagger.analyze_viterbi(
                tagger, form, -tag
            )
