"""The triage classifier: members on word, character and MiniLM features, stacked by a calibrated blender."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from subgraphs.ia.triage import storage
from subgraphs.ia.triage.features import EMBEDDING, TOKENS, FeatureBuilder
from subgraphs.ia.triage.members import MEMBERS, scores
from subgraphs.ia.triage.prediction import Prediction
from subgraphs.ia.triage.text import normalise_all

SPARSE_MEMBERS = ("word_svm", "char_svm", "word_bayes")
# The token_head member reads MiniLM's word-piece vectors after this many of its 6 layers.
TOKEN_LAYER = 5


@dataclass(frozen=True)
class TriageConfig:
    """How a classifier is built; the defaults are the ones chosen by cross-validation on the benchmark's 80 %."""

    # The MiniLM member is a small network trained on the word-piece vectors after MiniLM's fifth layer (the
    # transformer stays frozen); it lifted validation accuracy and macro-F1 by about 0.005 where a logistic
    # regression on the sentence embedding had added nothing measurable (benchmarks/ia/RESULTS.md); reading 128
    # word pieces (94 % of tickets fit, against 86 % at 64) and training it 5 epochs added about 0.0025 more over five
    # paired folds. MiniLM costs most of the time; int8 weights keep it within the training and throughput budgets.
    # Where the CPU is scarcer, members=SPARSE_MEMBERS drops it.
    members: tuple[str, ...] = ("word_svm", "char_svm", "word_bayes", "token_head")
    folds: int = 5
    blender_c: float = 1.0
    max_tokens: int = 128
    quantize: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = [name for name in self.members if name not in MEMBERS]
        if unknown or not self.members:
            raise ValueError(f"unknown or no members {unknown}; choose among {sorted(MEMBERS)}")
        if self.folds < 2:
            raise ValueError("folds must be at least 2")

    def blocks(self) -> tuple[str, ...]:
        """The feature blocks the members read."""
        return tuple(dict.fromkeys(MEMBERS[name].block for name in self.members))


@dataclass
class TriageClassifier:
    """Learns string labels from ticket texts; predicts a label and a calibrated confidence for each text."""

    config: TriageConfig = field(default_factory=TriageConfig)
    labels: list[str] = field(default_factory=list)
    _features: FeatureBuilder | None = None
    _members: dict[str, Any] = field(default_factory=dict)
    _blender: LogisticRegression | None = None

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TriageClassifier:
        """Train on labelled texts (at least two distinct labels); replaces whatever was learnt before."""
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        counts = Counter(labels)
        if len(counts) < 2:
            raise ValueError("training needs at least two distinct labels")
        y = np.asarray(labels, dtype=object)
        features = FeatureBuilder(self.config.blocks(), encode=self._encoder(), token_states=self._token_states())
        blocks = features.fit_transform(normalise_all(texts))
        held_out = self._held_out_scores(blocks, y, min(counts.values()))
        self._members = {name: self._fit_member(name, blocks, y) for name in self.config.members}
        if held_out is None:
            # Too few examples of some label to hold any out: blend in-sample scores (more confident than it should be).
            held_out = self._member_scores(blocks)
        self._blender = new_blender(self.config.blender_c).fit(held_out, y)
        self.labels = [str(label) for label in self._blender.classes_]
        self._features = features
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of shape (len(texts), len(self.labels)), columns in the order of self.labels."""
        if self._blender is None or self._features is None:
            raise RuntimeError("the classifier is not trained")
        if not texts:
            return np.zeros((0, len(self.labels)))
        self._features.encode = self._encoder()
        self._features.token_states = self._token_states()
        blocks = self._features.transform(normalise_all(texts))
        return self._blender.predict_proba(self._member_scores(blocks))

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """The most likely label of each text and its probability."""
        probabilities = self.predict_proba(texts)
        best = probabilities.argmax(axis=1) if len(probabilities) else []
        return [Prediction(self.labels[k], float(probabilities[row, k])) for row, k in enumerate(best)]

    def save(self, directory: str | Path) -> Path:
        """Write the trained classifier to a directory (created when missing)."""
        if self._blender is None:
            raise RuntimeError("the classifier is not trained")
        state = {"labels": self.labels, "features": self._features, "members": self._members, "blender": self._blender}
        return storage.save(directory, config=asdict(self.config), state=state)

    @classmethod
    def load(cls, directory: str | Path) -> TriageClassifier:
        """Read a classifier written by save(); the encoder is the process-wide one."""
        config, state = storage.load(directory)
        config["members"] = tuple(config["members"])
        classifier = cls(config=TriageConfig(**config), labels=list(state["labels"]))
        classifier._features = state["features"]
        classifier._members = state["members"]
        classifier._blender = state["blender"]
        return classifier

    def _encoder(self) -> Any:
        if EMBEDDING not in self.config.blocks():
            return None
        from subgraphs.ia.triage.encoder import shared_encoder

        return shared_encoder(max_tokens=self.config.max_tokens, quantize=self.config.quantize).encode

    def _token_states(self) -> Any:
        if TOKENS not in self.config.blocks():
            return None
        from subgraphs.ia.triage.encoder import shared_encoder

        encoder = shared_encoder(max_tokens=self.config.max_tokens, quantize=self.config.quantize)
        return partial(encoder.token_states, layer=TOKEN_LAYER)

    def _fit_member(self, name: str, blocks: dict[str, Any], y: np.ndarray, rows: Any = slice(None)) -> Any:
        spec = MEMBERS[name]
        return spec.new(self.config.seed).fit(blocks[spec.block][rows], y[rows])

    def _member_scores(self, blocks: dict[str, Any], rows: Any = slice(None), members: Any = None) -> np.ndarray:
        members = members or self._members
        return np.hstack([scores(members[name], blocks[MEMBERS[name].block][rows]) for name in self.config.members])

    def _held_out_scores(self, blocks: dict[str, Any], y: np.ndarray, rarest: int) -> np.ndarray | None:
        """Each example scored by members that never saw it (k-fold), so the blender learns honest confidences."""
        folds = min(self.config.folds, rarest)
        if folds < 2:
            return None

        # The vectorizers saw every text (no labels involved); only the members are refit per fold.
        def score(fit_rows: np.ndarray, score_rows: np.ndarray) -> np.ndarray:
            members = {name: self._fit_member(name, blocks, y, fit_rows) for name in self.config.members}
            return self._member_scores(blocks, score_rows, members)

        return out_of_fold(score, y, folds=folds, seed=self.config.seed)


def new_blender(c: float) -> LogisticRegression:
    """The stack's blender, unfitted: a multinomial logistic regression on the members' held-out scores."""
    return LogisticRegression(C=c, max_iter=3000)


def out_of_fold(
    score: Callable[[np.ndarray, np.ndarray], np.ndarray], y: np.ndarray, *, folds: int, seed: int
) -> np.ndarray:
    """Scores of every row by models that never saw it: `score(fit_rows, score_rows)` fits on the first rows and
    returns a (len(score_rows), k) array for the second, once per stratified fold."""
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    held_out: np.ndarray | None = None
    for fit_rows, score_rows in splitter.split(np.zeros(len(y)), y):
        fold_scores = score(fit_rows, score_rows)
        if held_out is None:
            held_out = np.zeros((len(y), fold_scores.shape[1]))
        held_out[score_rows] = fold_scores
    assert held_out is not None
    return held_out
