"""News HTML -> the article alone: trafilatura's main text and the metadata of the page.

trafilatura runs in precision mode and without its rescue stages (`fast`): for a short article
those stages (baseline, readability, justext) return the whole page, navigation and teasers
included, and boilerplate in the index turns into wrong citations. When it finds no main text
(or trips over the markup), the visible page is read instead (ingest/html_text.py) and a log
line says so. Its text is laid out like that fallback's: one paragraph per block, `<br>` a line
break, whitespace collapsed; the page's `<h1>` headline leads the text when it is the title,
because people search for and quote it, and trafilatura mostly leaves it out of the main text.

The metadata comes from the markup (JSON-LD, OpenGraph, `<meta>`, `<time>`, the URL): title,
author, site name (our publisher) and, through htmldate, the original publication date rather
than the last update. htmldate's extensive search (dates anywhere in the page's text) is off:
it would take a comment's or teaser's date; the loader reads the article's own text instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace

from ingest.html_text import HTML_SPACE, PARAGRAPH, extract_html, tidy

log = logging.getLogger(__name__)

_INLINE = frozenset({"hi", "ref", "del"})  # trafilatura's inline tags; the others are blocks
# Pruned before extraction, beyond trafilatura's own (English) vocabulary: consent dialogs and
# consent managers common on German sites, and German reader comments ("Kommentare",
# "Leserkommentare"; a lone "Kommentar" is an opinion piece, so it stays).
_PRUNE = [
    "//*[@role='dialog' or @role='alertdialog' or @aria-modal='true']",
    "//*[@id='cmpbox' or @id='usercentrics-root' or @id='didomi-host'"
    " or starts-with(@id, 'sp_message') or contains(@class, 'klaro')]",
    "//*[contains(translate(@id, 'K', 'k'), 'kommentare')"
    " or contains(translate(@class, 'K', 'k'), 'kommentare')"
    " or contains(translate(@class, 'L', 'l'), 'leserkommentar')]",
]
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


@dataclass(frozen=True)
class Article:
    text: str
    title: str | None
    date: dt.date | None = None
    publisher: str | None = None
    author: str | None = None
    """As trafilatura gives it ("A; B" for several); `Document` has no field for it yet."""


def extract_article(markup: str, source: str) -> Article:
    """The article of a page; the whole visible page when trafilatura finds none."""
    try:
        article = _trafilatura(markup)
    except Exception as exc:  # a heuristic parser on arbitrary markup: any failure falls back
        log.warning(
            "trafilatura failed on the page, indexing its visible text",
            extra={"source": source, "error": f"{type(exc).__name__}: {exc}"},
        )
        article = Article(text="", title=None)
    else:
        if not article.text:
            log.info(
                "trafilatura found no main text, indexing the visible page",
                extra={"source": source},
            )
    if article.text:
        return article
    page = extract_html(markup)
    return replace(article, text=page.text, title=article.title or page.title)


def _trafilatura(markup: str) -> Article:
    """The main text ("" if none) and the metadata trafilatura finds."""
    from trafilatura import bare_extraction, extract_metadata, load_html

    tree = load_html(markup)
    if tree is None:  # not HTML to lxml (a fragment, plain text, a tree too deep)
        return Article(text="", title=None)
    extracted = bare_extraction(
        tree,
        fast=True,
        favor_precision=True,
        include_comments=False,
        with_metadata=False,
        prune_xpath=_PRUNE,
    )
    found = extract_metadata(tree, date_config=_DATE_PARAMS)
    title = _squash(found.title)
    text = (
        _body_text(extracted.body) if extracted is not None and extracted.body is not None else ""
    )
    headlines = {_squash(h.text_content()) for h in tree.iter("h1")}
    if text and title and title in headlines and text.split("\n", 1)[0] != title:
        text = f"{title}\n\n{text}"
    return Article(
        text=text,
        title=title,
        date=_iso_date(found.date),
        publisher=_squash(found.sitename),
        author=_squash(found.author),
    )


def _body_text(body) -> str:
    """trafilatura's XML body as paragraphs (the tags are its own: p, head, list, item, ...)."""
    from lxml import etree

    parts: list[str] = []
    for event, element in etree.iterwalk(body, events=("start", "end")):
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        block = element.tag not in _INLINE and element.tag not in ("lb", "cell")
        if event == "start":
            if block:
                parts.append(PARAGRAPH)
            elif element.tag == "lb":
                parts.append("\n")
            elif element.tag == "cell" and element.getprevious() is not None:
                parts.append(" ")
            parts.append(_space(element.text))
        else:
            if block:
                parts.append(PARAGRAPH)
            if element is not body:
                parts.append(_space(element.tail))
    return tidy("".join(parts))


def _space(text: str | None) -> str:
    return HTML_SPACE.sub(" ", text.replace(PARAGRAPH, "")) if text else ""


def _squash(text: str | None) -> str | None:
    squashed = " ".join(text.split()) if text else ""
    return squashed or None


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
