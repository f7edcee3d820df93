"""The corpus name index: each document's people gathered by person key, looked up by role
and by name, kept for unchanged documents and through the on-disk cache."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_service.analysis.question import analyse
from qa_service.answering.base import AnswerRequest
from qa_service.answering.extractive import ExtractiveAnswerer, _Candidate
from qa_service.answering.refusal import Refusal
from qa_service.bilingual import Dictionary
from qa_service.corpus import snapshot as snapshot_module
from qa_service.corpus.snapshot import SnapshotCache, build_snapshot
from qa_service.models import Chunk, Document, Passage
from qa_service.settings import Settings


def _doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, title=doc_id, text=text, source=f"{doc_id}.txt", content_hash=doc_id)


def _role_speaker(
    answerer, snap, question: str, retrieved: list[Document], language: str = "en"
) -> str | None:
    """The speaker a said-what question asks for, with `retrieved` as its passages."""
    passages = tuple(
        Passage(chunk_id=d.id, doc_id=d.id, title=d.title, source=d.source, text=d.text,
                start=0, end=len(d.text), score=1.0)
        for d in retrieved
    )  # fmt: skip
    request = AnswerRequest(question=question, language=language, passages=passages, snapshot=snap)
    analysis = analyse(question, language, dt.date(2026, 1, 1))
    return answerer.with_role_speaker(analysis, request, snap).speaker


VERKEHR = _doc(
    "verkehr",
    "Wien – Verkehrsminister Gustav Wendelbrunn (SPÖ) verteidigte die Reform. "
    "Wendelbrunn sagte, sie komme.",
)
FINANZ = _doc(
    "finanz", "Finanzministerin Berta Quendlinger widersprach. Quendlinger sagte, es fehle Geld."
)
GERICHT = _doc(
    "gericht",
    "Das Urteil verkündete die Vorsitzende Richterin Olga Brandstetter. "
    "Brandstetter sagte, die Klage sei unbegründet. Wendelbrunn schwieg.",
)


@pytest.fixture(scope="module")
def english() -> ExtractiveAnswerer:
    """An answerer with the bilingual word list, for English questions."""
    dictionary = Dictionary(Settings(_env_file=None).dictionary)
    if not dictionary.entries:
        pytest.skip("Debian's trans-de-en is not installed")
    return ExtractiveAnswerer(prompts=None, embedder=None, dictionary=dictionary)


@pytest.fixture(scope="module")
def snapshot():
    return build_snapshot("f1", [], [VERKEHR, FINANZ, GERICHT])


def test_the_index_holds_each_person_with_roles_party_and_documents(snapshot) -> None:
    entry = snapshot.people[snapshot.resolve("Wendelbrunn")]
    assert entry.name == "Gustav Wendelbrunn"
    assert entry.roles == (("Verkehrsminister", "verkehr"),)
    assert entry.party == "SPÖ"
    assert entry.docs == ("verkehr",)


def test_a_role_finds_its_person_and_a_head_noun_finds_all_who_hold_it(snapshot) -> None:
    wendelbrunn, quendlinger = snapshot.resolve("Wendelbrunn"), snapshot.resolve("Quendlinger")

    def by_role(roles: list[str], doc_ids: list[str] | None = None) -> list[str]:
        return [h.key for h in snapshot.people_by_role(roles, doc_ids)]

    assert by_role(["Verkehrsminister"]) == [wendelbrunn]
    assert by_role(["Ministerin"]) == sorted([wendelbrunn, quendlinger])
    assert by_role(["Minister"], doc_ids=["finanz"])[0] == quendlinger
    assert snapshot.people_by_role(["Minister"], ["finanz"])[0].docs == {"finanz"}
    assert by_role(["Vorsitzende", "Richterin"]) == [snapshot.resolve("Olga Brandstetter")]
    assert by_role(["Botschafter"]) == []


def test_a_name_resolves_by_surname_or_in_full_and_an_unknown_one_does_not(snapshot) -> None:
    assert snapshot.resolve("Berta Quendlinger") == snapshot.resolve("Quendlinger")
    assert snapshot.resolve("Quendlinger") is not None
    assert snapshot.resolve("Unbekanntwitz") is None


def test_an_unchanged_document_keeps_its_people(snapshot, monkeypatch) -> None:
    read = []
    real = snapshot_module.read_people
    monkeypatch.setattr(snapshot_module, "read_people", lambda d: read.append(d.id) or real(d))
    newer = build_snapshot("f2", [], [VERKEHR, FINANZ, GERICHT, _doc("neu", "Kein Name.")],
                           previous=snapshot)  # fmt: skip
    assert read == ["neu"]
    assert newer.people == snapshot.people
    assert newer.organisations_in["verkehr"] == snapshot.organisations_in["verkehr"]


def test_the_name_index_survives_the_disk_cache(snapshot, tmp_path) -> None:
    cache = SnapshotCache(tmp_path)
    cache.save(snapshot)
    loaded = cache.load(snapshot.fingerprint)
    assert loaded is not None
    assert loaded.people == snapshot.people and loaded.people_in == snapshot.people_in
    assert loaded.organisations == snapshot.organisations
    assert loaded.people_by_role(["Richterin"]) == snapshot.people_by_role(["Richterin"])


def test_a_said_what_question_by_role_asks_the_person_with_that_role(snapshot) -> None:
    """ "Was sagte die Vorsitzende Richterin?" is answered from the judge's own words."""

    def speaker(question: str) -> str | None:
        request = AnswerRequest(question=question, language="de", passages=(), snapshot=snapshot)
        analysis = analyse(question, "de", dt.date(2026, 1, 1))
        answerer = ExtractiveAnswerer(prompts=None, embedder=None)
        return answerer.with_role_speaker(analysis, request, snapshot).speaker

    assert speaker("Was sagte die Vorsitzende Richterin zur Klage?") == "Olga Brandstetter"
    assert speaker("Was sagte der Verkehrsminister?") == "Gustav Wendelbrunn"
    assert speaker("Was sagte Quendlinger?") == "Quendlinger"  # a name stays as asked
    assert speaker("Was sagte der Bürgermeister?") is None  # no one holds that role


