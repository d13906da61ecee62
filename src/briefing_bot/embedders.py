"""The project's embedder: a sentence-transformers model behind LangChain's ``Embeddings``."""

from __future__ import annotations

import os
from typing import Callable, Sequence

from langchain_core.embeddings import Embeddings

from .errors import ModelError
from .models import ResolvedModel

BATCH = 16


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

        if self.threads:
            torch.set_num_threads(self.threads)
        try:
            self._st = SentenceTransformer(self.model.location, device="cpu",
                                           local_files_only=self.model.local)
        except Exception as exc:  # the library raises many types for a bad folder or id
            where = "folder" if self.model.local else "Hugging Face id"
            raise ModelError(f"Could not load the embedding model {self.model.location} ({where}): "
                             f"{exc}. Check BRIEFING_BOT_MODEL, or run 'briefing-bot models fetch'.") from None

    @property
    def dimension(self) -> int:
        self.warm_up()
        return int(self._st.get_sentence_embedding_dimension())

    def _encode(self, texts: list[str], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        self.warm_up()
        vectors = []
        for start in range(0, len(texts), BATCH):
            batch = texts[start:start + BATCH]
            vectors.extend(self._st.encode(batch, normalize_embeddings=True, convert_to_numpy=True,
                                           batch_size=BATCH).tolist())
            if progress:
                progress(len(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed a question with the model's query prompt."""
        return self._encode([self.model.query_prompt + text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed untitled texts as documents."""
        return self.embed_passages([("none", t) for t in texts])

    def embed_passages(self, items: Sequence[tuple[str, str]],
                       progress: Callable[[int], None] | None = None) -> list[list[float]]:
        """Embed (title, text) pairs with the model's document format."""
        texts = [self.model.document_template.format(title=title or "none", text=text) for title, text in items]
        return self._encode(texts, progress)
