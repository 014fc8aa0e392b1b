"""The CLEF-2020 CheckThat! task 2 files (verified claim retrieval) and the lab's measures.

``verified_claims.docs.tsv`` holds ``vclaim_id<TAB>vclaim<TAB>title`` with CSV-style quoting (a quoted claim may
span lines: 10,389 lines, 10,375 claims); ``tweets.queries.tsv`` holds ``tweet_id<TAB>tweet``;
``tweet-vclaim-pairs.qrels`` holds ``tweet_id<TAB>0<TAB>vclaim_id<TAB>1``.
"""

import csv
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from .documents import Document

DATA_ENV = "CLEF2020_TASK2_DIR"


class Split(NamedTuple):
    queries: dict[int, str]  # tweet id -> tweet text
    relevant: dict[int, set[int]]  # tweet id -> ids of the fact-checks that verify it


def data_dir() -> Path:
    """$CLEF2020_TASK2_DIR, else shared/data/clef2020-task2 beside the repository."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    return Path(__file__).resolve().parents[4] / "shared" / "data" / "clef2020-task2"


def _rows(path: Path) -> list[list[str]]:
    csv.field_size_limit(1 << 24)
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.reader(handle, delimiter="\t") if row]


def load_documents(directory: Path | None = None) -> list[Document]:
    rows = _rows((directory or data_dir()) / "verified_claims.docs.tsv")
    return [Document(int(row[0]), row[1], row[2]) for row in rows[1:]]


def load_split(name: str, directory: Path | None = None) -> Split:
    """``train`` or ``dev``."""
    folder = (directory or data_dir()) / name
    queries = {int(row[0]): row[1] for row in _rows(folder / "tweets.queries.tsv")[1:]}
    relevant: dict[int, set[int]] = {}
    for row in _rows(folder / "tweet-vclaim-pairs.qrels"):
        relevant.setdefault(int(row[0]), set()).add(int(row[2]))
    return Split(queries, relevant)


def average_precision(ranked: Sequence[int], relevant: set[int], k: int = 5) -> float:
    """AP@k as the lab computes it: precision at each relevant hit in the top k, over min(|relevant|, k)."""
    hits, total = 0, 0.0
    for position, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / position
    return total / min(len(relevant), k) if relevant else 0.0


def measures(rankings: Mapping[int, Sequence[int]], relevant: Mapping[int, set[int]], k: int = 5) -> dict[str, float]:
    """MAP@k, recall@k and MRR@k for every query that has a relevant fact-check."""
    queries: Iterable[int] = [query for query in relevant if relevant[query]]
    ap, recall, rr = [], [], []
    for query in queries:
        ranked, wanted = list(rankings.get(query, [])), relevant[query]
        ap.append(average_precision(ranked, wanted, k))
        recall.append(len(wanted & set(ranked[:k])) / len(wanted))
        first = next((i for i, doc in enumerate(ranked[:k], start=1) if doc in wanted), None)
        rr.append(1.0 / first if first else 0.0)
    n = max(len(ap), 1)
    return {f"MAP@{k}": sum(ap) / n, f"recall@{k}": sum(recall) / n, f"MRR@{k}": sum(rr) / n}
