"""German sentence spans: abbreviations, dates, numbers, quotes, headings, glued sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loading import load_document
from qa_service.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Das ist z. B. ein Test. Und u. a. noch einer.",
            ["Das ist z. B. ein Test.", "Und u. a. noch einer."],
        ),
        ("Das ist z.B. ein Test. Ende.", ["Das ist z.B. ein Test.", "Ende."]),
        (
            "Sie wohnt in der Hauptstr. 5 bei Dr. Müller. Das kostet ca. 3 Mio. Euro bzw. mehr.",
            [
                "Sie wohnt in der Hauptstr. 5 bei Dr. Müller.",
                "Das kostet ca. 3 Mio. Euro bzw. mehr.",
            ],
        ),
        (
            "Haus Nr. 5 in St. Gallen kostet 2 Mrd. Franken. Ja.",
            ["Haus Nr. 5 in St. Gallen kostet 2 Mrd. Franken.", "Ja."],
        ),
        ("Äpfel, Birnen etc. sind Obst. Gut.", ["Äpfel, Birnen etc. sind Obst.", "Gut."]),
        # An abbreviation written capitalised is one only so: the verb "mag" ends a sentence.
        (
            "Es leitet Mag. Huber, was er mag. Dann kam er.",
            ["Es leitet Mag. Huber, was er mag.", "Dann kam er."],
        ),
        (
            "Maria E. Lotter leitete die Kommission. Sie tagte.",
            ["Maria E. Lotter leitete die Kommission.", "Sie tagte."],
        ),
        (
            "Er schrieb auf der Plattform X. Die Nutzer antworteten.",
            ["Er schrieb auf der Plattform X.", "Die Nutzer antworteten."],
        ),
        (
            "Am 5. Januar 2026 kam es zum Treffen. Seit dem 29. Dezember behauptet Russland das.",
            [
                "Am 5. Januar 2026 kam es zum Treffen.",
                "Seit dem 29. Dezember behauptet Russland das.",
            ],
        ),
        (
            "Im 20. Jahrhundert war das anders. Heute nicht.",
            ["Im 20. Jahrhundert war das anders.", "Heute nicht."],
        ),
        (
            "Im frühen 16. Jahrhundert und ins 17. Jahrhundert hinein wuchs die Stadt. Sie blühte.",
            [
                "Im frühen 16. Jahrhundert und ins 17. Jahrhundert hinein wuchs die Stadt.",
                "Sie blühte.",
            ],
        ),
        (
            "Bauten des 14. und 15. Jahrhunderts stehen am 3. und 4. Mai offen. Die Elf "
            "verlor in der 23. Runde. Er wurde 18. Die Mannschaft ist 12.",
            [
                "Bauten des 14. und 15. Jahrhunderts stehen am 3. und 4. Mai offen.",
                "Die Elf verlor in der 23. Runde.",
                "Er wurde 18.",
                "Die Mannschaft ist 12.",
            ],
        ),
        (
            "Er trat zurück. (APA, 12. 3. 2019)",
            ["Er trat zurück.", "(APA, 12. 3. 2019)"],
        ),
        (
            "Der Preis stieg um 12. Die Regierung reagierte.",
            ["Der Preis stieg um 12.", "Die Regierung reagierte."],
        ),
        (
            "Das war im Jahr 2014. 26 Länder stimmten zu.",
            ["Das war im Jahr 2014.", "26 Länder stimmten zu."],
        ),
        (
            "Die Linie ist 1.400 Kilometer lang. Um 6.11 Uhr begann es. Es lag bei 3.5 Prozent.",
            [
                "Die Linie ist 1.400 Kilometer lang.",
                "Um 6.11 Uhr begann es.",
                "Es lag bei 3.5 Prozent.",
            ],
        ),
        (
            "Sie sagten: „Wir kommen.“ Danach gingen sie.",
            ["Sie sagten: „Wir kommen.“", "Danach gingen sie."],
        ),
        ('Er sagte: "Wir kommen." Danach ging er.', ['Er sagte: "Wir kommen."', "Danach ging er."]),
        ("Er fragte: „Wann?“ Keiner wusste es.", ["Er fragte: „Wann?“", "Keiner wusste es."]),
        ("(Das steht fest.) Dann kam er.", ["(Das steht fest.)", "Dann kam er."]),
        (
            "Wir müssen teilnehmen.Auch der Chef kommt.",
            ["Wir müssen teilnehmen.", "Auch der Chef kommt."],
        ),
        ("Warum? Darum! Gut.", ["Warum?", "Darum!", "Gut."]),
        ("Es kostet ca. drei Euro.", ["Es kostet ca. drei Euro."]),
        (
            "Überschrift ohne Punkt\nDer Text beginnt. Er geht weiter.",
            ["Überschrift ohne Punkt", "Der Text beginnt.", "Er geht weiter."],
        ),
        ("Ein Absatz.\n\nNoch einer", ["Ein Absatz.", "Noch einer"]),
        ("Ein umbrochener Satz, der\nweitergeht.", ["Ein umbrochener Satz, der\nweitergeht."]),
        ("Eine Aufzählung,\nFrankreich und Polen.", ["Eine Aufzählung,\nFrankreich und Polen."]),
        (
            "„Wenn er endet, endet er.\n“Danach sprach er.",
            ["„Wenn er endet, endet er.\n“", "Danach sprach er."],
        ),
        ("", []),
        ("  \n\n ", []),
    ],
)
def test_split_sentences(text, expected):
    assert sentences(text) == expected


def test_region_offsets_point_into_the_whole_text():
    text = "xx Hallo Welt. Zweiter Satz. yy"
    spans = split_sentences(text, 3, 28)
    assert spans == [(3, 14), (15, 28)]
    assert split_sentences(text, 10, 10) == [] and split_sentences(text, 20, 5) == []
    assert split_sentences(text, -5, 999) == split_sentences(text)


def test_corpus_specifics(corpus_dir: Path):
    apa = load_document(corpus_dir / "001_ea25f4a6a3f17485.txt").text
    split = sentences(apa)
    k = next(i for i, s in enumerate(split) if s.endswith("Donald Trump, teilnehmen."))
    assert split[k].startswith("Für die USA sollen")  # "teilnehmen.Auch" in the file
    assert split[k + 1].startswith("Auch der ukrainische Staatschef")
    dpa = sentences(load_document(corpus_dir / "002_74d078ca7dd18e78.txt").text)
    assert "Selenskyj pocht auf bessere Flugabwehr" in dpa
    tag24 = sentences(load_document(corpus_dir / "000_7d6aace684e44f01.txt").text)
    assert "6. Januar, 6.11 Uhr: Darum geht es beim Ukraine-Treffen in Paris" in tag24
    plain = sentences(load_document(corpus_dir / "003_8c7678973490183f.txt").text)
    assert any(
        s.startswith("Premierminister Keir Starmer") and s.endswith("für immer.\n“") for s in plain
    )
    assert "Selenskyj selbst wirkt vorsichtig optimistisch, aber auch realistisch." in plain
    assert plain[1] == (
        "Heute, am 6. Januar 2026, stand Paris im Zentrum der diplomatischen Bemühungen um ein "
        "Ende des Ukraine-Kriegs."
    )
    xquad = load_document(
        corpus_dir.parent / "eval" / "xquad" / "corpus" / "Apollo_program.txt"
    ).text
    assert sentences(xquad)[0].endswith("zum Modus der Mission dar.")
    assert "Nicholas E. Golovin" in sentences(xquad)[0]


def test_spans_are_ordered_trimmed_and_cover_all_text(corpus_files):
    for path in corpus_files:
        text = load_document(path).text
        spans = split_sentences(text)
        assert spans
        previous = 0
        for s, e in spans:
            assert previous <= s < e
            assert text[s:e] == text[s:e].strip()
            assert text[previous:s].strip() == ""
            previous = e
        assert text[previous:].strip() == ""
