"""A model's size read from its name, and written for people."""

import pytest

from reverie.core.tiers import tier_for
from reverie.models.naming import format_parameters, parameters_from_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("qwen2.5:0.5b", 500_000_000),
        ("llama3.2:1b", 1_000_000_000),
        ("llama3.2-1b-instruct", 1_000_000_000),
        ("SmolLM2-135M-Instruct", 135_000_000),
        ("SmolLM2-135M-Instruct.Q4_1.gguf", 135_000_000),
        ("/models/SmolLM2-360M-Instruct-Q8_0.gguf", 360_000_000),
        ("Mistral-7B-Instruct-v0.3", 7_000_000_000),
        ("7B", 7_000_000_000),
        ("7.6B", 7_600_000_000),
        ("494.03M", 494_030_000),
        ("qwen2.5-coder:1.5b-instruct-q4_K_M", 1_500_000_000),
        ("Meta-Llama-3.1-70B-Instruct-Q4_K_M", 70_000_000_000),
        ("Mixtral-8x7B-Instruct", 56_000_000_000),
        ("Qwen3-30B-A3B", 30_000_000_000),  # the total, not the active parameters
        ("gemma3n:e4b", 4_000_000_000),
        ("phi3:3.8b", 3_800_000_000),
    ],
)
def test_sizes_in_names(name, expected):
    assert parameters_from_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "",
        None,
        "llama3",
        "qwen2.5",
        "qwen2.5:latest",
        "mistral-instruct.Q4_K_M.gguf",
        "phi-3-mini-4k-instruct",
        "model-128k",
        "gpt-4o",
        "IQ2_M",
        "F16",
        "the server's model",
        "v1b",
        "llama3b",
    ],
)
def test_no_size_in_names(name):
    assert parameters_from_name(name) is None


def test_tiers_from_names():
    assert tier_for(parameters_from_name("qwen2.5:0.5b")) == "tiny"
    assert tier_for(parameters_from_name("SmolLM2-135M")) == "tiny"
    assert tier_for(parameters_from_name("llama3.2:1b")) == "capable"
    assert tier_for(parameters_from_name("qwen2.5:latest")) == "capable"  # unknown: capable, the gate still checks


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (134_515_008, "135M"),
        (494_032_768, "494M"),
        (1_000_000_000, "1B"),
        (1_543_714_304, "1.5B"),
        (7_615_616_512, "7.6B"),
        (8_030_261_248, "8B"),
        (70_553_706_496, "71B"),
        (None, "unknown"),
        (0, "unknown"),
    ],
)
def test_format_parameters(n, text):
    assert format_parameters(n) == text
