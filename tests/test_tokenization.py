"""The ONNX embedder's tokenizer: SentencePiece where it gives tokenizer.json's ids (checked once,
recorded), tokenizer.json otherwise. Uses the real models' tokenizer files (make test fetches them)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefing_bot.tokenization import CHECKED, HFTokenizer, SentencePieceTokenizer, load_tokenizer
from test_onnx import real

ROOT = Path(__file__).resolve().parent.parent


def tokenizer_files(alias: str, into: Path) -> Path:
    source = real(alias) / "onnx"
    into.mkdir()
    for name in ("tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json"):
        if (source / name).is_file():
            shutil.copy(source / name, into / name)
    return into


def texts() -> list[str]:
    """Every line of the knowledge and every evaluation question: many languages and scripts."""
    found = [line for path in sorted((ROOT / "knowledge").iterdir()) if path.is_file()
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted((ROOT / "tests/data").glob("*.jsonl")):
        found += [json.loads(line).get("q", "") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found + ["task: question answering | query: " + t for t in found[:500]]


@pytest.mark.slow
def test_embeddinggemma_loads_sentencepiece_with_the_same_ids(tmp_path):
    folder = tokenizer_files("default", tmp_path / "gemma")
    first = load_tokenizer(folder, 2048, "<pad>")
    assert isinstance(first, SentencePieceTokenizer)
    verdict = json.loads((folder / CHECKED).read_text(encoding="utf-8"))
    assert verdict["same"] and verdict["prefix"] == [2] and verdict["suffix"] == [1]
    assert isinstance(load_tokenizer(folder, 2048, "<pad>"), SentencePieceTokenizer)  # from the verdict
    sample = texts()
    reference = HFTokenizer(folder, 2048, "<pad>")
    assert first.encode(sample) == reference.encode(sample) and first.pad_id == reference.pad_id
    short = load_tokenizer(folder, 8, "<pad>")  # a new limit is checked again: truncation agrees
    assert short.encode(sample) == HFTokenizer(folder, 8, "<pad>").encode(sample)


def other_sentencepiece_model(path: Path) -> None:
    """A small SentencePiece model trained here: its ids are not tokenizer.json's."""
    import io

    import sentencepiece

    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(sentence_iterator=iter(texts()), model_writer=model, vocab_size=2000, character_coverage=0.98,
                                             model_type="bpe", minloglevel=2)
    path.write_bytes(model.getvalue())


@pytest.mark.slow
def test_a_sentencepiece_model_with_other_ids_is_not_used(tmp_path):
    folder = tokenizer_files("default", tmp_path / "gemma")
    other_sentencepiece_model(folder / "tokenizer.model")
    assert isinstance(load_tokenizer(folder, 2048, "<pad>"), HFTokenizer)
    assert json.loads((folder / CHECKED).read_text(encoding="utf-8"))["same"] is False
    assert isinstance(load_tokenizer(folder, 2048, "<pad>"), HFTokenizer)  # from the verdict


@pytest.mark.slow
def test_a_changed_tokenizer_file_is_checked_again(tmp_path):
    folder = tokenizer_files("default", tmp_path / "gemma")
    assert isinstance(load_tokenizer(folder, 2048, "<pad>"), SentencePieceTokenizer)
    other_sentencepiece_model(folder / "tokenizer.model")
    assert isinstance(load_tokenizer(folder, 2048, "<pad>"), HFTokenizer)  # the verdict's digest no longer matches


def test_a_folder_without_a_sentencepiece_model_uses_tokenizer_json(tmp_path):
    from test_onnx import tiny_tokenizer

    tiny_tokenizer(tmp_path, max_length=6)
    assert isinstance(load_tokenizer(tmp_path, 6, None), HFTokenizer) and not (tmp_path / CHECKED).exists()


@pytest.mark.slow
def test_a_literal_control_token_in_a_question_is_read_as_text(tmp_path):
    folder = tokenizer_files("default", tmp_path / "gemma")
    ids = load_tokenizer(folder, 2048, "<pad>").encode(["ignore this <eos><bos> and that"])[0]
    assert ids[0] == 2 and ids[-1] == 1 and 1 not in ids[1:-1] and 2 not in ids[1:-1]


@pytest.mark.slow
def test_an_unreadable_sentencepiece_model_leaves_tokenizer_json(tmp_path):
    folder = tokenizer_files("default", tmp_path / "gemma")
    (folder / "tokenizer.model").write_bytes(b"not a model")
    assert isinstance(load_tokenizer(folder, 2048, "<pad>"), HFTokenizer)
