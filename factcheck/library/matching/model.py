"""The shipped parameters: BM25 settings, candidate depths and the reranker weights (``model.json``).

``scripts/eval_matching.py --train`` writes ``model.json`` again from the training tweets alone.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import features

MODEL_FILE = Path(__file__).with_name("model.json")


@dataclass(frozen=True)
class Reranker:
    """Logistic regression on standardised features: P(match) = sigmoid(((x - mean) / scale) . coef + b)."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def score(self, matrix: np.ndarray) -> np.ndarray:
        columns = [features.NAMES.index(name) for name in self.names]
        x = (matrix[:, columns] - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(x @ np.asarray(self.coef) + self.intercept)))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Reranker":
        names = tuple(str(name) for name in data["names"])
        unknown = set(names) - set(features.NAMES)
        if unknown:
            raise ValueError(f"unknown reranker features: {sorted(unknown)}")
        return cls(
            names,
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
            tuple(float(v) for v in data["coef"]),
            float(data["intercept"]),
        )


@dataclass(frozen=True)
class Model:
    k1: float = 1.2
    b: float = 0.75
    author_weight: float = 0.5  # weight of the tweet signature's author terms against its prose
    depth: int = 100  # BM25 candidates reranked per query
    dense_depth: int = 50  # nearest embeddings added to them (dense extra)
    lexical: Reranker | None = None  # used without the dense extra
    dense: Reranker | None = None  # used with it
    notes: dict[str, Any] = field(default_factory=dict)  # how it was trained, and what it scored

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1) + "\n"

    @classmethod
    def from_json(cls, raw: str) -> "Model":
        data = json.loads(raw)
        rerankers = {key: Reranker.from_dict(data[key]) if data.get(key) else None for key in ("lexical", "dense")}
        return cls(
            k1=float(data["k1"]),
            b=float(data["b"]),
            author_weight=float(data["author_weight"]),
            depth=int(data["depth"]),
            dense_depth=int(data["dense_depth"]),
            notes=dict(data.get("notes") or {}),
            **rerankers,
        )


def load(path: Path = MODEL_FILE) -> Model:
    return Model.from_json(path.read_text(encoding="utf-8"))
