"""Who speaks reported speech nobody is said to speak, and whom a pronoun means: invented
sentences, one pattern each (issue 18)."""

from __future__ import annotations

from qa_service.corpus.attribution import read_sentences
from qa_service.models import Document


def _speakers(text: str) -> list[str | None]:
    doc = Document(id="d", title="t", text=text, source="d.txt", content_hash="h")
    return [u.speaker for u in read_sentences(doc)]


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
