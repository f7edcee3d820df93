"""The chat models' contract, with the packaged GGUF: LangChain's own integration suite against
LlamaCppChatModel, its token counts and KV-cache reuse, its timeout; and the OpenAI-compatible
adapter's failures arriving as LLMError (against llama.cpp's server on 127.0.0.1).

Tool calling, structured output, JSON mode and image/audio/PDF inputs do not apply (the model
takes text messages and returns text): the suite skips those tests by its own properties
(`has_tool_calling` etc. are False because the class implements none of them).
One model load per process (runtime.load), ~12 generated tokens per suite test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_tests.integration_tests import ChatModelIntegrationTests

from qa_service.errors import LLMError
from qa_service.evaluation.served import free_port, wait_ready
from qa_service.llm.fetch import FILENAME
from qa_service.llm.local import LlamaCppChatModel
from qa_service.llm.openai_chat import OpenAIChatModel
from tests.integration.support import stop_process

pytest.importorskip("llama_cpp", reason="the [llm] extra is not installed (pip install -e .[llm])")

REPO = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("QA_TEST_LLM_MODEL", REPO / "data" / "models" / FILENAME))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not MODEL.is_file(), reason=f"no GGUF at {MODEL}: qa models fetch-local"),
]

# Text that only this module sends, so its first use is a cold prompt whatever ran before.
PREFIX = " ".join(
    f"Rule {n}: answer in one short sentence and cite the evidence number {n}." for n in range(60)
)
COUNT = "Count from 1 to 9, digits separated by commas, nothing else."


@pytest.mark.asyncio  # the suite's async tests (pytest-asyncio in strict mode)
class TestLlamaCppChatModelStandard(ChatModelIntegrationTests):
    @property
    def chat_model_class(self) -> type[LlamaCppChatModel]:
        return LlamaCppChatModel

    @property
    def chat_model_params(self) -> dict:
        return {"model_path": MODEL, "max_tokens": 12, "timeout": 120}


def make(**params) -> LlamaCppChatModel:
    return LlamaCppChatModel(model_path=MODEL, **{"max_tokens": 24, **params})


def test_usage_counts_are_llama_cpps_and_the_stream_ends_with_them():
    model = make()
    chunks = list(model.stream("Say hello."))
    last = chunks[-1]
    assert last.chunk_position == "last" and last.usage_metadata is not None
    assert all(c.usage_metadata is None for c in chunks[:-1])
    usage = last.usage_metadata
    # llama.cpp's own non-streaming count of the same prompt (the chat template applied).
    reference = model._model.llama.create_chat_completion(
        messages=[{"role": "user", "content": "Say hello."}], max_tokens=24, temperature=0.0
    )["usage"]
    assert usage["input_tokens"] == reference["prompt_tokens"]
    assert usage["output_tokens"] == reference["completion_tokens"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert 0 < usage["output_tokens"] <= 24
    assert last.response_metadata["model_name"] == FILENAME
    assert last.response_metadata["finish_reason"] in ("stop", "length")


def test_a_shared_prompt_prefix_is_evaluated_once():
    """The second prompt differs only after the fixed prefix: only its tail is evaluated."""
    model = make(max_tokens=4)
    results = [
        model.invoke([SystemMessage(PREFIX), HumanMessage(q)])
        for q in ("Wer ist Merz?", "Was sagte Macron in Paris über die Ukraine?")
    ]
    for r in results:
        evaluated = r.response_metadata["prompt_tokens_evaluated"]
        cached = r.usage_metadata["input_token_details"]["cache_read"]
        assert evaluated + cached == r.usage_metadata["input_tokens"] > 700
    cold, warm = (r.response_metadata["prompt_tokens_evaluated"] for r in results)
    assert cold > 700  # the prefix is new to this process
    assert warm < 40  # only the question and the template's closing tokens


def test_switching_between_two_system_texts_restores_each_ones_cache():
    """German and English questions alternate on a server: each language's system text is
    evaluated once, not again after every switch."""
    model = make(max_tokens=4)
    other = PREFIX.replace("Rule", "Regel").replace("answer", "antworte")
    texts = [(PREFIX, "Wer ist Merz?"), (other, "Wer ist Macron?"), (PREFIX, "Wer ist Starmer?")]
    runs = [model.invoke([SystemMessage(p), HumanMessage(q)]) for p, q in texts]
    evaluated = [r.response_metadata["prompt_tokens_evaluated"] for r in runs]
    assert evaluated[1] > 700  # the second system text is new
    assert evaluated[2] < 40  # the first one's state came back: only the question


def test_constructor_stop_and_call_stop_both_apply():
    assert "4" in make().invoke(COUNT).text  # the model does count
    for model, call_stop in ((make(stop=["4"]), ["8"]), (make(stop=["8"]), ["4"])):
        assert model._get_ls_params(stop=call_stop)["ls_stop"] == [*model.stop, *call_stop]
        text = model.invoke(COUNT, stop=call_stop).text
        assert "3" in text and "4" not in text


def test_per_call_parameters_apply_and_unknown_ones_are_refused():
    result = make(max_tokens=200).invoke(COUNT, max_tokens=3)
    assert result.usage_metadata["output_tokens"] == 3
    assert result.response_metadata["finish_reason"] == "length"
    with pytest.raises(TypeError, match="top_k"):
        make().invoke("Hello", top_k=3)


def test_a_generation_past_its_timeout_is_aborted_with_llm_error():
    model = make(max_tokens=400, timeout=1.0)
    essay = [SystemMessage(PREFIX.replace("Rule", "Regel")), HumanMessage("Write a long essay.")]
    with pytest.raises(LLMError, match="longer than 1 s"):
        model.invoke(essay)
    counts = model._model.llama.completion
    assert counts.output_tokens < 400  # stopped, not run to max_tokens
    # The context is consistent afterwards: the same model answers and counts correctly.
    after = make(max_tokens=4).invoke("Hello")
    assert after.text
    assert (
        after.usage_metadata["input_token_details"]["cache_read"]
        < (after.usage_metadata["input_tokens"])
    )


def test_a_prompt_beyond_the_context_is_llm_error():
    with pytest.raises(LLMError, match="exceed context window"):
        make().invoke("Wort " * 5000)  # ~5000 tokens, the context holds 4096


# -- the OpenAI-compatible adapter -----------------------------------------------------------


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory):
    """llama.cpp's OpenAI-compatible server with a small context, serving the same GGUF."""
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(MODEL)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--model_alias", "qwen-local"]
    cmd += ["--n_ctx", "1024", "--n_threads", "2", "--verbose", "False"]
    log_path = tmp_path_factory.mktemp("llm-server") / "server.log"
    url = f"http://127.0.0.1:{port}/v1"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(f"{url}/models", proc, 180, lambda: log_path.read_text("utf-8", "replace"))
            yield url
        finally:
            stop_process(proc)


def openai_model(url: str) -> OpenAIChatModel:
    return OpenAIChatModel(
        base_url=url, model="qwen-local", api_key="not-needed", max_tokens=8, max_retries=0
    )


@pytest.mark.asyncio
async def test_openai_adapter_answers_and_its_failures_are_llm_error(llm_server):
    model = openai_model(llm_server)
    assert model.invoke("Hello").text
    assert "".join(c.text for c in model.stream("Hello"))
    too_long = "Wort " * 1500  # beyond the server's 1024-token context: HTTP 400
    with pytest.raises(LLMError, match="failed"):
        model.invoke(too_long)
    with pytest.raises(LLMError, match="without any chunk"):  # the server sends no event
        list(model.stream(too_long))
    with pytest.raises(LLMError):
        await model.ainvoke(too_long)
    with pytest.raises(LLMError):
        async for _ in model.astream(too_long):
            pass
