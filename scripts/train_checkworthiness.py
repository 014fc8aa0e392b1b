"""Check-worthiness on CLEF-2019 CheckThat! Task 1: measure the model, or train the one that ships.

    .venv/bin/python scripts/train_checkworthiness.py --eval            # leave-one-transcript-out MAP (fixed config)
    .venv/bin/python scripts/train_checkworthiness.py --eval --nested   # ... choosing C inside each fold too
    .venv/bin/python scripts/train_checkworthiness.py --choose          # C by grouped 6-fold CV on the 19 transcripts
    .venv/bin/python scripts/train_checkworthiness.py --train           # fit on all 19, write model.json, time it
    .venv/bin/python scripts/train_checkworthiness.py --bench [FILE]    # scoring speed of the shipped (or given) model

Only the 19 training transcripts shipped in factcheck/checkworthiness/data/clef2019/ are read (the lab's test
transcripts are never used). --eval also prints the lab's setting: train on the first 16 transcripts by date,
test on the last 3. --compare-sklearn fits scikit-learn's LogisticRegression on the same features for comparison
(development only: the desk trains and scores with numpy and scipy alone). Training is deterministic.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.checkworthiness import Sentence, evaluation, training  # noqa: E402
from factcheck.checkworthiness.model import MODEL_FILE, Model  # noqa: E402


def report(label: str, aps: dict[str, float]) -> float:
    mean = statistics.fmean(aps.values())
    print(f"\n{label}: MAP {mean:.4f} over {len(aps)} transcripts")
    for name, ap in aps.items():
        print(f"  {name:32s} AP {ap:.4f}")
    return mean


def evaluate(nested: bool, sklearn: bool) -> None:
    started = time.perf_counter()
    transcripts = evaluation.prepare(training.clef_examples())
    lines = sum(len(t[2]) for t in transcripts)
    positives = sum(sum(t[2]) for t in transcripts)
    print(f"{len(transcripts)} transcripts, {lines:,} lines, {positives} check-worthy; config {training.CONFIG}")
    report("Leave-one-transcript-out (fixed config)", evaluation.loto(transcripts))
    if nested:
        report(
            f"Leave-one-transcript-out, C chosen inside each fold from {evaluation.GRID}",
            evaluation.nested_loto(transcripts),
        )
    report("Lab setting: trained on the first 16, tested on the last 3", evaluation.split(transcripts))
    if sklearn:
        report(
            "scikit-learn LogisticRegression, same features, leave-one-transcript-out",
            evaluation.loto_sklearn(transcripts),
        )
    print(f"\n({time.perf_counter() - started:.0f} s)")


def bench(model: Model) -> None:
    clef = [s for _, part in training.clef_examples() for s, _ in part]
    print(f"scoring speed, one core, batches of 1,000 ({len(clef):,} CLEF lines, with the line before each):")
    print(f"  {evaluation.sentences_per_second(model, clef):,.0f} sentences/s")
    news = ROOT / "tests" / "fixtures" / "suggestion_labels.json"
    if news.exists():  # news sentences as text only (their labels are not read)
        texts = [s["text"] for a in json.loads(news.read_text())["articles"] for s in a["sentences"]]
        sentences = [Sentence(t, previous=p) for p, t in zip(["", *texts], texts, strict=False)] * 40
        print(
            f"  {evaluation.sentences_per_second(model, sentences):,.0f} sentences/s on news sentences "
            f"({len(texts)} from the test fixtures, average {statistics.fmean(map(len, texts)):.0f} characters)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", action="store_true", help="leave-one-transcript-out MAP and per-transcript AP")
    parser.add_argument("--nested", action="store_true", help="with --eval: choose C inside each fold as well")
    parser.add_argument("--compare-sklearn", action="store_true", help="with --eval: scikit-learn on the same features")
    parser.add_argument("--choose", action="store_true", help="choose C by grouped cross-validation on all 19")
    parser.add_argument("--train", action="store_true", help=f"fit on all 19 transcripts and write {MODEL_FILE.name}")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="where --train writes (default: the shipped file)")
    parser.add_argument("--bench", nargs="?", const=MODEL_FILE, type=Path, help="scoring speed of a model file")
    args = parser.parse_args()
    if not (args.eval or args.choose or args.train or args.bench):
        parser.error("say --eval, --choose, --train or --bench")
    if args.eval:
        evaluate(args.nested, args.compare_sklearn)
    if args.choose:
        chosen = evaluation.choose_c(evaluation.prepare(training.clef_examples()), verbose=True)
        print(f"chosen: C = {chosen.c} (training.Config.c is {training.CONFIG.c})")
    if args.train:
        started = time.perf_counter()
        model = training.train([])
        transcripts = evaluation.prepare(training.clef_examples())
        fixed = statistics.fmean(evaluation.loto(transcripts).values())
        model = Model(
            model.intercept,
            model.rules,
            model.terms,
            model.thresholds,
            {**model.notes, "loto_map": round(fixed, 4), "data": "CLEF-2019 CheckThat! Task 1 training"},
        )
        model.save(args.out)
        reloaded = Model.load(args.out)
        print(
            f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, version {reloaded.version}) "
            f"in {time.perf_counter() - started:.0f} s: {len(model.terms):,} terms, LOTO MAP {fixed:.4f}, "
            f"bands {model.thresholds}"
        )
        bench(reloaded)
    elif args.bench:
        bench(Model.load(args.bench))


if __name__ == "__main__":
    main()
