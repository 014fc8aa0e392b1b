"""Training the check-worthiness model with numpy and scipy alone (scikit-learn is not installed in production).

The training data are the 19 CLEF-2019 CheckThat! Task 1 transcripts shipped in ``data/clef2019/`` (see the
README there) and, when the desk retrains, the editors' accept/dismiss decisions. ``train`` fits a logistic
regression by L-BFGS on L2-normalised TF-IDF n-grams and rule features (``features``), then sets the band
thresholds from out-of-fold scores (``bands``).
"""

import csv
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy import optimize, sparse, special

from . import features
from .model import Model
from .records import Sentence

DATA_DIR = Path(__file__).with_name("data") / "clef2019"
SEED = 0

Example = tuple[Sentence, int]
Row = tuple[set[str], features.Found]  # what the model reads in one sentence


@dataclass(frozen=True)
class Config:
    """The fixed settings of a fit. ``c`` was chosen by cross-validation inside the training transcripts
    (``evaluation.nested_loto`` repeats that choice within each fold, so the reported MAP is not tuned on
    the transcript it is measured on)."""

    c: float = 1.0  # inverse L2 strength on the n-gram weights (loss summed over sentences)
    c_rules: float = 1.0  # ... on the rule weights, around their priors
    min_df: int = 2  # an n-gram must occur in this many training sentences
    balanced: bool = True  # weight the classes equally (about 3% of debate sentences are check-worthy)
    # (prior weight, its own inverse L2 strength) of the news signals: debate transcripts never show a news
    # text's flags and seldom a hedge or a photo, and say nothing of them in the news; the rules hold
    # them worth checking. A strength of 0.05 lets a few dozen sentences barely move a weight; the desk's own
    # decisions, in the hundreds, move it when the desk retrains.
    priors: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "attributed": (0.5, 0.05),
            "quoted": (0.0, 0.05),
            "unverified_media": (1.5, 0.05),
            "unverified": (1.0, 0.05),
            "hedge": (0.5, 0.05),
            "media": (0.0, 0.05),
        }
    )


CONFIG = Config()


def read_transcript(path: Path) -> list[Example]:
    """A CLEF TSV (``line<TAB>speaker<TAB>text<TAB>label``): each line as a Sentence with the line before it."""
    examples: list[Example] = []
    previous = ""
    with path.open(encoding="utf-8", newline="") as handle:
        for line in handle:
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) < 4 or not fields[0].strip().isdigit():
                continue
            speaker, text, label = fields[1].strip(), "\t".join(fields[2:-1]).strip(), fields[-1].strip()
            if len(text) > 1 and text[0] == text[-1] == '"' and '"' not in text[1:-1].replace('""', ""):
                text = next(csv.reader([text]))[0]  # CSV-style quoting of the whole field
            examples.append((Sentence(text, speaker=speaker, previous=previous), int(label)))
            previous = text
    return examples


def clef_examples(directory: Path = DATA_DIR) -> list[tuple[str, list[Example]]]:
    """(transcript name, its examples in line order) for each CLEF-2019 training transcript, by name."""
    return [(path.stem, read_transcript(path)) for path in sorted(directory.glob("*.tsv"))]


def featurize(sentences: Iterable[Sentence]) -> list[Row]:
    """What the model reads in each sentence, one sentence at a time (``Model.score`` reads the same in batches;
    a test holds them equal)."""
    rows: list[Row] = []
    cache: dict[str, tuple[set[str], features.Analysis]] = {}
    for s in sentences:
        if len(cache) > 10_000:
            cache.clear()
        grams, own = cache.get(s.text) or cache.setdefault(s.text, features.analyse(s.text))
        previous = None
        if s.previous:
            previous = (cache.get(s.previous) or cache.setdefault(s.previous, features.analyse(s.previous)))[1]
        rows.append((grams, features.rule_features(own, previous, s)))
    return rows


@dataclass(frozen=True)
class Design:
    """The rows as a matrix: L2-normalised TF-IDF n-grams, then the rule features (``features.RULES``), then a
    column of ones for the intercept."""

    x: sparse.csr_matrix
    vocabulary: list[str]
    idf: np.ndarray


