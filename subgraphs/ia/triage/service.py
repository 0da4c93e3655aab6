"""Async access to a classifier: predictions run in a worker thread so the event loop keeps serving."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from subgraphs.ia.triage.model import TriageClassifier
from subgraphs.ia.triage.prediction import Prediction


class AsyncTriage:
    """Wraps a TriageClassifier for asyncio code; one worker thread, since one batch already uses every core."""

    def __init__(self, classifier: TriageClassifier, *, executor: ThreadPoolExecutor | None = None) -> None:
        self.classifier = classifier
        self._executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage")
        self._owns_executor = executor is None

    @classmethod
    async def load(cls, directory: str | Path, *, executor: ThreadPoolExecutor | None = None) -> AsyncTriage:
        """Load a saved classifier (and the encoder it needs) without blocking the loop."""
        own = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage")
        classifier = await asyncio.get_running_loop().run_in_executor(own, TriageClassifier.load, directory)
        instance = cls(classifier, executor=own)
        instance._owns_executor = executor is None
        return instance

    async def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify a batch of ticket texts off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.classifier.predict, list(texts))

    async def fit(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        """Retrain off the event loop (e.g. after agents corrected labels)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self.classifier.fit, list(texts), list(labels))

    def close(self) -> None:
        """Stop the worker thread when this wrapper created it."""
        if self._owns_executor:
            self._executor.shutdown(wait=False)
