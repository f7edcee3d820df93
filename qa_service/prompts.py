"""Templates and fixed phrases by name and language, from qa_service/prompt_templates/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import (
    ChatPromptTemplate,
    HumanMessagePromptTemplate,
    PromptTemplate,
    SystemMessagePromptTemplate,
)

from qa_service.errors import ConfigError
from qa_service.models import Language


class PromptLibrary:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @lru_cache(maxsize=64)  # noqa: B019 - one library per process, templates never change
    def template(self, name: str, language: Language) -> PromptTemplate:
        path = self.directory / f"{name}.{language}.txt"
        try:
            text = path.read_text(encoding="utf-8").rstrip("\n")
        except OSError as exc:
            raise ConfigError(f"prompt template missing: {path}") from exc
        return PromptTemplate.from_template(text)

    def chat(self, system: str, user: str, language: Language) -> ChatPromptTemplate:
        """A system + user message pair, from `<system>.<lang>.txt` and `<user>.<lang>.txt`."""
        return ChatPromptTemplate.from_messages(
            [
                SystemMessagePromptTemplate(prompt=self.template(system, language)),
                HumanMessagePromptTemplate(prompt=self.template(user, language)),
            ]
        )

    def render(self, name: str, language: Language, **variables: str) -> str:
        return self.template(name, language).format(**variables)

    def names(self) -> list[tuple[str, Language]]:
        out = []
        for p in sorted(self.directory.glob("*.txt")):
            name, _, lang = p.stem.rpartition(".")
            out.append((name, lang))
        return out
