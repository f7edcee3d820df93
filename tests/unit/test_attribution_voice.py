"""Who speaks reported speech nobody is said to speak, and whom a pronoun means: invented
sentences, one pattern each (issue 18)."""

from __future__ import annotations

import pytest

from tests.texts import speakers as _speakers


def test_a_pronoun_means_the_person_its_own_sentence_names() -> None:
    speakers = _speakers(
        "Bürgermeister Hans Quendlinger (XPD) besuchte am Montag die Schule. "
        "Landeschef Karl Brunnhofer (YPD) plant ein Verbot: Es geht um die Sicherheit, "
        "erklärte er am Montag."
    )
    assert speakers[-1] == "Karl Brunnhofer"


def test_he_is_not_the_woman_named_last() -> None:
    speakers = _speakers(
        "Der Maler Gustav Wendelbrunn besuchte seine kranke Mutter Hilde Brandstetter. "
        "Es geht ihr wieder besser, sagte er am Dienstag."
    )
    assert speakers[-1] == "Gustav Wendelbrunn"


def test_the_subjunctive_goes_on_in_the_voice_of_the_person_named_before() -> None:
    speakers = _speakers(
        "Schwere Kritik übt Verwaltungsrechtler Hans Quendlinger von der Universität. "
        "Die Novelle verstoße gegen die Verfassung. "
        "Zudem widerspreche der Entwurf dem geltenden Recht. "
        "Das sei eine Diskriminierung, attestiert Quendlinger."
    )
    assert speakers[1:] == ["Hans Quendlinger"] * 3


def test_a_subjunctive_in_a_subordinate_clause_is_not_reported_speech() -> None:
    speakers = _speakers(
        "Professor Hans Quendlinger sagte, die Reform sei falsch. "
        "Der Gesetzgeber hatte damals verfügt, dass alle Bahnen gleich zu behandeln seien."
    )
    assert speakers == ["Hans Quendlinger", None]


def test_the_first_person_after_a_person_is_named_is_their_quote() -> None:
    speakers = _speakers(
        "Im Flugzeug war sich der Künstler Gustav Wendelbrunn unsicher. "
        "Innerlich war ich auf Ärger vorbereitet."
    )
    assert speakers == [None, "Gustav Wendelbrunn"]


def test_a_person_before_the_colon_speaks_the_first_person_after_it() -> None:
    speakers = _speakers(
        "Die Fotos wurden am Montag gedruckt. "
        "Hans Quendlinger, Sprecher des Presserats: Ich halte diese Fotos für falsch."
    )
    assert speakers == [None, "Hans Quendlinger"]


def test_reporting_without_the_first_person_or_subjunctive_stays_the_outlets() -> None:
    speakers = _speakers(
        "Im Flugzeug war sich der Künstler Gustav Wendelbrunn unsicher. "
        "Die Maschine landete am Abend in der Hauptstadt."
    )
    assert speakers == [None, None]


@pytest.mark.parametrize(
    "text",
    [
        # A quote in the first person plural ("Wir …" opening the sentence).
        "Die Lage sei ernst, sagte Hans Quendlinger weiter. "
        "Wir fordern die Bewohner auf, den Behörden zu vertrauen.",
        # A subjunctive in a main clause that opens with a preposition and an article.
        "Die Lage sei ernst, betonte Trainer Hans Quendlinger. "
        "Mit dem Meister warte auf seine Mannschaft allerdings eine härtere Prüfung.",
        # "Und:" goes on with the speaker before.
        "Die Regelung sei falsch, so Hans Quendlinger. "
        "Und: Redaktionelle Angebote müssen vom Rundfunkrecht getrennt werden.",
    ],
)
def test_the_speaker_goes_on_into_the_next_sentence(text: str) -> None:
    assert _speakers(text) == ["Hans Quendlinger"] * 2


