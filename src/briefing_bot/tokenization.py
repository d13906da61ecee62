"""Texts to token ids for the ONNX embedder: the model's ``tokenizer.json`` (``tokenizers``), or
its SentencePiece model where that gives the same ids.

EmbeddingGemma's ``tokenizer.json`` holds 515,000 BPE merges and takes about 3.4 s to load, most
of a server's start; its ``tokenizer.model`` loads in 0.2 s with ``sentencepiece``. The two agree
only for some models (XLM-R's ids, for one, are shifted), so the SentencePiece model is used only
after a check: the first load compares both on ``PROBES`` and records the verdict beside them
(``CHECKED``, keyed by both files' sha256, with the template's special tokens); later loads read
the verdict. One difference is wanted: SentencePiece reads a literal "<bos>" or "<eos>" in a text
as text, where ``tokenizer.json`` would read it as the control token.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol, Sequence

from .errors import ModelError
from .models import save_stamp, sha256_file

CHECKED = "tokenizer-check.json"
PROBES = (
    "task: search result | query: When is the Hanoi Convention signing ceremony?",
    "title: Fact sheet | text: The signing ceremony was held in Hanoi on 25 and 26 October 2025.",
    "query: Combien d'articles compte la convention ?", "¿Cuántos Estados firmaron la Convención?",
    "يرأس الأمين العام للأمم المتحدة أنطونيو غوتيريش حفل التوقيع.", "Когда конвенция вступит в силу?",
    "Công ước Hà Nội có bao nhiêu chương?", "公约什么时候生效？", "署名式はいつですか", "서명식은 언제입니까?",
    "Sözleşmeyi kaç ülke imzaladı?", "Wie viele Staaten haben unterzeichnet?", "कितने देशों ने हस्ताक्षर किए?",
    "", " ", "  two  spaces ", "tab\tand\nnew line", "NBSP\u00a0and zero\u200bwidth", "ﬁ ligature, Ａ full width",
    "emoji 🙂", "a\n\nb\n\n\n\nc", "x\u2581\u2581y", "    four spaces", "html <b>bold</b> <start_of_turn>user",
    "UPPER lower 12,345.67 74/247 A/AC.291/25",
    "word " * 3000,  # longer than any model's limit: truncation must agree too
)


class Tokenizer(Protocol):
    """Texts in, token ids out (special tokens added, truncated to the model's limit)."""

    pad_id: int

    def encode(self, texts: Sequence[str]) -> list[list[int]]: ...


class HFTokenizer:
    """``tokenizer.json`` through ``tokenizers``."""

    def __init__(self, folder: Path, max_length: int, pad: str | None) -> None:
        from tokenizers import Tokenizer as Fast

        try:
            self.tokenizer = Fast.from_file(str(Path(folder) / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises its own exception type
            raise ModelError(f"Cannot read the tokenizer in {folder}: {exc}. Run "
                             "'briefing-bot models fetch' to export the graph again.") from None
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length)
        self.pad_id = (self.tokenizer.token_to_id(pad) if pad else None) or 0

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]


class SentencePieceTokenizer:
    """``tokenizer.model`` through ``sentencepiece``, wrapped in the special tokens that
    ``tokenizer.json``'s template adds (``<bos>`` text ``<eos>`` for EmbeddingGemma)."""

    def __init__(self, folder: Path, max_length: int, pad: str | None, prefix: list[int], suffix: list[int]) -> None:
        import sentencepiece

        try:
            self.processor = sentencepiece.SentencePieceProcessor(model_file=str(Path(folder) / "tokenizer.model"))
        except Exception as exc:  # sentencepiece raises OSError or RuntimeError
            raise ModelError(f"Cannot read the SentencePiece model in {folder}: {exc}. Run "
                             "'briefing-bot models fetch' to export the graph again.") from None
        self.prefix, self.suffix = prefix, suffix
        self.room = max_length - len(prefix) - len(suffix)
        found = self.processor.piece_to_id(pad) if pad else 0
        self.pad_id = found if pad and found != self.processor.unk_id() else 0

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return [self.prefix + ids[:self.room] + self.suffix for ids in self.processor.encode(list(texts))]


def _template(folder: Path) -> tuple[list[int], list[int]] | None:
    """The ids ``tokenizer.json``'s template puts before and after a single text (None: no template
    of special tokens around one sequence)."""
    try:
        post = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8")).get("post_processor") or {}
        single, specials = post["single"], post["special_tokens"]
        kinds = ["A" if "Sequence" in part else specials[part["SpecialToken"]["id"]]["ids"] for part in single]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if post.get("type") != "TemplateProcessing" or kinds.count("A") != 1:
        return None
    at = kinds.index("A")
    return [i for ids in kinds[:at] for i in ids], [i for ids in kinds[at + 1:] for i in ids]


def load_tokenizer(folder: Path, max_length: int, pad: str | None) -> Tokenizer:
    """The fastest tokenizer of a model folder that gives ``tokenizer.json``'s ids."""
    folder = Path(folder)
    if not (folder / "tokenizer.model").is_file():
        return HFTokenizer(folder, max_length, pad)
    key = {name: sha256_file(folder / name) for name in ("tokenizer.json", "tokenizer.model")}
    key["max_length"] = max_length
    try:
        checked = json.loads((folder / CHECKED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        checked = {}
    if checked.get("key") == key:
        if checked.get("same"):
            return SentencePieceTokenizer(folder, max_length, pad, checked["prefix"], checked["suffix"])
        return HFTokenizer(folder, max_length, pad)
    reference = HFTokenizer(folder, max_length, pad)
    template = _template(folder)
    try:
        fast = SentencePieceTokenizer(folder, max_length, pad, *template) if template is not None else None
    except ModelError:  # an unreadable SentencePiece file: tokenizer.json alone
        fast = None
    same = fast is not None and fast.pad_id == reference.pad_id and fast.encode(PROBES) == reference.encode(PROBES)
    verdict = {"key": key, "same": same, "probes": len(PROBES),
               **({"prefix": fast.prefix, "suffix": fast.suffix} if same else {})}
    save_stamp(folder / CHECKED, verdict)
    return fast if same else reference
