"""Feature blocks built from ticket texts: word n-grams, character n-grams, sentence embeddings, word-piece vectors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from subgraphs.ia.triage.head import TokenBlock

SPARSE_BLOCKS = ("word", "char")
EMBEDDING = "embedding"
TOKENS = "tokens"


def _word_vectorizer(min_df: int) -> TfidfVectorizer:
    # Word 1-2-grams with sublinear tf: 1-3-grams added nothing in cross-validation, and cost memory.
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=min_df, dtype=np.float32)


def _char_vectorizer(min_df: int) -> TfidfVectorizer:
    # Character 2-5-grams inside word boundaries catch misspellings and word pieces the word block misses.
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=min_df, dtype=np.float32)


_VECTORIZERS: dict[str, Callable[[int], TfidfVectorizer]] = {"word": _word_vectorizer, "char": _char_vectorizer}


@dataclass
class FeatureBuilder:
    """Fits the sparse vectorizers on training texts and builds every block a classifier asks for."""

    blocks: tuple[str, ...]
    encode: Callable[[Sequence[str]], np.ndarray] | None = None
    token_states: Callable[[Sequence[str]], list[np.ndarray]] | None = None
    vectorizers: dict[str, TfidfVectorizer] = field(default_factory=dict)

    def fit_transform(self, texts: Sequence[str]) -> dict[str, Any]:
        """Fit on the training texts and return their blocks."""
        # A term seen once in a large history is noise; in a small one it may be all there is.
        min_df = 2 if len(texts) >= 1000 else 1
        self.vectorizers = {name: _VECTORIZERS[name](min_df) for name in self.blocks if name in SPARSE_BLOCKS}
        built: dict[str, Any] = {name: vectorizer.fit_transform(texts) for name, vectorizer in self.vectorizers.items()}
        return self._with_embeddings(built, texts)

    def transform(self, texts: Sequence[str]) -> dict[str, Any]:
        """The blocks of new texts, with the vocabularies learnt in fit_transform."""
        built: dict[str, Any] = {name: vectorizer.transform(texts) for name, vectorizer in self.vectorizers.items()}
        return self._with_embeddings(built, texts)

    def _with_embeddings(self, built: dict[str, Any], texts: Sequence[str]) -> dict[str, Any]:
        if EMBEDDING in self.blocks:
            if self.encode is None:
                raise RuntimeError("the embedding block needs an encoder")
            built[EMBEDDING] = self.encode(texts)
        if TOKENS in self.blocks:
            if self.token_states is None:
                raise RuntimeError("the tokens block needs an encoder")
            built[TOKENS] = TokenBlock(self.token_states(texts))
        return built

    def __getstate__(self) -> dict[str, Any]:
        # The encoder is process-wide and reloaded from the installed package, never pickled.
        return {"blocks": self.blocks, "vectorizers": self.vectorizers, "encode": None, "token_states": None}