def test_the_subject_before_a_colon_speaks_the_clause_after_it() -> None:
    speakers = _speakers(
        "Auf Anfrage verteidigt Berta Quendlinger, Sprecherin des Verbands, den Plan: "
        "Das Foto zu bringen war eine gemeinsame Entscheidung. "
        "Die Kritik kam am Montag. "
        "Quendlinger: Die Aufforderung entbehrt jeder Grundlage. "
        "Die Regierung tagte am Abend."
    )
    assert speakers == ["Berta Quendlinger", None, "Berta Quendlinger", None]


def test_a_pronoun_subject_before_a_colon_speaks_after_it() -> None:
    speakers = _speakers(
        "Der Maler Gustav Wendelbrunn lebt in Graz. "
        "Von einer Rückkehr hält er wenig: Die Arbeit hier kann man nicht liegen lassen."
    )
    assert speakers[-1] == "Gustav Wendelbrunn"


def test_a_new_person_as_subject_ends_the_speech_before() -> None:
    speakers = _speakers(
        "Das sei ein Fehler, sagte Präsident Hans Quendlinger. "
        "Verschnupft reagierte auch Kammerpräsident Gustav Wendelbrunn. "
        "Wir sind Teil der Lösung."
    )
    assert speakers == ["Hans Quendlinger", None, "Gustav Wendelbrunn"]


def test_an_age_noun_is_the_person_named_before() -> None:
    speakers = _speakers(
        "Der Bau sei billig, versicherte Bürgermeister Hans Quendlinger. "
        "Wir bauen keine Paläste, betonte der 45-Jährige. "
        "Der gesamte Park sei billiger als das alte Stadion."
    )
    assert speakers == ["Hans Quendlinger"] * 3


def test_a_singular_subjunctive_ii_goes_on_right_after_its_speaker() -> None:
    speakers = _speakers(
        "Das sei unmöglich, wie Landesrat Hans Quendlinger am Montag versicherte. "
        "Das geplante Zentrum läge ja mitten im Ort."
    )
    assert speakers == ["Hans Quendlinger"] * 2


def test_an_indicative_sentence_about_its_own_subject_does_not_go_on_in_another_voice() -> None:
    speakers = _speakers(
        "Die Regel sei unzulässig, so Richterin Berta Quendlinger. "
        "Professor Gustav Wendelbrunn sieht das Gebot gefährdet, er würde es anders regeln."
    )
    assert speakers[-1] != "Berta Quendlinger"


def test_laut_a_source_we_cannot_name_is_not_the_speaker_before() -> None:
    speakers = _speakers(
        "Das Foto sei zulässig, sagte Hans Quendlinger. "
        "Laut Zeitung zeige das Foto die Dramatik der Lage."
    )
    assert speakers == ["Hans Quendlinger", None]


def test_a_pronoun_subject_keeps_its_person_past_a_name_in_an_object() -> None:
    speakers = _speakers(
        "Stürmer Hans Quendlinger (29) feierte am Sonntag den Titel. "
        "Mit zwei Titeln zog er mit seinem Bruder Karl gleich. "
        "Ich will nichts überstürzen, begründete er."
    )
    assert speakers[-1] == "Hans Quendlinger"


def test_an_adverb_between_the_subject_and_its_verb() -> None:
    """Not the genitive after the verb's prepositional phrase."""
    speakers = _speakers(
        "Der Verband lehnt den Plan ab. "
        "Landeschef Karl Brunnhofer hingegen meinte am Rande des EU-Außenministerrats, "
        "er würde ihn befürworten."
    )
    assert speakers[-1] == "Karl Brunnhofer"


def test_a_feeling_reports_only_reflexively_after_the_words() -> None:
    speakers = _speakers(
        "Trainer Hans Quendlinger (54) sah ein starkes Spiel. "
        "Das war die beste Leistung der Saison, freute sich der 54-jährige Trainer. "
        "Die Fans freuten sich über den Sieg. "
        "Das ärgerte die Gäste."
    )
    assert speakers[1:] == ["Hans Quendlinger", None, None]


def test_an_interview_answer_goes_on_until_the_next_question() -> None:
    speakers = _speakers(
        "Politologe Hans Quendlinger hat die Wahl untersucht. "
        "ZEITUNG: Hat die Regierung verloren? "
        "Quendlinger: In gewissem Maße ja. "
        "Es gibt seit Jahren einen Trend. "
        "Die Opposition gewinnt in den Ländern. "
        "ZEITUNG: Warum?"
    )
    assert speakers[2:] == ["Hans Quendlinger"] * 3 + [None]


