"""TF-IDF cosine over character 3-5-grams within words (as scikit-learn's ``char_wb``): robust to spelling,
inflection and glued words.

Grams are 56-bit hashes computed with numpy over many texts at once: a 64-bit polynomial hash of the characters
(the n-gram's extended by one character to give the (n+1)-gram's), its length added, multiplied by an odd
constant, the low 8 bits cleared, so that one sort of ``hash | text`` groups a batch's grams by gram and text.
Document frequencies are kept as a sorted array of gram hashes with their counts, updated as fact-checks are
added; vectors are built only for a query's few candidates, so nothing per document is kept.
"""

import re
from collections.abc import Iterable, Sequence

import numpy as np

_WORD = re.compile(r"[^\W_]+")
_SPACE = 32
_BASE = np.uint64(1_000_003)
_LENGTH = 0xD6E8FEB86659FD93  # times n, added to an n-gram's hash: grams of different lengths differ
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it is one-to-one on 64-bit hashes
_TEXT_BITS = 8  # a batch of up to 256 texts is sorted at once
_TEXTS = 1 << _TEXT_BITS
_LOW = np.uint64(_TEXTS - 1)
_HIGH = ~_LOW


def _hashes(texts: Sequence[str], low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """(text index, gram hash) of every gram occurrence of every text (a gram once per occurrence)."""
    words = [" ".join(_WORD.findall(value.lower())) for value in texts]
    joined = " " + " ".join(words) + " "
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.array([len(value) + 1 for value in words], dtype=np.int64)
    owner_at = np.repeat(np.arange(len(texts)), lengths)  # text i owns positions sum(lengths[:i]) ..
    size = len(codes)
    spaces = np.where(codes == _SPACE, np.arange(size), size)
    next_space = np.minimum.accumulate(spaces[::-1])[::-1]  # the first space at or after each position
    hashes, owners = [], []
    rolling = np.zeros(size, dtype=np.uint64)
    for n in range(1, high + 1):
        count = size - n + 1
        if count <= 0:
            break
        rolling = rolling[:count] * _BASE + codes[n - 1 : n - 1 + count]  # the n characters from each position
        if n < low:
            continue
        # Within one word, with the spaces around it: no space strictly inside.
        positions = np.flatnonzero(next_space[1 : count + 1] > np.arange(n - 2, count + n - 2))
        mixed = (rolling[positions] + np.uint64(n * _LENGTH % 2**64)) * _MIX  # the last character moves the high bits
        hashes.append(mixed & _HIGH)
        owners.append(owner_at[positions])
    if not hashes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(owners), np.concatenate(hashes)


def _grams(texts: Sequence[str], low: int, high: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(text index, gram hash, count) for every distinct gram of every text, ordered by hash then text."""
    owners, hashes, counts = [], [], []
    for first in range(0, max(len(texts), 1), _TEXTS):
        owner, hashed = _hashes(texts[first : first + _TEXTS], low, high)
        keys = np.sort(hashed | owner.astype(np.uint64))  # equal (gram, text) pairs side by side
        starts = np.flatnonzero(np.concatenate([[len(keys) > 0], keys[1:] != keys[:-1]]))
        counts.append(np.diff(np.append(starts, len(keys))).astype(np.int64))
        distinct = keys[starts]
        owners.append((distinct & _LOW).astype(np.int64) + first)
        hashes.append(distinct & _HIGH)
    return np.concatenate(owners), np.concatenate(hashes), np.concatenate(counts)


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

    def _idf(self, hashes: np.ndarray) -> np.ndarray:
        at = np.minimum(np.searchsorted(self.keys, hashes), max(len(self.keys) - 1, 0))
        df = np.where(len(self.keys) and self.keys[at] == hashes, self.df[at] if len(self.df) else 0, 0)
        return np.log((self.documents + 2.0) / (df + 1.0))

    def _weights(self, hashes: np.ndarray, counts: np.ndarray) -> np.ndarray:
        return (1.0 + np.log(counts)) * self._idf(hashes)

    def cosines(self, query: str, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        _, q_hashes, q_counts = _grams([query], self.low, self.high)  # one text: sorted by hash
        q_weights = self._weights(q_hashes, q_counts)
        q_norm = float(np.sqrt((q_weights**2).sum()))
        owners, hashes, counts = _grams(texts, self.low, self.high)
        # Candidates share many grams: each distinct gram is looked up once (runs of equal, sorted hashes).
        first = np.concatenate([[len(hashes) > 0], hashes[1:] != hashes[:-1]])
        distinct, run = hashes[first], np.cumsum(first) - 1
        weights = (1.0 + np.log(counts)) * self._idf(distinct)[run]
        norms = np.sqrt(np.bincount(owners, weights**2, minlength=len(texts)))
        if len(q_hashes) == 0 or q_norm == 0.0:
            return np.zeros(len(texts))
        at = np.minimum(np.searchsorted(q_hashes, distinct), len(q_hashes) - 1)
        in_query = np.where(q_hashes[at] == distinct, q_weights[at], 0.0)[run]
        dots = np.bincount(owners, in_query * weights, minlength=len(texts))
        return dots / np.maximum(norms * q_norm, 1e-12)
