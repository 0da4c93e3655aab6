"""A small network on MiniLM's word-piece vectors: trained per classifier while the transformer stays frozen.

The transformer's lower layers run once per text (their vectors are the "tokens" feature block); only this head
learns: a layer norm, a 384 -> 256 projection with GELU on every word piece, then attention pooling and max pooling
over the pieces, and a linear layer to the labels. Fine-tuning a transformer layer itself was tried and costs about
ten minutes per epoch on two cores, so it does not fit the training budget (benchmarks/ia/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

WIDTH = 384


class TokenBlock:
    """Word-piece vectors of many texts (one float16 (pieces, 384) array each), indexable by rows like a matrix."""

    def __init__(self, states: Sequence[np.ndarray]) -> None:
        self.states = list(states)

    def __len__(self) -> int:
        return len(self.states)

    def __getitem__(self, rows: Any) -> TokenBlock:
        if isinstance(rows, slice):
            return TokenBlock(self.states[rows])
        return TokenBlock([self.states[int(row)] for row in np.asarray(rows).ravel()])

    def lengths(self) -> np.ndarray:
        """The number of word pieces of each text (at least 1, so pooling never divides by nothing)."""
        return np.array([max(1, len(state)) for state in self.states], dtype=np.int64)

    def padded(self, rows: np.ndarray) -> tuple[Any, Any]:
        """Float32 tensors (len(rows), longest, 384) and its 0/1 mask, for the given rows."""
        import torch

        longest = max(1, max(len(self.states[row]) for row in rows))
        values = np.zeros((len(rows), longest, WIDTH), dtype=np.float32)
        mask = np.zeros((len(rows), longest), dtype=np.float32)
        for position, row in enumerate(rows):
            state = self.states[row]
            values[position, : len(state)] = state
            mask[position, : max(1, len(state))] = 1.0
        return torch.from_numpy(values), torch.from_numpy(mask)


def _network(labels: int, hidden: int) -> Any:
    import torch

    class Network(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.norm = torch.nn.LayerNorm(WIDTH)
            self.project = torch.nn.Sequential(torch.nn.Linear(WIDTH, hidden), torch.nn.GELU())
            self.attention = torch.nn.Linear(hidden, 1)
            self.dropout = torch.nn.Dropout(0.2)
            self.out = torch.nn.Linear(2 * hidden, labels)

        def forward(self, values: Any, mask: Any) -> Any:
            pieces = self.project(self.norm(values))
            weights = self.attention(pieces).squeeze(-1).masked_fill(mask == 0, -1e9).softmax(dim=-1)
            attended = (weights.unsqueeze(-1) * pieces).sum(dim=1)
            strongest = pieces.masked_fill(mask.unsqueeze(-1) == 0, -1e9).max(dim=1).values
            return self.out(self.dropout(torch.cat([attended, strongest], dim=1)))

    return Network()


class TokenHead:
    """A scikit-learn-like classifier on a TokenBlock: fit(block, y), decision_function(block) -> log-probabilities."""

    def __init__(
        self, *, epochs: int = 3, hidden: int = 256, batch_size: int = 64, learning_rate: float = 2e-3, seed: int = 0
    ) -> None:
        self.epochs = epochs
        self.hidden = hidden
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.seed = seed
        self.classes_ = np.array([])
        self._network: Any = None

    def fit(self, block: TokenBlock, y: Sequence[Any]) -> TokenHead:
        import torch

        self.classes_, targets = np.unique(np.asarray(y, dtype=object), return_inverse=True)
        target = torch.as_tensor(targets, dtype=torch.long)
        lengths = block.lengths()
        generator = np.random.default_rng(self.seed)
        batches_per_epoch = -(-len(block) // self.batch_size)
        with torch.random.fork_rng():
            torch.manual_seed(self.seed)
            network = _network(len(self.classes_), self.hidden)
            optimiser = torch.optim.AdamW(network.parameters(), lr=self.learning_rate, weight_decay=0.01)
            schedule = torch.optim.lr_scheduler.OneCycleLR(
                optimiser, self.learning_rate, total_steps=self.epochs * batches_per_epoch, pct_start=0.1
            )
            network.train()
            for _ in range(self.epochs):
                for rows in _length_batches(lengths, self.batch_size, generator):
                    values, mask = block.padded(rows)
                    loss = torch.nn.functional.cross_entropy(network(values, mask), target[rows])
                    optimiser.zero_grad()
                    loss.backward()
                    optimiser.step()
                    schedule.step()
        network.eval()
        self._network = network
        return self

    def decision_function(self, block: TokenBlock) -> np.ndarray:
        import torch

        if self._network is None:
            raise RuntimeError("the token head is not trained")
        scores = np.zeros((len(block), len(self.classes_)))
        order = np.argsort(block.lengths(), kind="stable")
        with torch.inference_mode():
            for start in range(0, len(order), 256):
                rows = order[start : start + 256]
                values, mask = block.padded(rows)
                scores[rows] = torch.log_softmax(self._network(values, mask), dim=-1).numpy()
        return scores

    def __getstate__(self) -> dict[str, Any]:
        # The weights as numpy arrays: the pickle then needs no torch class defined inside a function.
        state = {key: value for key, value in self.__dict__.items() if key != "_network"}
        if self._network is not None:
            state["weights"] = {name: tensor.numpy().copy() for name, tensor in self._network.state_dict().items()}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        weights = state.pop("weights", None)
        self.__dict__.update(state)
        self._network = None
        if weights is not None:
            import torch

            network = _network(len(self.classes_), self.hidden)
            network.load_state_dict({name: torch.from_numpy(value) for name, value in weights.items()})
            network.eval()
            self._network = network


def _length_batches(lengths: np.ndarray, size: int, generator: np.random.Generator) -> list[np.ndarray]:
    """Rows in batches of texts of similar length (little padding), the batches in random order."""
    shuffled = generator.permutation(len(lengths))
    ordered = shuffled[np.argsort(lengths[shuffled], kind="stable")]
    batches = [ordered[start : start + size] for start in range(0, len(ordered), size)]
    return [batches[index] for index in generator.permutation(len(batches))]
