"""BM25 over one text field, on scipy sparse matrices; documents can be added at any time.

Rows are documents in the order they were added; columns are terms of a shared ``Vocabulary``. The term
counts are kept as CSR (one row per document: cheap to read for a few candidates); the BM25 weights for
first-stage retrieval are a CSC matrix built on the first search after an add (one column per query term).
The features of a query's few candidates read their rows of the counts directly (``entries``), without
building a sparse submatrix per feature.
"""

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from . import ragged


class Vocabulary:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def add(self, terms: Iterable[str]) -> list[int]:
        return [self.ids.setdefault(term, len(self.ids)) for term in terms]

    def add_flat(self, terms: Iterable[str], count: int) -> np.ndarray:
        """``add`` for ``count`` terms, as an int32 array (no list of them kept)."""
        ids = self.ids
        return np.fromiter((ids.setdefault(term, len(ids)) for term in terms), dtype=np.int32, count=count)

    def known(self, terms: Iterable[str]) -> list[int]:
        return [self.ids[term] for term in terms if term in self.ids]

    def __len__(self) -> int:
        return len(self.ids)


Entries = tuple[np.ndarray, np.ndarray, np.ndarray]  # (position among the rows asked, term id, count)


class BM25Field:
    def __init__(self, vocabulary: Vocabulary, k1: float = 1.2, b: float = 0.75) -> None:
        self.vocabulary, self.k1, self.b = vocabulary, k1, b
        self._counts = sp.csr_matrix((0, 0), dtype=np.float32)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []  # (terms per document, their ids one after another)
        self._weights: sp.csc_matrix | None = None
        self._idf_all: np.ndarray | None = None  # the IDF of every term, for the counts as they are
        self.lengths = np.zeros(0, dtype=np.float32)
        self.average = 1.0  # the mean of lengths (1 without documents)
        self.df = np.zeros(0, dtype=np.float32)

    def add(self, documents: Iterable[Sequence[str]]) -> None:
        batch = list(documents)
        lengths = np.fromiter((len(terms) for terms in batch), dtype=np.int64, count=len(batch))
        self.add_flat(lengths, self.vocabulary.add_flat(itertools.chain.from_iterable(batch), int(lengths.sum())))

    def add_flat(self, lengths: np.ndarray, ids: np.ndarray) -> None:
        """Documents given as the vocabulary's ids of their terms (a term once per occurrence), one document
        after the other: the first ``lengths[0]`` ids are the first document's, and so on."""
        self._pending.append((np.asarray(lengths, dtype=np.int64), np.asarray(ids, dtype=np.int32)))
        self._weights = None

    def __len__(self) -> int:
        return self._counts.shape[0] + sum(len(lengths) for lengths, _ in self._pending)

    @property
    def counts(self) -> sp.csr_matrix:
        """Term counts, documents by terms (every pending row merged in)."""
        width = len(self.vocabulary)
        if self._pending:
            lengths = np.concatenate([lengths for lengths, _ in self._pending])
            ids = np.concatenate([ids for _, ids in self._pending])
            indptr = np.concatenate([[0], np.cumsum(lengths)])
            new = sp.csr_matrix((np.ones(len(ids), dtype=np.float32), ids, indptr), shape=(len(lengths), width))
            new.sum_duplicates()  # a term said twice: one entry counting 2 (each row's terms sorted)
            self._counts.resize((self._counts.shape[0], width))
            self._counts = sp.vstack([self._counts, new], format="csr")
            self.lengths = np.asarray(self._counts.sum(axis=1), dtype=np.float32).ravel()
            self.average = float(self.lengths.mean()) if len(self.lengths) else 1.0
            self.df = np.bincount(self._counts.indices, minlength=width).astype(np.float32)
            self._pending = []
            self._idf_all = None
        elif self._counts.shape[1] != width:
            self._counts.resize((self._counts.shape[0], width))
            self.df = np.concatenate([self.df, np.zeros(width - len(self.df), dtype=np.float32)])
            self._idf_all = None
        return self._counts

    def idf(self, term_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        n = float(self.counts.shape[0])
        df = self.df[np.asarray(term_ids, dtype=np.int64)]
        return np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)

    @property
    def idf_all(self) -> np.ndarray:
        """The IDF of every term of the vocabulary (column), kept until the counts change."""
        counts = self.counts
        if self._idf_all is None or len(self._idf_all) != counts.shape[1]:
            self._idf_all = self.idf(np.arange(counts.shape[1]))
        return self._idf_all

    def entries(self, rows: np.ndarray) -> Entries:
        """The stored counts of these documents as (position in ``rows``, term id, count), row by row in the
        order of ``rows``, each row's terms in stored order (each term once per row)."""
        counts = self.counts
        owner, at = ragged.positions(counts.indptr, np.asarray(rows, dtype=np.int64))
        return owner, counts.indices[at], counts.data[at]

    def tf(self, rows: np.ndarray, ids: np.ndarray, entries: Entries | None = None) -> np.ndarray:
        """Term counts of these documents for these term ids (a term asked twice gives two equal columns):
        a dense float32 matrix, len(rows) x len(ids). ``entries``: the rows' ``entries``, if already read."""
        out = np.zeros((len(rows), len(ids)), dtype=np.float32)
        if len(ids) == 0 or len(rows) == 0:
            return out
        owner, terms, counts = self.entries(rows) if entries is None else entries
        asked, column = np.unique(ids, return_inverse=True)
        at = np.minimum(np.searchsorted(asked, terms), len(asked) - 1)
        hit = asked[at] == terms
        found = np.zeros((len(rows), len(asked)), dtype=np.float32)
        found[owner[hit], at[hit]] = counts[hit]
        return found[:, column.ravel()]

    def _tf_part(self, tf: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        self.counts  # noqa: B018 - merge pending rows so the average length is current
        norm = self.k1 * (1.0 - self.b + self.b * lengths / max(self.average, 1e-6))
        return tf * (self.k1 + 1.0) / (tf + norm)

    @property
    def weights(self) -> sp.csc_matrix:
        if self._weights is None:
            counts = self.counts
            rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
            data = self._tf_part(counts.data, self.lengths[rows]).astype(np.float32)
            self._weights = sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape).tocsc()
        return self._weights

    def query(self, terms: Sequence[str], weights: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The query's known term ids (a term said twice counts twice) and their IDF, times their weights."""
        self.counts  # noqa: B018 - merge pending rows so df is current
        known = self.vocabulary.ids
        width = len(self.df)
        given = weights if weights is not None else [1.0] * len(terms)
        pairs = [(known[t], w) for t, w in zip(terms, given, strict=True) if t in known and known[t] < width]
        ids = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        scale = np.fromiter((w for _, w in pairs), dtype=np.float32, count=len(pairs))
        return ids, self.idf(ids) * scale

    def scores(self, terms: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:
        """BM25 of every document for the query terms (each weighted, if weights are given)."""
        ids, idf = self.query(terms, weights)
        if len(ids) == 0:
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray(self.weights[:, ids] @ idf, dtype=np.float32).ravel()

    def scores_for(
        self, terms: Sequence[str], rows: np.ndarray, weights: Sequence[float] | None = None,
        entries: Entries | None = None,
    ) -> np.ndarray:  # fmt: skip
        """BM25 of the given documents only (rows), for features of a few candidates (``entries``: the rows'
        ``entries``, if already read)."""
        ids, idf = self.query(terms, weights)
        if len(ids) == 0 or len(rows) == 0:
            return np.zeros(len(rows), dtype=np.float32)
        tf = self.tf(rows, ids, entries)
        part = self._tf_part(tf, self.lengths[rows][:, None])
        return (part @ idf).astype(np.float32)
