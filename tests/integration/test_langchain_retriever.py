"""QARetriever against LangChain's standard retriever suite, on the real model, Chroma and
sample corpus; and the README's LCEL chain."""

from __future__ import annotations

import datetime as dt

import pytest
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough
from langchain_tests.integration_tests import RetrieversIntegrationTests

from qa_service.langchain_retriever import QARetriever
from qa_service.models import Filters

pytestmark = [pytest.mark.integration]

ZDF = "004_35332417cd3628a0.txt"


class TestQARetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _service(self, shared_corpus_service) -> None:
        self.service = shared_corpus_service

    @property
    def retriever_constructor(self) -> type[QARetriever]:
        return QARetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"service": self.service}

    @property
    def retriever_query_example(self) -> str:
        return "Was sagte Merz zur Bundeswehr?"


def test_documents_carry_offsets_into_the_article(shared_corpus_service) -> None:
    docs = QARetriever(service=shared_corpus_service, k=4).invoke("Stützpunkte in der Ukraine")
    assert len(docs) == 4
    for doc in docs:
        m = doc.metadata
        assert shared_corpus_service.get_document(m["doc_id"]).text[m["start"] : m["end"]] == (
            doc.page_content
        )
        assert dt.date.fromisoformat(m["date"]) and m["title"] and "publisher" in m
        assert isinstance(m["score"], float) and m["source"].endswith(".txt")
    assert [d.metadata["rank"] for d in docs] == sorted(d.metadata["rank"] for d in docs)


def test_filters_from_the_constructor_or_the_call(shared_corpus_service) -> None:
    only_zdf = Filters(sources=(ZDF,))
    retriever = QARetriever(service=shared_corpus_service, k=3, filters=only_zdf)
    assert {d.metadata["source"].rsplit("/", 1)[-1] for d in retriever.invoke("Merz")} == {ZDF}
    everything = QARetriever(service=shared_corpus_service, k=10)
    assert len({d.metadata["doc_id"] for d in everything.invoke("Ukraine")}) > 1
    per_call = everything.invoke("Ukraine", filters=only_zdf)
    assert {d.metadata["source"].rsplit("/", 1)[-1] for d in per_call} == {ZDF}
    none = everything.invoke("Ukraine", filters=Filters(date_from=dt.date(2030, 1, 1)))
    assert none == []


def test_the_readme_lcel_chain(shared_corpus_service) -> None:
    retriever = QARetriever(service=shared_corpus_service, k=3)

    def cite(docs):
        return "\n\n".join(
            f"[{i}] {d.metadata['title']} ({d.metadata['date']}): {d.page_content}"
            for i, d in enumerate(docs, 1)
        )

    prompt = ChatPromptTemplate.from_template(
        "Beantworte die Frage nur aus diesen Quellen:\n{context}\n\nFrage: {question}"
    )
    context = retriever | RunnableLambda(cite)
    chain = {"context": context, "question": RunnablePassthrough()} | prompt
    text = chain.invoke("Was sagte Merz zur Bundeswehr?").to_string()
    assert "[3] " in text and "Frage: Was sagte Merz zur Bundeswehr?" in text
    assert "Bundeswehr" in text.split("Frage:")[0]
