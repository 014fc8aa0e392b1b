"""Lists of integers, one per indexed document, kept in one flat array: what the matcher remembers of each
document (its term ids in order, its names, its numbers) so that a query's candidates are not read again
from their text."""

import itertools
from collections.abc import Sequence

import numpy as np


class Ragged:
    def __init__(self) -> None:
        self.values = np.zeros(0, dtype=np.int32)
        self.starts = np.zeros(1, dtype=np.int64)  # row r's values are values[starts[r] : starts[r + 1]]

    def __len__(self) -> int:
        return len(self.starts) - 1

    def extend(self, lists: Sequence[Sequence[int]]) -> None:
        """One list per new row, in row order."""
        lengths = np.fromiter((len(values) for values in lists), dtype=np.int64, count=len(lists))
        self.extend_flat(lengths, np.fromiter(itertools.chain.from_iterable(lists), np.int32, int(lengths.sum())))

    def extend_flat(self, lengths: np.ndarray, values: np.ndarray) -> None:
        """New rows given one after the other: the first ``lengths[0]`` values are the first row's, and so on."""
        self.values = np.concatenate([self.values, np.asarray(values, dtype=np.int32)])
        self.starts = np.concatenate([self.starts, self.starts[-1] + np.cumsum(lengths, dtype=np.int64)])

    def take(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows' values, one row after the other, as (position in ``rows``, value)."""
        owner, at = positions(self.starts, np.asarray(rows, dtype=np.int64))
        return owner, self.values[at]


def positions(starts: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``rows``, index into the flat values) of rows stored as ``values[starts[r] : starts[r + 1]]``
    (as a CSR matrix's ``indptr`` keeps them)."""
    first = starts[rows].astype(np.int64)
    lengths = starts[rows + 1].astype(np.int64) - first
    owner = np.repeat(np.arange(len(rows)), lengths)
    return owner, np.arange(int(lengths.sum())) + np.repeat(first - (np.cumsum(lengths) - lengths), lengths)


def of(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(position, value) of lists given directly, as ``Ragged.take`` answers for stored rows."""
    owner = np.repeat(np.arange(len(lists)), [len(values) for values in lists]).astype(np.int64)
    return owner, np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=len(owner))