def test_a_labelled_quote_in_a_report_does_not_go_on() -> None:
    speakers = _speakers(
        "Für den Verband reagierte Präsidentin Berta Lorbach. "
        "Lorbach: Die Aufforderung entbehrt jeder Grundlage. "
        "Erste Aussagen des neuen Kanzlers deuten ebenfalls darauf hin."
    )
    assert speakers[1:] == ["Berta Lorbach", None]


def test_a_demonym_is_not_the_person_named_last() -> None:
    speakers = _speakers(
        "Landeschef Karl Brunnhofer (XPD) verteidigte die Festnahme. "
        "Ich habe nur per Lautsprecher geredet, erklärte der Italiener gegenüber der Agentur. "
        "Das ist ein Fehler, sagte der Lehrer."
    )
    assert speakers[1:] == ["Italiener", "Karl Brunnhofer"]


def test_a_place_adjective_before_a_body_or_a_noun_is_no_speaker() -> None:
    speakers = _speakers(
        "Die Regeln gelten ab Mai. "
        "Das sei nicht rechtens, teilte das Schweizer Sekretariat am Dienstag mit. "
        "Das sei falsch, sagte das Wiener Stadtamt. "
        "Das sei neu, sagte ein Wiener Polizist."
    )
    assert speakers[1:] == ["Schweizer Sekretariat", "Wiener Stadtamt", "Polizist"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # an apposition between the name and its verb
            "Das Zentrum soll im Sommer öffnen. "
            "Maria Lotter, die grüne Stadträtin, widerspricht dem vehement.",
            [None, "Maria Lotter"],
        ),
        (  # a first-person sentence goes on, though a verb in it reports
            "Die Reformen haben Vorrang, sagte Außenminister Hans Quendlinger am Donnerstag. "
            "Ich habe das Gefühl, dass die Behörden es hier sehr ernst meinen.",
            ["Hans Quendlinger"] * 2,
        ),
        (  # ... unless a verb frames it: someone we cannot name, not the last speaker
            "Die Reformen haben Vorrang, sagte Außenminister Hans Quendlinger am Donnerstag. "
            "Ich habe gewonnen, erklärte der Franzose.",
            ["Hans Quendlinger", None],
        ),
        (  # an apposition and a relative clause between the name and its verb
            "Das Spiel beginnt um 18 Uhr. Hugo Stein, der Trainer der Gäste, die seit "
            "Wochen nicht gewonnen haben, warnte vor dem Gegner.",
            [None, "Hugo Stein"],
        ),
        (  # a lawyer, a prosecutor, a commissioner: roles the person named with them holds
            "Der Unternehmer Karl Brodnik wurde befragt. Das sei Routine, sagte Anwalt "
            "Hugo Stein. Er werde aussagen, betonte der Anwalt. Dem Staatsanwalt zufolge "
            "gibt es Zeugen, sagte Staatsanwältin Maria Lotter. Dem Anwalt zufolge nicht.",
            [None, "Hugo Stein", "Hugo Stein", "Maria Lotter", "Hugo Stein"],
        ),
        (  # "für X" opening the sentence: X's view, and the "er" who says it
            "Der Plan kam von Bürgermeister Hans Quendlinger. "
            "Für Landesrat Karl Brunnhofer ein Ding der Unmöglichkeit, wie er am Montag "
            "versicherte.",
            [None, "Karl Brunnhofer"],
        ),
        (  # a verb of expecting or seeing after a subject opening the sentence: a view
            "Der Ökonom Karl Brodnik legte die Prognose vor. Brodnik erwartet einen langen "
            "Winter. Insgesamt sieht er Fortschritte. Die Behörde sieht darin keinen "
            "Verstoß. Der Plan sieht Neuwahlen vor. Wie erwartet gewann Hugo Stein. "
            "Experten befürchten einen Anstieg.",
            [None, "Karl Brodnik", "Karl Brodnik", "Behörde", None, None, None],
        ),
        (  # a role of one gender never means a person of the other named last
            "Der Flüchtling kam mit seiner Frau Maria Lotter nach Wien. "
            "Zurück können sie nicht, erklärt der junge Familienvater.",
            [None, None],
        ),
        (  # "Demnach …": according to the source of the sentence before, if it has one
            "Der Unfall geschah um drei Uhr, wie die Polizei in Bruggenau mitteilte. Demnach "
            "verlor der Fahrer die Kontrolle. Der Regen hielt an. Demnach blieb es nass.",
            ["Polizei", "Polizei", None, None],
        ),
        (  # ... one of hers does
            "Der Flüchtling kam mit seiner Frau Maria Lotter nach Wien. "
            "Zurück können sie nicht, erklärt die junge Lehrerin.",
            [None, "Maria Lotter"],
        ),
    ],
)
def test_who_speaks_past_an_apposition_a_first_person_and_a_view(text, expected) -> None:
    assert _speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # "– auch wenn …" is a subordinate clause: its subjunctive reports nobody's words
            "Die Bahn sei zu teuer, sagte Hans Quendlinger. Der Zug fuhr ab. Das Wetter "
            "blieb kalt. Für Premier Karl Brodnik ist das ein Signal – auch wenn er weiter "
            "auf Gespräche setze.",
            ["Hans Quendlinger", None, None, None],
        ),
        (  # a modal particle of speech goes on; a first "Ja, …" is no such particle
            "Die Bahn ist zu teuer, sagte Hans Quendlinger. Ja, der Zug fuhr pünktlich ab. "
            "Es ist halt so.",
            ["Hans Quendlinger", None, "Hans Quendlinger"],
        ),
        (  # ", ja sogar" heightens; an interviewer's label asks
            "Die Bahn ist zu teuer, sagte Hans Quendlinger. Der Roman ist klug, ja sogar "
            "witzig. STANDARD: Es gibt ja schon einen Plan?",
            ["Hans Quendlinger", None, None],
        ),
        (  # "ja" in a sentence about someone else is not the speaker before's
            "Die Bahn ist zu teuer, sagte Hans Quendlinger. Für Karl Brodnik ist es ja keine "
            "Werbung, wenn die Bahn teurer wird.",
            ["Hans Quendlinger", None],
        ),
        (  # a colon in parentheses introduces no one's words
            "Der Agent Martin Rauch reist nach Bonn. Fortan wird Martin als Moritz (Deckname: "
            "Kolibri) den Konflikt zwischen Auftrag und Gewissen leben.",
            [None, None],
        ),
    ],
)
def test_what_goes_on_in_the_voice_before_and_what_does_not(text, expected) -> None:
    assert _speakers(text) == expected


def test_a_relative_pronoun_speaks_only_as_a_finite_verb_ends_its_clause() -> None:
    text = (
        "Entscheidend wird die Aussage des Gutachters Hugo Stein, der erklären soll, wie der "
        "Bruch entstand."
    )
    assert _speakers(text) == [None]


def test_a_singular_pronoun_subject_is_not_the_group_before() -> None:
    text = (
        "Der Künstler Hugo Stein fand Wanzen. Die Nachricht machte unter den Mikrobloggern "
        "die Runde. Sie sprachen vom Leben der Anderen. Seither ist der Künstler stiller. Er "
        "fühle sich wie auf einem langsamen Fluss. Der Bund Deutscher Kriminalbeamter spricht "
        "von einer alten Masche."
    )
    assert _speakers(text) == [
        None,
        None,
        "Mikroblogger",
        None,
        "Hugo Stein",
        "Bund Deutscher Kriminalbeamter",
    ]


def test_she_is_the_woman_her_first_name_tells() -> None:
    speakers = _speakers(
        "Maria Lotter besuchte am Montag die Schule. Hugo Stein begleitete den Besuch. "
        "Die Reform komme sicher, sagte sie danach."
    )
    assert speakers[-1] == "Maria Lotter"
