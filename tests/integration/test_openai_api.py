"""/v1 with the official openai SDK over real HTTP: uvicorn on 127.0.0.1, the real model,
Chroma and sample corpus. The app requires the API key for reading, so every client sends
it as `Authorization: Bearer`, the way the SDK always does."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest

from qa_service.api import create_app
from tests.integration.support import serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KEY = "openai-door-key-5c1e"
MODEL = "qa-service-extractive"
MERZ = "Was sagte Merz zur Bundeswehr?"


@pytest.fixture(scope="module")
def base_url(shared_corpus_service, make_settings) -> Iterator[str]:
    settings = make_settings(api_key=KEY, api_key_read=True)
    with serve(create_app(shared_corpus_service, settings)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base_url}/v1", api_key=KEY, max_retries=0, timeout=120)


def _user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def test_models_list_names_the_answerer(client: openai.OpenAI) -> None:
    models = client.models.list()
    assert [m.id for m in models.data] == [MODEL]
    assert client.models.retrieve(MODEL).owned_by == "qa-service"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


def test_create_carries_verified_citations_in_the_extension(
    client: openai.OpenAI, shared_corpus_service
) -> None:
    completion = client.chat.completions.create(model=MODEL, messages=_user(MERZ))
    message = completion.choices[0].message
    assert completion.object == "chat.completion"
    assert completion.choices[0].finish_reason == "stop"
    assert message.role == "assistant"
    extra = completion.model_extra
    qa, citations = extra["qa"], extra["citations"]
    assert qa["answered"] is True and qa["refusal_reason"] is None
    assert qa["answer_id"] and completion.id == f"chatcmpl-{qa['answer_id']}"
    assert citations
    for c in citations:
        doc = shared_corpus_service.get_document(c["doc_id"])
        assert doc.text[c["start"] : c["end"]] == c["quote"]  # verbatim
        assert f"[{c['n']}]" in message.content
        assert {"speaker", "section_time", "also_in", "publisher", "date"} <= set(c)
    # Plain text for clients that know nothing of the extension: answer, then the sources.
    answer, sources = message.content.split("\n\nQuellen:\n")
    assert "Merz" in answer
    first = citations[0]
    assert sources.splitlines()[0].startswith(f"[1] {first['title']} ({first['publisher']}, ")


def test_stream_assembles_to_the_same_answer_and_ends_with_citations(
    client: openai.OpenAI,
) -> None:
    whole = client.chat.completions.create(model=MODEL, messages=_user(MERZ))
    chunks = list(client.chat.completions.create(model=MODEL, messages=_user(MERZ), stream=True))
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == whole.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert [c.choices[0].finish_reason for c in chunks[:-1]] == [None] * (len(chunks) - 1)
    assert last.model_extra["citations"] == whole.model_extra["citations"]
    assert last.model_extra["qa"]["answered"] is True
    assert all("citations" not in c.model_extra for c in chunks[:-1])


def test_stream_on_the_wire_ends_with_done(base_url: str) -> None:
    body = {"model": MODEL, "messages": _user(MERZ), "stream": True}
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.stream(
        "POST", f"{base_url}/v1/chat/completions", json=body, headers=headers, timeout=120
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    assert all(line.startswith("data: {") for line in lines[:-1])


def test_follow_up_is_condensed_with_the_history(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(model=MODEL, messages=_user(MERZ))
    follow_up = "Und was sagte Macron dazu?"
    alone = client.chat.completions.create(model=MODEL, messages=_user(follow_up))
    assert alone.model_extra["qa"]["condensed_question"] is None
    messages = [
        {"role": "system", "content": "Antworte knapp."},  # ignored
        *_user(MERZ),
        {"role": "assistant", "content": first.choices[0].message.content},
        *_user(follow_up),
    ]
    chat = client.chat.completions.create(model=MODEL, messages=messages)
    condensed = chat.model_extra["qa"]["condensed_question"]
    assert condensed and condensed.startswith(follow_up)
    # Macron on the earlier question's topic; the earlier speaker is not carried over.
    assert "Bundeswehr" in condensed and "Merz" not in condensed
    assert "Quellen" not in condensed  # our own source list is no part of the history


def test_refusal_has_no_citations(client: openai.OpenAI, shared_corpus_service) -> None:
    completion = client.chat.completions.create(
        model=MODEL, messages=_user("Wie hoch ist der Eiffelturm?")
    )
    qa = completion.model_extra["qa"]
    assert qa["answered"] is False
    assert completion.model_extra["citations"] == []
    refusal = shared_corpus_service.ask("Wie hoch ist der Eiffelturm?")
    assert qa["refusal_reason"] == refusal.refusal_reason
    assert completion.choices[0].message.content == refusal.answer  # no source list
    chunks = list(
        client.chat.completions.create(
            model=MODEL, messages=_user("Wie hoch ist der Eiffelturm?"), stream=True
        )
    )
    assert chunks[-1].model_extra["qa"]["answered"] is False
    assert chunks[-1].model_extra["citations"] == []


def test_filters_and_k_travel_as_extension_fields(client: openai.OpenAI) -> None:
    source = "004_35332417cd3628a0.txt"
    completion = client.chat.completions.create(
        model=MODEL,
        messages=_user(MERZ),
        extra_body={"k": 2, "filters": {"sources": [source]}},
    )
    citations = completion.model_extra["citations"]
    assert citations and all(c["source"].endswith(source) for c in citations)


def test_wrong_or_missing_key_is_an_authentication_error(base_url: str) -> None:
    wrong = openai.OpenAI(base_url=f"{base_url}/v1", api_key="not-the-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as raised:
        wrong.chat.completions.create(model=MODEL, messages=_user(MERZ))
    assert raised.value.code == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()
    response = httpx.get(f"{base_url}/v1/models")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"message", "type", "code", "param"}


@pytest.mark.parametrize(
    ("messages", "code"),
    [
        ([{"role": "assistant", "content": "Hallo"}], "invalid_messages"),
        (_user(" \u200b "), "invalid_question"),
        ([{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}], None),
        ([], None),
    ],
)
def test_bad_requests_are_400_in_openai_shape(client: openai.OpenAI, messages, code) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model=MODEL, messages=messages)
    assert raised.value.type == "invalid_request_error"
    if code is not None:
        assert raised.value.code == code
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=MODEL, messages=messages, stream=True)


def test_unknown_model_and_path_are_404(client: openai.OpenAI, base_url: str) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="gpt-4o", messages=_user(MERZ))
    assert raised.value.code == "model_not_found"
    response = httpx.post(f"{base_url}/v1/embeddings", headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


def test_the_openapi_document_describes_the_extension(base_url: str) -> None:
    spec = httpx.get(f"{base_url}/openapi.json", headers={"Authorization": f"Bearer {KEY}"}).json()
    schemas = spec["components"]["schemas"]
    assert {"citations", "qa"} <= set(schemas["ChatCompletion"]["properties"])
    assert {"citations", "qa"} <= set(schemas["ChatCompletionChunk"]["properties"])
    post = spec["paths"]["/v1/chat/completions"]["post"]
    assert set(post["responses"]["200"]["content"]) == {"application/json", "text/event-stream"}


def test_same_answer_as_the_rest_api(client: openai.OpenAI, base_url: str) -> None:
    rest = httpx.post(
        f"{base_url}/api/v1/ask",
        json={"question": MERZ},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=120,
    ).json()
    completion = client.chat.completions.create(model=MODEL, messages=_user(MERZ))
    assert completion.choices[0].message.content.startswith(rest["answer"] + "\n\nQuellen:\n")
    assert completion.model_extra["citations"] == rest["citations"]
