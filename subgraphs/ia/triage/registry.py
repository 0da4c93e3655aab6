"""Trained classifiers per company and target (category, type, priority), saved on disk and loaded once per process."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from subgraphs.ia.triage.model import TriageClassifier, TriageConfig
from subgraphs.ia.triage.service import AsyncTriage

_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


class TriageModels:
    """The classifiers of every company: `root/<company>/<target>/`, each loaded once and then reused (until
    `forget`: another replica sharing the root saved newer ones)."""

    def __init__(self, root: str | Path, *, config: TriageConfig | None = None) -> None:
        self.root = Path(root)
        self.config = config or TriageConfig()
        self._loaded: dict[tuple[str, str], AsyncTriage] = {}
        self._lock = asyncio.Lock()
        # One thread serves every company's predictions (a batch already uses every core); training gets its own
        # thread so that a company's retraining never holds up the others' triage.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage")
        self._training = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage-training")

    def directory(self, company_id: str, target: str) -> Path:
        """Where one company's classifier for one target lives; ids are checked so they cannot leave the root."""
        for part in (company_id, target):
            if not _SAFE.match(part) or part in {".", ".."}:
                raise ValueError(f"not a safe path part: {part!r}")
        return self.root / company_id / target

    async def get(self, company_id: str, target: str) -> AsyncTriage | None:
        """The company's classifier for this target, or None while it has none trained."""
        key = (company_id, target)
        async with self._lock:
            if key not in self._loaded:
                path = self.directory(company_id, target)
                if not (path / "manifest.json").is_file():
                    return None
                self._loaded[key] = await AsyncTriage.load(path, executor=self._executor)
            return self._loaded[key]

    async def train(self, company_id: str, target: str, texts: Sequence[str], labels: Sequence[str]) -> AsyncTriage:
        """Train a new classifier off the event loop, save it, and serve it from now on in place of the old one."""
        path = self.directory(company_id, target)
        loop = asyncio.get_running_loop()
        classifier = TriageClassifier(self.config)
        await loop.run_in_executor(self._training, classifier.fit, list(texts), list(labels))
        await loop.run_in_executor(self._training, classifier.save, path)
        trained = AsyncTriage(classifier, executor=self._executor)
        async with self._lock:
            self._loaded[(company_id, target)] = trained
        return trained

    def forget(self, company_id: str) -> None:
        """Load the company's classifiers from the directory again when next asked for them."""
        for key in [key for key in self._loaded if key[0] == company_id]:
            del self._loaded[key]

    def close(self) -> None:
        """Forget the loaded classifiers and stop the worker thread."""
        self._loaded.clear()
        self._executor.shutdown(wait=False)
        self._training.shutdown(wait=False)
