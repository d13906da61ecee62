"""The project's embedder: a sentence-transformers model behind LangChain's ``Embeddings``."""

from __future__ import annotations

import os
from typing import Callable, Sequence

from langchain_core.embeddings import Embeddings

from .errors import ModelError
from .models import ResolvedModel

BATCH = 16  # texts per forward pass
CHUNK = 128  # texts per encode call: sorted by length inside it, then progress is reported


class SentenceTransformerEmbedder(Embeddings):
    """Embeds questions and passages with the model's own prompts; vectors are unit length.

    Construction is cheap; ``warm_up`` loads the model (offline when the model is a local folder).
    """

    def __init__(self, model: ResolvedModel, threads: int = 0) -> None:
        self.model = model
        self.name = model.name
        self.threads = threads
        self._st = None

    def warm_up(self) -> None:
        """Load the model once."""
        if self._st is not None:
            return
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
