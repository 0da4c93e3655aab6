"""AsyncTriage: predictions and training run in a worker thread while the event loop keeps going."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

from subgraphs.ia.triage import AsyncTriage, Prediction, TriageClassifier
from tests.subgraphs.ia.triage.conftest import SPARSE
from tests.subgraphs.ia.triage.examples import UNSEEN, texts_and_labels


class SlowClassifier(TriageClassifier):
    """A trained classifier whose predict holds its thread for half a second, as a large batch would."""

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        time.sleep(0.5)
        return super().predict(texts)


async def _longest_pause_while(awaitable: object) -> tuple[object, float]:
    """Await something while a ticker measures the longest gap between its 10 ms ticks."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    result = await awaitable  # type: ignore[misc]
    done.set()
    await task
    return result, max(gaps)


async def test_predict_does_not_block_the_event_loop() -> None:
    classifier = SlowClassifier(SPARSE).fit(*texts_and_labels())
    triage = AsyncTriage(classifier)
    try:
        predictions, longest_pause = await _longest_pause_while(triage.predict([text for text, _ in UNSEEN]))
    finally:
        triage.close()
    assert [p.label for p in predictions] == [label for _, label in UNSEEN]  # type: ignore[attr-defined]
    assert longest_pause < 0.25


async def test_load_fit_and_predict_through_the_wrapper(embedded_classifier: TriageClassifier, tmp_path: Path) -> None:
    embedded_classifier.save(tmp_path)
    triage = await AsyncTriage.load(tmp_path)
    try:
        predictions, longest_pause = await _longest_pause_while(triage.predict(["printer jams on every page"] * 200))
        assert {p.label for p in predictions} == {"Printing"}  # type: ignore[attr-defined]
        assert longest_pause < 0.25
        texts, labels = texts_and_labels()
        await triage.fit(texts, ["Other" if label == "Purchase" else label for label in labels])
        assert "Other" in triage.classifier.labels
    finally:
        triage.close()
