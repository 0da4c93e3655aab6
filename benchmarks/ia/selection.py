"""Chooses among variants of the triage stack's MiniLM member using the benchmark's 80 % only, fold against fold.

Run from the repository root:

    .venv/bin/python -m benchmarks.ia.selection [--variants reference,layer6,...] [--folds 5]

The 80 % of the benchmark split (stratified on `Topic_group`, `random_state=42`, exactly as
`benchmarks.ia.classifier` takes it) is cut into outer folds (stratified, `random_state=0`); the 20 % is never read.
In every outer fold each stack is trained as `TriageClassifier.fit` trains it (members scored out-of-fold by an inner
5-fold split, a logistic blender fitted on those scores, members refitted on the whole outer-training part) and
scored on the held-out outer fold. The n-gram members are shared by every variant, so they are trained once per
fold; only the MiniLM member changes. MiniLM's word-piece vectors are computed once per token window, in the
service's own batches (`Encoder.token_states`), so int8 activations are quantised as the product quantises them.
Because every variant is scored on the same tickets, the differences between variants are paired, and far less
noisy than their absolute figures.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from benchmarks.ia.classifier import DATASET, load_tickets
from subgraphs.ia.triage.encoder import Encoder
from subgraphs.ia.triage.features import FeatureBuilder
from subgraphs.ia.triage.head import TokenBlock, TokenHead
from subgraphs.ia.triage.members import MEMBERS, scores
from subgraphs.ia.triage.model import TriageConfig, new_blender, out_of_fold
from subgraphs.ia.triage.text import normalise_all

NGRAM_MEMBERS = ("word_svm", "char_svm", "word_bayes")
INNER_FOLDS = TriageConfig().folds
SEED = TriageConfig().seed


class SeedAverage:
    """Several token heads differing only in their seed; their log-probabilities averaged."""

    def __init__(self, seeds: Sequence[int], **options: Any) -> None:
        self.heads = [TokenHead(seed=seed, **options) for seed in seeds]
        self.classes_ = np.array([])

    def fit(self, block: TokenBlock, y: Sequence[Any]) -> SeedAverage:
        for head in self.heads:
            head.fit(block, y)
        self.classes_ = self.heads[0].classes_
        return self

    def decision_function(self, block: TokenBlock) -> np.ndarray:
        return np.mean([head.decision_function(block) for head in self.heads], axis=0)


@dataclass(frozen=True)
class Variant:
    """One MiniLM member: the word-piece vectors it reads (token window, layer) and how to build it."""

    window: int
    layer: int
    new: Callable[[], Any]


VARIANTS: dict[str, Variant] = {
    # The current default: layer-5 vectors of 64 word pieces, one head, 3 epochs.
    "reference": Variant(64, 5, lambda: TokenHead(epochs=3, seed=SEED)),
    # The vectors after MiniLM's last layer instead of its fifth.
    "layer6": Variant(64, 6, lambda: TokenHead(epochs=3, seed=SEED)),
    # 128 word pieces (94 % of tickets fit, against 86 %).
    "window128": Variant(128, 5, lambda: TokenHead(epochs=3, seed=SEED)),
    # Two heads with different seeds, averaged.
    "two_seeds": Variant(64, 5, lambda: SeedAverage((SEED, SEED + 1), epochs=3)),
    # One head trained for 5 epochs.
    "epochs5": Variant(64, 5, lambda: TokenHead(epochs=5, seed=SEED)),
    # The two above together (a later round: see benchmarks/ia/RESULTS.md).
    "window128_epochs5": Variant(128, 5, lambda: TokenHead(epochs=5, seed=SEED)),
}


def member_scores(new: Callable[[], Any], train: Any, y: np.ndarray, test: Any) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold scores on the training rows (inner folds, as TriageClassifier) and scores of the refitted member."""

    def score(fit_rows: np.ndarray, score_rows: np.ndarray) -> np.ndarray:
        return scores(new().fit(train[fit_rows], y[fit_rows]), train[score_rows])

    return out_of_fold(score, y, folds=INNER_FOLDS, seed=SEED), scores(new().fit(train, y), test)


