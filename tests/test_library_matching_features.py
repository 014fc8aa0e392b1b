"""The matcher's reranker features, computed vectorised over a query's candidates from what the matcher keeps
of each document (term ids in order, names, numbers: ``features.Described``), against a plain per-candidate
implementation written from their definitions; the same features whether the documents were indexed at once
or in batches, or described from the texts alone; the flat stores they are read from.

No database is needed; pytest-django still opens one for every test (tests/conftest.py)."""

import math
from collections import Counter

import numpy as np
import pytest

from factcheck.library.matching import Document, features, load_default, text
from factcheck.library.matching.bm25 import BM25Field, Vocabulary
from factcheck.library.matching.ragged import Ragged, of, positions

DOCS = [
    Document(1, "The popular video game Minecraft is shutting down in 2020.", "Is Minecraft Shutting Down?"),
    Document(2, "Wakanda is listed as a US free trade partner on the USDA website.", "Wakanda Free Trade Partner"),
    Document(3, "A photograph shows Obama shaking hands with Iranian President Rouhani.", "Obama and Rouhani Photo"),
    Document(4, "The Fyre Festival descended into chaos in the Bahamas.", "Fyre Festival Chaos"),
    Document(5, "A video shows a failed terrorist attack in Algiers with a plane.", "Failed Terror Attack Video"),
    Document(6, "Joe Biden said 1,200 people lost jobs. Biden said it twice: jobs, jobs.", "Did Biden Say 1200 Jobs?"),
    Document(7, "Obama shaking hands with Rouhani in 2015? The photo is from 2013.", ""),
    Document(8, "Minecraft minecraft MINECRAFT: the game is shutting down, says Mojang's Notch.", "Notch on Minecraft"),
    Document(9, "Der Spieleentwickler Mojang stellt Minecraft nicht ein.", "Minecraft wird nicht eingestellt"),
]
QUERIES = [
    "Minecraft is NOT stopping, Mojang is NOT closing #Minecraft",
    "Obama shaking hands with Rouhani — photo from 2015",
    "Biden: 1200 jobs lost, 1,200 people! #jobs",
    "video game shutting down in 2020 — Some One (@someone) January 6, 2020",
    "free trade partner Wakanda USDA website",
    "Fyre festival chaos Bahamas",
]
COLUMNS = [
    *("cosine", "query_covered", "doc_covered", "title_covered", "bigrams", "numbers_shared", "numbers_missing"),
    *("names_shared", "log_doc_len", "rare_shared", "bm25_claim", "bm25_title", "chars"),
]


def idf_of(texts: list[str]):
    """BM25 IDF over these texts' terms, as the fields compute it."""
    df = Counter(term for value in texts for term in set(text.terms(value)))
    n = len(texts)
    return lambda term: math.log1p((n - df[term] + 0.5) / (df[term] + 0.5)) if term in df else None


def plain(query: features.Query, document: Document) -> dict[str, float]:
    """The features of one (query, document) pair, candidate by candidate, from their definitions."""
    idf = idf_of([f"{d.claim} {d.title}" for d in DOCS])
    title_idf = idf_of([d.title for d in DOCS])
    claim, title = document.claim, document.title
    doc_terms = text.terms(claim) + text.terms(title)
    known = [t for t in query.terms if idf(t) is not None]
    shared = set(doc_terms) & set(known)
    shared_mass = sum(idf(t) for t in shared)
    doc_vector = {t: c * idf(t) for t, c in Counter(doc_terms).items()}
    query_vector = {t: c * idf(t) for t, c in Counter(known).items()}
    norms = math.sqrt(sum(v * v for v in doc_vector.values())) * (
        math.sqrt(sum(v * v for v in query_vector.values())) + 1e-9
    )
    title_terms = text.terms(title)
    title_weights = [title_idf(t) for t in title_terms]
    claim_terms = text.terms(claim)
    bigrams = {*zip(claim_terms, claim_terms[1:], strict=False), *zip(title_terms, title_terms[1:], strict=False)}
    query_bigrams = set(zip(query.terms, query.terms[1:], strict=False))
    numbers = text.numbers(f"{claim} {title}")
    names = text.capitalised(claim) | text.capitalised(title)
    query_names = text.capitalised(query.normalised) | {w.lower() for w in query.normalised.split()}
    return {
        "cosine": sum(v * query_vector.get(t, 0.0) for t, v in doc_vector.items()) / (norms + 1e-9),
        "query_covered": shared_mass / (sum(idf(t) for t in set(known)) + 1e-9),
        "doc_covered": shared_mass / (sum(idf(t) for t in set(doc_terms)) + 1e-9),
        "title_covered": sum(w for t, w in zip(title_terms, title_weights, strict=True) if t in set(query.terms))
        / (sum(title_weights) + 1e-9),
        "bigrams": len(bigrams & query_bigrams) / (len(bigrams) + 1.0),
        "numbers_shared": len(numbers & text.numbers(query.normalised)),
        "numbers_missing": len(numbers - text.numbers(query.normalised)),
        "names_shared": len(names & query_names) / (len(names) + 1.0),
        "log_doc_len": math.log1p(len(claim) + len(title)),
        "rare_shared": max((idf(t) for t in shared), default=0.0),
    }


