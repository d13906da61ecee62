"""Turn a provisioned sentence-transformers folder into an ONNX folder.

The graph goes from token ids to the sentence vector in one piece: the transformer, mean pooling,
the model's Dense layers (EmbeddingGemma has two; BERT models such as multilingual-e5-small none)
and L2 normalisation. Inputs ``input_ids`` and ``attention_mask`` (int64, [batch, seq], both axes
dynamic), output ``sentence_embedding`` (float32, [batch, dim], unit length). Its weights are
saved in a ``.data`` file beside it, which ONNX Runtime memory-maps: loading takes about a second
and only the pages used count in memory (a graph with embedded weights is parsed into memory:
several seconds and about 2 GB at peak for EmbeddingGemma). The tokenizer files are copied beside
it, so ``onnxruntime`` and ``tokenizers`` are all that running it needs.

``int8`` is a dynamic quantisation of the fp32 graph: int8 weights per output channel with 7-bit
range (``reduce_range``: full-range int8 saturates the AVX2 kernels of CPUs without VNNI and
breaks the vectors), activations quantised at run time, and the MLP down-projections left in fp32
(their inputs carry the outliers that int8 handles worst). Every graph is checked against
sentence-transformers on multilingual sample texts before it is handed back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import time
import warnings
from pathlib import Path
from typing import Callable, Sequence

from .errors import ModelError

GRAPHS = {"fp32": "model.onnx", "int8": "model_int8.onnx"}  # precision -> file name
MIN_COSINE = {"fp32": 0.999, "int8": 0.98}  # worst sample's cosine to sentence-transformers
OPSET = 18
TOKENIZER_FILES = ("tokenizer", "special_tokens", "added_tokens", "sentence_bert_config")  # name prefixes
Progress = Callable[[str], None]

_LONG = (" ".join([
    "The Convention against Cybercrime was opened for signature in Hanoi on 25 October 2025.",
    "Les États parties coopèrent aux fins des enquêtes et des poursuites pénales.",
    "La convención establece salvaguardias de derechos humanos y protección de datos personales.",
    "Конвенция вступает в силу на девяностый день после сдачи на хранение сороковой ратификационной грамоты.",
    "تتكون الاتفاقية من تسعة فصول وإحدى وسبعين مادة.",
    "Công ước được mở để ký tại Hà Nội với sự tham dự của nhiều quốc gia.",
    "该公约于2025年10月在河内开放签署。",
]) + " ") * 5  # about 690 tokens: past EmbeddingGemma's 512-token sliding window and e5's 512 limit

SAMPLES = (
    "task: search result | query: When is the Hanoi Convention signing ceremony?",
    "query: Combien d'articles compte la convention ?",
    "title: Fact sheet | text: The signing ceremony of the convention was held in Hanoi on 25 and 26 October 2025.",
    "passage: يرأس الأمين العام للأمم المتحدة أنطونيو غوتيريش حفل التوقيع.",
    "Когда конвенция вступит в силу?",
    "Công ước Hà Nội có bao nhiêu chương?",
    "公约什么时候生效？",
    "短い",
    "",
    _LONG,
)


@contextlib.contextmanager
def _quiet():
    """Keep the exporter's and the quantiser's chatter (warnings, log lines, prints) out of the output."""
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)


def _load(folder: Path):
    """The sentence-transformers model in ``folder``, loaded as the torch embedder loads it."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    try:
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as exc:  # the library raises many types for a bad folder
        raise ModelError(f"Cannot load the model in {folder} for the ONNX export: {exc}") from None
    return model.eval()


def _graph_module(st):
    """A torch module computing the model's unit sentence vector from (input_ids, attention_mask);
    ``ModelError`` when the model has a module the graph would not reproduce."""
    import torch

    modules = list(st)
    kinds = [type(m).__name__ for m in modules]
    if not kinds or kinds[0] != "Transformer" or not hasattr(modules[0], "auto_model"):
        raise ModelError(f"Cannot export {kinds}: the first module must be a Transformer.")
    dense = []
    for module, kind in zip(modules[1:], kinds[1:]):
        if kind == "Pooling":
            mode = getattr(module, "pooling_mode", None)
            if mode is None:  # sentence-transformers < 6
                config = module.get_config_dict()
                mode = "mean" if config.get("pooling_mode_mean_tokens") and sum(
                    bool(v) for k, v in config.items() if k.startswith("pooling_mode_")) == 1 else config
            if mode != "mean" or getattr(module, "include_prompt", True) is False:
                raise ModelError(f"Cannot export pooling {mode} (only mean pooling over all tokens).")
        elif kind == "Dense":
            if not isinstance(module.activation_function, torch.nn.Identity) or getattr(module, "use_residual", False):
                raise ModelError("Cannot export a Dense layer with an activation or a residual.")
            dense.append(module.linear)
        elif kind != "Normalize":
            raise ModelError(f"Cannot export the sentence-transformers module {kind}.")
    if "Pooling" not in kinds:
        raise ModelError("Cannot export a model without a Pooling module.")

    class SentenceGraph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = modules[0].auto_model
            self.dense = torch.nn.ModuleList(dense)

        def forward(self, input_ids, attention_mask):
            hidden = self.body(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            vector = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            for layer in self.dense:
                vector = layer(vector)
            return torch.nn.functional.normalize(vector, p=2, dim=1)

    return SentenceGraph().eval()


def export_fp32(st, folder: Path, out: Path) -> Path:
    """Export the loaded model ``st`` (from ``folder``) as ``out/model.onnx``, with the tokenizer
    files beside it."""
    import torch

    graph = _graph_module(st)
    sample = st.tokenizer(["hello world, this is a test", "a second, somewhat longer sentence for the export"],
                          padding=True, return_tensors="pt")
    args = (sample["input_ids"], sample["attention_mask"])
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq")
    path = Path(out) / GRAPHS["fp32"]
    with _quiet(), torch.no_grad():
        try:
            program = torch.onnx.export(
                graph, args, dynamo=True, opset_version=OPSET, verbose=False,
                input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
                dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}})
            _strip_debug_info(program.model)
            program.save(str(path), external_data=True)  # weights beside it: memory-mapped at load
        except Exception as exc:  # the exporter raises many types
            raise ModelError(f"The ONNX export of {folder} failed: {type(exc).__name__}: {exc}") from None
    for item in Path(folder).iterdir():
        if item.is_file() and item.name.startswith(TOKENIZER_FILES):
            shutil.copy(item, Path(out) / item.name)
    return path


