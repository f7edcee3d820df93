"""Verbs of knowing and showing after the content, texts as sources, and the subject
before its verb: invented sentences, one pattern each (issue 18)."""

from __future__ import annotations

from tests.texts import speakers as _speakers


def test_a_verb_of_knowing_after_the_content_names_its_subject() -> None:
    speakers = _speakers("Wir tun uns dort immer schwer, wusste Trainer Hans Quendlinger.")
    assert speakers == ["Hans Quendlinger"]


def test_a_study_states_what_it_found() -> None:
    assert _speakers("Strenge Regeln werden geschätzt, ergab eine Grazer Studie.") == ["Studie"]
    assert _speakers("Die Reform wirkt – das zeigt eine Umfrage.") == ["Umfrage"]


def test_a_bare_plural_is_no_one_named_before() -> None:
    speakers = _speakers(
        "Die Psychologin Berta Brandstetter leitet das Institut. "
        "Strafen wirken nur gerecht, fanden Linzer Psychologen heraus."
    )
    assert speakers[-1] == "Psychologen"


def test_a_subject_opening_the_sentence_speaks_before_an_object_after_the_verb() -> None:
    speakers = _speakers("Verbraucherschützer empfehlen Betroffenen Geduld.")
    assert speakers == ["Verbraucherschützer"]


def test_a_verb_of_seeing_after_a_subordinate_clause_reports_nothing() -> None:
    speakers = _speakers(
        "Ministerin Berta Brandstetter kam nach Linz. Als es dunkel wurde, sah die Ministerin "
        "einen Film."
    )
    assert speakers[-1] is None


def test_a_subjunctive_reporting_verb_is_content_not_the_source() -> None:
    speakers = _speakers(
        "Das Urteil erkläre die Freiheit für wertlos, sagte Verbandschef Hans Quendlinger."
    )
    assert speakers == ["Hans Quendlinger"]


def test_an_indefinite_person_is_an_unnamed_source() -> None:
    speakers = _speakers(
        "Bürgermeister Hans Quendlinger blieb still. "
        "Zuvor hatte ein Vertreter Salzburgs durchblicken lassen, dass dies denkbar wäre. "
        "Ein Umbau sei möglich, sagte eine Person mit Kenntnis der Pläne."
    )
    assert speakers[1:] == ["Vertreter", "Person"]


def test_a_bare_plural_subject_of_a_perfect_is_an_unnamed_source() -> None:
    speakers = _speakers("Insider hatten vorher gesagt, die Einigung brauche noch Zeit.")
    assert speakers == ["Insider"]


def test_a_body_after_a_place_phrase_speaks_by_its_full_name() -> None:
    speakers = _speakers(
        "Verbandschefin Berta Brandstetter war nicht da. "
        "Wie die Kollegen argumentierte in Linz der Verband Steirischer Bäcker."
    )
    assert speakers[-1] == "Verband Steirischer Bäcker"


def test_a_body_before_hiess_es_speaks() -> None:
    speakers = _speakers("Von der steirischen Regierung hieß es, sie prüfe den Fall.")
    assert speakers == ["Regierung"]


def test_so_his_view_is_the_person_the_sentence_names() -> None:
    speakers = _speakers(
        "Der Maler Gustav Wendelbrunn zog aufs Land. "
        "Wendelbrunn wird, so seine Einschätzung, dort glücklich."
    )
    assert speakers[-1] == "Gustav Wendelbrunn"


def test_a_genitive_before_the_subject_is_not_the_speaker() -> None:
    speakers = _speakers(
        "Ministerin Berta Brandstetter schwieg. "
        "Wir warten ab, sagte Brandstetters früherer Chef, Kammerpräsident Hans Quendlinger, "
        "am Montag."
    )
    assert speakers[-1] == "Hans Quendlinger"


def test_so_the_closing_statement_speaks() -> None:
    speakers = _speakers("Streitet über wichtigere Probleme, so das abschließende Statement.")
    assert speakers == ["Statement"]


