"""What the classifier answers for one ticket: a label, its confidence, and the review rule."""

from __future__ import annotations

from typing import NamedTuple


class Prediction(NamedTuple):
    """The most likely label of one text and the calibrated probability that it is right (0 to 1)."""

    label: str
    confidence: float

    def is_confident(self, threshold: float) -> bool:
        """True when the label may be applied; below the threshold a person should decide."""
        return self.confidence >= threshold


def needing_review(predictions: list[Prediction], threshold: float) -> list[int]:
    """Indexes of the predictions below the threshold: tickets to flag for a person, labels not applied."""
    return [index for index, prediction in enumerate(predictions) if not prediction.is_confident(threshold)]
