"""The people a document names: invented sentences, one way of naming each."""

from __future__ import annotations

from qa_service.corpus.names import is_person_noun, person_key
from qa_service.corpus.people import Registry, read_people
from tests.texts import document, speakers


def _people(text: str) -> dict[str, object]:
    return {p.name: p for p in read_people(document(text))}


def test_a_role_before_the_name_and_the_party_in_parentheses() -> None:
    people = _people(
        "Wien – Verkehrsminister Gustav Wendelbrunn (SPÖ) verteidigte den Entwurf. "
        "Wendelbrunn sagte, die Reform komme."
    )
    (person,) = people.values()
    assert person.name == "Gustav Wendelbrunn"
    assert person.roles == ("Verkehrsminister",)
    assert person.party == "SPÖ"


def test_age_and_party_in_one_parenthesis() -> None:
    (person,) = _people("Die Kritik kam von Gustav Wendelbrunn (70, CDU) am Montag.").values()
    assert (person.age, person.party) == (70, "CDU")


def test_a_number_no_one_lives_to_is_no_age() -> None:
    # a standings table: "Hugo Stein (202)" has points
    people = _people("Weltmeister Hugo Stein (202) führt vor Jayden Morlock (98).")
    assert [p.age for p in people.values()] == [None, 98]


def test_a_party_prefix_on_the_role() -> None:
    (person,) = _people("Das bestätigte FPÖ-Chef Hubert Kranzlmayr am Abend.").values()
    assert person.party == "FPÖ"
    assert person.roles == ("FPÖ-Chef",)


def test_two_roles_joined_before_the_name_are_both_theirs() -> None:
    (person,) = _people(
        "Alpbach – Notenbank-Gouverneur und XPD-Chef Ewald Quendlinger warnt vor Abgaben."
    ).values()
    assert person.roles == ("XPD-Chef", "Notenbank-Gouverneur")


def test_a_name_joined_before_a_role_is_not_that_role() -> None:
    people = _people(
        "Innenministerin Maria Lotter und Verteidigungsminister Hugo Stein besuchten Bruggenau."
    )
    assert people["Hugo Stein"].roles == ("Verteidigungsminister",)


def test_a_name_particle_after_a_first_name_is_part_of_the_name() -> None:
    people = _people(
        "Das sagte Innenminister Gustav de Wendelbrunn. "
        "Kommissarin Maria von der Brodnik widersprach. Das sagte Hugo Stein von Greenpeace."
    )
    assert set(people) == {"Gustav de Wendelbrunn", "Maria von der Brodnik", "Hugo Stein"}
    assert people["Gustav de Wendelbrunn"].roles == ("Innenminister",)


def test_a_foreign_particle_after_any_name_word_and_a_capitalised_one() -> None:
    """ "da", "van" are no German prepositions: after two first names too; a capitalised
    particle goes on with a word the lexicon knows ("Van der Wende"); one particle a name."""
    people = _people(
        "Generaldirektor Hugo Maria da Quendel sprach. Präsident Hugo Van der Wende kam. "
        "Das sagte Anna van der Brodnik von der Sternwarte Leiden."
    )
    assert set(people) == {
        "Hugo Maria da Quendel",
        "Hugo Van der Wende",
        "Anna van der Brodnik",
    }


def test_a_prefix_on_a_noun_that_is_no_role_names_no_party() -> None:
    (person,) = _people("Das sagte EZB-Rat Ewald Quendlinger am Montag.").values()
    assert person.party is None


def test_a_definite_role_and_an_age_refer_back_to_the_person_named() -> None:
    (person,) = _people(
        "Erklärt hat das die Wirtschaftspsychologin Berta Quendlinger. "
        "Die Forscherin untersucht Gerechtigkeit. Die 52-Jährige lehrt in Graz."
    ).values()
    assert person.roles == ("Wirtschaftspsychologin", "Forscherin")
    assert person.age == 52


def test_a_first_name_before_a_surname_is_a_person_without_any_role() -> None:
    people = _people("Die Studie verfasste Barbara Quendlinger gemeinsam mit einem Team.")
    assert list(people) == ["Barbara Quendlinger"]
    assert people["Barbara Quendlinger"].roles == ()


def test_a_function_word_opening_a_sentence_is_no_first_name() -> None:
    """ "Allen" is in the first-name dictionary; opening a sentence it is "all" (dative)."""
    people = _people(
        "Wien – Minister Hugo Stein lobte die Reform. Allen Unkenrufen zum Trotz – das System "
        "ist sicher, sagte Stein."
    )
    assert [p.name for p in people.values()] == ["Hugo Stein"]


def test_a_figure_in_parentheses_names_no_person_but_a_minute_does() -> None:
    """ "Bruggenau (21,0 Prozent)": places and things take figures in parentheses as often
    as persons; an age, a party or a match's minute is a person's."""

    def read(text: str) -> list[str]:
        return sorted(p.name for p in Registry.of(document(text)).persons)

    assert read("Die Quote stieg: Bruggenau (21,0 Prozent), Talvorien (9 Punkte).") == []
    assert read("Tore: Quendel (30.), Brodnik (88./Elfmeter).") == ["Brodnik", "Quendel"]
    assert read("Es sprach Brodnik (70, ÖVP).") == ["Brodnik"]


