"""The web chat (Gradio) over the pipeline. Everything shown is escaped: passages and questions
are displayed as text, never as markup."""

from __future__ import annotations

import html
import re

from .config import Settings
from .errors import BriefingBotError
from .ingest import progress_bar
from .pipeline import Pipeline
from .types import Answer

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")
RTL = {"ar", "fa", "he", "ur"}


def escape(text: str) -> str:
    """Text safe to render as Markdown+HTML: no tags, no Markdown syntax."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=True))


def render_answer(answer: Answer) -> str:
    """An answer as Markdown: the text with its [n] markers, then the numbered sources."""
    direction = ' dir="rtl"' if answer.language in RTL else ""
    parts = [f"<div{direction}>{escape(answer.answer)}</div>"]
    if answer.suggestions:
        parts.append("\n".join(f"- {escape(s)}" for s in answer.suggestions))
    for c in answer.citations:
        meta = ", ".join(escape(x) for x in (c.publisher, c.published, c.language) if x)
        title = escape(c.title) + (f" ({escape(c.translation)} translation)" if c.translation else "")
        link = f" · <a href=\"{html.escape(c.url, quote=True)}\" target=\"_blank\" rel=\"noopener\">source</a>" \
            if c.url.startswith(("https://", "http://")) else ""
        quote_dir = ' dir="rtl"' if c.language in RTL else ""
        parts.append(f"**[{c.n}]** {title} — {meta}{link}\n<blockquote{quote_dir}>{escape(c.quote)}</blockquote>")
    return "\n\n".join(parts)


def build_app(pipeline: Pipeline):
    """The Gradio chat page."""
    import gradio as gr

    def respond(message: str, history: list[dict]) -> str:
        turns = [{"role": m["role"], "content": _plain(m.get("content"))} for m in history
                 if m.get("role") in ("user", "assistant")]
        try:
            return render_answer(pipeline.ask(message, turns))
        except BriefingBotError as exc:
            return escape(str(exc))

    return gr.ChatInterface(
        respond,
        title="briefing-bot",
        description="Ask about the UN Convention against Cybercrime and the Hanoi signing ceremony "
                    "(25-26 October 2025), in your language. Every statement quotes and cites its source.",
        examples=["When is the Hanoi Convention signing ceremony?", "How many articles does the convention have?",
                  "Qui préside la cérémonie de signature ?", "متى تدخل الاتفاقية حيز النفاذ؟"],
        chatbot=gr.Chatbot(sanitize_html=True, height=560),
        flagging_mode="never",
    )


def _plain(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # Gradio may hand back structured content
        return " ".join(str(part.get("text", "")) if isinstance(part, dict) else str(part) for part in content)
    return ""


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Load everything (building the index when needed), then serve the chat page."""
    pipeline = Pipeline(settings)
    pipeline.warm_up(progress=progress_bar("Embedding"), notify=print)
    build_app(pipeline).launch(server_name=host or "127.0.0.1", server_port=port or 7860,
                               inbrowser=True, show_error=False)
