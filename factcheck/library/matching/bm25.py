"""BM25 over one text field, on scipy sparse matrices; documents can be added at any time.

Rows are documents in the order they were added; columns are terms of a shared ``Vocabulary``. The term
counts are kept as CSR (one row per document: cheap to read for a few candidates); the BM25 weights for
first-stage retrieval are a CSC matrix built on the first search after an add (one column per query term).
"""

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp


class Vocabulary:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def add(self, terms: Iterable[str]) -> list[int]:
        return [self.ids.setdefault(term, len(self.ids)) for term in terms]

    def known(self, terms: Iterable[str]) -> list[int]:
        return [self.ids[term] for term in terms if term in self.ids]

    def __len__(self) -> int:
        return len(self.ids)


class BM25Field:
    def __init__(self, vocabulary: Vocabulary, k1: float = 1.2, b: float = 0.75) -> None:
        self.vocabulary, self.k1, self.b = vocabulary, k1, b
        self._counts = sp.csr_matrix((0, 0), dtype=np.float32)
        self._pending: list[tuple[list[int], list[int]]] = []
        self._weights: sp.csc_matrix | None = None
        self.lengths = np.zeros(0, dtype=np.float32)
        self.df = np.zeros(0, dtype=np.float32)

    def add(self, documents: Iterable[Sequence[str]]) -> None:
        for terms in documents:
            counts = Counter(self.vocabulary.add(terms))
            self._pending.append((list(counts), list(counts.values())))
        self._weights = None

    def __len__(self) -> int:
        return self._counts.shape[0] + len(self._pending)

    @property
    def counts(self) -> sp.csr_matrix:
        """Term counts, documents by terms (every pending row merged in)."""
        width = len(self.vocabulary)
        if self._pending:
            indptr = np.cumsum([0] + [len(ids) for ids, _ in self._pending])
            indices = np.fromiter((i for ids, _ in self._pending for i in ids), dtype=np.int32, count=indptr[-1])
            data = np.fromiter((c for _, cs in self._pending for c in cs), dtype=np.float32, count=indptr[-1])
            new = sp.csr_matrix((data, indices, indptr), shape=(len(self._pending), width))
            self._counts.resize((self._counts.shape[0], width))
            self._counts = sp.vstack([self._counts, new], format="csr")
            self.lengths = np.asarray(self._counts.sum(axis=1), dtype=np.float32).ravel()
            self.df = np.bincount(self._counts.indices, minlength=width).astype(np.float32)
            self._pending = []
        elif self._counts.shape[1] != width:
            self._counts.resize((self._counts.shape[0], width))
            self.df = np.concatenate([self.df, np.zeros(width - len(self.df), dtype=np.float32)])
        return self._counts

    def idf(self, term_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        n = float(self.counts.shape[0])
        df = self.df[np.asarray(term_ids, dtype=np.int64)]
        return np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)

    def _tf_part(self, tf: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        average = float(self.lengths.mean()) if len(self.lengths) else 1.0
        norm = self.k1 * (1.0 - self.b + self.b * lengths / max(average, 1e-6))
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

    def scores_for(self, terms: Sequence[str], rows: np.ndarray, weights: Sequence[float] | None = None) -> np.ndarray:
        """BM25 of the given documents only (rows), for features of a few candidates."""
        ids, idf = self.query(terms, weights)
        if len(ids) == 0 or len(rows) == 0:
            return np.zeros(len(rows), dtype=np.float32)
        tf = self.counts[rows][:, ids].toarray()
        part = self._tf_part(tf, self.lengths[rows][:, None])
        return (part @ idf).astype(np.float32)
