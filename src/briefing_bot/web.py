"""The chat page (Gradio, mounted in the FastAPI app). Everything shown is escaped: passages and
questions are displayed as text, never as markup."""


import asyncio
import html
import inspect
import re
import time
from typing import AsyncIterator, Awaitable, Callable

from . import messages
from .config import Settings
from .errors import BriefingBotError, InvalidQuestion, StoreError
from .feedback import FeedbackStore
from .generation import Accepted, Withdrawn
from .knowledge import load_knowledge, source_rows
from .types import Answer

RTL = messages.RTL
LANGUAGES = messages.LANGUAGES  # the page's languages (code -> own name)


def escape(text: str) -> str:
    """Text safe to put inside an HTML element: markup shows as text and never runs.

    Every message is one HTML block (no blank lines), so Markdown does not touch its text."""
    return html.escape(text, quote=True).replace("\n", "<br>")


def _dir(language: str) -> str:
    return ' dir="rtl"' if language in RTL else ""


def render_answer(answer: Answer, turn: int = 0, upto: int | None = None) -> str:
    """An answer as HTML: the text, each [n] linking to its source below, then the sources with
    the quoted part highlighted, in the answer's language. ``upto`` shows only the first sentences
    (for streaming)."""
    language = answer.language
    prefix = f"cite-{turn}-"
    pieces = re.split(r"(\[\d+\])", answer.answer)
    if upto is not None:
        pieces = pieces[:upto * 2]
    text = "".join(
        f'<a href="#{prefix}{piece[1:-1]}" class="bb-marker">{piece}</a>' if re.fullmatch(r"\[\d+\]", piece)
        else escape(piece) for piece in pieces)
    parts = [f"<div{_dir(answer.language)}>{text}</div>"]
    if upto is not None and upto * 2 < len(re.split(r"(\[\d+\])", answer.answer)):
        return parts[0] + "<p><em>…</em></p>"
    if answer.answered and answer.supported:
        parts.append(f'<p><span class="bb-support bb-support-{escape(answer.supported)}" title="{answer.support:.2f}">'
                     f"{escape(messages.support_label(answer.supported, language))}</span></p>")
    if answer.suggestions:
        parts.append("<ul>" + "".join(f"<li>{escape(s)}</li>" for s in answer.suggestions) + "</ul>")
    for c in answer.citations:
        at = c.text.find(c.quote)
        passage = (escape(c.text[:at]) + f"<mark>{escape(c.quote)}</mark>" + escape(c.text[at + len(c.quote):])
                   if at >= 0 else escape(c.text))
        as_of = messages.label("as_of", language).format(date=messages.format_date(c.as_of, language))
        facts = (c.publisher, messages.format_date(c.published, language), c.language, as_of if c.as_of else "")
        meta = " · ".join(escape(x) for x in facts if x)
        title = escape(c.title) + (f" ({escape(_translation(c.translation, language))})" if c.translation else "")
        link = (f' · <a href="{html.escape(c.url, quote=True)}" target="_blank" rel="noopener noreferrer">'
                f'{escape(messages.label("original", language))}</a>'
                if c.url.startswith(("https://", "http://")) else "")
        parts.append(f'<details id="{prefix}{c.n}" open><summary><b>[{c.n}]</b> {title}</summary>'
                     f"<blockquote{_dir(c.language)}>{passage}</blockquote><small>{meta}{link}</small></details>")
    return "\n".join(parts)


def _translation(kind: str, language: str) -> str:
    """ "official translation" / "unofficial translation" in ``language``."""
    if kind in ("official", "unofficial"):
        return messages.label(kind, language)
    return f"{kind} translation"


def heading(language: str) -> str:
    """The page's title and introduction (Markdown) in ``language``."""
    return f"## {escape(messages.label('title', language))}\n{escape(messages.label('intro', language))}"


def sources_table(rows: list[dict], language: str) -> str:
    """The documents the bot cites, as a Markdown table with headings in ``language``."""
    head = " | ".join(escape(messages.label(key, language))
                      for key in ("document", "language", "published", "publisher", "passages"))
    body = "\n".join(f"| {escape(r['title'])} | {r['language']} | {escape(_dates(r, language))} | "
                     f"{escape(r['publisher'])} | {r['passages']} |" for r in rows)
    return f"| {head} |\n|---|---|---|---|---|\n" + body


def _dates(row: dict, language: str) -> str:
    """A document's publication date, and its last update when it was updated since."""
    published = messages.format_date(row["published"], language)
    if row["updated"] == row["published"]:
        return published
    return f"{published} ({messages.label('updated', language).format(date=messages.format_date(row['updated'], language))})"


def render_pending(sentences: list[str]) -> str:
    """The sentences of a generated answer that passed validation so far, as HTML (escaped), while
    the next one is written."""
    return f'<div class="bb-pending">{escape(" ".join(sentences))}</div><p><em>…</em></p>'


