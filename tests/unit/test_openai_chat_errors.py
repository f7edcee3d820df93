"""OpenAIChatModel turns the openai SDK's failures into LLMError, for invoke, stream and their
async forms: here a server that is not there (a closed port on 127.0.0.1). Its HTTP errors
from a real server are in tests/integration/test_llm_contract.py."""

from __future__ import annotations

import pytest

from qa_service.errors import LLMError
from qa_service.evaluation.served import free_port
from qa_service.llm.openai_chat import OpenAIChatModel


@pytest.mark.asyncio
async def test_an_unreachable_server_is_llm_error():
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    model = OpenAIChatModel(base_url=url, model="m", api_key="none", max_retries=0)
    with pytest.raises(LLMError, match=f"at {url} failed: Connection error"):
        model.invoke("Hello")
    with pytest.raises(LLMError):
        list(model.stream("Hello"))
    with pytest.raises(LLMError):
        await model.ainvoke("Hello")
    with pytest.raises(LLMError):
        async for _ in model.astream("Hello"):
            pass