def test_common_nouns_and_places_are_not_people() -> None:
    assert _people("Die Firmengeschichte in Wien kennt keinen Stellenabbau.") == {}


def test_a_surname_after_gegen_is_the_person_not_a_place() -> None:
    text = (
        "Regierungschef Jón Páll Hrafnsson bot seinen Rücktritt an. "
        "Am Abend gingen Tausende gegen Hrafnsson auf die Straße."
    )
    assert [p.name for p in read_people(document(text))] == ["Jón Páll Hrafnsson"]


def test_a_surname_after_an_unknown_role_and_a_first_name_is_no_place() -> None:
    text = (
        "Alpbach – XPD-Rat Ewald Quendlinger warnt vor hohen Abgaben. "
        "Die Abwicklung ist für Quendlinger sehr sensibel, sagte er."
    )
    assert speakers(text)[0].endswith("Ewald Quendlinger")  # not "Ewald": no place "für …"


def test_a_surname_the_lexicon_takes_for_a_nominalised_adjective_after_a_first_name() -> None:
    assert "Maria Lotter" in _people("Gestern sagte Maria Lotter im Rathaus, sie sei dagegen.")


def test_a_noun_before_a_first_name_and_surname_is_a_role_not_part_of_the_name() -> None:
    people = _people("Das sagte Landeshauptmannvize Johann Brodnik am Montag.")
    assert "Johann Brodnik" in people


def test_a_noun_after_a_name_in_the_genitive_is_its_possession_not_its_part() -> None:
    """ "Brodniks Familie appellierte …": the family speaks, not a person "Brodniks Familie";
    "Brodniks Manager Hugo Stein" goes on to a name."""
    registry = Registry()
    assert registry.split(["Brodniks", "Familie"])[0] == ["Brodniks"]
    assert registry.split(["Maria", "Steins", "Arbeiten"])[0] == ["Maria", "Steins"]
    assert registry.split(["Brodnik’", "Vorwurf"])[0] == ["Brodnik’"]
    assert registry.split(["Brodniks", "Manager", "Hugo", "Stein"]) == (
        ["Hugo", "Stein"],
        ["Brodniks", "Manager"],
    )


def test_a_person_is_named_in_the_nominative() -> None:
    people = _people(
        "Die Pläne Hugo Steins wurden bekannt. Brodniks Manager Hugo Stein (55) bestätigte das."
    )
    assert list(people) == ["Hugo Stein"] and people["Hugo Stein"].roles == ("Manager",)


def test_a_role_in_the_genitive_is_no_first_name() -> None:
    """ "seines Mitverhandlers Brodnik": a person noun in the genitive, which the lexicon does
    not know as a compound, is the role of the name after it, not its first word; a noun
    after a genitive name ("Brodniks Biografie Von Kopf") is no role, nor a name."""
    registry = Registry()
    assert registry.split(["Mitverhandlers", "Brodnik"]) == (["Brodnik"], ["Mitverhandlers"])
    assert registry.split(["Brodniks", "Biografie", "Von", "Kopf"])[0][0] == "Brodniks"
    people = _people("Das Buch des Dramatikers Maria Lorbach (40) erschien.")
    assert people["Maria Lorbach"].roles == ("Dramatiker",)


def test_the_party_of_a_joined_role_and_of_a_role_in_apposition() -> None:
    people = _people(
        "Wien – XPD-Chef und Wirtschaftsminister Hugo Brodnik verhandelt. Genauso wenig "
        "wie mit Maria Lorbach, der YPD-Bürgermeisterin von Bruggenau."
    )
    assert people["Hugo Brodnik"].party == "XPD"
    assert (people["Maria Lorbach"].party, people["Maria Lorbach"].roles) == (
        "YPD",
        ("YPD-Bürgermeisterin",),
    )


def test_a_preposition_opening_a_sentence_is_no_name_particle() -> None:
    """ "Von Haus aus …", "Gegen Bruggenau setzte es …": a capitalised preposition opens the
    sentence; it is no "von" of a name, nor does the place after it become a person."""
    people = _people(
        "Von Haus aus war Hugo Brodnik (50) Lehrer. Gegen Bruggenau setzte es eine "
        "Niederlage. Von Hans Lorbach bis hin zum Verein kritisierten alle den Plan."
    )
    assert not any(name.startswith(("Von", "Gegen")) for name in people)
    assert "Hugo Brodnik" in people


def test_a_hyphen_compound_for_a_person_before_a_name_is_a_role() -> None:
    """ "Defensive-Line-Spieler Brodnik": the compound's last part is a noun for a person, so
    the word is the name's role, not its first word."""
    assert Registry().split(["Defensive-Line-Spieler", "Brodnik"]) == (
        ["Brodnik"],
        ["Defensive-Line-Spieler"],
    )
    people = _people("Das bestätigte Bundesliga-Torhüter Hugo Brodnik am Montag.")
    assert list(people) == ["Hugo Brodnik"]


