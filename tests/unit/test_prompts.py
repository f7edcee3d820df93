"""Every prompt template loads as a LangChain template and renders."""

from __future__ import annotations

import pytest

from qa_service.prompts import PromptLibrary
from qa_service.settings import Settings

LIBRARY = PromptLibrary(Settings(_env_file=None).prompts_dir)


@pytest.mark.parametrize(("name", "language"), LIBRARY.names())
def test_every_template_renders(name, language):
    template = LIBRARY.template(name, language)
    values = {v: f"<{v}>" for v in template.input_variables}
    text = template.format(**values)
    assert text.strip()
    assert LIBRARY.render(name, language, **values) == text  # str.format renders as LangChain
    for v in values.values():
        assert v in text


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_answer_prompt_is_a_system_and_a_user_message(language):
    prompt = LIBRARY.chat("generate_system", "generate_user", language)
    messages = prompt.format_messages(
        no_answer=LIBRARY.render("no_answer", language), evidence="[1] (T) Text", question="Q?"
    )
    assert [m.type for m in messages] == ["system", "human"]
    assert LIBRARY.render("no_answer", language) in messages[0].text
    assert "[1] (T) Text" in messages[1].text and "Q?" in messages[1].text


def test_both_languages_have_the_same_templates():
    names = LIBRARY.names()
    assert {n for n, lang in names if lang == "de"} == {n for n, lang in names if lang == "en"}
