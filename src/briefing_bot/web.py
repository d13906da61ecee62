"""The chat page (Gradio, mounted in the FastAPI app). Everything shown is escaped: passages and
questions are displayed as text, never as markup."""


import html
import re
from typing import Callable, Iterator

from . import messages
from .config import Settings
from .errors import BriefingBotError
from .feedback import FeedbackStore
from .knowledge import load_knowledge, source_rows
from .types import Answer

RTL = {"ar", "fa", "he", "ur"}
LANGUAGES = {"en": "English", "ar": "العربية", "fr": "Français", "es": "Español", "ru": "Русский",
             "zh": "中文", "vi": "Tiếng Việt"}


def escape(text: str) -> str:
    """Text safe to put inside an HTML element: markup shows as text and never runs.

    Every message is one HTML block (no blank lines), so Markdown does not touch its text."""
    return html.escape(text, quote=True).replace("\n", "<br>")


def _dir(language: str) -> str:
    return ' dir="rtl"' if language in RTL else ""


def render_answer(answer: Answer, turn: int = 0, upto: int | None = None) -> str:
    """An answer as HTML: the text, each [n] linking to its source below, then the sources with
    the quoted part highlighted. ``upto`` shows only the first sentences (for streaming)."""
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
    if answer.suggestions:
        parts.append("<ul>" + "".join(f"<li>{escape(s)}</li>" for s in answer.suggestions) + "</ul>")
    for c in answer.citations:
        at = c.text.find(c.quote)
        passage = (escape(c.text[:at]) + f"<mark>{escape(c.quote)}</mark>" + escape(c.text[at + len(c.quote):])
                   if at >= 0 else escape(c.text))
        facts = (c.publisher, c.published, c.language, f"as of {c.as_of}" if c.as_of else "")
        meta = " · ".join(escape(x) for x in facts if x)
        title = escape(c.title) + (f" ({escape(c.translation)} translation)" if c.translation else "")
        link = (f' · <a href="{html.escape(c.url, quote=True)}" target="_blank" rel="noopener noreferrer">original</a>'
                if c.url.startswith(("https://", "http://")) else "")
        parts.append(f'<details id="{prefix}{c.n}" open><summary><b>[{c.n}]</b> {title}</summary>'
                     f"<blockquote{_dir(c.language)}>{passage}</blockquote><small>{meta}{link}</small></details>")
    return "\n".join(parts)


def build_app(ask: Callable[[str, list], Answer], settings: Settings, feedback: FeedbackStore):
    """The Gradio chat page over ``ask(question, history)``."""
    import gradio as gr

    def respond(question: str, chat: list[dict], turns: list[dict], rated: dict) -> Iterator[tuple]:
        chat = chat + [{"role": "user", "content": f"<div>{escape(question or '')}</div>"}]
        try:
            answer = ask(question, turns)
        except BriefingBotError as exc:
            yield chat + [{"role": "assistant", "content": f"<div>{escape(str(exc))}</div>"}], turns, "", rated
            return
        turn = len(chat)
        sentences = len(re.findall(r"\[\d+\]", answer.answer)) or 1
        for upto in range(1, sentences):  # stream the answer in, sentence by sentence
            yield chat + [{"role": "assistant", "content": render_answer(answer, turn, upto)}], turns, "", rated
        turns = (turns + [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}])[-16:]
        rated = {**rated, str(turn): [answer.question, answer.answer_id]}  # message index -> what a vote rates
        yield chat + [{"role": "assistant", "content": render_answer(answer, turn)}], turns, answer.as_text(), rated

    def suggestions_for(language: str):
        code = (language or "en").split("-")[0].lower()
        code = code if code in LANGUAGES else "en"
        return gr.update(value=code), gr.update(samples=[[q] for q in messages.say(messages.SUGGESTIONS, code)])

    def vote(data: gr.LikeData, rated: dict) -> None:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if data.liked is not None and str(index) in rated:
            question, answer_id = rated[str(index)]
            feedback.add(question, answer_id, 1 if data.liked else -1)

    rows = source_rows(load_knowledge(settings.knowledge_dir))
    table = "\n".join(f"| {escape(r['title'])} | {r['language']} | {escape(r['published'])} | "
                      f"{escape(r['publisher'])} | {r['passages']} |" for r in rows)
    with gr.Blocks(title="briefing-bot") as page:
        gr.Markdown("## Hanoi Convention briefing\nAsk about the UN Convention against Cybercrime and its Hanoi "
                    "signing ceremony, in your language. Every sentence of an answer quotes and cites a source.")
        turns = gr.State([])
        rated = gr.State({})
        copied = gr.Textbox(visible=False)
        language = gr.Dropdown(choices=[(name, code) for code, name in LANGUAGES.items()], value="en",
                               label="Suggestions in", scale=0)
        chatbot = gr.Chatbot(height=520, sanitize_html=True, label="Answers", elem_id="bb-chat",
                             feedback_options=("Like", "Dislike"))
        with gr.Row():
            box = gr.Textbox(placeholder="Ask a question…", show_label=False, max_length=settings.max_question_chars,
                             scale=5, autofocus=True)
            send = gr.Button("Ask", variant="primary", scale=1)
        examples = gr.Dataset(components=[box], samples=[[q] for q in messages.SUGGESTIONS["en"]],
                              label="Suggested questions")
        copy = gr.Button("Copy the last answer with its sources", size="sm")
        with gr.Accordion("Sources", open=False):
            gr.Markdown("| document | language | published | publisher | passages |\n|---|---|---|---|---|\n" + table)

        inputs, outputs = [box, chatbot, turns, rated], [chatbot, turns, copied, rated]
        box.submit(respond, inputs, outputs).then(lambda: "", None, box)
        send.click(respond, inputs, outputs).then(lambda: "", None, box)
        examples.click(lambda sample: sample[0], examples, box).then(respond, inputs, outputs) \
            .then(lambda: "", None, box)
        language.change(lambda code: suggestions_for(code)[1], language, examples)
        copy.click(None, copied, None, js="(text) => { if (text) navigator.clipboard.writeText(text); }")
        chatbot.like(vote, rated, None)
        browser_language = ("(current) => { const code = (navigator.language || 'en').slice(0, 2).toLowerCase(); "
                            f"return {list(LANGUAGES)}.includes(code) ? code : current; }}")
        page.load(suggestions_for, language, [language, examples], js=browser_language)
    return page
