"""Features of (query, candidate fact-check) pairs for the learned reranker.

Everything here is computed for the few candidates of one query (tens of rows), from the term counts the
BM25 fields keep, what the matcher keeps of each document (``Described``: its terms in order, its names and
numbers, as ids) and the candidates' texts (character n-grams), so its cost does not grow with the size of
the index. It is vectorised over the candidates: no Python loop runs per candidate.
"""

import math
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import ragged, text
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


Pairs = tuple[np.ndarray, np.ndarray]  # (position among the candidates, id), candidate after candidate


@dataclass
class Lexicon:
    """Ids for the strings the features compare: terms (the BM25 vocabulary's), names and numbers."""

    terms: dict[str, int] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)


@dataclass
class Described:
    """The candidates as the features read them."""

    terms: Pairs  # term ids in text order: the claim's, -1, the title's
    names: Pairs  # its distinct capitalised words (``text.capitalised`` of claim and of title)
    numbers: Pairs  # its distinct numbers (``text.numbers``)
    lengths: np.ndarray  # characters of claim + title
    lexicon: Lexicon


def mentions(claim: str, title: str, lexicon: Lexicon) -> tuple[list[int], list[int]]:
    """A document's distinct name and number ids (``Described``); new ones are added to the lexicon."""
    names = {lexicon.names.setdefault(name, len(lexicon.names)) for name in text.capitalised(claim)}
    names.update(lexicon.names.setdefault(name, len(lexicon.names)) for name in text.capitalised(title))
    numbers = {lexicon.numbers.setdefault(n, len(lexicon.numbers)) for n in text.numbers(f"{claim} {title}")}
    return sorted(names), sorted(numbers)


def describe(texts: Sequence[tuple[str, str]]) -> Described:
    """``Described`` made from the texts alone, with a lexicon of their own (for texts nobody indexed)."""
    lexicon = Lexicon()
    sequences, names, numbers = [], [], []
    for claim, title in texts:
        claim_ids, title_ids = ([lexicon.terms.setdefault(t, len(lexicon.terms)) for t in text.terms(value)]
                                for value in (claim, title))  # fmt: skip
        sequences.append([*claim_ids, -1, *title_ids])
        found = mentions(claim, title, lexicon)
        names.append(found[0])
        numbers.append(found[1])
    lengths = np.array([len(claim) + len(title) for claim, title in texts], dtype=np.int64)
    return Described(ragged.of(sequences), ragged.of(names), ragged.of(numbers), lengths, lexicon)


