"""The small network on word-piece vectors: row indexing, learning a separable toy task, pickling its weights."""

from __future__ import annotations

import pickle

import numpy as np

from subgraphs.ia.triage.head import WIDTH, TokenBlock, TokenHead


def _toy(count: int, seed: int) -> tuple[TokenBlock, np.ndarray]:
    """Texts of 1-9 pieces; the label says which of two directions the pieces lean towards."""
    generator = np.random.default_rng(seed)
    labels = np.array(["printer", "password"] * (count // 2), dtype=object)
    direction = np.zeros(WIDTH, dtype=np.float32)
    direction[:8] = 1.0
    states = []
    for label in labels:
        pieces = generator.normal(size=(int(generator.integers(1, 10)), WIDTH)).astype(np.float32)
        pieces += direction if label == "printer" else -direction
        states.append(pieces.astype(np.float16))
    return TokenBlock(states), labels


def test_rows_select_texts_like_a_matrix() -> None:
    block, _ = _toy(10, seed=1)
    assert len(block[np.array([3, 1])]) == 2
    assert block[np.array([3, 1])].states[1] is block.states[1]
    assert len(block[2:5]) == 3
    assert list(block.lengths()) == [len(state) for state in block.states]


def test_learns_and_survives_pickling() -> None:
    train, labels = _toy(200, seed=2)
    test, expected = _toy(40, seed=3)
    head = TokenHead(epochs=3, seed=0).fit(train, labels)
    scores = head.decision_function(test)
    assert scores.shape == (40, 2)
    assert np.allclose(np.exp(scores).sum(axis=1), 1.0, atol=1e-5)
    assert (head.classes_[scores.argmax(axis=1)] == expected).mean() >= 0.9
    restored = pickle.loads(pickle.dumps(head))
    assert np.allclose(restored.decision_function(test), scores)
