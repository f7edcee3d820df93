"""HTML -> plain text with paragraph breaks, so the rest of ingest treats it like a .txt file.

The whole visible page: the fallback for pages in which trafilatura finds no article (see
ingest/article.py). Scripts, styles, navigation and other chrome are dropped; block elements
become blank lines, `<br>` a line break, and inline whitespace collapses the way a browser
renders it. `PARAGRAPH`, `HTML_SPACE` and `tidy` are shared with the article extraction, so
both produce the same paragraph layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "footer",
    "iframe",
    "svg",
    "canvas",
    "button",
    "select",
    "head",
)
_BLOCK = frozenset(
    str.split(
        "address article aside blockquote dd details dialog div dl dt fieldset figcaption figure "
        "form h1 h2 h3 h4 h5 h6 header hr li main ol p pre section summary table tbody td tfoot th "
        "thead tr ul caption"
    )
)
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # not \s: a &nbsp; is meant to stay
_SPACES = re.compile(r"[ \t\r\f]+")
_BLANK_LINES = re.compile(r"\n\s*\n")
PARAGRAPH = "\x00"  # block boundary in the joined parts; NUL never survives decoding
_BLOCK_END = object()


@dataclass(frozen=True)
class HtmlText:
    text: str
    title: str | None


def extract_html(markup: str) -> HtmlText:
    """Visible text of a page and its title (`<title>`, else the first `<h1>`)."""
    # Imported here: BeautifulSoup takes 0.1-0.2 s to import, which every process that
    # builds an indexer (a cold `qa ask`) paid without reading any HTML.
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
    from bs4.element import CData, ProcessingInstruction

    skip_strings = (Comment, Declaration, Doctype, CData, ProcessingInstruction)
    soup = BeautifulSoup(markup, "html.parser")
    title = _title(soup)
    for tag in soup.find_all(_DROP):
        tag.decompose()
    parts: list[str] = []
    stack: list[object] = [soup]
    while stack:  # iterative walk: deeply nested pages must not hit the recursion limit
        node = stack.pop()
        if node is _BLOCK_END:
            parts.append(PARAGRAPH)
        elif isinstance(node, NavigableString):
            if not isinstance(node, skip_strings):
                parts.append(HTML_SPACE.sub(" ", str(node).replace(PARAGRAPH, "")))
        elif isinstance(node, Tag):
            if node.name == "br":
                parts.append("\n")
                continue
            block = node.name in _BLOCK
            if block:
                parts.append(PARAGRAPH)
                stack.append(_BLOCK_END)
            stack.extend(reversed(node.contents))
    return HtmlText(text=tidy("".join(parts)), title=title)


def _title(soup: BeautifulSoup) -> str | None:
    for tag in (soup.title, soup.find("h1")):
        if tag is not None:
            text = " ".join(tag.get_text(" ").split())
            if text:
                return text
    return None


def tidy(text: str) -> str:
    text = text.replace(PARAGRAPH, "\n\n")
    lines = [_SPACES.sub(" ", line).strip(" ") for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