def test_a_thing_says_nothing_but_a_surname_that_is_a_noun_does() -> None:
    assert _speakers("Teure Reform – Neue App versprach schnelle Termine.") == [None]
    speakers = _speakers("Wir bleiben, sagte Kanzler Fuchs. Wir gehen, sagte Anna Stamm.")
    assert speakers == ["Fuchs", "Anna Stamm"]


def test_a_suspended_compound_after_the_verb_is_read() -> None:
    # "Lech-" of "Lech- und Mur-Trainer" has an empty head; HanTa cannot tag an empty word.
    speakers = _speakers("Das ist nicht unser Anspruch, sagte der frühere Lech- und Mur-Trainer.")
    assert len(speakers) == 1


def test_counted_people_before_the_verb_are_its_object() -> None:
    speakers = _speakers(
        "Der Sturm hat in Linz 14 Tote gefordert. "
        "Der Unfall hat zwei Verletzte gefordert, teilte die Polizei mit."
    )
    assert speakers == [None, "Polizei"]


def test_one_of_the_counted_people_speaks() -> None:
    assert _speakers("Etwa einer von drei Befragten erklärte, er arbeite daheim.") == ["Befragten"]


def test_a_reflexive_verb_reports_nothing() -> None:
    text = "Bei einem in Linz festgenommenen Mann bestätigte sich der Verdacht nicht."
    assert _speakers(text) == [None]


def test_the_noun_of_a_prepositional_phrase_before_the_verb_is_no_subject() -> None:
    assert _speakers(
        "Die Gewerkschaft hatte vor Gericht argumentiert, der Streik sei rechtens."
    ) == ["Gewerkschaft"]
    assert _speakers("Das Außenministerium in Linz teilte mit, es prüfe den Fall.") == [
        "Außenministerium"
    ]
    assert _speakers("Wie die Forscher um Berta Brandstetter schreiben, hilft Schlaf.") == [
        "Berta Brandstetter"
    ]


def test_a_word_with_digits_is_no_part_of_a_name() -> None:
    speakers = _speakers(
        "Der Chemiker Hugo Falkenrath trat zurück. Ein Video pic.twitter.com/Z9NhykaTPv "
        "Falkenrath entschuldigte sich später. Falkenrath hatte in Linz erklärt, er bleibe."
    )
    assert speakers[-1] == "Hugo Falkenrath"


def test_a_reflexive_reporting_verb_names_its_subject_after_sich() -> None:
    speakers = _speakers(
        "Präsident Hugo Falkenrath sprach in Linz. "
        "Bis heute kam keine Antwort, beklagte sich Falkenrath."
    )
    assert speakers[-1] == "Hugo Falkenrath"


def test_an_unnamed_speaker_keeps_whose_speaker_it_is() -> None:
    assert _speakers("Der Plan sei fertig, sagte ein Sprecher des Gesundheitsministeriums.") == [
        "Sprecher des Gesundheitsministeriums"
    ]
    assert _speakers("Die Lage sei ernst, so eine Sprecherin der Staatsanwaltschaft Linz.") == [
        "Sprecherin der Staatsanwaltschaft Linz"
    ]


def test_the_spokesman_of_a_minister_is_not_the_minister() -> None:
    speakers = _speakers("Der Sprecher von Innenminister Hugo Falkenrath sagte, man warte ab.")
    assert speakers == ["Sprecher von Innenminister Hugo Falkenrath"]


def test_von_after_a_noun_in_a_verb_final_clause_is_what_is_told_of() -> None:
    speakers = _speakers("Vor vier Jahren hat mir ein Maler von Hugo Falkenrath erzählt.")
    assert speakers != ["Maler von Hugo Falkenrath"]


def test_a_spokesman_named_before_is_the_spokesman_of_the_body() -> None:
    speakers = _speakers(
        "Sprecher Hans Quendlinger (XPD) besuchte das Lager. "
        "Die Lage sei ernst, erklärte der Sprecher des Krisenstabs."
    )
    assert speakers[-1] == "Hans Quendlinger"


