"""Check-worthiness: how much a sentence deserves a fact-check, in [0, 1], with its reasons.

    score([Sentence(text, speaker=..., attributed=..., previous=...), ...]) -> [Score(value, band, reasons), ...]

A logistic regression over word n-grams and rule features (``model``, ``features``), trained on the CLEF-2019
CheckThat! debate transcripts shipped in ``data/clef2019/`` plus, after a retrain, the desk's own decisions
(``training``). The model in use is the file at ``settings.CHECKWORTHINESS_MODEL_PATH`` when that setting names
an existing file, else the shipped ``model.json``; ``reload()`` makes a retrained file take effect.
"""

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from .model import MODEL_FILE, Model
from .records import Score, Sentence

__all__ = [
    "MODEL_FILE",
    "Model",
    "Score",
    "Sentence",
    "current",
    "model_path",
    "model_version",
    "reload",
    "score",
    "score_text",
]

log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: list[Model] = []  # the model in use, once loaded


def model_path() -> Path:
    """Where the model in use comes from: the configured file when it exists, else the shipped one."""
    from django.conf import settings

    configured = getattr(settings, "CHECKWORTHINESS_MODEL_PATH", None) if settings.configured else None
    if configured and Path(configured).is_file():
        return Path(configured)
    return MODEL_FILE


def current() -> Model:
    """The model in use (loaded on first use; a configured file that cannot be read falls back to the shipped
    model, with an error in the log, so that a bad retrain never stops detection)."""
    if _loaded:
        return _loaded[0]
    with _lock:
        if not _loaded:
            path = model_path()
            try:
                model = Model.load(path)
            except (OSError, ValueError, KeyError, TypeError) as error:
                if path == MODEL_FILE:
                    raise
                log.error("check-worthiness model %s unreadable (%s): using the shipped model", path, error)
                model = Model.load(MODEL_FILE)
            _loaded.append(model)
    return _loaded[0]


def reload() -> Model:
    """Load the model again (after a retrain wrote a new file) and return it."""
    with _lock:
        _loaded.clear()
    return current()


def score(sentences: Sequence[Sentence]) -> list[Score]:
    """A score per sentence, in the same order."""
    return current().score(sentences)


def score_text(text: str) -> Score:
    return current().score([Sentence(text)])[0]


def thresholds() -> dict[str, float]:
    """The loaded model's band thresholds: {"high": lowest high score, "medium": lowest medium score}."""
    return dict(current().thresholds)


def model_version() -> str:
    """The loaded model's version: a short hash of its content."""
    return current().version


def __getattr__(name: str) -> str:
    if name == "MODEL_VERSION":  # always the loaded model's, also after reload()
        return model_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
