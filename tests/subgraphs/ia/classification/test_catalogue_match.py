"""The catalogue fallback's confidence: a softmax over the labels' nearest items, capped by the similarity."""

from __future__ import annotations

import numpy as np

from subgraphs.ia.classification.catalogue_match import best_label


def test_a_clear_nearest_label_is_confident_up_to_how_alike_the_texts_are() -> None:
    found = best_label(np.array([0.82, 0.30, 0.25]), ["Printing", "Access", "Hardware"])
    assert found is not None and found.label == "Printing" and 0.8 <= found.confidence <= 0.82


def test_two_close_labels_or_an_unlike_text_are_unsure() -> None:
    close = best_label(np.array([0.70, 0.68]), ["Printing", "Hardware"])
    assert close is not None and close.label == "Printing" and close.confidence < 0.6
    unlike = best_label(np.array([0.20, -0.10]), ["Printing", "Hardware"])
    assert unlike is not None and unlike.confidence <= 0.2


def test_items_of_one_label_count_once_and_unlabelled_items_not_at_all() -> None:
    found = best_label(np.array([0.5, 0.9, 0.4]), ["Access", "Access", ""])
    assert found is not None and found.label == "Access" and found.confidence == 0.9
    assert best_label(np.array([0.9]), [""]) is None
