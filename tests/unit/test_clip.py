"""`clip`: one rule for shortening text in every place that does (lead, titles, chat doors)."""

from qa_service.clip import clip


def test_a_text_that_fits_is_kept() -> None:
    assert clip("Ein kurzer Titel", 16) == "Ein kurzer Titel"


def test_a_long_text_ends_at_a_whole_word_within_the_limit() -> None:
    text = "Rund 491 Tonnen vermeidbare Abfälle ergeben laut Studie eine Kolonne"
    out = clip(text, 40)
    assert out == "Rund 491 Tonnen vermeidbare Abfälle…" and len(out) <= 40


def test_a_word_ending_right_at_the_limit_is_kept_whole() -> None:
    assert clip("Radwege am See werden gebaut", 15) == "Radwege am See…"


def test_no_trailing_punctuation_before_the_ellipsis() -> None:
    assert clip("Die Stadt plant, sagte Brunner, neue Radwege", 19) == "Die Stadt plant…"


def test_a_text_of_long_words_is_cut_where_the_limit_falls() -> None:
    out = clip("https://example.org/" + "x" * 80, 30)
    assert len(out) == 30 and out.endswith("x…")
