"""The MCP server with the official SDK's own client, over both transports: `qa mcp` spawned
as a stdio subprocess on an ingested data directory, and streamable HTTP at /mcp of the
running app (uvicorn on 127.0.0.1). One session per transport runs every tool, since
starting the subprocess loads the model."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import httpx2  # the MCP SDK's HTTP client
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from pydantic import SecretStr

from qa_service.api import create_app
from tests.integration.support import serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KEY = "mcp-door-key-91b2"
REPO = Path(__file__).resolve().parents[2]
MERZ = "Was sagte Merz zur Bundeswehr?"
ZDF = "004_35332417cd3628a0.txt"


@pytest.fixture(scope="module")
def mcp_settings(shared_corpus_settings):
    update = {"api_key": SecretStr(KEY), "api_key_read": True}  # for the app; same data dir
    return shared_corpus_settings.model_copy(update=update)


@pytest.fixture(scope="module")
def mcp_url(shared_corpus_service, mcp_settings) -> Iterator[str]:
    with serve(create_app(shared_corpus_service, mcp_settings)) as url:
        yield f"{url}/mcp"


def _http_client(url: str, key: str = KEY) -> Client:
    http = httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {key}"}, timeout=httpx2.Timeout(30, read=300)
    )
    transport = streamable_http_client(url, http_client=http)
    return Client(transport, read_timeout_seconds=120)


async def _exercise(client: Client) -> dict:
    """Every tool once, with the checks that hold on any transport; returns the results."""
    async with client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == {"ask", "search", "get_document"}
        assert "citations" in tools["ask"].output_schema["properties"]
        arguments = set(tools["ask"].input_schema["properties"])
        assert {"question", "k", "date_from", "date_to", "sources"} <= arguments

        asked = await client.call_tool("ask", {"question": MERZ})
        assert not asked.is_error
        answer = asked.structured_content
        assert answer["answered"] is True and answer["citations"]
        text = asked.content[0].text
        assert text.startswith(answer["answer"]) and "\n\nQuellen:\n[1] " in text
        documents = {}
        for c in answer["citations"]:
            if c["doc_id"] not in documents:
                got = await client.call_tool("get_document", {"doc_id": c["doc_id"]})
                documents[c["doc_id"]] = got.structured_content
            assert documents[c["doc_id"]]["text"][c["start"] : c["end"]] == c["quote"]

        filtered = await client.call_tool("ask", {"question": MERZ, "k": 2, "sources": [ZDF]})
        citations = filtered.structured_content["citations"]
        assert citations and all(c["source"].endswith(ZDF) for c in citations)

        found = await client.call_tool("search", {"query": "Stützpunkte in der Ukraine", "k": 3})
        passages = found.structured_content["passages"]
        assert len(passages) == 3
        for p in passages:
            assert {"doc_id", "title", "source", "start", "end", "score", "text"} <= set(p)
            doc = await client.call_tool("get_document", {"doc_id": p["doc_id"]})
            assert doc.structured_content["text"][p["start"] : p["end"]] == p["text"]

        refused = await client.call_tool("ask", {"question": "Wie hoch ist der Eiffelturm?"})
        assert refused.structured_content["answered"] is False
        assert refused.structured_content["citations"] == []

        unknown = await client.call_tool("get_document", {"doc_id": "no-such-doc"})
        assert unknown.is_error and "no document with id 'no-such-doc'" in unknown.content[0].text
        bad = await client.call_tool("ask", {"question": "   "})
        assert bad.is_error and "empty" in bad.content[0].text
        backwards = await client.call_tool(
            "search", {"query": "Merz", "date_from": "2026-02-01", "date_to": "2026-01-01"}
        )
        assert backwards.is_error and "date_from" in backwards.content[0].text
        return {"ask": asked, "search": found}


def test_tools_over_streamable_http(mcp_url: str) -> None:
    asyncio.run(_exercise(_http_client(mcp_url)))


def test_http_needs_the_key_when_reading_does(mcp_url: str) -> None:
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = httpx.post(mcp_url, json=initialize, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_api_key"


def test_tools_over_stdio(
    shared_corpus_service, shared_corpus_settings, model_path, tmp_path: Path
) -> None:
    """`python -m qa_service.cli mcp` on a copy of the ingested data directory (one Chroma
    per process), configured the way a client config would: by environment."""
    data = tmp_path / "data"
    shutil.copytree(shared_corpus_settings.data_dir, data, ignore=shutil.ignore_patterns("models"))
    env = {
        "QA_DATA_DIR": str(data),
        "QA_EMBEDDING_MODEL": str(model_path),
        "PYTHONPATH": str(REPO),
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "qa_service.cli", "mcp"],
        env={k: v for k, v in {**os.environ, **env}.items() if not k.startswith("QA_")} | env,
        cwd=tmp_path,  # no .env of a developer's checkout
    )
    asyncio.run(_exercise(Client(params, read_timeout_seconds=180)))