def design(rows: Sequence[Row], min_df: int) -> Design:
    """The n-grams of at least ``min_df`` rows, with smoothed idf, and the rows' matrix."""
    counts: Counter[str] = Counter()
    for grams, _ in rows:
        counts.update(grams)
    vocabulary = sorted(t for t, n in counts.items() if n >= min_df)
    idf = np.log((1 + len(rows)) / (1 + np.array([counts[t] for t in vocabulary], dtype=float))) + 1.0
    return Design(matrix(rows, vocabulary, idf), vocabulary, idf)


def matrix(rows: Sequence[Row], vocabulary: list[str], idf: np.ndarray) -> sparse.csr_matrix:
    column = {t: i for i, t in enumerate(vocabulary)}
    rule_column = {name: i for i, name in enumerate(features.RULES)}
    text_indptr, text_indices, rule_indptr, rule_indices, rule_values = [0], [], [0], [], []
    for grams, found in rows:
        text_indices.extend([column[g] for g in grams if g in column])
        text_indptr.append(len(text_indices))
        rule_indices.extend([rule_column[name] for name in found])
        rule_values.extend([value for value, _ in found.values()])
        rule_indptr.append(len(rule_indices))
    text = sparse.csr_matrix((idf[text_indices], text_indices, text_indptr), shape=(len(rows), len(vocabulary)))
    text.sort_indices()
    norms = np.sqrt(np.asarray(text.multiply(text).sum(axis=1)).ravel())
    text = sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ text
    rules = sparse.csr_matrix((rule_values, rule_indices, rule_indptr), shape=(len(rows), len(features.RULES)))
    x = sparse.hstack([text, rules, np.ones((len(rows), 1))], format="csr")
    x.sort_indices()  # a row's n-grams come from a set, in an order that differs between processes: sums would too
    return x


def fit(rows: Sequence[Row], labels: Sequence[int], config: Config = CONFIG) -> Model:
    """The logistic regression on these rows, by Newton-CG on the mean weighted log-loss plus L2 penalties
    (band thresholds left at 0.5: ``train`` sets them)."""
    y = np.asarray(labels, dtype=float)
    if len(rows) != len(y) or not 0 < y.sum() < len(y):
        raise ValueError("training needs as many labels as sentences, and both labels")
    d = design(rows, config.min_df)
    x, vocabulary, idf = d.x, d.vocabulary, d.idf
    n_terms, n_rules = len(vocabulary), len(features.RULES)
    rule_column = {name: n_terms + i for i, name in enumerate(features.RULES)}
    xt = x.T.tocsr()
    positive = y.sum()
    sample = np.where(y > 0, len(y) / (2 * positive), len(y) / (2 * (len(y) - positive))) if config.balanced else 1.0
    sample = sample * np.ones(len(y)) / len(y)  # the mean loss: tolerances do not depend on the data's size
    prior = np.zeros(n_terms + n_rules + 1)
    penalty = np.concatenate([np.full(n_terms, 1.0 / config.c), np.full(n_rules, 1.0 / config.c_rules), [0.0]])
    for name, (mean, strength) in config.priors.items():
        prior[rule_column[name]] = mean
        penalty[rule_column[name]] = 1.0 / strength
    penalty /= len(y)
    curvature = np.zeros(len(y))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ theta
        p = special.expit(z)
        curvature[:] = sample * p * (1.0 - p)
        shift = theta - prior
        value = float(np.sum(sample * (np.logaddexp(0.0, z) - y * z)) + 0.5 * np.sum(penalty * shift * shift))
        return value, xt @ (sample * (p - y)) + penalty * shift

    def hessp(_: np.ndarray, v: np.ndarray) -> np.ndarray:
        return xt @ (curvature * (x @ v)) + penalty * v

    result = optimize.minimize(loss, prior, jac=True, hessp=hessp, method="Newton-CG", options={"xtol": 1e-6})
    theta = result.x
    # Rounded as the model file stores them: a model scores the same before and after a save.
    return Model(
        intercept=round(float(theta[-1]), 6),
        rules={name: round(float(theta[rule_column[name]]), 6) for name in features.RULES},
        terms={t: (round(float(idf[i]), 4), round(float(theta[i]), 5)) for i, t in enumerate(vocabulary)},
        thresholds={"high": 0.5, "medium": 0.5},
    )