def test_an_english_question_by_role_asks_the_person_with_the_german_role(
    snapshot, english
) -> None:
    """ "What did the transport minister say?" through the bilingual word list."""
    answerer = english

    def speaker(question: str) -> str | None:
        request = AnswerRequest(question=question, language="en", passages=(), snapshot=snapshot)
        analysis = analyse(question, "en", dt.date(2026, 1, 1))
        return answerer.with_role_speaker(analysis, request, snapshot).speaker

    assert speaker("What did the finance minister say about the reform?") == "Berta Quendlinger"
    # The word list has no German for "transport" that the role holds, its phrase list has
    # "transport minister" -> Verkehrsminister; "the minister" alone fits two people.
    assert speaker("What did the transport minister say?") == "Gustav Wendelbrunn"
    assert speaker("What did the minister say?") is None
    assert speaker("What did the mayor say?") not in {"Gustav Wendelbrunn", "Berta Quendlinger"}


def test_a_document_whose_reading_fails_keeps_its_plain_sentences(monkeypatch, caplog) -> None:
    def broken(doc):
        if doc.id == "finanz":
            raise IndexError("string index out of range")
        return real_sentences(doc)

    real_sentences = snapshot_module.read_sentences
    monkeypatch.setattr(snapshot_module, "read_sentences", broken)
    monkeypatch.setattr(snapshot_module, "read_people", lambda d: broken(d) and ())
    built = build_snapshot("f3", [], [VERKEHR, FINANZ])
    plain = built.sentences["finanz"]
    assert [u.text for u in plain] == [
        "Finanzministerin Berta Quendlinger widersprach.",
        "Quendlinger sagte, es fehle Geld.",
    ]
    assert all(u.speaker is None for u in plain)
    assert any(u.speaker for u in built.sentences["verkehr"])
    assert "attribution failed" in caplog.text and "name index failed" in caplog.text


def test_an_english_hyphenated_role_reaches_its_german_compound(english) -> None:
    """ "the vice-rector" is the Vizerektorin, not the Rektor the same article names."""
    uni = _doc(
        "uni",
        "Rektor Hugo Falkenrath lobte den Plan. Falkenrath sagte, er sei stolz. "
        "Vizerektorin Irma Steindl widersprach. Steindl sagte, es fehle Personal.",
    )
    snap = build_snapshot("f4", [], [uni])
    answerer = english
    question = "What did the vice-rector say about the plan?"
    request = AnswerRequest(question=question, language="en", passages=(), snapshot=snap)
    analysis = analyse(question, "en", dt.date(2026, 1, 1))
    assert answerer.with_role_speaker(analysis, request, snap).speaker == "Irma Steindl"


def test_a_role_asks_for_its_holder_in_the_best_ranked_article_that_names_one(english) -> None:
    """ "the governor": the Gouverneur of the article retrieved first, not a union "Chef"
    (the word list's looser sense) of one further down; both in one article is no one."""
    bank = _doc(
        "bank",
        "Notenbank-Gouverneur Ewald Quendlinger warnte vor einer Blase. "
        "Quendlinger sagte, die Preise stiegen zu schnell.",
    )
    union = _doc(
        "union",
        "Gewerkschaftschef Hugo Brodnik verlangte mehr Lohn. Brodnik sagte, es reiche nicht.",
    )
    both = _doc("both", f"{bank.text} {union.text}")
    question = "What did the governor say about house prices?"

    def speaker(docs: list[Document]) -> str | None:
        return _role_speaker(english, build_snapshot("f5", [], docs), question, docs)

    assert speaker([bank, union]) == "Ewald Quendlinger"
    assert speaker([both]) is None