def build_app(ask: Callable[[str, list], Answer | Awaitable[Answer]], settings: Settings, feedback: FeedbackStore,
              stream: Callable[[str, list], AsyncIterator[object]] | None = None):
    """The Gradio chat page over ``ask(question, history)`` (a coroutine function, or a plain one
    run in a thread). With ``stream`` (``AnswerService.stream``), a generated answer is shown
    sentence by sentence as each passes validation; a withdrawal removes them, and the answer to
    show (the extractive one, then) replaces them.

    Plumbing: the conversation stays on the server (``gr.State``), so that an event carries only the
    question, never the rendered conversation (the guard's body limit holds however long a chat
    is). Every event of the page is private; the page's one public Gradio endpoint, ``/ask``, takes
    ``question`` and ``history`` and returns the answer object of ``POST /api/ask``. The Blocks
    carry ``limited_events`` (fn index -> rate limit) and ``limited_endpoints`` (api name -> rate
    limit) for the guard."""
    import gradio as gr

    async def answer_of(question: object, history: object) -> Answer:
        if inspect.iscoroutinefunction(ask):
            return await ask(question, history)
        return await asyncio.to_thread(ask, question, history)

    async def respond(question: str, conversation: list[dict], turns: list[dict], rated: dict,
                      request: gr.Request) -> AsyncIterator[tuple]:
        started = time.perf_counter()
        chat = conversation + [{"role": "user", "content": f"<div>{escape(question or '')}</div>"}]
        try:
            if stream is None:
                answer = await answer_of(question, turns)
            else:
                accepted: list[str] = []
                async for item in stream(question, turns):  # the answer to show comes last
                    if isinstance(item, Answer):
                        answer = item
                        continue
                    if isinstance(item, Accepted):
                        accepted.append(item.text)
                    elif isinstance(item, Withdrawn):
                        accepted = []
                    else:  # a token: not shown before its sentence is validated
                        continue
                    yield (chat + [{"role": "assistant", "content": render_pending(accepted)}], conversation, turns,
                           "", rated)
        except BriefingBotError as exc:
            _log_event(request, "chat", status_of(exc), started, question, settings)
            chat = chat + [{"role": "assistant", "content": f"<div>{escape(str(exc))}</div>"}]
            yield chat, chat, turns, "", rated
            return
        _log_event(request, "chat", 200, started, question, settings, answer)
        turn = len(chat)
        # a generated answer was already streamed in as it was written
        sentences = 1 if answer.mode == "generated" else len(re.findall(r"\[\d+\]", answer.answer)) or 1
        for upto in range(1, sentences):  # stream the answer in, sentence by sentence
            yield chat + [{"role": "assistant", "content": render_answer(answer, turn, upto)}], conversation, turns, "", rated
        turns = (turns + [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}])[-16:]
        rated = {**rated, str(turn): [answer.question, answer.answer_id]}  # message index -> what a vote rates
        chat = chat + [{"role": "assistant", "content": render_answer(answer, turn)}]
        yield chat, chat, turns, answer.as_text(), rated

    async def ask_endpoint(question: str, history: list[dict] | None = None,
                           request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Answer a question: the answer object of POST /api/ask (question, answer, answered,
        language, citations, conflicts, suggestions, support, supported, timings_ms, answer_id).
        ``history``: earlier turns, oldest first, as [{"role": "user" | "assistant", "content": text}]."""
        started = time.perf_counter()
        try:
            answer = await answer_of(question, history or [])
        except BriefingBotError as exc:
            _log_event(request, "/gradio_api/ask", status_of(exc), started, question, settings)
            raise gr.Error(str(exc), print_exception=False) from None
        _log_event(request, "/gradio_api/ask", 200, started, question, settings, answer)
        return {**answer.to_dict(), "answer_id": answer.answer_id}

    def suggestions_for(language: str):
        """The page in ``language`` (a tag from the browser or the picker): the picker's value, the
        suggested questions and every label, in the order of ``localized`` below."""
        code = messages.page_language(language)
        words = messages.labels(code)
        rtl = code in RTL
        return (gr.update(value=code, label=words["page_language"]),
                gr.update(samples=[[q] for q in messages.say(messages.SUGGESTIONS, code)], label=words["suggested"]),
                gr.update(value=heading(code), rtl=rtl),
                gr.update(label=words["answers"], rtl=rtl),
                gr.update(placeholder=words["placeholder"], rtl=rtl),
                gr.update(value=words["ask"]),
                gr.update(value=words["copy"]),
                gr.update(label=words["sources"]),
                gr.update(value=sources_table(rows, code)))

    def vote(data: gr.LikeData, rated: dict) -> None:
        """A thumbs up/down: recorded only for an answer in the record (the guard rate-limits it)."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if data.liked is not None and str(index) in rated:
            _question, answer_id = rated[str(index)]
            feedback.vote(answer_id, 1 if data.liked else -1)

    def forget() -> tuple[list, list, dict]:
        return [], [], {}

    def sample_text(sample: list) -> str:
        return sample[0] if sample else ""

    private = {"api_visibility": "private"}
    clear = {"fn": None, "inputs": None, "js": "() => ''", **private}
    rows = source_rows(load_knowledge(settings.knowledge_dir))
    with gr.Blocks(title="briefing-bot", analytics_enabled=False) as page:  # no usage reports to third parties
        title = gr.Markdown(heading("en"))
        conversation = gr.State([])
        turns = gr.State([])
        rated = gr.State({})
        copied = gr.Textbox(visible=False)
        language = gr.Dropdown(choices=[(name, code) for code, name in LANGUAGES.items()], value="en",
                               label=messages.label("page_language", "en"), scale=0)
        chatbot = gr.Chatbot(height=520, sanitize_html=True, label=messages.label("answers", "en"),
                             elem_id="bb-chat", feedback_options=("Like", "Dislike"))
        with gr.Row():
            box = gr.Textbox(placeholder=messages.label("placeholder", "en"), show_label=False,
                             max_length=settings.max_question_chars, scale=5, autofocus=True)
            send = gr.Button(messages.label("ask", "en"), variant="primary", scale=1)
        examples = gr.Dataset(components=[box], samples=[[q] for q in messages.SUGGESTIONS["en"]],
                              label=messages.label("suggested", "en"))
        copy = gr.Button(messages.label("copy", "en"), size="sm")
        with gr.Accordion(messages.label("sources", "en"), open=False) as sources:
            table = gr.Markdown(sources_table(rows, "en"))
        localized = [language, examples, title, chatbot, box, send, copy, sources, table]

        inputs, outputs = [box, conversation, turns, rated], [chatbot, conversation, turns, copied, rated]
        box.submit(respond, inputs, outputs, **private).then(outputs=box, **clear)
        send.click(respond, inputs, outputs, **private).then(outputs=box, **clear)
        examples.click(sample_text, examples, box, **private).then(respond, inputs, outputs, **private) \
            .then(outputs=box, **clear)
        language.input(suggestions_for, language, localized, **private)  # a pick: the page in that language
        copy.click(None, copied, None, js="(text) => { if (text) navigator.clipboard.writeText(text); }")
        chatbot.like(vote, rated, None, **private)
        chatbot.clear(forget, None, [conversation, turns, rated], **private)  # the bin: the server forgets too
        browser_language = ("(current) => { const code = (navigator.language || 'en').slice(0, 2).toLowerCase(); "
                            f"return {list(LANGUAGES)}.includes(code) ? code : current; }}")
        page.load(suggestions_for, language, localized, js=browser_language, **private)
        gr.api(ask_endpoint, api_name="ask", concurrency_limit=settings.queue_size)
    page.queue(max_size=4 * settings.queue_size, default_concurrency_limit=settings.queue_size)
    limits = {"respond": "ask", "ask_endpoint": "ask", "vote": "feedback"}
    page.limited_events = {fn._id: limits.get(fn.name, "") for fn in page.fns.values()}  # every event
    page.limited_endpoints = {fn.api_name: limits.get(fn.name, "") for fn in page.fns.values()
                              if fn.api_visibility != "private"}
    return page


def status_of(exc: BaseException) -> int:
    """The HTTP status that the API gives for this error (for the chat's log lines)."""
    from .worker import Overloaded, TimedOut

    if isinstance(exc, InvalidQuestion):
        return 422
    if isinstance(exc, TimedOut):
        return 504
    if isinstance(exc, (Overloaded, StoreError)):  # IndexNotReady and Unavailable too
        return 503
    return 500


def _log_event(request, route: str, status: int, started: float, question: object, settings: Settings,
               answer: Answer | None = None) -> None:
    """One log line for a question asked through the page or its Gradio API (the HTTP request
    that carried it has its own line, with the same id)."""
    from .access import request_id
    from .logs import request_line

    headers = getattr(request, "headers", None) or {}
    request_line(request_id=request_id(headers), route=route, method="EVENT", status=status,
                 latency_ms=(time.perf_counter() - started) * 1000,
                 answer={"language": answer.language, "answered": answer.answered, "support": answer.support,
                         "cached": answer.cached, "mode": answer.mode,
                         "fallback_reason": answer.fallback_reason} if answer else None,
                 question=str(question) if settings.log_questions else None)


def install_errors(app) -> None:
    """The mounted chat page's HTTP errors as JSON ``{"error": {"code", "message"}}`` (with the
    message also as ``detail``, which the page shows)."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException
    from starlette.routing import Mount

    from .guard import json_error

    def respond(status: int, code: str, message: str, headers=None):
        from starlette.responses import Response

        _start, body = json_error(status, code, message, detail=True)
        return Response(body, status_code=status, media_type="application/json", headers=headers)

    async def http_error(_request, exc: HTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 503: "overloaded"}.get(exc.status_code, "bad_request")
        return respond(exc.status_code, code, str(exc.detail), exc.headers)

    async def invalid(_request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        return respond(422, "invalid_request", f"Invalid request: {where}: {first.get('msg', 'invalid')}.")

    for route in app.routes:
        if isinstance(route, Mount) and hasattr(route.app, "get_blocks"):
            route.app.add_exception_handler(HTTPException, http_error)
            route.app.add_exception_handler(RequestValidationError, invalid)
