"""The project's embedders behind LangChain's ``Embeddings``: a sentence-transformers model on torch,
or its exported graph on ONNX Runtime (``onnx_embedder``); ``make_embedder`` picks one."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from langchain_core.embeddings import Embeddings

from .errors import ModelError
from .models import ResolvedModel, onnx_graph, onnx_graphs

if TYPE_CHECKING:
    from .config import Settings
    from .types import Embedder

BATCH = 16  # texts per forward pass
CHUNK = 128  # texts per encode call: sorted by length inside it, then progress is reported
# Precisions whose vectors differ from the model's torch fp32 vectors (cosine 0.99, not 1.0): an
# index built with one never mixes with another (the name below is the index's model identity).
DIFFERENT_VECTORS = {"int8"}


def vectors_name(model: str, runtime: str, precision: str) -> str:
    """The identity of the vectors an embedder makes: the model's name, plus the runtime and
    precision when those change the vectors (ONNX int8), e.g. ``embeddinggemma-300m+onnx-int8``.
    ONNX fp32 gives torch's vectors (cosine 1.0000), so it keeps the model's name and its index."""
    return f"{model}+{runtime}-{precision}" if precision in DIFFERENT_VECTORS else model


def calibration_model(name: str) -> str:
    """Whose fitted answer-selection parameters an embedder called ``name`` uses: its own when
    'briefing-bot calibrate' was run for it, else its model's (e.g. int8 uses the fp32 ones)."""
    from .selection import calibration_file

    base = name.split("+", 1)[0]
    return name if name == base or calibration_file(name).is_file() else base


class PromptedEmbedder(Embeddings):
    """Adds the model's prompts (query prompt, document template) around ``_encode``."""

    model: ResolvedModel

    def _encode(self, texts: list[str], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        raise NotImplementedError

    def embed_query(self, text: str) -> list[float]:
        """Embed a question with the model's query prompt."""
        return self._encode([self.model.query_prompt + text])[0]

    def embed_queries(self, texts: Sequence[str],
                      progress: Callable[[int], None] | None = None) -> list[list[float]]:
        """Embed several questions (e.g. FAQ variants) with the query prompt."""
        return self._encode([self.model.query_prompt + t for t in texts], progress)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed untitled texts as documents."""
        return self.embed_passages([("none", t) for t in texts])

    def embed_passages(self, items: Sequence[tuple[str, str]],
                       progress: Callable[[int], None] | None = None) -> list[list[float]]:
        """Embed (title, text) pairs with the model's document format."""
        texts = [self.model.document_template.format(title=title or "none", text=text) for title, text in items]
        return self._encode(texts, progress)


class SentenceTransformerEmbedder(PromptedEmbedder):
    """Embeds questions and passages with the model's own prompts; vectors are unit length.

    Construction is cheap; ``warm_up`` loads the model (offline when the model is a local folder).
    """

    def __init__(self, model: ResolvedModel, threads: int = 0) -> None:
        self.model = model
        self.name = model.name
        self.threads = threads
        self._st = None
        self._loading = threading.Lock()

    def warm_up(self) -> None:
        """Load the model once (safe to call from several threads)."""
        if self._st is not None:
            return
        with self._loading:
            if self._st is None:
                self._load()

    def _load(self) -> None:
        if self.model.local:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        if self.threads:
            torch.set_num_threads(self.threads)
        try:
            self._st = SentenceTransformer(self.model.location, device="cpu",
                                           local_files_only=self.model.local)
        except Exception as exc:  # the library raises many types for a bad folder or id
            where = "folder" if self.model.local else "Hugging Face id"
            raise ModelError(f"Could not load the embedding model {self.model.location} ({where}): "
                             f"{exc}. Check BRIEFING_BOT_MODEL, or run 'briefing-bot models fetch'.") from None

    def _encode(self, texts: list[str], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        self.warm_up()
        vectors = []
        for start in range(0, len(texts), CHUNK):
            batch = texts[start:start + CHUNK]
            vectors.extend(self._st.encode(batch, normalize_embeddings=True, convert_to_numpy=True,
                                           batch_size=BATCH, show_progress_bar=False).tolist())
            if progress:
                progress(len(batch))
        return vectors


def choose_runtime(model: ResolvedModel, runtime: str = "auto", precision: str = "fp32") -> str:
    """'onnx' or 'torch' for the ``runtime`` setting: 'auto' takes ONNX Runtime when the model's
    folder has an exported graph (a model provisioned by 'briefing-bot models fetch'), else torch
    (Hugging Face ids, other folders, folders provisioned before the export existed)."""
    if runtime == "torch":
        return "torch"
    folder = Path(model.location) if model.local else None
    if folder is not None and onnx_graph(folder, precision) is not None:
        return "onnx"
    fetch = f"run 'briefing-bot models fetch {model.name} --precision {precision}'"
    if runtime == "onnx":
        where = f"the folder {folder}" if folder else f"'{model.location}' (not a local folder)"
        raise ModelError(f"BRIEFING_BOT_RUNTIME=onnx, but {where} has no exported ONNX graph ({precision}). "
                         + (f"To export it, {fetch}; or" if folder else "Use a provisioned model, or")
                         + " set BRIEFING_BOT_RUNTIME=torch (or auto).")
    if runtime != "auto":
        raise ModelError(f"Unknown runtime '{runtime}': use auto, torch or onnx.")
    if folder is not None and onnx_graphs(folder):  # some graph, but not the precision asked for
        raise ModelError(f"BRIEFING_BOT_ONNX_PRECISION={precision}, but {model.name} has no {precision} graph. "
                         f"To export it, {fetch}; or set BRIEFING_BOT_ONNX_PRECISION to "
                         f"{' or '.join(onnx_graphs(folder))}.")
    return "torch"


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for: model, runtime (auto/torch/onnx), ONNX precision, threads."""
    from .models import resolve

    model = resolve(settings.models_dir, settings.model)
    if choose_runtime(model, settings.runtime, settings.onnx_precision) == "onnx":
        from .onnx_embedder import OnnxEmbedder

        return OnnxEmbedder(model, settings.onnx_precision, threads=settings.torch_threads)
    return SentenceTransformerEmbedder(model, threads=settings.torch_threads)
