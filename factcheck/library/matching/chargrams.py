"""TF-IDF cosine over character 3-5-grams within words (as scikit-learn's ``char_wb``): robust to spelling,
inflection and glued words.

Grams are 64-bit polynomial hashes computed with numpy over many texts at once. Document frequencies are
kept as a sorted array of gram hashes with their counts, updated as fact-checks are added; vectors are built
only for a query's few candidates, so nothing per document is kept.
"""

import re
from collections.abc import Iterable, Sequence

import numpy as np

_WORD = re.compile(r"[^\W_]+")
_SPACE = 32
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _grams(texts: Sequence[str], low: int, high: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(text index, gram hash, count) for every distinct gram of every text."""
    words = [" ".join(_WORD.findall(value.lower())) for value in texts]
    joined = " " + " ".join(words) + " "
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.array([len(value) + 1 for value in words], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)])  # text i owns positions starts[i] .. starts[i+1]
    space = codes == _SPACE
    hashes, owners = [], []
    for n in range(low, high + 1):
        count = len(codes) - n + 1
        if count <= 0:
            continue
        h = np.full(count, np.uint64(n), dtype=np.uint64)
        inner = np.zeros(count, dtype=bool)
        for j in range(n):
            h = h * np.uint64(1_000_003) + codes[j : j + count]
            if 0 < j < n - 1:
                inner |= space[j : j + count]
        positions = np.flatnonzero(~inner)  # within one word, with the spaces around it
        hashes.append(h[positions])
        owners.append(np.searchsorted(starts, positions, side="right") - 1)
    if not hashes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.astype(np.uint64), empty
    h_all, o_all = np.concatenate(hashes), np.concatenate(owners)
    keyed = h_all ^ (o_all.astype(np.uint64) * _MIX)
    _, first, counts = np.unique(keyed, return_index=True, return_counts=True)
    return o_all[first], h_all[first], counts


class CharGrams:
    def __init__(self, low: int = 3, high: int = 5) -> None:
        self.low, self.high = low, high
        self.keys = np.zeros(0, dtype=np.uint64)  # sorted gram hashes
        self.df = np.zeros(0, dtype=np.int64)
        self.documents = 0

    def add(self, texts: Iterable[str]) -> None:
        batch = list(texts)
        for start in range(0, len(batch), 2000):
            _, hashes, _ = _grams(batch[start : start + 2000], self.low, self.high)
            keys, counts = np.unique(np.concatenate([self.keys, hashes]), return_counts=True)
            old = np.searchsorted(keys, self.keys)
            counts = counts.astype(np.int64) - np.bincount(old, minlength=len(keys))  # unique() counted each once
            counts[old] += self.df
            self.keys, self.df = keys, counts
        self.documents += len(batch)

    def _weights(self, hashes: np.ndarray, counts: np.ndarray) -> np.ndarray:
        at = np.minimum(np.searchsorted(self.keys, hashes), max(len(self.keys) - 1, 0))
        df = np.where(len(self.keys) and self.keys[at] == hashes, self.df[at] if len(self.df) else 0, 0)
        idf = np.log((self.documents + 2.0) / (df + 1.0))
        return (1.0 + np.log(counts)) * idf

    def cosines(self, query: str, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        _, q_hashes, q_counts = _grams([query], self.low, self.high)
        order = np.argsort(q_hashes)
        q_hashes, q_weights = q_hashes[order], self._weights(q_hashes[order], q_counts[order])
        q_norm = float(np.sqrt((q_weights**2).sum()))
        owners, hashes, counts = _grams(texts, self.low, self.high)
        weights = self._weights(hashes, counts)
        norms = np.sqrt(np.bincount(owners, weights**2, minlength=len(texts)))
        if len(q_hashes) == 0 or q_norm == 0.0:
            return np.zeros(len(texts))
        at = np.minimum(np.searchsorted(q_hashes, hashes), len(q_hashes) - 1)
        shared = np.where(q_hashes[at] == hashes, q_weights[at] * weights, 0.0)
        dots = np.bincount(owners, shared, minlength=len(texts))
        return dots / np.maximum(norms * q_norm, 1e-12)
