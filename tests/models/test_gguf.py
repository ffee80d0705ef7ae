import json

import pytest
from ggufmake import gguf_bytes, write_gguf, write_sparse_gguf

from reverie.core.errors import ModelError
from reverie.core.tiers import CAPABLE_MIN_BYTES
from reverie.models.defaults import default_gguf_location
from reverie.models.gguf import read_gguf_header
from reverie.models.registry import find_ggufs, ollama_models


def test_reads_the_default_model_header():
    loc = default_gguf_location()
    info = read_gguf_header(loc.path)
    assert info.architecture == "llama"
    assert info.quantization == "Q4_1"
    assert info.context_length == 8192
    assert info.has_chat_template
    assert info.size_bytes == loc.path.stat().st_size


def test_reads_a_small_file(tmp_path):
    info = read_gguf_header(write_gguf(tmp_path / "t.gguf"))
    assert (info.name, info.architecture, info.context_length, info.quantization) == (
        "Tiny Test",
        "llama",
        4096,
        "Q4_K_M",
    )


def test_quantisation_from_the_file_name_when_the_header_has_none(tmp_path):
    info = read_gguf_header(write_gguf(tmp_path / "mistral-7b.Q5_K_S.gguf", file_type=None))
    assert info.quantization == "Q5_K_S"


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        read_gguf_header(tmp_path / "nope.gguf")


def test_not_a_gguf(tmp_path):
    p = tmp_path / "notes.gguf"
    p.write_text("hello, I am text")
    with pytest.raises(ModelError, match="not a GGUF file"):
        read_gguf_header(p)
    with pytest.raises(ModelError, match="folder"):
        read_gguf_header(tmp_path)


def test_truncated_in_the_header_real_model(tmp_path):
    p = tmp_path / "cut.gguf"
    with open(default_gguf_location().path, "rb") as fh:
        p.write_bytes(fh.read(200_000))
    with pytest.raises(ModelError, match="truncated"):
        read_gguf_header(p)


def test_truncated_in_the_tensor_data(tmp_path):
    p = tmp_path / "cut.gguf"
    p.write_bytes(gguf_bytes()[:-10])
    with pytest.raises(ModelError, match="truncated"):
        read_gguf_header(p)


def test_damaged_header(tmp_path):
    data = bytearray(gguf_bytes())
    data[24:32] = (2**40).to_bytes(8, "little")  # absurd key length
    p = tmp_path / "bad.gguf"
    p.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="damaged"):
        read_gguf_header(p)


def _ollama(home, name, tag, data, namespace="library"):
    store = home / ".ollama" / "models"
    digest = "sha256:" + ("ab" * 32)[:60] + name[:4].ljust(4, "0")
    blob = store / "blobs" / digest.replace(":", "-")
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(data)
    man = store / "manifests" / "registry.ollama.ai" / namespace / name / tag
    man.parent.mkdir(parents=True, exist_ok=True)
    man.write_text(
        json.dumps(
            {
                "layers": [
                    {"mediaType": "application/vnd.ollama.image.license", "digest": "sha256:00"},
                    {"mediaType": "application/vnd.ollama.image.model", "digest": digest},
                ]
            }
        )
    )
    return blob


def test_find_ggufs_in_lmstudio_ollama_home_models_and_extra_folders(tmp_path):
    home = tmp_path / "home"
    write_gguf(home / ".lmstudio" / "models" / "pub" / "m" / "m-Q8_0.gguf", name="LM model", file_type=7)
    write_gguf(home / ".lmstudio" / "models" / "pub" / "m" / "mmproj-m.gguf")
    write_gguf(home / "models" / "mine.gguf", name="Mine")
    (home / "models" / "broken.gguf").write_bytes(b"GGUF\x03\0\0\0")  # skipped, not fatal
    _ollama(home, "llama3.2", "3b", gguf_bytes(name="Llama 3.2"))
    extra = write_gguf(tmp_path / "extra" / "x.gguf", name="Extra").parent
    found = find_ggufs([extra], home=home, include_default=False)
    by_name = {g.name: g for g in found}
    assert set(by_name) == {"LM model", "Mine", "llama3.2:3b", "Extra"}
    assert by_name["LM model"].source == "lmstudio" and by_name["LM model"].quantization == "Q8_0"
    assert by_name["llama3.2:3b"].source == "ollama" and by_name["llama3.2:3b"].context_length == 4096
    assert by_name["Extra"].source == "folder"


def test_ollama_names_keep_the_namespace(tmp_path):
    _ollama(tmp_path, "qwen", "latest", gguf_bytes(), namespace="someone")
    assert [n for n, _ in ollama_models(tmp_path / ".ollama" / "models")] == ["someone/qwen:latest"]


def test_find_ggufs_lists_the_default_model_first(tmp_path):
    found = find_ggufs(home=tmp_path)
    assert found[0].source == "default" and found[0].quantization == "Q4_1"


def test_parameter_count_and_tier_of_the_default_model():
    info = read_gguf_header(default_gguf_location().path)
    assert 130_000_000 <= info.parameters <= 140_000_000  # SmolLM2-135M
    assert info.tier == "tiny"
    assert info.as_dict()["parameters"] == info.parameters and info.as_dict()["tier"] == "tiny"


def test_parameter_count_is_the_sum_of_the_tensors(tmp_path):
    info = read_gguf_header(write_gguf(tmp_path / "t.gguf", n_floats=96))
    assert info.parameters == 96 and info.tier == "tiny"


def test_a_big_model_is_capable_by_its_parameters_not_its_size(tmp_path):
    big = read_gguf_header(write_sparse_gguf(tmp_path / "big.gguf", 1_200_000_000))
    assert big.parameters == 1_200_000_000 and big.tier == "capable"
    assert big.size_bytes > 4_800_000_000
    # a 0.6 GB file whose header says 150M parameters (at 32 bits) is tiny: the count decides
    small = read_gguf_header(write_sparse_gguf(tmp_path / "small.gguf", 150_000_000))
    assert small.size_bytes > CAPABLE_MIN_BYTES and small.parameters == 150_000_000 and small.tier == "tiny"


def test_without_a_count_the_size_decides():
    from pathlib import Path

    from reverie.models.gguf import GgufInfo

    assert GgufInfo("x", Path("x"), 4_700_000_000, "Q4_K_M", 0, "llama").tier == "capable"
    assert GgufInfo("x", Path("x"), 98_000_000, "Q4_1", 0, "llama").tier == "tiny"
