"""The check-worthiness model: a logistic regression over TF-IDF word uni- and bigrams and rule features.

    P(check-worthy) = sigmoid(b + sum_t idf_t * w_t / ||idf||  +  sum_r v_r * w_r)

where t runs over the sentence's known n-grams (binary term frequency, L2-normalised TF-IDF) and r over its rule
features (``features.RULES``). The file (``model.json``) holds the intercept, each rule's weight, each term's
idf and weight, the band thresholds and notes on how it was trained. Scoring needs nothing but this module.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from . import batch, features
from .features import PHRASES
from .records import Score, Sentence

MODEL_FILE = Path(__file__).with_name("model.json")
FORMAT = 1
REASON_MIN = 0.1  # a feature explains a score when it moves the log-odds by at least this much
WORDING_MIN = 0.25  # ... and the sentence's own words when one n-gram moves it by at least this much
MAX_REASONS = 5
FEW = 4  # a batch of fewer texts is read one text at a time (batch.read_few): faster, the same result
_STAGE: features.Found = {"stage_speaker": (1.0, "")}
_EVIDENCE_CHARS = 40


def _quote(evidence: str) -> str:
    if len(evidence) <= _EVIDENCE_CHARS and "  " not in evidence and "\n" not in evidence:
        return evidence
    evidence = " ".join(evidence.split())
    return evidence if len(evidence) <= _EVIDENCE_CHARS else evidence[: _EVIDENCE_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class Model:
    intercept: float
    rules: dict[str, float]  # rule feature -> weight
    terms: dict[str, tuple[float, float]]  # n-gram -> (idf, weight)
    thresholds: dict[str, float]  # "high" and "medium": the lowest score of each band
    notes: dict[str, Any] = field(default_factory=dict)  # how it was trained, and what it scored
    _cache: dict[str, Any] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.rules) - set(features.RULES)
        if unknown:
            raise ValueError(f"unknown rule features: {sorted(unknown)}")
        if not 0.0 <= self.thresholds["medium"] <= self.thresholds["high"] <= 1.0:
            raise ValueError(f"band thresholds out of order: {self.thresholds}")

    @property
    def version(self) -> str:
        """A short hash of the model file's content: what scored a sentence, for the record."""
        if "version" not in self._cache:
            self._cache["version"] = hashlib.sha256(self.to_json().encode()).hexdigest()[:12]
        return str(self._cache["version"])

    @property
    def index(self) -> batch.Index:
        if "index" not in self._cache:
            self._cache["index"] = batch.Index.build(self.terms)
        index: batch.Index = self._cache["index"]
        return index

    def _table(self) -> dict[str, tuple[float, str | None, str | None]]:
        """Per rule feature of non-zero weight: (weight, reason before its evidence, reason after it or None)."""
        if "table" not in self._cache:
            table: dict[str, tuple[float, str | None, str | None]] = {}
            for name, weight in self.rules.items():
                if weight:
                    parts = PHRASES[name].split("{}") if name in PHRASES else [None]
                    table[name] = (weight, parts[0], parts[1] if len(parts) > 1 else None)
            self._cache["table"] = table
        result: dict[str, tuple[float, str | None, str | None]] = self._cache["table"]
        return result

    def band(self, value: float) -> str:
        return "high" if value >= self.thresholds["high"] else "medium" if value >= self.thresholds["medium"] else "low"

    def score(self, sentences: Sequence[Sentence]) -> list[Score]:
        if not sentences:
            return []
        texts = [s.text for s in sentences]
        context: list[int] = []  # where each sentence's previous text is analysed (-1: it has none)
        more: dict[str, int] = {}  # previous texts that are not in the batch
        for i, s in enumerate(sentences):
            if not s.previous:
                context.append(-1)
            elif i and s.previous == texts[i - 1]:
                context.append(i - 1)
            else:
                context.append(len(texts) + more.setdefault(s.previous, len(more)))
        if len(texts) + len(more) < FEW:
            read = batch.read_few(texts + list(more), self.terms, len(texts), WORDING_MIN)
        else:
            read = batch.read(texts + list(more), self.index, len(texts), WORDING_MIN)
        analyses, table, lowest, wordings = read.analyses, self._table(), REASON_MIN, read.wording
        weight = self.rules.get
        after_figure, after_question, after_entity = (
            weight("prev_figure", 0.0),
            weight("prev_question", 0.0),
            weight("prev_entity", 0.0),
        )
        logits = (read.text_logits + self.intercept).tolist()
        explained: list[dict[str, float]] = []
        for i, sentence in enumerate(sentences):
            reasons: dict[str, float] = {}
            logit = logits[i]
            found = analyses[i].found
            if not sentence.speaker or sentence.attributed or sentence.quoted or sentence.unverified_media:
                found = found | features.sentence_features(None, sentence)
            elif features.is_stage_speaker(sentence.speaker):
                found = found | _STAGE
            for name, (value, words) in found.items():
                entry = table.get(name)
                if entry is None:
                    continue
                contribution = entry[0] * value
                logit += contribution
                if entry[1] is not None and (contribution >= lowest or contribution <= -lowest):
                    if entry[2] is None:
                        key = entry[1]
                    else:
                        shown = words if len(words) <= _EVIDENCE_CHARS and "  " not in words else _quote(words)
                        key = entry[1] + shown + entry[2]
                    reasons[key] = reasons.get(key, 0.0) + contribution
            if (j := context[i]) >= 0:  # the sentence before (features.context_features; they give no reason)
                previous = analyses[j]
                if previous.figure:
                    logit += after_figure
                if previous.question:
                    logit += after_question
                if previous.entity:
                    logit += after_entity
            logits[i] = logit
            wording = wordings.get(i)
            if wording:
                reasons["wording: " + ", ".join(f"“{t}”" for _, t in wording[:2])] = wording[0][0]
            explained.append(reasons)
        values = 1.0 / (1.0 + np.exp(-np.clip(np.asarray(logits), -30.0, 30.0)))
        high, medium = self.thresholds["high"], self.thresholds["medium"]
        return [
            Score(value, "high" if value >= high else "medium" if value >= medium else "low", _order(reasons))
            for value, reasons in zip(values.tolist(), explained, strict=True)
        ]

    def logits(self, grams: set[str], found: features.Found) -> float:
        """The log-odds from a sentence's n-grams and rule features (what training and evaluation rank by;
        ``score`` computes the same for a batch)."""
        terms, squares, dot = self.terms, 0.0, 0.0
        for gram in sorted(grams):  # in a fixed order, so that training is reproducible to the last bit
            entry = terms.get(gram)
            if entry is not None:
                squares += entry[0] * entry[0]
                dot += entry[0] * entry[1]
        logit = self.intercept + (dot / squares**0.5 if squares else 0.0)
        for name, (value, _) in found.items():
            logit += self.rules.get(name, 0.0) * value
        return logit

    def to_json(self) -> str:
        """One key a line, and one term a line (sorted): a retrain shows as a readable diff."""
        head = {
            "format": FORMAT,
            "intercept": round(self.intercept, 6),
            "thresholds": {k: round(v, 6) for k, v in sorted(self.thresholds.items())},
            "rules": {name: round(self.rules[name], 6) for name in features.RULES if name in self.rules},
            "notes": self.notes,
        }
        lines = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}," for k, v in head.items()]
        terms = [
            f"{json.dumps(t, ensure_ascii=False)}: [{round(idf, 4)}, {round(w, 5)}]"
            for t, (idf, w) in sorted(self.terms.items())
        ]
        return "{\n" + "\n".join(lines) + '\n"terms": {\n' + ",\n".join(terms) + "\n}}"

    @classmethod
    def from_json(cls, raw: str) -> "Model":
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown check-worthiness model format {data.get('format')!r}")
        return cls(
            intercept=float(data["intercept"]),
            rules={str(k): float(v) for k, v in data["rules"].items()},
            terms={str(t): (float(idf), float(w)) for t, (idf, w) in data["terms"].items()},
            thresholds={str(k): float(v) for k, v in data["thresholds"].items()},
            notes=dict(data.get("notes") or {}),
        )

    def save(self, path: Path | str) -> None:
        """Write the model (a temporary file renamed over the target, so a reader never sees half of it)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(self.to_json() + "\n", encoding="utf-8")
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path | str = MODEL_FILE) -> "Model":
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def _order(reasons: dict[str, float]) -> tuple[str, ...]:
    """What raised the score, strongest first, then what lowered it, strongest first (each at least
    REASON_MIN: ``score`` keeps no smaller one)."""
    if len(reasons) < 2:
        return tuple(p if c > 0 else p + " (lowers)" for p, c in reasons.items())
    ranked = sorted(reasons.items(), key=itemgetter(1), reverse=True)
    up = [phrase for phrase, c in ranked if c > 0]
    if len(up) < len(ranked):
        up += [phrase + " (lowers)" for phrase, c in reversed(ranked) if c < 0]
    return tuple(up[:MAX_REASONS])
