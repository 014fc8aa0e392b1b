"""Records from uploaded files: .json (a ClaimReview, a list, a DataFeed, a Fact Check Tools API answer),
.jsonl/.ndjson (one of those a line), .csv/.tsv (columns claim, rating, url, publisher, date, title, language),
.html/.htm, and any of them gzipped (.gz, as Data Commons publishes its feed). Another extension: the content
decides. Charset: decoding.decode_bytes (BOMs, UTF-8, windows-1252, latin-1).

A bad line or row is a Refused with its number ("line 12", "row 7": rows are counted as a spreadsheet shows them,
the header being row 1, a quoted newline not starting a new row) and never stops the file.
"""

import csv
import io
import json
import re
import zlib
from pathlib import PurePosixPath

from factcheck.library.parsing.decoding import decode_bytes, json_error, loads
from factcheck.library.parsing.jsonld import Page, read_jsonld, read_node
from factcheck.library.parsing.records import Refused, Result
from factcheck.library.parsing.shapes import COLUMNS, column_of, from_flat
from factcheck.library.parsing.text import excerpt
from factcheck.library.parsing.webpage import records_from_html

MAX_UNPACKED = 512 * 1024 * 1024  # a .gz that unpacks to more is refused
_KINDS = {".json": "json", ".jsonld": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl",
          ".csv": "csv", ".tsv": "csv", ".html": "html", ".htm": "html"}  # fmt: skip
_DELIMITERS = ",;\t|"


def records_from_file(name: str, content: bytes) -> list[Result]:
    """Records from a file's name (for its extension) and content."""
    suffix = PurePosixPath(name.replace("\\", "/").lower()).suffix
    if suffix == ".gz" or content[:2] == b"\x1f\x8b":
        unpacked = _gunzip(content)
        if unpacked is None:
            return [Refused("The file is not a gzip file that unpacks (or it unpacks to over 512 MiB).", "file")]
        content, suffix = unpacked, PurePosixPath(name.lower().removesuffix(".gz")).suffix
    if suffix in (".html", ".htm") or (suffix not in _KINDS and content.lstrip()[:1] == b"<"):
        return records_from_html(content)
    text = decode_bytes(content)
    kind = _KINDS.get(suffix) or _sniff(text)
    if kind == "json":
        return _json(text)
    if kind == "jsonl":
        return _json_lines(text)
    if kind == "csv":
        return _csv(text)
    reason = "The file's format could not be recognised: give JSON, JSON lines, CSV or HTML."
    return [Refused(reason, "file", excerpt(text))]


def _gunzip(content: bytes) -> bytes | None:
    try:
        unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = unpacker.decompress(content, MAX_UNPACKED + 1)
    except zlib.error:
        return None
    return data if len(data) <= MAX_UNPACKED and not unpacker.unconsumed_tail else None


def _sniff(text: str) -> str:
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return "json"
    first_line = text.lstrip().split("\n", 1)[0]
    return "csv" if any(delimiter in first_line for delimiter in _DELIMITERS) else ""


def _json(text: str) -> list[Result]:
    try:
        data = loads(text)
    except RecursionError:
        return [Refused("The file's JSON is nested too deeply to read.", "file", excerpt(text))]
    except json.JSONDecodeError as error:
        lines = [line for line in text.split("\n") if line.strip()]
        if len(lines) > 1 and all(line.lstrip()[:1] in ("{", "[") for line in lines[:20]):
            return _json_lines(text)  # JSON lines under a .json name
        line = text.split("\n")[error.lineno - 1] if text else ""
        reason = f"The file is not valid JSON ({json_error(error)})."
        return [Refused(reason, f"line {error.lineno}", excerpt(line))]
    return read_jsonld(data, Page())


def _json_lines(text: str) -> list[Result]:
    results: list[Result] = []
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines(): JSON strings may hold U+2028
        if not line.strip():
            continue
        try:
            data = loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            why = json_error(error, line=False) if isinstance(error, json.JSONDecodeError) else "nested too deeply"
            results.append(Refused(f"Line {number} is not valid JSON ({why}).", f"line {number}", excerpt(line)))
            continue
        results.extend(read_jsonld(data, Page(), where=f"line {number}"))
    return results


def _delimiter(text: str) -> str:
    """The delimiter whose header row names the most of the desk's columns; csv.Sniffer's guess breaks ties."""
    sample = text[:65536].rsplit("\n", 1)[0] if "\n" in text[:65536] else text[:65536]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    header = re.split(r"\r\n|\r|\n", text.lstrip("\ufeff\r\n"), maxsplit=1)[0]

    def score(delimiter: str) -> tuple[int, bool]:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            cells = []
        return sum(column_of(cell) is not None for cell in cells), delimiter == sniffed

    return max(_DELIMITERS, key=score)


def _csv(text: str) -> list[Result]:
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    results: list[Result] = []
    header: list[str] = []
    columns: list[str | None] = []
    row_number = 0
    while True:
        row_number += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            results.append(Refused(f"Row {row_number} could not be read as CSV ({error}).", f"row {row_number}"))
            continue
        if not any(cell.strip() for cell in row):
            continue
        if not header:
            header, columns = row, [column_of(cell) for cell in row]
            if "claim" not in columns:
                reason = f"The CSV file has no claim column; its columns should be: {', '.join(COLUMNS)}."
                return [Refused(reason, f"row {row_number}", excerpt(";".join(row)))]
            continue
        fields = {column: cell for column, cell in zip(columns, row, strict=False) if column}
        raw = {(header[index] if index < len(header) else f"column {index + 1}"): cell for index, cell in
               enumerate(row)}  # fmt: skip
        results.append(read_node(from_flat(fields), raw, Page(), f"row {row_number}"))
    return results
