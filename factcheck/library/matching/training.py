"""Training and measuring the reranker (needs scikit-learn, a development dependency; searching does not).

The reranker is a logistic regression over ``features.NAMES`` for each first-stage candidate of each training
query, labelled 1 when the qrels say the fact-check verifies the tweet. Only the training split is used to fit
it; ``cross_validate`` measures it on held-out folds of that split.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from . import clef, features, text
from .matcher import Candidates, Matcher
from .model import Model, Reranker

C = 0.1  # inverse regularisation strength, chosen by 5-fold cross-validation on the training tweets


def collect(matcher: Matcher, queries: Mapping[int, str], dense: bool) -> dict[int, Candidates]:
    """Each query's candidates with features (the dense ones when ``dense`` and the matcher can encode)."""
    ids = list(queries)
    embeddings: Sequence[np.ndarray | None] = [None] * len(ids)
    if dense and matcher.encoder is not None:
        texts = [text.normalise_tweet(queries[q], matcher.known_words) for q in ids]
        embeddings = list(matcher.encoder.encode(texts))
    return {q: matcher.candidates(queries[q], e, dense) for q, e in zip(ids, embeddings, strict=True)}


def fit(
    matcher: Matcher, found: Mapping[int, Candidates], relevant: Mapping[int, set[int]], dense: bool, c: float = C
) -> Reranker:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    names = [name for name in features.NAMES if dense or not name.startswith("dense")]
    columns = [features.NAMES.index(name) for name in names]
    x = np.vstack([found[q].features[:, columns] for q in found])
    y = np.concatenate([np.isin(matcher.ids_of(found[q].rows), list(relevant.get(q, ()))) for q in found])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=5000).fit(scaler.transform(x), y)
    return Reranker(
        tuple(names),
        tuple(float(v) for v in scaler.mean_),
        tuple(float(v) if v > 0 else 1.0 for v in scaler.scale_),
        tuple(float(v) for v in model.coef_[0]),
        float(model.intercept_[0]),
    )


def rankings(matcher: Matcher, found: Mapping[int, Candidates], reranker: Reranker | None) -> dict[int, list[int]]:
    return {q: [match.id for match in matcher.rank(candidates, 5, reranker)] for q, candidates in found.items()}


def cross_validate(
    matcher: Matcher, found: Mapping[int, Candidates], relevant: Mapping[int, set[int]], dense: bool, folds: int = 5
) -> float:
    """Mean MAP@5 over held-out folds of the training queries (shuffled with a fixed seed)."""
    ids = np.array(sorted(found))
    np.random.default_rng(0).shuffle(ids)
    scores = []
    for fold in range(folds):
        held = set(ids[fold::folds].tolist())
        reranker = fit(matcher, {q: found[q] for q in found if q not in held}, relevant, dense)
        ranked = rankings(matcher, {q: found[q] for q in held}, reranker)
        scores.append(clef.measures(ranked, {q: relevant[q] for q in held})["MAP@5"])
    return float(np.mean(scores))


def train(matcher: Matcher, split: clef.Split, dense: bool) -> tuple[Reranker, float]:
    """The reranker fitted on every training query, and its cross-validated MAP@5."""
    found = collect(matcher, split.queries, dense)
    return fit(matcher, found, split.relevant, dense), cross_validate(matcher, found, split.relevant, dense)


def with_reranker(model: Model, reranker: Reranker, dense: bool) -> Model:
    return replace(model, dense=reranker) if dense else replace(model, lexical=reranker)