def test_a_topic_named_in_english_is_found_in_a_german_compound(english) -> None:
    """ "What did X say about the Chamber of Labour?": X's words near "Arbeiterkammer" are on
    the topic (the word list's German words, also inside a compound); near nothing the
    question names, the articles do not quote X on it."""
    doc = _doc(
        "ak",
        "Bruggenau – Die Arbeiterkammer legte am Montag eine Studie vor. "
        "Präsident Hugo Stein sagte, Flexibilisierung bedeute vor allem niedrigere Löhne. "
        + "Die Studie hat viele Seiten. " * 5
        + "Das Finanzamt schweigt zur Steuer.",
    )
    # each sentence a chunk: the words' idf weights the topic
    chunks = [
        Chunk(id=f"ak-{u.index}", doc_id="ak", index=u.index, text=u.text, start=u.start,
              end=u.end, title="ak", source="ak.txt")
        for u in build_snapshot("f6", [], [doc]).sentences["ak"]
    ]  # fmt: skip
    snap = build_snapshot("f6", chunks, [doc])
    said = [_Candidate(u, 0) for u in snap.sentences["ak"] if u.speaker]
    answerer = english

    def on_topic(question: str) -> bool:
        analysis = analyse(question, "en", dt.date(2026, 1, 1))
        try:
            answerer._on_topic(analysis, said, snap)
        except Refusal:
            return False
        return True

    assert on_topic("What did Hugo Stein say about the Chamber of Labour?")
    assert not on_topic("What did Hugo Stein say about the Tax Office?")


def test_an_organisation_asked_by_its_short_form_is_asked_as_the_articles_quote_it() -> None:
    """The name index holds organisations under every form: "VBZ", which one article spells
    out and another only uses, is the body the articles quote under its full name."""
    spelled = _doc(
        "verband",
        "Bruggenau – Der Verband Bruggenauer Zeitungen (VBZ) kritisierte das Mediengesetz. Das "
        "Gesetz sei verfehlt, teilte der Verband Bruggenauer Zeitungen am Montag mit.",
    )
    short = _doc("klage", "Lorbach – Der VBZ will gegen das Mediengesetz klagen.")
    snapshot = build_snapshot("f2", [], [spelled, short])
    entry = snapshot.organisations["vbz"]
    assert (entry.name, entry.short, entry.docs) == (
        "Verband Bruggenauer Zeitungen",
        ("VBZ",),
        ("klage", "verband"),
    )
    assert snapshot.organisation_forms("VBZ") == ("Verband Bruggenauer Zeitungen", "VBZ")
    assert snapshot.organisation_forms("Bruggenau") == ()
    question = "Was sagte der VBZ zum Mediengesetz?"
    request = AnswerRequest(question=question, language="de", passages=(), snapshot=snapshot)
    analysis = analyse(question, "de", dt.date(2026, 1, 1))
    answerer = ExtractiveAnswerer(prompts=None, embedder=None)
    assert answerer.with_role_speaker(analysis, request, snapshot).speaker == (
        "Verband Bruggenauer Zeitungen"
    )


def test_a_role_holder_the_retrieved_article_names_comes_before_one_elsewhere(english) -> None:
    """ "the bank governor": the Gouverneur of the retrieved article, not a "Bankenverbands-
    Chef" of an article not retrieved, though that role holds both words (the word list's
    "Chef" for "governor"). "Lorbach's president" is the "Lorbach-Präsident"."""
    bank = _doc(
        "bank",
        "Gouverneur Ewald Quendlinger warnte vor einer Blase. "
        "Quendlinger sagte, die Preise stiegen zu schnell.",
    )
    union = _doc(
        "verband",
        "Bankenverbands-Chef Hugo Brodnik verlangte weniger Abgaben. Brodnik sagte, es reiche.",
    )
    club = _doc(
        "club",
        "Lorbach-Präsident Hugo Stein lobte den Trainer. Stein sagte, er sei zufrieden. "
        "Vereinspräsidentin Anna Lotter schwieg. Lotter sagte, sie warte ab.",
    )
    snap = build_snapshot("f7", [], [bank, union, club])

    def speaker(question: str, retrieved: list[Document]) -> str | None:
        return _role_speaker(english, snap, question, retrieved)

    assert speaker("What did the bank governor say about house prices?", [bank]) == (
        "Ewald Quendlinger"
    )
    assert speaker("What did Lorbach's president say about the coach?", [club]) == "Hugo Stein"
    assert speaker("What did the president say about the coach?", [club]) is None


def test_a_role_is_its_holders_in_the_article_that_gives_it() -> None:
    """Two Fischers share one entry of the name index: "the mayor" of the retrieved article
    is the Fischer it calls mayor, named as it names him, not the president of another."""
    mayor = _doc(
        "stadt", "Bürgermeister Hugo Fischer eröffnete die Brücke. Fischer sagte, sie hält."
    )
    president = _doc(
        "verband", "Präsidentin Anna Fischer lobte den Verband. Fischer sagte, er wachse."
    )
    snap = build_snapshot("f8", [], [mayor, president])
    question = "Was sagte der Bürgermeister zur Brücke?"

    answerer = ExtractiveAnswerer(prompts=None, embedder=None)

    def speaker(retrieved: list[Document]) -> str | None:
        return _role_speaker(answerer, snap, question, retrieved, language="de")

    assert speaker([president, mayor]) == "Hugo Fischer"
    assert speaker([president]) == "Hugo Fischer"