# Bands, as lifts over the training data's share of check-worthy sentences (2.7% in the debates): "high" is
# where at least 9 times that share is check-worthy (24%; about the top 1% of debate lines), "medium" at least
# 4.5 times (12%; about the top 10%). Lifts, not fixed precisions, so that a retrain on the desk's decisions,
# where far more candidates are worth checking, still keeps "high" for the best of them.
HIGH_LIFT, MEDIUM_LIFT = 9.0, 4.5
MIN_SHARE = 0.005  # a band's precision is counted over at least this share of the sentences


def bands(scores: Sequence[float], labels: Sequence[int]) -> dict[str, float]:
    """Band thresholds from out-of-fold scores: the lowest score above which the share of check-worthy
    sentences is at least HIGH_LIFT (MEDIUM_LIFT) times their share overall (capped at 90% and 60%)."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    ranked = np.asarray(scores, dtype=float)[order]
    hits = np.cumsum(np.asarray(labels, dtype=float)[order])
    precision = hits / np.arange(1, len(ranked) + 1)
    base = float(hits[-1]) / len(ranked)
    floor = max(1, math.ceil(MIN_SHARE * len(ranked)))
    thresholds = {}
    for band, target in (("high", min(0.9, HIGH_LIFT * base)), ("medium", min(0.6, MEDIUM_LIFT * base))):
        good = np.nonzero(precision[floor - 1 :] >= target)[0]
        k = int(good[-1]) + floor - 1 if len(good) else floor - 1
        thresholds[band] = float(ranked[k])
    thresholds["medium"] = min(thresholds["medium"], thresholds["high"])
    return thresholds


def train(examples: Iterable[Example], *, include_clef: bool = True, config: Config = CONFIG, folds: int = 5) -> Model:
    """The model fitted on the examples (plus the CLEF transcripts unless ``include_clef`` is False), with band
    thresholds set from the out-of-fold scores of ``folds`` folds (a CLEF transcript stays in one fold; the
    other examples are spread over the folds at random, with a fixed seed)."""
    rng = np.random.default_rng(SEED)
    extra = list(examples)
    groups: list[tuple[int, list[Example]]] = []
    if include_clef:
        transcripts = clef_examples()
        order = rng.permutation(len(transcripts))
        groups += [(int(order[i]) % folds, part) for i, (_, part) in enumerate(transcripts)]
    clef_sentences = sum(len(part) for _, part in groups)
    if extra:
        fold_of = rng.integers(0, folds, size=len(extra))
        groups += [(f, [e for e, g in zip(extra, fold_of, strict=True) if g == f]) for f in range(folds)]
    fold = np.concatenate([np.full(len(part), f) for f, part in groups]) if groups else np.zeros(0)
    everything = [e for _, part in groups for e in part]
    rows = featurize(s for s, _ in everything)
    labels = np.array([label for _, label in everything])
    model = fit(rows, labels.tolist(), config)
    oof = np.zeros(len(rows))
    for f in range(folds):
        held = fold == f
        if not held.any() or not 0 < labels[~held].sum() < (~held).sum():
            oof[held] = [_probability(model, rows[i]) for i in np.nonzero(held)[0]]
            continue
        part = fit([rows[i] for i in np.nonzero(~held)[0]], labels[~held].tolist(), config)
        oof[held] = [_probability(part, rows[i]) for i in np.nonzero(held)[0]]
    thresholds = {band: round(value, 6) for band, value in bands(oof.tolist(), labels.tolist()).items()}
    notes = {
        "trained_on": {
            "clef2019_sentences": clef_sentences,
            "desk_decisions": len(extra),
            "check_worthy": int(labels.sum()),
        },
        "config": asdict(config),
        "bands": {
            "how": f"{folds}-fold out-of-fold scores on the training data: high = the lowest score above which "
            f"at least {HIGH_LIFT:g} times the overall share of check-worthy sentences are check-worthy, "
            f"medium = {MEDIUM_LIFT:g} times",
            "check_worthy_share": round(float(labels.mean()), 4),
            "share_high": round(float(np.mean(oof >= thresholds["high"])), 4),
            "share_medium_or_high": round(float(np.mean(oof >= thresholds["medium"])), 4),
        },
    }
    return Model(model.intercept, model.rules, model.terms, thresholds, notes)


def _probability(model: Model, row: Row) -> float:
    return float(special.expit(model.logits(*row)))