@pytest.fixture(scope="module")
def matcher():
    return load_default(dense=False).index(DOCS)


def candidates_of(matcher, query: str):
    found = matcher.candidates(query)
    by_id = {d.id: d for d in DOCS}
    return found, [by_id[i] for i in matcher.ids_of(found.rows).tolist()]


@pytest.mark.parametrize("query", QUERIES)
def test_the_vectorised_features_are_the_plain_ones(matcher, query):
    found, documents = candidates_of(matcher, query)
    assert documents
    prepared = features.prepare(query, matcher.model.author_weight, matcher.known_words)
    for row, document in enumerate(documents):
        expected = plain(prepared, document)
        for name, value in expected.items():
            got = found.features[row, features.NAMES.index(name)]
            assert got == pytest.approx(value, rel=1e-5, abs=1e-7), (name, document.id)


@pytest.mark.parametrize("query", QUERIES)
def test_indexed_in_batches_or_described_from_the_texts_the_features_are_the_same(matcher, query):
    batches = load_default(dense=False)
    for start in range(0, len(DOCS), 4):
        batches.add(DOCS[start : start + 4])
    once, again = matcher.candidates(query), batches.candidates(query)
    assert np.array_equal(once.rows, again.rows)
    assert np.allclose(once.features, again.features, rtol=1e-6, atol=1e-9)

    # The same candidates described from their texts (own lexicon, no stored rows).
    prepared = features.prepare(query, matcher.model.author_weight, matcher.known_words)
    texts = [(d.claim, d.title) for d in candidates_of(matcher, query)[1]]
    alone = features.compute(prepared, once.rows, once.first_stage, texts, matcher._fields, matcher._chars)
    columns = [features.NAMES.index(name) for name in COLUMNS]
    assert np.allclose(once.features[:, columns], alone[:, columns], rtol=1e-6, atol=1e-9)


def test_a_replaced_document_is_described_anew():
    m = load_default(dense=False).index(DOCS)
    m.add([Document(6, "Penguins fly over Antarctica in 2024, says Professor Frost.", "Flying Penguins")])
    found = m.candidates("Professor Frost: penguins fly 2024")
    row = int(np.flatnonzero(m.ids_of(found.rows) == 6)[0])
    values = dict(zip(features.NAMES, found.features[row], strict=True))
    assert values["numbers_shared"] == 1 and values["numbers_missing"] == 0  # 2024; not the old 1,200
    # Its names: antarctica, professor, frost (the claim), penguins (the title); the query has three of them.
    assert values["names_shared"] == pytest.approx(3 / 5)
    assert values["bigrams"] == pytest.approx(2 / 8)  # "professor frost", "penguin fli" of its 7 word pairs


def test_ragged_rows():
    store = Ragged()
    store.extend([[1, 2, 3], [], [4]])
    store.extend_flat(np.array([2, 1]), np.array([5, 6, 7]))
    assert len(store) == 5
    owner, values = store.take(np.array([4, 0, 1, 2]))
    assert owner.tolist() == [0, 1, 1, 1, 3] and values.tolist() == [7, 1, 2, 3, 4]
    owner, at = positions(np.array([0, 2, 2, 5]), np.array([2, 0]))
    assert owner.tolist() == [0, 0, 0, 1, 1] and at.tolist() == [2, 3, 4, 0, 1]
    owner, values = of([[9], [], [8, 7]])
    assert owner.tolist() == [0, 2, 2] and values.tolist() == [9, 8, 7]
    assert [a.tolist() for a in Ragged().take(np.array([], dtype=np.int64))] == [[], []]


def test_bm25_term_counts_of_a_few_rows():
    field = BM25Field(Vocabulary())
    field.add([["a", "b", "b"], ["c"], [], ["b", "d", "d", "d"]])
    field.add([["d", "a"]])
    ids = np.array([field.vocabulary.ids[t] for t in ["d", "b", "d", "a"]])  # asked twice: two equal columns
    dense = field.counts.toarray()
    rows = np.array([3, 0, 4, 2])
    assert np.array_equal(field.tf(rows, ids), dense[rows][:, ids])
    owner, terms, counts = field.entries(rows)
    assert np.array_equal(np.bincount(owner, counts, minlength=4), dense[rows].sum(axis=1))
    assert field.tf(rows, np.array([], dtype=np.int64)).shape == (4, 0)
    assert np.allclose(field.idf_all, field.idf(np.arange(len(field.vocabulary))))
