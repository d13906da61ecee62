"""The embeddable widget: ``/widget`` (a compact chat for an iframe), ``/embed.js`` (the one-line
embed that adds a chat bubble) and the suggested questions and labels they show, in the page's
language (``/api/suggestions``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Query
from fastapi.responses import FileResponse, JSONResponse, Response

from . import messages
from .config import Settings
from .schemas import LANGUAGE_TAG_CHARS, SuggestionsOut, errors

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    """Add the widget's routes to ``app``."""
    strict = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors "
              + (" ".join(settings.allowed_origins) or "'none'"))

    def static(name: str, media_type: str, csp: str | None = None) -> Response:
        response = FileResponse(STATIC / name, media_type=media_type)
        if csp:
            response.headers["Content-Security-Policy"] = csp
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.get("/widget", include_in_schema=False)
    def widget() -> Response:
        return static("widget.html", "text/html; charset=utf-8", strict)

    @app.get("/widget.js", include_in_schema=False)
    def widget_js() -> Response:
        return static("widget.js", "text/javascript; charset=utf-8")

    @app.get("/widget.css", include_in_schema=False)
    def widget_css() -> Response:
        return static("widget.css", "text/css; charset=utf-8")

    @app.get("/embed.js", include_in_schema=False)
    def embed_js() -> Response:
        response = static("embed.js", "text/javascript; charset=utf-8")
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    @app.get("/api/suggestions", summary="Suggested questions and the widget's labels in a language",
             response_model=None, responses={200: {"model": SuggestionsOut, "description": "In that language"},
                                             **errors(422, 429)})
    def suggestions(language: str = Query("en", max_length=LANGUAGE_TAG_CHARS,
                                          description="A language tag (fr, fr-FR...)")) -> JSONResponse:
        """``language`` is a tag ("fr-FR"); an uncovered one gets English. ``labels`` are the
        widget's words (plain text: the widget inserts them as text)."""
        code = messages.page_language(language)
        return JSONResponse({"language": code, "questions": list(messages.say(messages.SUGGESTIONS, code)),
                             "labels": messages.labels(code)})
