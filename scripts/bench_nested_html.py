"""Nested HTML (issue 13, point 1): how long each entry point takes to refuse 64,000 and 100,000
nested <div>s now, beside what the sanitiser (nh3) and the extractor (trafilatura) alone took on
the same markup before the limits (run in a child process, given --old-budget seconds).

    .venv/bin/python scripts/bench_nested_html.py [--old-budget 300] [--skip-old]

The entry points are the import domain's, as the faces call them (no database is touched: the
refusal comes first): the API push (`import_payload` with `html`), an upload (`import_file`),
a URL (fetched from a local HTTP server) and a feed (its entry carries the markup, escaped).
"""

import argparse
import html
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from factcheck import sandbox  # noqa: E402
from factcheck.importing import ImportFailed, feeds, sources  # noqa: E402
from factcheck.importing.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS  # noqa: E402
from tests.local_server import LocalServer  # noqa: E402


def nested(divs: int) -> str:
    head = "<html><head><title>Deep</title></head><body>"
    return head + "<div>" * divs + "Text." + "</div>" * divs + "</body></html>"


def timed(call) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        outcome = call()
        message = f"accepted?! {str(outcome)[:60]}"
    except ImportFailed as error:
        message = error.message
    return time.perf_counter() - start, message


def old(name: str, args: tuple, budget: float) -> str:
    start = time.perf_counter()
    try:
        sandbox.run(name, *args, budget=budget)
    except sandbox.TimedOut:
        return f"> {budget:.0f} s (stopped)"
    return f"{time.perf_counter() - start:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old-budget", type=float, default=300, help="seconds the old path may run (default 300)")
    parser.add_argument("--skip-old", action="store_true", help="measure only the refusals")
    options = parser.parse_args()
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    rows = []
    with LocalServer() as server:
        for divs in (64_000, 100_000):
            markup = nested(divs)
            feed = (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>E</title>'
                f"<link>{server.url('/gone')}</link><description>{html.escape(markup)}</description></item>"
                "</channel></rss>"
            )
            server.routes["/deep"] = (200, "text/html", markup.encode())
            server.routes["/feed.xml"] = (200, "application/rss+xml", feed.encode())
            points = {
                "API push (html)": lambda m=markup: sources.from_mapping({"title": "Deep", "html": m}, "article"),
                "upload (.html)": lambda m=markup: sources.parse_file("deep.html", m.encode()),
                "URL": lambda: sources.article_from_url(server.url("/deep")),
                "feed": lambda: feeds.read_feed(server.url("/feed.xml")),
            }
            for point, call in points.items():
                seconds, message = timed(call)
                rows.append((divs, len(markup), point, seconds, message))
            if not options.skip_old:
                tags, schemes = ALLOWED_TAGS, {"http", "https", "mailto"}
                nh3_old = old("clean", (markup, tags, ALLOWED_ATTRIBUTES, schemes), options.old_budget)
                trafilatura_old = old("read_page", (markup, ""), options.old_budget)
                rows.append((divs, len(markup), "before: nh3 alone / trafilatura alone", 0.0,
                             f"{nh3_old} / {trafilatura_old}"))  # fmt: skip
    print("| nested divs | bytes | entry point | refused in | message |")
    print("| --- | --- | --- | --- | --- |")
    for divs, size, point, seconds, message in rows:
        took = f"{seconds * 1000:.0f} ms" if seconds else "—"
        print(f"| {divs:,} | {size:,} | {point} | {took} | {message[:110]} |")


if __name__ == "__main__":
    main()
