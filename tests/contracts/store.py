"""StoreContract: the behaviour every Store must show. A store's test module subclasses it
and supplies an EMPTY `store` fixture; vectors are tiny hand-made ones, no model needed."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_service.errors import EmbeddingMismatchError
from qa_service.models import (
    Chunk,
    Document,
    DocumentWrite,
    Filters,
    StoredSentence,
    chunk_id,
)

TEXT = "Merz sagte etwas. Großbritannien und Österreich: „Zitat“ mit ß. Dritter Satz hier."


def make_doc(
    doc_id: str = "doc-1", text: str = TEXT, source: str = "/corpus/a.txt", day: int = 6
) -> Document:
    return Document(
        id=doc_id,
        title=f"Titel {doc_id} – Übersicht",
        text=text,
        source=source,
        content_hash=f"hash-{doc_id}-{len(text)}",
        date=dt.date(2026, 1, day),
        publisher="ZDF",
    )


def make_chunks(doc: Document, spans: list[tuple[int, int]]) -> list[Chunk]:
    return [
        Chunk(
            id=chunk_id(doc.id, s, doc.text[s:e]),
            doc_id=doc.id,
            index=i,
            text=doc.text[s:e],
            start=s,
            end=e,
            title=doc.title,
            source=doc.source,
            date=doc.date,
            publisher=doc.publisher,
        )
        for i, (s, e) in enumerate(spans)
    ]


SPANS = [(0, 17), (18, 62), (63, len(TEXT))]


def make_sentences(doc: Document, spans: list[tuple[int, int]]) -> list[StoredSentence]:
    return [
        StoredSentence(
            doc_id=doc.id,
            start=s,
            end=e,
            text=doc.text[s:e],
            vector=[0.5, 0.5, 0.5, 0.5] if i % 2 else [0.25, -0.5, 0.75, 0.125],
        )
        for i, (s, e) in enumerate(spans)
    ]


VECTORS = [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]


FILTER_CASES = [
    Filters(date_from=dt.date(2026, 1, 6)),
    Filters(date_to=dt.date(2026, 1, 6)),
    Filters(date_from=dt.date(2026, 1, 5), date_to=dt.date(2026, 1, 5)),
    Filters(sources=("/elsewhere/b.txt", "c.txt")),  # compared by file name
    Filters(sources=("a.txt",), date_to=dt.date(2026, 1, 31)),
]


class StoreContract:
    @pytest.fixture
    def store(self):
        raise NotImplementedError("a store test module supplies an empty store")

    def test_starts_empty(self, store):
        assert store.count() == 0
        assert store.list_documents() == []

    def test_write_and_read_back(self, store):
        doc = make_doc()
        chunks = make_chunks(doc, SPANS)
        store.write_document(doc, chunks, VECTORS, index_key="k1")
        assert store.count() == 3
        assert store.get_document(doc.id) == doc
        [info] = store.list_documents()
        assert (info.id, info.chunks, info.index_key, info.date) == (doc.id, 3, "k1", doc.date)
        assert store.get_chunks([chunks[2].id, chunks[0].id]) == [chunks[2], chunks[0]]
        assert store.all_chunks() == chunks

    def test_metadata_round_trip_keeps_umlauts_and_dates(self, store):
        doc = make_doc()
        chunks = make_chunks(doc, SPANS)
        store.write_document(doc, chunks, VECTORS)
        got = store.get_document(doc.id)
        assert got.text == TEXT and "ß" in got.text and got.title.endswith("Übersicht")
        assert got.date == dt.date(2026, 1, 6)

    def test_rewrite_is_idempotent(self, store):
        doc = make_doc()
        chunks = make_chunks(doc, SPANS)
        store.write_document(doc, chunks, VECTORS)
        fp = store.fingerprint()
        store.write_document(doc, chunks, VECTORS)
        assert store.count() == 3
        assert store.fingerprint() == fp

    def test_changed_document_replaces_its_chunks(self, store):
        doc = make_doc()
        store.write_document(doc, make_chunks(doc, SPANS), VECTORS, index_key="a")
        fp = store.fingerprint()
        new = make_doc(text=TEXT + " Neu.")
        chunks = make_chunks(new, [(0, 17), (63, len(new.text))])
        store.write_document(new, chunks, VECTORS[:2], index_key="b")
        assert store.all_chunks() == chunks
        assert store.fingerprint() != fp

    def test_several_documents_in_one_write(self, store):
        a, b = make_doc("a"), make_doc("b", source="/corpus/b.txt")
        store.write_document(a, make_chunks(a, SPANS), VECTORS, index_key="a1")
        new_a = make_doc("a", text=TEXT + " Neu.")
        a_chunks, b_chunks = make_chunks(new_a, [(0, 17)]), make_chunks(b, SPANS)
        store.write_documents(
            [
                DocumentWrite(new_a, a_chunks, VECTORS[:1], "a2"),
                DocumentWrite(b, b_chunks, VECTORS, "b1", make_sentences(b, SPANS[:2])),
            ]
        )
        assert store.all_chunks() == a_chunks + b_chunks  # a's stale chunks gone
        assert {d.id: (d.chunks, d.index_key) for d in store.list_documents()} == {
            "a": (1, "a2"),
            "b": (3, "b1"),
        }
        assert store.get_document("a") == new_a
        assert [(st.doc_id, st.start) for st in store.get_sentences(["a", "b"])] == [
            ("b", 0),
            ("b", 18),
        ]
        assert store.search([0.0, 0.0, 1.0, 0.0], top_k=1)[0].chunk_id == b_chunks[2].id

    @pytest.mark.parametrize("bad", ["vectors", "twice"])
    def test_a_bad_write_among_several_writes_nothing(self, store, bad):
        a, b = make_doc("a"), make_doc("b", source="/corpus/b.txt")
        second = (
            DocumentWrite(b, make_chunks(b, SPANS), VECTORS[:2])
            if bad == "vectors"
            else DocumentWrite(a, make_chunks(a, SPANS[:1]), VECTORS[:1])
        )
        with pytest.raises(ValueError):
            store.write_documents([DocumentWrite(a, make_chunks(a, SPANS), VECTORS), second])
        assert store.count() == 0 and store.list_documents() == []

    def test_delete_document_and_missing_is_noop(self, store):
        a, b = make_doc("a"), make_doc("b", source="/corpus/b.txt")
        store.write_document(a, make_chunks(a, SPANS), VECTORS)
        store.write_document(b, make_chunks(b, SPANS), VECTORS)
        assert store.delete_document("a") is True
        assert store.delete_document("a") is False
        assert store.delete_document("nope") is False
        assert {c.doc_id for c in store.all_chunks()} == {"b"}
        assert [d.id for d in store.list_documents()] == ["b"]

    def test_search_sorted_and_bounded(self, store):
        doc = make_doc()
        chunks = make_chunks(doc, SPANS)
        store.write_document(doc, chunks, VECTORS)
        hits = store.search([0.1, 0.9, 0.2, 0.0], top_k=2)
        assert [h.chunk_id for h in hits] == [chunks[1].id, chunks[2].id]
        assert hits[0].score >= hits[1].score
        assert doc.text[hits[0].start : hits[0].end] == hits[0].text

    def test_search_filters_by_date_and_source(self, store):
        a = make_doc("a", source="/corpus/a.txt", day=5)
        b = make_doc("b", source="/corpus/b.txt", day=7)
        store.write_document(a, make_chunks(a, SPANS), VECTORS)
        store.write_document(b, make_chunks(b, SPANS), VECTORS)
        q = [1.0, 0.0, 0.0, 0.0]
        assert {h.doc_id for h in store.search(q, 10, Filters(date_from=dt.date(2026, 1, 6)))} == {
            "b"
        }
        assert {h.doc_id for h in store.search(q, 10, Filters(date_to=dt.date(2026, 1, 6)))} == {
            "a"
        }
        assert {h.doc_id for h in store.search(q, 10, Filters(sources=("a.txt",)))} == {"a"}

    def test_inputs_not_mutated(self, store):
        doc = make_doc()
        chunks = make_chunks(doc, SPANS)
        vectors = [list(v) for v in VECTORS]
        store.write_document(doc, chunks, vectors)
        assert vectors == VECTORS and chunks == make_chunks(doc, SPANS)

    def test_embedding_model_recorded_and_checked(self, store):
        store.check_embedding("model-a", 4)
        store.check_embedding("model-a", 4)
        with pytest.raises(EmbeddingMismatchError, match="re-index"):
            store.check_embedding("model-b", 4)

    @pytest.mark.parametrize("filters", FILTER_CASES, ids=str)
    def test_search_applies_exactly_filters_matches(self, store, filters):
        """The store's own filter (Chroma's `where`) selects what `Filters.matches` says."""
        docs = [
            make_doc("a", source="/corpus/a.txt", day=5),
            make_doc("b", source="/corpus/b.txt", day=7),
            make_doc("c", source="c.txt").model_copy(update={"date": None}),  # undated upload
        ]
        for doc in docs:
            chunks = [c.model_copy(update={"date": doc.date}) for c in make_chunks(doc, SPANS)]
            store.write_document(doc, chunks, VECTORS)
        expected = {d.id for d in docs if filters.matches(d.date, d.source)}
        assert {h.doc_id for h in store.search([1.0, 0.0, 0.0, 0.0], 10, filters)} == expected

    def test_sentences_round_trip_by_document_then_offset(self, store):
        a, b = make_doc("a"), make_doc("b", source="/corpus/b.txt")
        sa, sb = make_sentences(a, SPANS), make_sentences(b, SPANS[:2])
        store.write_document(a, make_chunks(a, SPANS), VECTORS, sentences=sa[::-1])
        store.write_document(b, make_chunks(b, SPANS), VECTORS, sentences=sb)
        got = store.get_sentences(["b", "a", "missing"])
        assert [(st.doc_id, st.start, st.end, st.text) for st in got] == [
            (st.doc_id, st.start, st.end, st.text) for st in sb + sa
        ]
        for st, want in zip(got, sb + sa, strict=True):
            assert st.vector == pytest.approx(want.vector)
            assert {"a": a, "b": b}[st.doc_id].text[st.start : st.end] == st.text
        assert store.get_sentences([]) == []

    def test_sentence_tokens_round_trip_byte_for_byte(self, store):
        doc = make_doc("a")
        packed = bytes(range(256)) + b"\x00\x7f\x80"  # every byte value, NULs too
        sentences = [
            s.model_copy(update={"tokens": packed, "tokens_id": "p1"} if i else {})
            for i, s in enumerate(make_sentences(doc, SPANS))
        ]
        store.write_document(doc, make_chunks(doc, SPANS), VECTORS, sentences=sentences)
        got = store.get_sentences([doc.id])
        assert [(st.tokens, st.tokens_id) for st in got] == [
            (None, ""),
            (packed, "p1"),
            (packed, "p1"),
        ]

    def test_sentences_replaced_deleted_and_optional(self, store):
        doc = make_doc()
        store.write_document(
            doc, make_chunks(doc, SPANS), VECTORS, sentences=make_sentences(doc, SPANS)
        )
        store.write_document(
            doc, make_chunks(doc, SPANS), VECTORS, sentences=make_sentences(doc, SPANS[1:])
        )
        assert [st.start for st in store.get_sentences([doc.id])] == [18, 63]
        store.write_document(doc, make_chunks(doc, SPANS), VECTORS)  # indexed without them
        assert store.get_sentences([doc.id]) == []
        store.write_document(
            doc, make_chunks(doc, SPANS), VECTORS, sentences=make_sentences(doc, SPANS)
        )
        store.delete_document(doc.id)
        assert store.get_sentences([doc.id]) == []

    def test_sentence_vectors_read_in_pages(self, store):
        a, b = make_doc("a"), make_doc("b", source="/corpus/b.txt")
        sa, sb = make_sentences(a, SPANS), make_sentences(b, SPANS[:2])
        store.write_document(a, make_chunks(a, SPANS), VECTORS, sentences=sa)
        store.write_document(b, make_chunks(b, SPANS), VECTORS, sentences=sb)
        store.delete_document("a")
        store.write_document(a, make_chunks(a, SPANS), VECTORS, sentences=sa[1:])
        pages = list(store.sentence_vectors(page=2))
        assert [len(keys) for keys, _ in pages] == [2, 2]
        got = {k: list(v) for keys, vs in pages for k, v in zip(keys, vs, strict=True)}
        assert got.keys() == {(st.doc_id, st.start, st.end) for st in sa[1:] + sb}
        for st in sa[1:] + sb:
            assert got[(st.doc_id, st.start, st.end)] == pytest.approx(st.vector)

    def test_sentences_of_another_document_are_refused(self, store):
        a, b = make_doc("a"), make_doc("b")
        with pytest.raises(ValueError):
            store.write_document(a, [], [], sentences=make_sentences(b, SPANS))
        assert store.get_document("a") is None

    def test_zz_still_empty_after_another_test_wrote(self, store):
        """Isolation: if this fails, the fixture shares state between tests."""
        assert store.count() == 0
