"""Gradio chat UI: the same `QAService.ask` as the API and Slack, with the quotes shown in place.

The handlers are plain functions of (service, inputs) so tests call them without a browser;
`build_ui` only lays out components and binds the handlers. Gradio runs them in threads, so
they may block on the model.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import gradio as gr

from ingest.loading import SUPPORTED_SUFFIXES
from qa_service.answering.base import Reset, TextPiece
from qa_service.chat.display import Clock, source_line
from qa_service.errors import QAError, QuestionError
from qa_service.models import Answer, Citation, Document, Filters, Turn, check_date_range
from qa_service.service import Done

if TYPE_CHECKING:
    from qa_service.feedback import FeedbackStore
    from qa_service.service import QAService
    from qa_service.settings import Settings

CONTEXT_CHARS = 150  # shown on each side of a quote: ~300 characters of surrounding paragraph

Message = dict[str, Any]
MODE_LABELS = {
    "generated": "Vom Sprachmodell gewählte Zitate, jede Einleitung am Zitat geprüft · quotes "
    "chosen by the language model, each introduction checked against its quote",
    "extractive_fallback": "Modellantwort nicht belegbar, daher Zitate · the model's answer could "
    "not be verified, so quotes instead",
}

SOURCES_CSS = """
.qa-sources-title { font-weight: 600; margin: 0 0 .5rem; }
.qa-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: .6rem .8rem; margin-bottom: .6rem; background: var(--background-fill-secondary); }
.qa-source-head { font-weight: 600; }
.qa-n { color: var(--color-accent); margin-right: .25rem; }
.qa-meta { font-size: .85em; opacity: .8; margin: .15rem 0 .4rem; }
.qa-context { margin: 0; font-size: .92em; line-height: 1.45; }
.qa-context mark { background: #ffe58a; color: #222; padding: 0 .1em; border-radius: 2px; }
.qa-empty { opacity: .7; }
.qa-upload td, .qa-upload th { padding: .15rem .5rem; text-align: left; }
"""


# -- rendering -------------------------------------------------------------------------


def context_html(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The quote `text[start:end]` in <mark>, inside its paragraph clipped to `width` per side.

    Everything is HTML-escaped: article text is untrusted and the panel renders raw HTML.
    """
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end == -1 else para_end
    lo, hi = max(para_start, start - width), min(para_end, end + width)
    if lo > para_start:  # cut at a word boundary, not inside a word
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < para_end:
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    before = ("… " if lo > para_start else "") + text[lo:start]
    after = text[end:hi] + (" …" if hi < para_end else "")
    return (
        html.escape(before)
        + "<mark>"
        + html.escape(text[start:end])
        + "</mark>"
        + html.escape(after)
    )


def citation_html(
    citation: Citation, document: Document | None, today: dt.date, lang: str = "de"
) -> str:
    """One source card: [n] title, who · where · when (how long ago) · file, and the
    highlighted quote."""
    text = document.text if document is not None else ""
    if text[citation.start : citation.end] == citation.quote:
        body = context_html(text, citation.start, citation.end)
    else:  # document gone or changed since the answer: show the verified quote alone
        body = f"<mark>{html.escape(citation.quote)}</mark>"
    meta_html = html.escape(source_line(citation, today, lang))
    name = html.escape(file_name(citation.source), quote=True)
    file_html = f"<code>{name}</code>"
    return (
        f'<div class="qa-source" data-n="{citation.n}" data-source="{name}">'
        f'<div class="qa-source-head"><span class="qa-n">[{citation.n}]</span>'
        f"{html.escape(citation.title)}</div>"
        f'<div class="qa-meta">{meta_html + " · " if meta_html else ""}{file_html}</div>'
        f'<blockquote class="qa-context">{body}</blockquote></div>'
    )


def render_sources(
    answer: Answer | None,
    get_document: Callable[[str], Document | None] | None = None,
    today: dt.date | None = None,
) -> str:
    """The sources panel for an answer: one card per citation, or a short note."""
    title = '<div class="qa-sources-title">Quellen · Sources</div>'
    if answer is None:
        return title + '<p class="qa-empty">Noch keine Frage gestellt. · No question yet.</p>'
    if answer.answered and answer.mode != "extractive":
        label = MODE_LABELS[answer.mode]
        title += f'<p class="qa-meta qa-mode" data-mode="{answer.mode}">{label}</p>'
    if answer.condensed_question:
        title += (
            '<p class="qa-meta qa-condensed">Gesucht nach · searched for: '
            f"{html.escape(answer.condensed_question)}</p>"
        )
    if not answer.citations:
        return title + '<p class="qa-empty">Keine belegte Antwort. · No cited answer.</p>'
    lookup = get_document or (lambda _doc_id: None)
    docs: dict[str, Document | None] = {}
    cards = []
    for citation in answer.citations:
        if citation.doc_id not in docs:
            docs[citation.doc_id] = lookup(citation.doc_id)
        cards.append(
            citation_html(
                citation, docs[citation.doc_id], today or dt.date.today(), answer.language
            )
        )
    return title + "".join(cards)


def status_line(service: QAService) -> str:
    s = service.status()
    docs = "Dokument" if s.documents == 1 else "Dokumente"
    return (
        f"**Index:** {s.documents} {docs} · {s.chunks} Abschnitte (chunks) · "
        f"Embedding-Modell: `{s.embedding_model}`"
    )


def file_name(source: str) -> str:
    """Sources are absolute paths for ingested files, bare names for uploads."""
    return PurePath(source).name


def source_choices(service: QAService) -> list[tuple[str, str]]:
    """(label, file name) pairs for the sources filter; filters match on file names."""
    names = {file_name(d.source): d.title for d in service.list_documents()}
    return [(f"{title} ({name})", name) for name, title in sorted(names.items())]


# -- handlers --------------------------------------------------------------------------


def parse_date(value: Any, label: str) -> dt.date | None:
    """Accept what gr.DateTime hands over (ISO string, timestamp, datetime) or nothing."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value).date()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise QuestionError(f"{label}: not a date (YYYY-MM-DD): {value!r}") from None


def parse_filters(date_from: Any, date_to: Any, sources: Iterable[str] | None) -> Filters | None:
    start, end = parse_date(date_from, "date from"), parse_date(date_to, "date to")
    try:
        check_date_range(start, end)
    except ValueError as exc:
        raise QuestionError(str(exc)) from None
    filters = Filters(date_from=start, date_to=end, sources=tuple(sources or ()))
    return None if filters.is_empty() else filters


def history_turns(history: Sequence[Message] | None) -> list[Turn]:
    """The chat so far as Turns (Gradio may hand content as a list of text parts)."""
    turns = []
    for m in history or []:
        content = m.get("content")
        if isinstance(content, list):
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        if m.get("role") in ("user", "assistant") and isinstance(content, str) and content:
            turns.append(Turn(role=m["role"], content=content))
    return turns


def _turn(question: str, answer: str) -> list[Message]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


def respond_stream(
    service: QAService,
    message: str,
    history: Sequence[Message] | None,
    date_from: Any = None,
    date_to: Any = None,
    sources: Iterable[str] | None = None,
    *,
    on_answer: Callable[[Answer, Filters | None], None] | None = None,
    clock: Clock = dt.date.today,
) -> Iterator[tuple[list[Message], str, str]]:
    """One chat turn as it streams: (conversation, sources panel, "" for the box), updated with
    each verified sentence; the last update carries the finished answer and its sources.
    `on_answer` sees the finished answer (the UI records it for 👍/👎)."""
    earlier = list(history or [])
    try:
        filters = parse_filters(date_from, date_to, sources)
        events = service.stream(message, filters=filters, history=history_turns(history))
        text = ""
        for event in events:
            if isinstance(event, Done):
                answer = event.answer
                if on_answer is not None:
                    on_answer(answer, filters)
                turn = _turn(answer.question, answer.answer)
                panel = render_sources(answer, service.get_document, clock())
                yield [*earlier, *turn], panel, ""
                return
            if isinstance(event, TextPiece):
                text += event.text
            elif isinstance(event, Reset):
                text = ""
            else:  # the citations: shown with the finished answer
                continue
            yield [*earlier, *_turn(message.strip(), text or "…")], render_sources(None), ""
    except QAError as exc:
        raise gr.Error(str(exc)) from None


def respond(
    service: QAService,
    message: str,
    history: Sequence[Message] | None,
    date_from: Any = None,
    date_to: Any = None,
    sources: Iterable[str] | None = None,
) -> tuple[list[Message], str, str]:
    """One chat turn, finished: the last update of respond_stream()."""
    *_, last = respond_stream(service, message, history, date_from, date_to, sources)
    return last


def ingest_uploads(service: QAService, files: Sequence[Any] | None, max_bytes: int) -> str:
    """Ingest uploaded files one by one and report each outcome as an HTML table."""
    if not files:
        return '<p class="qa-empty">Keine Dateien gewählt. · No files selected.</p>'
    rows = []
    for file in files:
        path = Path(getattr(file, "name", None) or str(file))
        size = path.stat().st_size
        if size > max_bytes:
            status, chunks, note = "error", 0, f"too large ({size} bytes, at most {max_bytes})"
        else:
            try:
                report = service.ingest_bytes(path.name, path.read_bytes())
                status, chunks = report.status, report.chunks
                note = report.message or report.title or ""
            except QAError as exc:
                status, chunks, note = "error", 0, str(exc)
        rows.append(
            f"<tr><td><code>{html.escape(path.name)}</code></td><td>{html.escape(status)}</td>"
            f"<td>{chunks}</td><td>{html.escape(note)}</td></tr>"
        )
    head = "<tr><th>Datei · file</th><th>Status</th><th>Chunks</th><th></th></tr>"
    return f'<table class="qa-upload">{head}{"".join(rows)}</table>'


# -- layout ----------------------------------------------------------------------------


def rate_message(
    feedback: FeedbackStore, answer_ids: dict[str, str], index: Any, liked: Any, reason: str
) -> str:
    """A like/dislike on chat message `index` as feedback on the answer shown there."""
    if isinstance(index, list | tuple):
        index = index[0]
    answer_id = answer_ids.get(str(index))
    if answer_id is None or liked not in (True, False):
        return ""
    rating = "up" if liked else "down"
    reason = (reason or "").strip()[:2000] or None
    feedback.add_feedback(answer_id, rating, reason=reason, interface="gradio")
    return f"Danke · thanks: {'👍' if liked else '👎'} gespeichert · recorded"


def example_questions(service: QAService, count: int = 2) -> list[str]:
    """Questions the index can answer, from the index itself: what its most quoted people
    said, one asked in German and one in English (QA_UI_EXAMPLES overrides them)."""
    speakers = service.snapshots.current().speakers
    people = sorted(
        (units for units in speakers.values() if " " in (units[0].speaker or "")),
        key=lambda units: (-len(units), units[0].speaker),
    )
    names = [units[0].speaker.split()[-1] for units in people[:count]]
    forms = ("Was sagte {}?", "What did {} say?")
    return [forms[i % 2].format(name) for i, name in enumerate(names)]


def build_ui(
    service: QAService,
    settings: Settings,
    *,
    feedback: FeedbackStore | None = None,
    clock: Clock = dt.date.today,
) -> gr.Blocks:
    """The Blocks app; mount it with `gr.mount_gradio_app(app, build_ui(...), path="/")`.
    With a feedback store, answers are recorded and the chat's 👍/👎 are stored."""

    def on_ask(message, history, date_from, date_to, sources, answer_ids):
        ids = dict(answer_ids or {})
        turns = len(history or []) + 1  # index of the assistant message of this turn

        def record(answer: Answer, filters: Filters | None) -> None:
            ids[str(turns)] = answer.id
            if feedback is not None:
                feedback.record_answer(answer, interface="gradio", k=service.k, filters=filters)

        for update in respond_stream(
            service, message, history, date_from, date_to, sources, on_answer=record, clock=clock
        ):
            yield (*update, ids)

    def on_like(data: gr.LikeData, answer_ids, reason):
        note = rate_message(feedback, answer_ids or {}, data.index, data.liked, reason)
        return note, "" if note else reason

    def on_upload(files):
        return ingest_uploads(service, files, settings.max_upload_bytes)

    def on_refresh():
        return status_line(service), gr.Dropdown(choices=source_choices(service))

    def on_clear():
        return [], render_sources(None), "", {}

    with gr.Blocks(title="qa-service", analytics_enabled=False) as demo:
        gr.Markdown(
            "## Fragen an die Nachrichtenartikel · Ask the news articles\n"
            "Antworten nur mit wörtlich belegten Zitaten. · Answers cite verbatim quotes."
        )
        status = gr.Markdown(elem_id="qa-status")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    elem_id="qa-chat",
                    label="Chat",
                    height=460,
                    feedback_options=("Like", "Dislike") if feedback is not None else None,
                    buttons=["copy", "copy_all"],
                )
                with gr.Row():
                    question = gr.Textbox(
                        elem_id="qa-question",
                        placeholder="Frage stellen … · Ask a question …",
                        show_label=False,
                        scale=5,
                        max_lines=4,
                    )
                    send = gr.Button("Fragen · Ask", variant="primary", elem_id="qa-ask", scale=1)
                answer_ids = gr.State({})
                if feedback is not None:
                    with gr.Row():
                        reason = gr.Textbox(
                            elem_id="qa-reason",
                            placeholder="Grund zu 👍/👎 (optional) · reason (optional)",
                            show_label=False,
                            scale=4,
                            max_lines=2,
                        )
                        thanks = gr.Markdown(elem_id="qa-feedback-status")
                    chat.like(on_like, [answer_ids, reason], [thanks, reason])
                examples = settings.ui_examples or example_questions(service)
                if examples:
                    gr.Examples(examples, inputs=[question], label="Beispiele · Examples")
                clear = gr.Button("Neues Gespräch · New chat", size="sm")
            with gr.Column(scale=2):
                panel = gr.HTML(
                    render_sources(None), elem_id="qa-sources", css_template=SOURCES_CSS
                )
                with gr.Accordion("Filter", open=False):
                    date_from = gr.DateTime(
                        label="Von · from", include_time=False, type="string", elem_id="qa-from"
                    )
                    date_to = gr.DateTime(
                        label="Bis · to", include_time=False, type="string", elem_id="qa-to"
                    )
                    pick = gr.Dropdown(
                        label="Quellen · sources", multiselect=True, choices=[], elem_id="qa-pick"
                    )
                with gr.Accordion("Dokumente hochladen · Upload documents", open=False):
                    files = gr.File(
                        file_count="multiple",
                        file_types=sorted(SUPPORTED_SUFFIXES),
                        type="filepath",
                        height=140,
                    )
                    ingest = gr.Button("Indexieren · Ingest", elem_id="qa-ingest")
                    outcome = gr.HTML(elem_id="qa-upload-result", css_template=SOURCES_CSS)

        gr.on(
            triggers=[question.submit, send.click],
            fn=on_ask,
            inputs=[question, chat, date_from, date_to, pick, answer_ids],
            outputs=[chat, panel, question, answer_ids],
        )
        clear.click(on_clear, None, [chat, panel, question, answer_ids])
        ingest.click(on_upload, [files], [outcome]).then(on_refresh, None, [status, pick])
        demo.load(on_refresh, None, [status, pick])
    return demo
