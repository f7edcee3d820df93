"""LangChain's unit suite for LlamaCppChatModel: construction, standard (tracing) parameters,
init time. Needs neither llama-cpp-python nor the model file (nothing loads until first use).

Tool binding and structured output do not apply (the model returns text): the suite skips
those tests because the class implements neither.
"""

from __future__ import annotations

from pathlib import Path

from langchain_tests.unit_tests import ChatModelUnitTests

from qa_service.llm.local import LlamaCppChatModel


class TestLlamaCppChatModelUnit(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[LlamaCppChatModel]:
        return LlamaCppChatModel

    @property
    def chat_model_params(self) -> dict:
        return {"model_path": Path("/nonexistent/model.gguf")}


def test_standard_parameters_are_fields_not_dropped():
    model = LlamaCppChatModel(
        model_path=Path("m.gguf"), stop=["\n\n"], timeout=30, max_retries=2, max_tokens=64
    )
    assert (model.stop, model.timeout, model.max_retries, model.max_tokens) == (
        ["\n\n"],
        30,
        2,
        64,
    )
    params = model._get_ls_params(stop=["END"])
    assert params["ls_stop"] == ["\n\n", "END"]
    assert (params["ls_provider"], params["ls_model_name"]) == ("llamacpp", "m.gguf")
    assert params["ls_max_tokens"] == 64