def blend(parts: Sequence[tuple[np.ndarray, np.ndarray]], y: np.ndarray) -> np.ndarray:
    """The blender of TriageClassifier fitted on the members' out-of-fold scores; its labels for the test rows."""
    blender = new_blender(TriageConfig().blender_c).fit(np.hstack([part[0] for part in parts]), y)
    return blender.predict(np.hstack([part[1] for part in parts]))


def word_piece_vectors(texts: list[str], windows: set[int], layers: set[int]) -> dict[tuple[int, int], list[Any]]:
    """Every text's word-piece vectors for each (window, layer), in the service's batches and int8 weights."""
    vectors: dict[tuple[int, int], list[Any]] = {}
    for window in sorted(windows):
        encoder = Encoder(max_tokens=window, quantize=True)
        for layer in sorted(layers):
            started = time.perf_counter()
            vectors[window, layer] = encoder.token_states(texts, layer=layer)
            print(f"vectors: {window} pieces, layer {layer}: {time.perf_counter() - started:.0f} s", flush=True)
    return vectors


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--sample", type=int, help="only the first N tickets of the 80 %% (to check the harness)")
    options = parser.parse_args(argv)
    chosen = options.variants.split(",")
    texts, labels = load_tickets(DATASET)
    train_texts, _, train_labels, _ = train_test_split(texts, labels, test_size=0.2, stratify=labels, random_state=42)
    if options.sample:
        train_texts, train_labels = train_texts[: options.sample], train_labels[: options.sample]
    normalised = normalise_all(train_texts)
    y = np.asarray(train_labels, dtype=object)
    needed = [VARIANTS[name] for name in chosen]
    vectors = word_piece_vectors(
        normalised, {variant.window for variant in needed}, {variant.layer for variant in needed}
    )
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in chosen}
    outer = StratifiedKFold(n_splits=options.folds, shuffle=True, random_state=0)
    for fold, (fit_rows, score_rows) in enumerate(outer.split(np.zeros(len(y)), y)):
        features = FeatureBuilder(("word", "char"))
        fit_blocks = features.fit_transform([normalised[row] for row in fit_rows])
        score_blocks = features.transform([normalised[row] for row in score_rows])
        started = time.perf_counter()
        ngram = [
            member_scores(
                partial(MEMBERS[name].new, SEED),
                fit_blocks[MEMBERS[name].block],
                y[fit_rows],
                score_blocks[MEMBERS[name].block],
            )
            for name in NGRAM_MEMBERS
        ]
        print(f"fold {fold}: n-gram members {time.perf_counter() - started:.0f} s", flush=True)
        truth = y[score_rows]
        for name in chosen:
            variant = VARIANTS[name]
            states = vectors[variant.window, variant.layer]
            started = time.perf_counter()
            head = member_scores(
                variant.new, TokenBlock(states)[fit_rows], y[fit_rows], TokenBlock(states)[score_rows]
            )
            predicted = blend([*ngram, head], y[fit_rows])
            seconds = time.perf_counter() - started
            figures = (accuracy_score(truth, predicted), f1_score(truth, predicted, average="macro"), seconds)
            results[name].append(figures)
            scored = f"accuracy {figures[0]:.4f} macro-F1 {figures[1]:.4f} ({seconds:.0f} s)"
            print(f"fold {fold}: {name}: {scored}", flush=True)
    print()
    columns = ("accuracy (mean of folds)", "macro-F1", "Δ accuracy vs reference", "Δ macro-F1", "folds better")
    print("| variant | " + " | ".join(columns) + " | member s |")
    print("|---|---|---|---|---|---|---|")
    reference = np.array(results.get("reference", results[chosen[0]]))
    for name in chosen:
        rows = np.array(results[name])
        delta = rows[:, :2].mean(axis=0) - reference[:, :2].mean(axis=0)
        better = int((rows[:, 0] > reference[:, 0]).sum())
        print(
            f"| {name} | {rows[:, 0].mean():.4f} | {rows[:, 1].mean():.4f} | {delta[0]:+.4f} | {delta[1]:+.4f} | "
            f"{better}/{len(rows)} | {rows[:, 2].mean():.0f} |"
        )


if __name__ == "__main__":
    main()
