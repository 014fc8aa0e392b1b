"""Rewrite the README's table of the desk's speed at 100,000 claims from ``make bench``'s output.

    python scripts/bench_readme.py .bench/scale.txt .bench/import.txt .bench/load.txt

Every figure line of the benchmarks (``label<two or more spaces>value``) becomes a row, in the order
printed, between the README's ``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers, with the
machine's load average and the date, so that the table is never edited by hand."""

import os
import re
import sys
from datetime import date
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
FIGURE = re.compile(r"^(build|claims|claimreview|page|import|load)\b(.*?)\s{2,}(\S.*)$")


def rows(paths: list[str]) -> list[str]:
    found = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if match := FIGURE.match(line.rstrip()):
                label = (match.group(1) + match.group(2)).strip()
                value = " ".join(re.sub(r"\s{3,}", " · ", match.group(3).strip()).split())
                found.append(f"| {label.replace('|', '/')} | {value.replace('|', '/')} |")
    return found


def main() -> None:
    table = rows(sys.argv[1:])
    if not table:
        raise SystemExit("no figures found in the files given")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    block = "\n".join(
        [START, f"Measured {date.today().isoformat()} (load average {load}) by `make bench`.", "",
         "| figure | measured |", "| --- | --- |", *table, END]
    )  # fmt: skip
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} … {END} block")
    head, rest = text.split(START, 1)
    README.write_text(head + block + rest.split(END, 1)[1], encoding="utf-8")
    print(f"README.md: {len(table)} figures written")


if __name__ == "__main__":
    main()