def test_a_body_spelled_out_before_its_short_form_is_no_person() -> None:
    """ "Verband Bruggenauer Zeitungen (VBZ)": the initials in parentheses are the body's
    name's, not a party after a person's name, as in "Hugo Brodnik (XPD)"."""
    people = _people(
        "Das kritisierte der Verband Bruggenauer Zeitungen (VBZ). Die Miliz Talbotischer "
        "Staat (TS) rückte vor. Das bestätigte Hugo Brodnik (XPD)."
    )
    assert list(people) == ["Hugo Brodnik"]


def test_a_firm_or_a_medium_before_a_name_makes_no_person() -> None:
    """ "Autohersteller Brodnik", "der TV-Sender Kranzlmayr": nouns in -er for a firm or a
    medium, not for a person, so the name after them is no one's."""
    people = _people(
        "Der Autohersteller Brodnik kündigte an. Der TV-Sender Kranzlmayr berichtete. "
        "Das bestätigte Verkehrsminister Hugo Lorbach."
    )
    assert list(people) == ["Hugo Lorbach"]


def test_a_family_name_first_is_its_person_once() -> None:
    # "Ai Weiwei" called "Ai": the text never uses the second word alone.
    text = (
        "Der Künstler Lin Quanmei kehrte nach Bruggenau zurück. Dort ließ Lin einen Eimer "
        "holen. Wir lieben Feuerwerk zu allen Anlässen."
    )
    assert [p.name for p in read_people(document(text))] == ["Lin Quanmei"]
    assert speakers(text) == [None, None, "Lin Quanmei"]


def test_a_place_in_the_genitive_is_no_person() -> None:
    # "in Talvorien" makes it a place: "ein Vertreter Talvoriens" names no one
    text = (
        "Die Behörde in Talvorien prüft den Fall. Zuvor hatte ein Vertreter Talvoriens "
        "Bedenken geäußert. Talvoriens Regierung schweigt."
    )
    assert _people(text) == {}


def test_a_first_name_is_one_the_name_dictionary_knows() -> None:
    # HanTa tags "National" and "Global" as names, and "Jayden" as a noun: the dictionary
    # of first names tells a body's English name from a person's.
    people = _people(
        "Der Fonds National Trust kaufte das Haus, beraten von Global Partners. "
        "Jayden Morlock, der den Verkauf betreute, zeigte sich zufrieden."
    )
    assert list(people) == ["Jayden Morlock"]


def test_two_people_whose_surnames_share_a_skeleton_stay_two() -> None:
    # "Brodnik" and "Bredenek" are both "brdnk" without vowels; a variant is still one person
    text = (
        "Innenminister Hugo Brodnik besuchte die Stadt. Auch Ex-Präsidentin Anna Bredenek kam. "
        "„Wir bleiben“, sagte Bredenek. „Wir gehen“, sagte Brodnik. Hugo Brodnyk blieb."
    )
    assert [p.name for p in read_people(document(text))] == ["Hugo Brodnik", "Anna Bredenek"]
    assert speakers(text)[2:4] == ["Anna Bredenek", "Hugo Brodnik"]


def test_a_name_after_a_body_noun_is_the_bodys() -> None:
    # "Rosso" is no first name, and "Vera" stands without a first name before it elsewhere:
    # still the agency's name, no one's
    text = "Vera Lotter gründete 2011 die Agentur Rosso Vera. Seither wuchs die Agentur."
    assert [p.name for p in read_people(document(text))] == ["Vera Lotter"]


def test_a_things_name_after_a_genitive_is_no_part_of_the_persons() -> None:
    # "Hugo Steins Actionspektakel Quendel Tarr": the film is Stein's, its title no name of his;
    # "Lorbachs Golfstar Hugo Stein" goes on to the person the first name opens
    text = "Hugo Steins Actionspektakel Quendel Tarr: Der Film liegt mit zehn Nominierungen vorne."
    assert "Quendel Tarr" not in " ".join(p.name for p in read_people(document(text)))
    assert speakers(text) == [None]
    golf = "Lorbachs Golfstar Hugo Stein gewann das Turnier. Stein war zufrieden."
    assert [p.key for p in read_people(document(golf))] == [person_key("Hugo Stein")]


def test_nouns_in_or_are_people_only_when_they_name_people() -> None:
    assert all(map(is_person_noun, ["Generaldirektor", "Autorin", "Moderator", "Studienautor"]))
    assert not any(map(is_person_noun, ["Tresor", "Faktor", "Sektor", "Tor", "Prozessor"]))
    # "fanden sie" after "drei Tresore": no one named before, so no one speaks
    assert speakers("Im Keller fanden die Ermittler drei Tresore. Dort fanden sie Unterlagen.") == [
        None,
        None,
    ]