def compute(
    query: Query,
    rows: np.ndarray,
    first_stage: np.ndarray,
    texts: Sequence[tuple[str, str]],
    fields: tuple[BM25Field, BM25Field, BM25Field],
    chars: CharGrams,
    dense: np.ndarray | None = None,
    described: Described | None = None,
) -> np.ndarray:
    """Feature matrix (len(rows) x len(NAMES)). ``first_stage`` holds the candidates' first-stage BM25 in rank
    order; ``texts`` their (claim, title); ``dense`` their embedding cosines to the query, if any;
    ``described`` what the matcher keeps of them (made from ``texts`` if not given)."""
    combined, claim_field, title_field = fields
    n = len(rows)
    out = np.zeros((n, len(NAMES)), dtype=np.float64)
    if n == 0:
        return out
    out[:, 0] = first_stage
    out[:, 1] = first_stage / max(float(first_stage.max()), 1e-6)
    combined_entries, title_entries = combined.entries(rows), title_field.entries(rows)
    out[:, 2] = claim_field.scores_for(query.terms, rows, query.weights)
    out[:, 3] = title_field.scores_for(query.terms, rows, query.weights, title_entries)
    out[:, 4] = np.log1p(np.arange(n))

    # Word overlaps, from the candidates' stored term counts (only their own terms, never the vocabulary's).
    ids, _ = combined.query(query.terms)
    unique, times = np.unique(ids, return_counts=True)
    idf_all = combined.idf_all
    owner, terms, counts = combined_entries
    idf = idf_all[terms]
    shared = np.isin(terms, unique)
    doc_mass = np.bincount(owner, idf.astype(np.float64), minlength=n)
    shared_idf = idf * shared
    shared_mass = np.bincount(owner, shared_idf, minlength=n)
    query_mass = float(idf_all[unique].sum()) + 1e-9
    out[:, 6] = shared_mass / query_mass
    out[:, 7] = shared_mass / (doc_mass + 1e-9)
    np.maximum.at(out[:, 22], owner, shared_idf)
    weighted = counts * idf  # TF-IDF of the candidates' terms
    q_weight = idf_all[unique].astype(np.float64) * times  # the query's TF-IDF, over its known terms
    at = np.minimum(np.searchsorted(unique, terms), max(len(unique) - 1, 0))
    q_of_term = np.where(shared, q_weight[at] if len(unique) else 0.0, 0.0)
    norms = np.sqrt(np.bincount(owner, weighted * weighted, minlength=n)) * (np.linalg.norm(q_weight) + 1e-9)
    out[:, 5] = np.bincount(owner, weighted * q_of_term, minlength=n) / (norms + 1e-9)

    # Share of the title's IDF mass found in the query (a title term as often as it occurs).
    t_owner, t_terms, t_counts = title_entries
    t_weights = t_counts * title_field.idf_all[t_terms]
    vocabulary = combined.vocabulary.ids
    t_found = np.isin(t_terms, [vocabulary[term] for term in query.terms if term in vocabulary])
    out[:, 8] = np.bincount(t_owner, t_weights * t_found, minlength=n) / (
        np.bincount(t_owner, t_weights, minlength=n) + 1e-9
    )

    # Word pairs of the claim and of the title that the query has too; names; numbers; length.
    if described is None:
        described = describe(texts)
    lexicon = described.lexicon
    query_ids = np.array([lexicon.terms.get(term, -1) for term in query.terms], dtype=np.int64)
    out[:, 9] = _shared_bigrams(query_ids, described.terms, n, len(lexicon.terms))
    query_numbers = _known(text.numbers(query.normalised), lexicon.numbers)
    owner, numbers = described.numbers
    shared_numbers = np.bincount(owner[np.isin(numbers, query_numbers)], minlength=n)
    out[:, 11] = shared_numbers
    out[:, 12] = np.bincount(owner, minlength=n) - shared_numbers
    query_names = text.capitalised(query.normalised) | {term.lower() for term in query.normalised.split()}
    owner, names = described.names
    shared_names = np.bincount(owner[np.isin(names, _known(query_names, lexicon.names))], minlength=n)
    out[:, 13] = shared_names / (np.bincount(owner, minlength=n) + 1.0)
    out[:, 14] = np.log1p(described.lengths)
    out[:, 10] = chars.cosines(query.normalised, [f"{claim} {title}" for claim, title in texts])
    out[:, 15] = math.log1p(len(query.terms))
    out[:, 16] = combined.scores_for(query.body, rows, entries=combined_entries)
    out[:, 17] = combined.scores_for(query.author, rows, entries=combined_entries)
    if dense is not None:
        best = dense.max(axis=1)
        out[:, 18] = best
        out[:, 19] = best - float(best.max())
        out[:, 20] = dense[:, 0]
        out[:, 21] = dense[:, 1]
        out[np.argsort(-best, kind="stable"), 23] = np.log1p(np.arange(n))
    return out


def _known(strings: set[str], ids: Mapping[str, int]) -> np.ndarray:
    return np.array([ids[value] for value in strings if value in ids], dtype=np.int64)


def _shared_bigrams(query_ids: np.ndarray, sequences: tuple[np.ndarray, np.ndarray], n: int, width: int) -> np.ndarray:
    """For each of ``n`` candidates: the distinct word pairs (of its claim, of its title) that the query has
    too, over its distinct word pairs + 1. ``query_ids``: the query's term ids in order (-1: unknown)."""
    owner, ids = sequences
    ids = ids.astype(np.int64)
    width = max(width, 1)
    pairs = (owner[:-1] == owner[1:]) & (ids[:-1] >= 0) & (ids[1:] >= 0)
    keys = np.unique(owner[:-1][pairs] * (width * width) + ids[:-1][pairs] * width + ids[1:][pairs])
    owners, codes = keys // (width * width), keys % (width * width)
    known = (query_ids[:-1] >= 0) & (query_ids[1:] >= 0)
    wanted = np.unique(query_ids[:-1][known] * width + query_ids[1:][known])
    shared = np.bincount(owners[np.isin(codes, wanted)], minlength=n)
    return shared / (np.bincount(owners, minlength=n) + 1.0)
