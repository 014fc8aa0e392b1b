"""Measuring a ranking the CLEF way: per transcript, rank every line by score and take the average precision;
MAP is their mean. ``loto`` holds out one transcript at a time; ``nested_loto`` also chooses ``Config.c`` inside
each fold, by grouped cross-validation on the other transcripts alone."""

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from . import training
from .model import Model
from .records import Sentence

Transcript = tuple[str, list[training.Row], list[int]]  # name, featurized lines, labels
GRID = (0.1, 0.3, 1.0, 3.0)  # values of Config.c tried by nested_loto
INNER_FOLDS = 6


def average_precision(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Average precision of the ranking by score (ties keep line order); 0 when nothing is check-worthy."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    hits = np.asarray(labels, dtype=float)[order]
    if not hits.any():
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())


def prepare(transcripts: Sequence[tuple[str, list[training.Example]]]) -> list[Transcript]:
    return [(name, training.featurize(s for s, _ in part), [y for _, y in part]) for name, part in transcripts]


def _fit(transcripts: Sequence[Transcript], config: training.Config) -> Model:
    return training.fit(
        [r for _, rows, _ in transcripts for r in rows], [y for *_, ys in transcripts for y in ys], config
    )


def _ap(model: Model, transcript: Transcript) -> float:
    _, rows, labels = transcript
    return average_precision([model.logits(*row) for row in rows], labels)


def loto(
    transcripts: Sequence[Transcript],
    config: training.Config = training.CONFIG,
    choose: Callable[[Sequence[Transcript]], training.Config] | None = None,
) -> dict[str, float]:
    """Average precision on each transcript of a model trained on all the others."""
    result = {}
    for i, held in enumerate(transcripts):
        rest = [t for j, t in enumerate(transcripts) if j != i]
        result[held[0]] = _ap(_fit(rest, choose(rest) if choose else config), held)
    return result


def split(
    transcripts: Sequence[Transcript], test: int = 3, config: training.Config = training.CONFIG
) -> dict[str, float]:
    """The lab's setting: train on all but the last ``test`` transcripts (by name, i.e. date), test on those."""
    model = _fit(transcripts[:-test], config)
    return {t[0]: _ap(model, t) for t in transcripts[-test:]}


def choose_c(
    transcripts: Sequence[Transcript], base: training.Config = training.CONFIG, verbose: bool = False
) -> training.Config:
    """The Config.c of GRID with the best grouped cross-validated MAP on these transcripts alone (INNER_FOLDS
    folds of whole transcripts)."""
    folds = [list(transcripts[f::INNER_FOLDS]) for f in range(INNER_FOLDS)]
    best, best_map = base, -1.0
    for c in GRID:
        config = replace(base, c=c)
        aps = []
        for f, held in enumerate(folds):
            model = _fit([t for g, part in enumerate(folds) if g != f for t in part], config)
            aps += [_ap(model, t) for t in held]
        if verbose:
            print(f"  C = {c}: grouped {INNER_FOLDS}-fold MAP {np.mean(aps):.4f}")
        if float(np.mean(aps)) > best_map:
            best, best_map = config, float(np.mean(aps))
    return best


def nested_loto(transcripts: Sequence[Transcript], base: training.Config = training.CONFIG) -> dict[str, float]:
    return loto(transcripts, base, choose=lambda rest: choose_c(rest, base))


def sentences_per_second(model: Model, sentences: Sequence[Sentence], repeat: int = 3) -> float:
    """Scoring speed in batches of 1,000 sentences: the best of ``repeat`` runs, in this process's CPU time (one
    core; what other processes take from the machine is not counted)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for i in range(0, len(sentences), 1000):
            model.score(sentences[i : i + 1000])
        best = min(best, time.process_time() - started)
    return len(sentences) / best


def loto_sklearn(transcripts: Sequence[Transcript], config: training.Config = training.CONFIG) -> dict[str, float]:
    """Leave-one-transcript-out with scikit-learn's LogisticRegression on the same design matrix (no priors,
    one C for every weight): a check on the numpy/scipy fit. Needs scikit-learn (development only)."""
    from sklearn.linear_model import LogisticRegression

    result = {}
    for i, (name, rows, labels) in enumerate(transcripts):
        train_rows = [r for j, t in enumerate(transcripts) if j != i for r in t[1]]
        train_labels = [y for j, t in enumerate(transcripts) if j != i for y in t[2]]
        d = training.design(train_rows, config.min_df)
        model = LogisticRegression(C=config.c, class_weight="balanced" if config.balanced else None, max_iter=5000)
        model.fit(d.x, train_labels)
        scores = model.decision_function(training.matrix(rows, d.vocabulary, d.idf))
        result[name] = average_precision(scores.tolist(), labels)
    return result
