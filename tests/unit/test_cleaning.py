"""Cleaning deletes, never rewrites: each rule on the real corpus, and the offset map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.cleaning import CleanResult, clean_text
from ingest.decoding import decode_bytes

TAG24 = "000_7d6aace684e44f01.txt"
APA = "001_ea25f4a6a3f17485.txt"
DPA = "002_74d078ca7dd18e78.txt"
PLAIN = "003_8c7678973490183f.txt"
ZDF = "004_35332417cd3628a0.txt"


def _raw(path: Path) -> str:
    return decode_bytes(path.read_bytes(), path.name)


@pytest.fixture(scope="module")
def cleaned(corpus_dir: Path) -> dict[str, CleanResult]:
    return {p.name: clean_text(_raw(p)) for p in sorted(corpus_dir.glob("*.txt"))}


def _all_files(corpus_dir: Path) -> list[Path]:
    xquad = sorted((corpus_dir.parent / "eval" / "xquad" / "corpus").glob("*.txt"))
    return sorted(corpus_dir.glob("*.txt")) + xquad


def assert_offset_map(result: CleanResult) -> None:
    """The cleaned text is the raw text minus the removed spans, character for character."""
    raw, text = result.raw, result.text
    pieces = sorted(
        [(s, e, None) for s, e in result.segments]
        + [(r.start, r.end, r.rule) for r in result.removed]
    )
    pos = 0
    for start, end, _ in pieces:
        assert start == pos and end > start
        pos = end
    assert pos == len(raw)
    assert "".join(raw[s:e] for s, e in result.segments) == text
    assert all(raw[result.to_raw(i)] == ch for i, ch in enumerate(text))
    assert result.to_raw(len(text)) == len(raw)
    mapped = [result.to_raw(i) for i in range(len(text))]
    assert mapped == sorted(set(mapped))  # strictly increasing: a subsequence of raw
    assert text == text.strip()
    assert all(0 < b < len(text) for b in result.breaks)
    assert list(result.breaks) == sorted(set(result.breaks))


def test_offset_map_for_every_corpus_and_xquad_file(corpus_dir):
    files = _all_files(corpus_dir)
    assert len(files) > 5
    for path in files:
        assert_offset_map(clean_text(_raw(path)))


def test_xquad_files_lose_only_whitespace(corpus_dir):
    for path in _all_files(corpus_dir)[5:]:
        result = clean_text(_raw(path))
        assert set(result.removed_chars()) <= {"whitespace"}, path.name


def test_header_line_is_removed(cleaned):
    assert cleaned[TAG24].removed[0].rule == "header"
    assert cleaned[TAG24].text.startswith('Ukraine-Krieg: "Koalition der Willigen"')
    for name in (TAG24, APA, DPA):
        assert "date 2026-01-06" not in cleaned[name].text
    assert "70.398" not in cleaned[TAG24].text
    assert cleaned[APA].removed_chars() == {"header": len(" date 2026-01-06 ")}


def test_duplicated_captions_and_their_credits_are_removed(cleaned):
    result = cleaned[TAG24]
    text = result.text
    assert "©" not in text and "/dpa" not in text
    captions = [r for r in result.removed if r.rule == "caption"]
    assert len(captions) == 9
    for r in captions:
        first, second = result.raw[r.start : r.end].split("\n")
        assert second.startswith(first) and "©" in second[len(first) :]
    assert "Donald Trump (79) glaubt nicht mehr" not in text
    assert "Russlands Ex-Präsident Dmitri Medwedew (60) stellt regelmäßig" not in text
    # The ticker entries the captions illustrated are untouched.
    assert "Bundeskanzler Friedrich Merz nimmt am Dienstag in Paris an Beratungen" in text


def test_credit_line_is_removed(cleaned):
    result = cleaned[TAG24]
    assert "Titelfoto" not in result.text
    assert any(result.raw[r.start : r.end] == "Titelfoto: Kay Nietfeld/dpa" for r in result.removed)


def test_trailing_boilerplate_is_removed(cleaned):
    assert "Mehr zum Thema" not in cleaned[TAG24].text
    assert cleaned[TAG24].text.endswith("am Dienstag in Paris.")
    assert "Liveblog" not in cleaned[ZDF].text
    assert cleaned[ZDF].text.endswith(
        '"dass die USA die Ukraine nicht fallen lassen", hieß es aus dem Elysée.'
    )
    assert cleaned[ZDF].removed_chars()["boilerplate"] > 0


def test_duplicated_lead_is_removed(cleaned):
    result = cleaned[TAG24]
    assert "Ukraine - Die Europäer" not in result.text
    duplicate = [r for r in result.removed if r.rule == "duplicate"]
    assert len(duplicate) == 1
    assert result.raw[duplicate[0].start : duplicate[0].end].startswith("Ukraine - Die Europäer")
    # The lead stays once at the top; the 6.09 ticker entry repeats it legitimately.
    assert result.text.count("Die Europäer wollen am Dienstagnachmittag") == 2


def test_video_teaser_markers_are_removed(cleaned):
    result = cleaned[ZDF]
    teasers = [result.raw[r.start : r.end] for r in result.removed if r.rule == "teaser"]
    assert len(teasers) == 8
    assert all(re.fullmatch(r"\d\d\.\d\d\.2026 \| \d+:\d\d min", t) for t in teasers)
    assert not re.search(r"\d\d\.\d\d\.\d{4} \|", result.text)
    lines = result.text.split("\n")
    assert "Merz stellt deutsche Beteiligung in Aussicht" in lines
    assert "Westliche Staaten stellen verbindliche Sicherheitsgarantien in Aussicht" in lines
    assert any(line.startswith("Über Art und Umfang eines deutschen Beitrags") for line in lines)


def test_agency_signoff_is_removed(cleaned):
    result = cleaned[DPA]
    assert result.text.endswith("auch wenn dieses sie gar nicht angreifen wolle.")
    assert [result.raw[r.start : r.end] for r in result.removed if r.rule == "signoff"] == [
        "/evs/DP/nas"
    ]


def test_text_without_boilerplate_is_left_alone(cleaned, corpus_dir):
    assert cleaned[PLAIN].text == _raw(corpus_dir / PLAIN).strip()
    assert "teilnehmen.Auch der" in cleaned[APA].text  # glued sentences are not rewritten


def test_breaks_mark_every_interior_content_removal(cleaned):
    assert cleaned[PLAIN].breaks == () and cleaned[APA].breaks == ()
    assert len(cleaned[ZDF].breaks) == 8  # one per teaser marker
    text = cleaned[ZDF].text
    assert all(text[b - 1] == "\n" or text[b] == "\n" for b in cleaned[ZDF].breaks)
    assert len(cleaned[TAG24].breaks) == 9


def test_single_caption_only_loses_its_credit():
    result = clean_text("Titel\n\nMerz in Paris.  © Kay Nietfeld/dpa\n\nDer Text geht weiter.")
    assert result.text == "Titel\n\nMerz in Paris.\n\nDer Text geht weiter."
    assert [r.rule for r in result.removed if r.rule != "whitespace"] == ["credit"]


def test_copyright_sign_inside_a_sentence_stays():
    text = "Titel\n\nDas Zeichen © steht für das Urheberrecht, sagte er heute in Berlin."
    assert clean_text(text).text == text


@pytest.mark.parametrize(
    "line", ["© dpa", "Foto: Kay Nietfeld/dpa", "Bildquelle: ZDF", "Symbolbild: IMAGO"]
)
def test_credit_lines_anywhere(line):
    result = clean_text(f"Titel\n\nErster Absatz.\n{line}\nZweiter Absatz.")
    assert result.text == "Titel\n\nErster Absatz.\nZweiter Absatz."


def test_short_repeats_and_the_first_line_are_kept():
    assert clean_text("Ja\nJa\nNein.").text == "Ja\nJa\nNein."
    assert clean_text("Mehr zum Thema:").text == "Mehr zum Thema:"
    ending = "Titel\n\nText.\nMehr zu dem Thema wollte der Sprecher nicht sagen."
    assert clean_text(ending).text == ending
    assert clean_text("Titel\n\nText.\nLesen Sie auch\nMehr zum Thema").text == "Titel\n\nText."
    assert clean_text(
        "Er sagte:\nDazu kann zum Beispiel gehören, dass wir helfen."
    ).text.startswith("Er sagte:")


def test_markdown_marks_only_for_markdown():
    assert clean_text("# Titel\n\nText.").text == "# Titel\n\nText."
    assert clean_text("# Titel\n\n## Teil\nText.", markdown=True).text == "Titel\n\nTeil\nText."


def test_blank_line_runs_shrink_to_one():
    result = clean_text("\n\nA.\n\n\n\n\nB.  \n\n")
    assert result.text == "A.\n\nB."
    assert_offset_map(result)