def test_a_minister_s_spokesman_speaks_for_her_not_as_her() -> None:
    speakers = _speakers(
        "Ein Sprecher der zuständigen Landesrätin Anna Quendlinger (XPD) erklärte am Freitag, "
        "man sei gut informiert. Der Bürgermeister schwieg. "
        "Es handle sich um keine offizielle Information, erklärte der Sprecher. "
        "Der Sprecher der Landesrätin sagte, die ersten Bewohner seien Familien."
    )
    spokesman = "Sprecher der zuständigen Landesrätin Anna Quendlinger"
    assert speakers == [spokesman, None, spokesman, spokesman]


def test_a_spokesman_after_a_minister_named_with_her_role_is_someone_else() -> None:
    speakers = _speakers(
        "Innenministerin Anna Quendlinger besuchte das Lager. "
        "Die Lage sei ernst, sagte der Sprecher."
    )
    assert speakers[-1] != "Anna Quendlinger"


def test_a_role_given_in_an_apposition_is_the_person_s() -> None:
    speakers = _speakers(
        "Wir sind bereit, erklärte am späten Montagabend der Sprecher des Krisenstabs für die "
        "Hochwasserhilfe, Hans Quendlinger, in Linz. "
        "Der Bürgermeister Hugo Falkenrath (XPD) schwieg. "
        "Die Lage sei ernst, erklärte der Sprecher des Krisenstabs weiter."
    )
    assert speakers == ["Hans Quendlinger", None, "Hans Quendlinger"]


def test_a_short_form_as_subject_is_a_body_that_speaks() -> None:
    assert _speakers("QVB hat zugegeben, die Software eingesetzt zu haben.") == ["QVB"]
    assert _speakers("Die Lage sei ernst, teilte die QVB am Montag mit.") == ["QVB"]
    assert _speakers("Laut QVB soll die Suche drei Stunden gedauert haben.") == ["QVB"]


def test_a_short_form_someone_speaks_to_is_not_the_speaker() -> None:
    assert _speakers("Die Lage sei ernst, sagte Hugo Falkenrath der QVB.") == ["Hugo Falkenrath"]
    told = _speakers("Man ermittle, wie eine Behördensprecherin der QVB bestätigte.")
    assert told != ["QVB"]
    told = _speakers("Ein Sprecher erklärte am Freitag gegenüber der QVB, man warte ab.")
    assert told != ["QVB"]


def test_a_body_named_once_is_what_its_noun_means_later() -> None:
    speakers = _speakers(
        "Nach Angaben des Flüchtlingshilfswerkes QVB kamen 100 Menschen. "
        "Die Hälfte sind Frauen, wie das Hilfswerk am Dienstag weiter mitteilte. "
        "Die Lage sei ernst, teilte die Staatsanwaltschaft Linz mit. "
        "Man ermittle weiter, so die Staatsanwaltschaft."
    )
    assert speakers[1:] == ["QVB", "Staatsanwaltschaft Linz", "Staatsanwaltschaft Linz"]


def test_two_bodies_of_one_kind_leave_the_noun_alone() -> None:
    speakers = _speakers(
        "Die Polizei Linz und die Polizei Wels suchen. Man suche weiter, teilte die Polizei mit."
    )
    assert speakers[-1] == "Polizei"


def test_zufolge_names_a_source_not_what_it_says() -> None:
    speakers = _speakers(
        "Der Minister Hugo Falkenrath sprach in Linz. "
        "Seinen Angaben zufolge wird das Volumen auf 800 Millionen geschätzt. "
        "Den Angaben zufolge wurden zwei Spitäler getroffen."
    )
    assert speakers[1:] == ["Hugo Falkenrath", None]
    assert _speakers("Insidern zufolge strebt der Konzern eine Einigung an.") == ["Insider"]


def test_an_object_pronoun_opening_a_clause_is_no_name() -> None:
    speakers = _speakers(
        "Hugo Falkenrath (XPD) drehte in Linz. Falkenrath: Mir hat er gesagt, es sei gut."
    )
    assert speakers[-1] == "Hugo Falkenrath"


def test_a_name_goes_on_past_its_particle() -> None:
    assert _speakers("Es wird eine Party, sagt Hans von Quendlinger, Präsident des Verbands.") == [
        "Hans von Quendlinger"
    ]
    assert _speakers("Es sei ernst, warnt auch Anna le Falkenrath, die Botschafterin.") == [
        "Anna le Falkenrath"
    ]
