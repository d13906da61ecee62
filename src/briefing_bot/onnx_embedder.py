"""The embedder on ONNX Runtime: an exported graph (see ``onnx_export``) and the model's tokenizer.

No torch at run time: ``tokenization`` turns texts into ids, ``onnxruntime`` runs the graph, which
ends in mean pooling, the model's Dense layers and L2 normalisation, so its output is the vector.
"""

from __future__ import annotations

import json
import os
import random
import threading
from pathlib import Path
from typing import Callable, Sequence

from .embedders import BATCH, PromptedEmbedder, vectors_name
from .errors import ModelError
from .models import ResolvedModel, graph_mismatch, onnx_graph
from .tokenization import load_tokenizer

# Texts per run, by precision. An int8 graph quantises its activations per run, over every row of
# the batch: the padding of short texts widens the range for all of them (EmbeddingGemma: cosine to
# fp32 0.97-0.99 in a padded batch, 0.992-0.997 alone), and a text's vector would depend on its
# neighbours. So int8 runs one text at a time; fp32 is exact either way and gains from batches.
BATCHES = {"fp32": BATCH, "int8": 1}


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class OnnxEncoder:
    """One exported graph and the tokenizer files beside it: texts in, unit vectors out.

    Texts are tokenised (truncated at the model's ``max_seq_length``), sorted by length and run
    in batches of ``batch``, each padded to its longest text, so padding stays small. The batches
    run in a shuffled (fixed) order, so that texts per second stay steady over a long call and a
    progress bar's ETA holds (longest first, the rate would keep rising)."""

    def __init__(self, graph: Path, threads: int = 0, batch: int = BATCH) -> None:
        import onnxruntime

        folder = Path(graph).parent
        self.batch = batch
        config = _json(folder / "sentence_bert_config.json")
        tokenizer_config = _json(folder / "tokenizer_config.json")
        self.max_length = int(config.get("max_seq_length") or tokenizer_config.get("model_max_length") or 512)
        self.lower = bool(config.get("do_lower_case"))
        pad = tokenizer_config.get("pad_token")
        self.tokenizer = load_tokenizer(folder, self.max_length, pad.get("content") if isinstance(pad, dict) else pad)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only
        try:
            self.session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(f"ONNX Runtime cannot load {graph}: {exc}. Run 'briefing-bot models fetch' "
                             "to export it again.") from None
        self.inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None):
        """Unit vectors (a float32 array, one row per text, in the order given)."""
        import numpy as np

        texts = [t.lower() for t in texts] if self.lower else list(texts)
        if not texts:
            return np.zeros((0, 0), np.float32)
        ids = self.tokenizer.encode(texts)
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        batches = [order[start:start + self.batch] for start in range(0, len(order), self.batch)]
        random.Random(0).shuffle(batches)
        out = None
        for chosen in batches:
            width = max(len(ids[i]) for i in chosen)
            input_ids = np.full((len(chosen), width), self.tokenizer.pad_id, np.int64)
            mask = np.zeros((len(chosen), width), np.int64)
            for row, i in enumerate(chosen):
                input_ids[row, :len(ids[i])] = ids[i]
                mask[row, :len(ids[i])] = 1
            feed = {"input_ids": input_ids, "attention_mask": mask}
            vectors = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), np.float32)
            out[chosen] = vectors
            if progress:
                progress(len(chosen))
        return out


class OnnxEmbedder(PromptedEmbedder):
    """A provisioned model's exported graph on ONNX Runtime, behind the same interface as
    ``SentenceTransformerEmbedder``. Construction is cheap; ``warm_up`` checks the graph's sha256
    against the model's receipt (a corrupt or replaced file is refused) and loads it."""

    def __init__(self, model: ResolvedModel, precision: str = "fp32", threads: int = 0) -> None:
        self.model = model
        self.precision = precision
        self.threads = threads
        self.name = vectors_name(model.name, "onnx", precision)
        self._encoder: OnnxEncoder | None = None
        self._loading = threading.Lock()

    def warm_up(self) -> None:
        """Verify and load the graph once."""
        if self._encoder is not None:
            return
        with self._loading:
            if self._encoder is not None:
                return
            folder = Path(self.model.location)
            entry = onnx_graph(folder, self.precision)
            if entry is None:
                raise ModelError(f"{self.model.name} has no exported ONNX graph ({self.precision}) in {folder}. "
                                 f"Run 'briefing-bot models fetch {self.model.name} --precision {self.precision}', "
                                 "or set BRIEFING_BOT_RUNTIME=torch.")
            graph = folder / entry["file"]
            corrupt = graph_mismatch(folder, entry)
            if corrupt is not None:
                raise ModelError(f"The ONNX graph file {corrupt} does not match the sha256 recorded when it was "
                                 "exported: it is corrupt or was replaced. "
                                 f"Run 'briefing-bot models fetch {self.model.name} --precision {self.precision}' "
                                 "to export it again.")
            self._encoder = OnnxEncoder(graph, self.threads, BATCHES.get(self.precision, 1))

    def _encode(self, texts: list[str], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        self.warm_up()
        return self._encoder.encode(texts, progress).tolist()
