"""Templates and fixed phrases by name and language, from qa_service/prompt_templates/.

Fixed phrases (refusals, the extractive answer's frame) are rendered with `str.format`, the
f-string syntax LangChain's templates use too; LangChain's prompt classes are imported only
for a chat model's prompt, since importing them costs most of a second of a cold `qa ask`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from qa_service.errors import ConfigError
from qa_service.models import Language

if TYPE_CHECKING:
    from langchain_core.prompts import ChatPromptTemplate, PromptTemplate


class PromptLibrary:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @lru_cache(maxsize=64)  # noqa: B019 - one library per process, templates never change
    def text(self, name: str, language: Language) -> str:
        path = self.directory / f"{name}.{language}.txt"
        try:
            return path.read_text(encoding="utf-8").rstrip("\n")
        except OSError as exc:
            raise ConfigError(f"prompt template missing: {path}") from exc

    def template(self, name: str, language: Language) -> PromptTemplate:
        from langchain_core.prompts import PromptTemplate

        return PromptTemplate.from_template(self.text(name, language))

    def chat(self, system: str, user: str, language: Language) -> ChatPromptTemplate:
        """A system + user message pair, from `<system>.<lang>.txt` and `<user>.<lang>.txt`."""
        from langchain_core.prompts import (
            ChatPromptTemplate,
            HumanMessagePromptTemplate,
            SystemMessagePromptTemplate,
        )

        return ChatPromptTemplate.from_messages(
            [
                SystemMessagePromptTemplate(prompt=self.template(system, language)),
                HumanMessagePromptTemplate(prompt=self.template(user, language)),
            ]
        )

    def render(self, name: str, language: Language, **variables: str) -> str:
        return self.text(name, language).format(**variables)

    def names(self) -> list[tuple[str, Language]]:
        out = []
        for p in sorted(self.directory.glob("*.txt")):
            name, _, lang = p.stem.rpartition(".")
            out.append((name, lang))
        return out
