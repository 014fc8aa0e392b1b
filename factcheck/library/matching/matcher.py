"""The matcher: an in-memory index of fact-checks, first-stage retrieval and a learned reranker.

First stage: BM25 over claim + title (and, with the dense extra, the nearest sentence embeddings); the union
of both top lists goes to the reranker, a logistic regression over ``features.NAMES`` whose output is the
probability that the fact-check verifies the query. Ties keep the order in which documents were added, and
fact-checks with the same claim and title words answer as one: the first added (``collapse``).
"""

import itertools
import threading
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from . import features, text
from .bm25 import BM25Field, Vocabulary
from .chargrams import CharGrams
from .dense import Encoder
from .documents import Document
from .model import Model, Reranker
from .ragged import Ragged


class Match(NamedTuple):
    id: int
    score: float  # probability that this fact-check verifies the query, in [0, 1]


class Candidates(NamedTuple):
    rows: np.ndarray  # index rows, first-stage order
    first_stage: np.ndarray  # their BM25 over claim + title
    features: np.ndarray  # len(rows) x len(features.NAMES)
    dense: bool = False  # whether the dense features were computed


class Matcher:
    def __init__(self, model: Model | None = None, encoder: Encoder | None = None, collapse: bool = True) -> None:
        self.model = model or Model()
        self.encoder = encoder
        self.collapse = collapse
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        vocabulary, k1, b = Vocabulary(), self.model.k1, self.model.b
        self._fields = (BM25Field(vocabulary, k1, b), BM25Field(vocabulary, k1, b), BM25Field(vocabulary, k1, b))
        self._chars = CharGrams()
        self._documents: list[Document] = []
        self._alive = np.zeros(0, dtype=bool)
        self._rows: dict[int, int] = {}  # document id -> its live row
        self.known_words: set[str] = set()  # the documents' words, to split glued hashtags and handles
        self._keys: list[str] = []  # each row's claim and title terms: equal keys are duplicates
        self._lexicon = features.Lexicon(terms=vocabulary.ids)  # names and numbers as ids, for the features
        self._sequences = Ragged()  # each row's term ids in order: the claim's, -1, the title's
        self._names = Ragged()  # each row's names (lexicon ids)
        self._numbers = Ragged()  # each row's numbers (lexicon ids)
        self._lengths = np.zeros(0, dtype=np.int64)  # each row's characters of claim + title
        self._same: dict[str, list[int]] = {}  # key -> rows with that key, in the order added
        self._embeddings: np.ndarray | None = None  # rows x 2 (claim, title) x dimension, float16
        self._centroids: np.ndarray | None = None  # rows x dimension: claim + title, unit length, for the scan

    def reranker(self, dense: bool) -> Reranker | None:
        return self.model.dense if dense and self.model.dense else self.model.lexical

    # Indexing ---------------------------------------------------------------------------------------------

    def index(self, documents: Iterable[Document], embeddings: np.ndarray | None = None) -> "Matcher":
        """Forget everything, then index these documents."""
        with self._lock:
            self.reset()
            self.add(documents, embeddings)
        return self

    fit = index

    def add(self, documents: Iterable[Document], embeddings: np.ndarray | None = None) -> None:
        """Index more documents; one whose id is already indexed replaces the old version. ``embeddings``
        (documents x 2 x dimension: claim, title), if given, saves encoding them (see ``embeddings_of``)."""
        batch = [
            Document(int(d.id), text.clean(d.claim or ""), text.clean(d.title or ""), d.language) for d in documents
        ]
        if not batch:
            return
        if embeddings is None and self.encoder is not None:
            encoded = self.encoder.encode([d.claim for d in batch] + [d.title for d in batch])
            embeddings = np.stack([encoded[: len(batch)], encoded[len(batch) :]], axis=1)
        if embeddings is not None and embeddings.shape[:2] != (len(batch), 2):
            raise ValueError("embeddings: one (claim, title) pair of vectors per document")
        if (embeddings is None) != (self._embeddings is None) and self._documents:
            raise ValueError("embeddings: give them for every document or for none")
        claim_terms = [text.terms(d.claim) for d in batch]
        title_terms = [text.terms(d.title) for d in batch]
        with self._lock:
            self.remove(d.id for d in batch)
            combined, claims, titles = self._fields
            # Term ids assigned claim then title, document after document; kept as flat int32 arrays.
            claim_lengths = np.fromiter((len(terms) for terms in claim_terms), dtype=np.int64, count=len(batch))
            title_lengths = np.fromiter((len(terms) for terms in title_terms), dtype=np.int64, count=len(batch))
            lengths = claim_lengths + title_lengths
            ids = combined.vocabulary.add_flat(
                itertools.chain.from_iterable(
                    itertools.chain.from_iterable(zip(claim_terms, title_terms, strict=True))
                ),
                int(lengths.sum()),
            )
            in_claim = np.repeat(
                np.tile([True, False], len(batch)), np.column_stack([claim_lengths, title_lengths]).ravel()
            )
            combined.add_flat(lengths, ids)
            claims.add_flat(claim_lengths, ids[in_claim])
            titles.add_flat(title_lengths, ids[~in_claim])
            self._chars.add(f"{d.claim} {d.title}" for d in batch)
            ends = np.cumsum(lengths) - title_lengths  # where each claim's terms end: -1 goes there
            self._sequences.extend_flat(lengths + 1, np.insert(ids, ends, -1))
            found = [features.mentions(d.claim, d.title, self._lexicon) for d in batch]
            self._names.extend([names for names, _ in found])
            self._numbers.extend([numbers for _, numbers in found])
            sizes = np.fromiter((len(d.claim) + len(d.title) for d in batch), dtype=np.int64, count=len(batch))
            self._lengths = np.concatenate([self._lengths, sizes])
            for document, claim, title in zip(batch, claim_terms, title_terms, strict=True):
                row = len(self._documents)
                self._rows[document.id] = row
                self._documents.append(document)
                self._keys.append(" ".join(claim) + " | " + " ".join(title))
                self._same.setdefault(self._keys[-1], []).append(row)
            for start in range(0, len(batch), 1000):  # a thousand documents' words at a time
                self.known_words.update(
                    text.words(" ".join(f"{d.claim} {d.title}" for d in batch[start : start + 1000]))
                )
            self._alive = np.concatenate([self._alive, np.ones(len(batch), dtype=bool)])
            if embeddings is not None:
                new = np.asarray(embeddings, dtype=np.float32)
                mean = new.sum(axis=1)
                mean /= np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
                pairs = new.astype(np.float16)
                self._embeddings = pairs if self._embeddings is None else np.concatenate([self._embeddings, pairs])
                self._centroids = mean if self._centroids is None else np.concatenate([self._centroids, mean])
            for field in self._fields:
                field.weights  # noqa: B018 - build now, so that searches only read

    def remove(self, ids: Iterable[int]) -> None:
        """Forget these documents (their rows stay, masked out, until the next ``index``)."""
        with self._lock:
            for doc_id in ids:
                row = self._rows.pop(int(doc_id), None)
                if row is not None:
                    self._alive[row] = False

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._rows

    def ids_of(self, rows: np.ndarray) -> np.ndarray:
        return np.array([self._documents[row].id for row in rows.tolist()], dtype=np.int64)

    def same_as(self, doc_id: int) -> list[int]:
        """Ids of the live documents whose claim and title words equal this one's (itself included), first
        added first: the documents ``collapse`` answers as one."""
        row = self._rows.get(int(doc_id))
        if row is None:
            return []
        return [self._documents[r].id for r in self._same[self._keys[row]] if self._alive[r]]

    def embeddings_of(self, ids: Iterable[int]) -> np.ndarray | None:
        """The stored (claim, title) embeddings of these documents, to keep beside them and pass to ``add``."""
        rows = [self._rows[int(i)] for i in ids]
        return None if self._embeddings is None else self._embeddings[rows].astype(np.float32)

    # Searching --------------------------------------------------------------------------------------------

    def _canonical(self, rows: np.ndarray) -> np.ndarray:
        """Each row's first live duplicate (itself if none), later duplicates dropped, order kept."""
        seen: set[int] = set()
        out = []
        for row in rows.tolist():
            same = self._same[self._keys[row]]
            first = row if len(same) == 1 and self._alive[row] else next(r for r in same if self._alive[r])
            if first not in seen:
                seen.add(first)
                out.append(first)
        return np.asarray(out, dtype=np.int64)

    def candidates(self, query: str, embedding: np.ndarray | None = None, dense: bool = True) -> Candidates:
        """First-stage candidates of a query with their reranker features. ``embedding``: the query's, if
        already encoded; the dense features are used when ``dense``, the index has embeddings and the query has
        one (or the matcher has an encoder to make it)."""
        with self._lock:
            return self._candidates(query or "", embedding, dense)

    def _candidates(self, query: str, embedding: np.ndarray | None, dense: bool) -> Candidates:
        prepared = features.prepare(query, self.model.author_weight, self.known_words)
        if not self._rows:
            return Candidates(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros((0, len(features.NAMES))))
        bm25 = np.where(self._alive, self._fields[0].scores(prepared.terms, prepared.weights), -1.0)
        positive = np.flatnonzero(bm25 > 0)  # the words' documents: often far fewer than the index
        rows = positive[_top(bm25[positive], self.model.depth)]
        if not dense:
            embedding = None
        elif self._embeddings is not None and embedding is None and self.encoder is not None:
            embedding = self.encoder.encode([prepared.normalised])[0]
        use_dense = self._embeddings is not None and embedding is not None
        if use_dense:
            assert self._centroids is not None and embedding is not None
            best = np.where(self._alive, self._centroids @ embedding.astype(np.float32), -2.0)
            extra = _top(best, self.model.dense_depth)
            rows = np.concatenate([rows, extra[~np.isin(extra, rows)]])
            rows = rows[np.argsort(-bm25[rows], kind="stable")]
        if self.collapse:
            rows = self._canonical(rows)
        cosines = self._embeddings[rows].astype(np.float32) @ embedding if use_dense else None  # type: ignore[index]
        texts = [(self._documents[row].claim, self._documents[row].title) for row in rows.tolist()]
        described = features.Described(
            self._sequences.take(rows), self._names.take(rows), self._numbers.take(rows), self._lengths[rows],
            self._lexicon,
        )  # fmt: skip
        found = features.compute(prepared, rows, bm25[rows], texts, self._fields, self._chars, cosines, described)
        return Candidates(rows, bm25[rows], found, use_dense)

    def rank(self, found: Candidates, limit: int = 5, reranker: Reranker | None = None) -> list[Match]:
        """The best ``limit`` candidates by the reranker (the model's, unless one is given)."""
        if len(found.rows) == 0 or limit <= 0:
            return []
        reranker = reranker or self.reranker(found.dense)
        scores = reranker.score(found.features) if reranker else found.first_stage / (found.first_stage + 10.0)
        order = np.lexsort((found.rows, -scores))[:limit]
        return [Match(self._documents[found.rows[i]].id, float(scores[i])) for i in order]

    def search(self, query: str, limit: int = 5) -> list[Match]:
        """The fact-checks that best match a query (a tweet, a claim), best first."""
        return self.rank(self.candidates(query), limit)

    def search_many(self, queries: Sequence[str], limit: int = 5) -> list[list[Match]]:
        """``search`` for each query; the dense extra encodes them in one batch."""
        embeddings: Sequence[np.ndarray | None] = [None] * len(queries)
        if self.encoder is not None and self._embeddings is not None and queries:
            texts = [text.normalise_tweet(q or "", self.known_words) for q in queries]
            embeddings = list(self.encoder.encode(texts))
        return [self.rank(self.candidates(q, e), limit) for q, e in zip(queries, embeddings, strict=True)]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k best scores, best first, ties in row order."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    threshold = np.partition(scores, len(scores) - k)[len(scores) - k]
    part = np.flatnonzero(scores >= threshold)  # every row tied at the threshold, so ties resolve by row
    return part[np.lexsort((part, -scores[part]))][:k]
