"""Detection speed on one core: sentences a second through the whole detection (sentence
splitting, attribution, rules, check-worthiness scoring, selection), beside its floor
measured in the same run: sentence splitting alone.

    .venv/bin/python scripts/bench_detection.py [--repeat 5]

Text: the Panjshir article and the five saved news pages (as imported), and the 19 CLEF
transcripts as plain prose (speakers dropped), so news and debate text both count.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from factcheck import detection  # noqa: E402
from factcheck.detection import sentences, transcripts  # noqa: E402
from factcheck.importing.html import extract_html  # noqa: E402

CLEF = ROOT / "factcheck" / "checkworthiness" / "data" / "clef2019"


def texts() -> list[str]:
    found = [(ROOT / "factcheck" / "demo" / "panjshir-article.txt").read_text(encoding="utf-8").split("\n", 1)[1]]
    for page in sorted((ROOT / "tests" / "fixtures" / "articles").glob("*.html")):
        found.append(extract_html(page.read_bytes(), "https://example.com/a").body)
    for path in sorted(CLEF.glob("*.tsv")):
        lines = transcripts.parse(path.read_text(encoding="utf-8"))
        found.append("\n".join(" ".join(line.text for line in lines[i : i + 6]) for i in range(0, len(lines), 6)))
    return found


def best_of(repeat: int, call) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bodies = texts()
    count = sum(len(sentences.units(b)) for b in bodies)
    print(f"{len(bodies)} texts, {count:,} sentences, {sum(map(len, bodies)):,} characters; one process, one core")

    def whole() -> None:
        for body in bodies:
            detection.select(detection.suggest_claims(body), limit=10)

    def split_only() -> None:
        for body in bodies:
            sentences.units(body)

    detection.suggest_claims(bodies[0])  # load the model
    best, median = best_of(args.repeat, whole)
    floor, floor_median = best_of(args.repeat, split_only)
    print(f"whole detection     {count / best:>9,.0f} sentences/s (median run {count / median:,.0f})")
    print(f"splitting alone     {count / floor:>9,.0f} sentences/s (median run {count / floor_median:,.0f})")
    print(f"detection takes {best / floor:.1f}x the time of splitting alone; target >= 5,000 sentences/s")


if __name__ == "__main__":
    main()
