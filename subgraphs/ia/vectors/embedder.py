"""The MiniLM sentence encoder as the service uses it: loaded once, off the event loop, batches on one thread."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from subgraphs.ia.triage.model import TriageConfig

# A service's log is no place for a progress bar of the model's weights loading.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

# The triage classifier's window and weights: the two share one loaded model.
MAX_TOKENS, QUANTIZE = TriageConfig().max_tokens, TriageConfig().quantize


def limit_threads(count: int) -> None:
    """Compute on `count` threads, process-wide: torch's (the model, its training too) and the BLAS library's (numpy's
    products, the vector search)."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(count)
    threadpool_limits(limits=count, user_api="blas")


def _loaded_and_trimmed(threads: int | None) -> Any:
    """The shared encoder, computing on `threads` (None: as many as torch chooses); then the float weights
    quantization replaced are collected and the freed memory handed back to the system (about 150 MiB of a 650 MiB
    process, on glibc)."""
    from subgraphs.ia.triage.encoder import shared_encoder

    if threads is not None:
        limit_threads(threads)

    encoder = shared_encoder(max_tokens=MAX_TOKENS, quantize=QUANTIZE)
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return encoder


class Embedder:
    """Texts to L2-normalised 384-dimension vectors; `load()` once, then `encode()` from any coroutine. `threads`:
    the process's compute threads, set as it loads (`limit_threads`); None leaves torch's choice."""

    def __init__(self, *, threads: int | None = None) -> None:
        self._threads = threads
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ia-encode")
        self._encoder: Any = None
        self._loading: asyncio.Future[Any] | None = None

    async def load(self) -> None:
        """Load the packaged model (seconds, the first time in a process) without blocking the loop."""
        if self._loading is None:
            loop = asyncio.get_running_loop()
            self._loading = loop.run_in_executor(self._executor, _loaded_and_trimmed, self._threads)
        self._encoder = await self._loading

    @property
    def loaded(self) -> bool:
        return self._encoder is not None

    async def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One float32 row per text, computed on the encoder's thread."""
        await self.load()
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._encoder.encode, list(texts))

    def close(self) -> None:
        self._executor.shutdown(wait=False)
