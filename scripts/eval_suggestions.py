"""Precision of the suggestions on real news: the Panjshir article and the five saved pages
of the test suite, against hand-made labels (tests/fixtures/suggestion_labels.json: every
sentence judged check-worthy or not, without looking at the detector).

    .venv/bin/python scripts/eval_suggestions.py [--limit 10] [--show]

A suggestion counts as right when a sentence labelled check-worthy makes up at least half
of it, or it at least half of that sentence. Precision is over the suggestions made (at most
--limit per article, as the import makes them); an article with fewer good sentences than
--limit cannot reach 1.0 unless the threshold holds the rest back.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from factcheck import detection  # noqa: E402
from factcheck.importing.html import extract_html  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "suggestion_labels.json"
SOURCES = {"panjshir-article.txt": ROOT / "factcheck" / "demo" / "panjshir-article.txt"}


def load(source: str) -> tuple[str, list[str]]:
    """(body, captions) of an article as the import reads it."""
    if source in SOURCES:
        return SOURCES[source].read_text(encoding="utf-8").split("\n", 1)[1].strip(), []
    page = extract_html((ROOT / "tests" / "fixtures" / source).read_bytes(), "https://example.com/article")
    return page.body, [m.caption for m in page.media]


def labelled_spans(text: str, sentences: list[dict]) -> list[tuple[int, int, int]]:
    """(start, end, label) of each labelled sentence found in order in ``text``."""
    spans, cursor = [], 0
    for s in sentences:
        i = text.find(s["text"], cursor)
        if i < 0:
            i = text.find(s["text"])
        if i >= 0:
            spans.append((i, i + len(s["text"]), s["label"]))
            cursor = i + len(s["text"])
    return spans


def correct(a: int, b: int, spans: list[tuple[int, int, int]]) -> bool:
    for c, d, label in spans:
        overlap = min(b, d) - max(a, c)
        if label and overlap > 0 and (overlap >= 0.5 * (d - c) or overlap >= 0.5 * (b - a)):
            return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=settings.SUGGESTIONS_PER_ARTICLE)
    parser.add_argument("--threshold", type=float, default=settings.SUGGESTION_THRESHOLD)
    parser.add_argument("--show", action="store_true", help="print each suggestion, + right, - wrong")
    args = parser.parse_args()
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    right_all = made_all = 0
    print(f"{'article':<58} {'made':>4} {'right':>5} {'P@' + str(args.limit):>6} {'good':>5} {'more':>5}")
    for article in labels["articles"]:
        body, captions = load(article["source"])
        body_spans = labelled_spans(body, [s for s in article["sentences"] if s["where"] == "body"])
        caption_labels = [s for s in article["sentences"] if s["where"] == "caption"]
        pool = detection.suggest_claims(body)
        from_caption = set()
        for caption in captions:
            for s in detection.caption_claims(caption):
                pool.append(s)
                from_caption.add(id(s))
        top, more = detection.select(pool, limit=args.limit, threshold=args.threshold)
        right = 0
        for s in top:
            if id(s) in from_caption:
                ok = any(c["label"] and (c["text"] in s.text or s.text in c["text"]) for c in caption_labels)
            else:
                ok = correct(s.span_start, s.span_end, body_spans)
            right += ok
            if args.show:
                print(f"   {'+' if ok else '-'} {s.score:.2f} {s.band:<6} {s.text[:110]}")
        good = sum(s["label"] for s in article["sentences"])
        precision = right / len(top) if top else 1.0
        print(f"{article['source'][:58]:<58} {len(top):>4} {right:>5} {precision:>6.2f} {good:>5} {len(more):>5}")
        right_all, made_all = right_all + right, made_all + len(top)
    print(f"{'all articles (micro)':<58} {made_all:>4} {right_all:>5} {right_all / max(1, made_all):>6.2f}")


if __name__ == "__main__":
    main()
