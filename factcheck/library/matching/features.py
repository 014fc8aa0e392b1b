"""Features of (query, candidate fact-check) pairs for the learned reranker.

Everything here is computed for the few candidates of one query (tens of rows), from the term counts the
BM25 fields keep and from the candidates' texts, so its cost does not grow with the size of the index.
"""

import math
from collections.abc import Container, Sequence
from dataclasses import dataclass

import numpy as np

from . import text
from .bm25 import BM25Field
from .chargrams import CharGrams

NAMES: tuple[str, ...] = (
    "bm25",  # BM25 of claim + title
    "bm25_rel",  # that over the best candidate's
    "bm25_claim",
    "bm25_title",
    "log_rank",  # log(1 + first-stage rank)
    "cosine",  # TF-IDF cosine of the stemmed words, claim + title
    "query_covered",  # share of the query's IDF mass found in the candidate
    "doc_covered",  # share of the candidate's IDF mass found in the query
    "title_covered",  # share of the title's IDF mass found in the query
    "bigrams",  # share of the candidate's word pairs found in the query
    "chars",  # TF-IDF cosine of character 3-5-grams
    "numbers_shared",
    "numbers_missing",  # numbers the candidate states that the query does not
    "names_shared",  # share of the candidate's capitalised words found in the query
    "log_doc_len",
    "log_query_len",
    "bm25_body",  # BM25 of claim + title for the query without its signature's author
    "bm25_author",  # ... for the author alone
    "dense",  # cosine of sentence embeddings, the better of claim's and title's (0 without the dense extra)
    "dense_rel",  # that minus the best candidate's
    "dense_claim",  # cosine to the claim's embedding
    "dense_title",  # cosine to the title's embedding
    "rare_shared",  # the highest IDF among the words query and candidate share
    "dense_rank",  # log(1 + rank by "dense" among the candidates)
)


@dataclass
class Query:
    """One query, prepared once for all of its candidates."""

    normalised: str  # prose, then author
    body: list[str]  # terms of the prose
    author: list[str]  # terms of the signature's author
    author_weight: float

    @property
    def terms(self) -> list[str]:
        return self.body + self.author

    @property
    def weights(self) -> list[float]:
        return [1.0] * len(self.body) + [self.author_weight] * len(self.author)


def prepare(query: str, author_weight: float = 1.0, known: Container[str] | None = None) -> Query:
    prose, author = text.split_tweet(query, known)
    return Query(f"{prose} {author}".strip(), text.terms(prose), text.terms(author), author_weight)


def _bigrams(terms: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(terms, terms[1:], strict=False))


def compute(
    query: Query,
    rows: np.ndarray,
    first_stage: np.ndarray,
    texts: Sequence[tuple[str, str]],
    fields: tuple[BM25Field, BM25Field, BM25Field],
    chars: CharGrams,
    dense: np.ndarray | None = None,
) -> np.ndarray:
    """Feature matrix (len(rows) x len(NAMES)). ``first_stage`` holds the candidates' first-stage BM25 in rank
    order; ``texts`` their (claim, title); ``dense`` their embedding cosines to the query, if any."""
    combined, claim_field, title_field = fields
    n = len(rows)
    out = np.zeros((n, len(NAMES)), dtype=np.float64)
    if n == 0:
        return out
    out[:, 0] = first_stage
    out[:, 1] = first_stage / max(float(first_stage.max()), 1e-6)
    out[:, 2] = claim_field.scores_for(query.terms, rows, query.weights)
    out[:, 3] = title_field.scores_for(query.terms, rows, query.weights)
    out[:, 4] = np.log1p(np.arange(n))
    counts = combined.counts[rows]
    ids, _ = combined.query(query.terms)
    unique = np.unique(ids)
    idf_all = combined.idf(np.arange(counts.shape[1]))
    present = (counts > 0).astype(np.float64)
    doc_mass = np.asarray(present @ idf_all).ravel()
    in_query = np.zeros(counts.shape[1])
    in_query[unique] = 1.0
    shared_mass = np.asarray(present @ (idf_all * in_query)).ravel()
    query_mass = float(idf_all[unique].sum()) + 1e-9
    out[:, 6] = shared_mass / query_mass
    out[:, 7] = shared_mass / (doc_mass + 1e-9)
    out[:, 22] = np.asarray(present.multiply((idf_all * in_query)[None, :]).max(axis=1).todense()).ravel()
    weighted = counts.multiply(idf_all[None, :]).tocsr()
    q_vec = np.zeros(counts.shape[1])
    np.add.at(q_vec, ids, idf_all[ids]) if len(ids) else None
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel()) * (np.linalg.norm(q_vec) + 1e-9)
    out[:, 5] = np.asarray(weighted @ q_vec).ravel() / (norms + 1e-9)
    query_bigrams = _bigrams(query.terms)
    query_terms = set(query.terms)
    query_numbers = text.numbers(query.normalised)
    query_names = text.capitalised(query.normalised) | {term.lower() for term in query.normalised.split()}
    out[:, 10] = chars.cosines(query.normalised, [f"{claim} {title}" for claim, title in texts])
    for i, (claim, title) in enumerate(texts):
        title_terms = text.terms(title)
        if title_terms:
            weights = title_field.idf(title_field.vocabulary.known(title_terms))
            found = np.array([term in query_terms for term in title_terms if term in title_field.vocabulary.ids])
            out[i, 8] = float(weights[found].sum() / (weights.sum() + 1e-9)) if len(found) else 0.0
        doc_bigrams = _bigrams(text.terms(claim)) | _bigrams(title_terms)
        out[i, 9] = len(doc_bigrams & query_bigrams) / (len(doc_bigrams) + 1.0)
        doc_numbers = text.numbers(f"{claim} {title}")
        out[i, 11] = len(doc_numbers & query_numbers)
        out[i, 12] = len(doc_numbers - query_numbers)
        names = text.capitalised(claim) | text.capitalised(title)
        out[i, 13] = len(names & query_names) / (len(names) + 1.0)
        out[i, 14] = math.log1p(len(claim) + len(title))
    out[:, 15] = math.log1p(len(query.terms))
    out[:, 16] = combined.scores_for(query.body, rows)
    out[:, 17] = combined.scores_for(query.author, rows)
    if dense is not None:
        best = dense.max(axis=1)
        out[:, 18] = best
        out[:, 19] = best - float(best.max())
        out[:, 20] = dense[:, 0]
        out[:, 21] = dense[:, 1]
        out[np.argsort(-best, kind="stable"), 23] = np.log1p(np.arange(n))
    return out
