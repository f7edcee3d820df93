"""The Gradio UI in a real browser: Debian chromium driven by Playwright against uvicorn.

Offline a Gradio page never reaches `networkidle`, so the test waits for elements instead.
The screenshot lands in artifacts/ui-answer.png (gitignored) for a human to look at.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import pytest
from fastapi import FastAPI

from qa_service.feedback import SQLiteFeedbackStore
from qa_service.ui import build_ui
from tests.integration.support import serve

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ZDF = "004_35332417cd3628a0.txt"
QUESTION = "Was sagte Merz zur Bundeswehr?"
TODAY = dt.date(2026, 1, 9)  # the UI's clock: the ZDF article (6 January) is 3 days old
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def feedback(tmp_path_factory) -> SQLiteFeedbackStore:
    return SQLiteFeedbackStore(tmp_path_factory.mktemp("ui-feedback") / "feedback.sqlite3")


@pytest.fixture(scope="module")
def ui_url(corpus_service, make_settings, feedback) -> Iterator[str]:
    app = FastAPI()
    ui = build_ui(corpus_service, make_settings(), feedback=feedback, clock=lambda: TODAY)
    gr.mount_gradio_app(app, ui, path="/")
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def page(ui_url):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = "Debian chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it (make test); a skip there would hide that
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(ui_url, wait_until="domcontentloaded")
        yield page
        browser.close()


def test_page_shows_the_index_status_and_examples(page):
    status = page.locator("#qa-status")
    status.get_by_text(re.compile(r"5 Dokumente")).wait_for()
    assert "Embedding-Modell" in status.inner_text()
    # The examples are asked of the index's most quoted people (QA_UI_EXAMPLES overrides).
    example = page.get_by_text(re.compile(r"^(Was sagte|What did) \S+( say)?\?$")).first
    assert example.is_visible()


def test_asking_shows_the_answer_and_the_zdf_citation(page, corpus_service):
    expected = corpus_service.ask(QUESTION)
    box = page.locator("#qa-question textarea")
    box.wait_for()
    box.fill(QUESTION)
    page.locator("#qa-ask").click()

    card = page.locator(f'#qa-sources .qa-source[data-source="{ZDF}"]').first
    card.wait_for()
    assert card.locator("mark").count() == 1
    quote = next(c.quote for c in expected.citations if c.source.endswith(f"/{ZDF}"))
    assert " ".join(card.locator("mark").inner_text().split()) == " ".join(quote.split())
    assert "ZDF" in card.inner_text() or ZDF in card.inner_text()

    chat = page.locator("#qa-chat")
    chat.get_by_text(QUESTION).first.wait_for()
    assert " ".join(expected.answer.split())[:40] in " ".join(chat.inner_text().split())

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)


def zdf_card(page):
    card = page.locator(f'#qa-sources .qa-source[data-source="{ZDF}"]').first
    card.wait_for()
    return card


def test_the_sources_show_outlet_date_and_age(page):
    meta = " ".join(zdf_card(page).locator(".qa-meta").inner_text().split())
    assert "ZDF, 6. Januar 2026, vor 3 Tagen" in meta


def test_the_merz_quote_names_its_speaker(page):
    meta = " ".join(zdf_card(page).locator(".qa-meta").inner_text().split())
    assert meta.startswith("Friedrich Merz (ZDF, 6. Januar 2026")


def test_a_like_with_a_reason_is_stored_with_the_answer(page, feedback):
    zdf_card(page)  # the answer is shown
    page.locator("#qa-reason textarea").fill("richtiges Zitat")
    page.locator("#qa-chat").get_by_role("button", name="Like").last.click()
    page.locator("#qa-feedback-status").get_by_text("gespeichert").wait_for()
    deadline = time.monotonic() + 30
    while not (records := list(feedback.records())) and time.monotonic() < deadline:
        time.sleep(0.1)
    [record] = records
    assert (record.rating, record.reason, record.interface) == ("up", "richtiges Zitat", "gradio")
    assert record.question == QUESTION and any(ZDF in c["source"] for c in record.citations)