def _strip_debug_info(model) -> None:
    """Drop what the exporter records for debugging (source stack traces with this machine's paths
    and line numbers, FX node text): the graph and its digest then depend only on the model and
    the versions of torch and transformers, not on where or from which line the export ran."""
    model.doc_string = None
    model.metadata_props.clear()
    for graph in model.graphs():
        graph.doc_string = None
        graph.metadata_props.clear()
        values = list(graph.inputs) + list(graph.outputs) + list(graph.initializers.values())
        for node in graph:
            node.doc_string = None
            node.metadata_props.clear()
            values.extend(node.outputs)
        for value in values:
            value.doc_string = None
            value.metadata_props.clear()


def down_projections(graph: Path, hidden: int, intermediate: int) -> list[str]:
    """The MatMul nodes of the MLP down-projections: weight initializer of shape (intermediate, hidden)."""
    import onnx

    model = onnx.load(str(graph), load_external_data=False)
    shapes = {i.name: tuple(i.dims) for i in model.graph.initializer}
    return [n.name for n in model.graph.node
            if n.op_type == "MatMul" and len(n.input) > 1 and shapes.get(n.input[1]) == (intermediate, hidden)]


def quantize_int8(source: Path, target: Path, hidden: int, intermediate: int, layers: int) -> Path:
    """Dynamic int8 quantisation of ``source`` into ``target`` (see the module's docstring)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    down = down_projections(source, hidden, intermediate)
    if len(down) != layers:
        raise ModelError(f"Expected {layers} MLP down-projections ({intermediate}x{hidden} MatMuls) in "
                         f"{source}, found {len(down)}: the int8 recipe does not fit this model.")
    with _quiet():
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=down, use_external_data_format=True,
                         extra_options={"MatMulConstBOnly": True})
    return Path(target)


def reference(st, texts: Sequence[str] = SAMPLES):
    """sentence-transformers' unit vectors of ``texts`` (a float32 array)."""
    return st.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
                     batch_size=1)  # no padding: the long text would make every text as long


def cosines(graph: Path, want, precision: str = "fp32", texts: Sequence[str] = SAMPLES, threads: int = 0):
    """Per text, the cosine between the graph's vector (run as the ONNX embedder runs it, in its
    batches) and the reference vector in ``want``."""
    from .onnx_embedder import BATCHES, OnnxEncoder

    return (OnnxEncoder(Path(graph), threads, BATCHES[precision]).encode(list(texts)) * want).sum(1)


def export_graphs(folder: Path, out: Path, precisions: Sequence[str], source: Path | None = None,
                  progress: Progress = lambda _m: None) -> dict[str, Path]:
    """Write the graphs of ``precisions`` for the model in ``folder`` into ``out``, each checked
    (its worst sample's cosine to sentence-transformers at least ``MIN_COSINE``, else ``ModelError``).
    An int8 graph is quantised from ``out/model.onnx`` when fp32 is exported too, else from
    ``source`` (an fp32 graph exported earlier, with its tokenizer files beside it)."""
    folder, out = Path(folder), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    unknown = [p for p in precisions if p not in GRAPHS]
    if unknown or not precisions:
        raise ModelError(f"Unknown ONNX precision {', '.join(unknown) or '(none)'}: use {' or '.join(GRAPHS)}.")
    if "int8" in precisions and "fp32" not in precisions and source is None:
        raise ModelError("The int8 graph is quantised from the fp32 graph: export fp32 too.")
    progress(f"loading {folder.name} with sentence-transformers")
    st = _load(folder)
    made = {}
    if "fp32" in precisions:
        progress("exporting the fp32 ONNX graph (a few minutes for EmbeddingGemma)")
        start = time.perf_counter()
        made["fp32"] = export_fp32(st, folder, out)
        progress(f"exported in {time.perf_counter() - start:.0f} s")
    if "int8" in precisions:
        fp32 = made.get("fp32") or Path(source)
        if fp32.parent != out:
            for item in fp32.parent.iterdir():
                if item.is_file() and item.name.startswith(TOKENIZER_FILES):
                    shutil.copy(item, out / item.name)
        config = st[0].auto_model.config
        progress("quantising the graph to int8")
        start = time.perf_counter()
        made["int8"] = quantize_int8(fp32, out / GRAPHS["int8"], config.hidden_size,
                                     config.intermediate_size, config.num_hidden_layers)
        progress(f"quantised in {time.perf_counter() - start:.0f} s")
    want = reference(st)
    for precision, path in made.items():
        found = cosines(path, want, precision)
        progress(f"the {precision} graph against sentence-transformers on {len(found)} texts in 8 languages: "
                 f"cosine min {found.min():.4f}, mean {found.mean():.4f}")
        if not found.min() >= MIN_COSINE[precision]:
            raise ModelError(f"The {precision} ONNX graph of {folder.name} does not reproduce the model's vectors "
                             f"(worst cosine {found.min():.4f} < {MIN_COSINE[precision]}); it was not installed.")
    return made
