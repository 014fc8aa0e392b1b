"""Others' fact-checks, published as schema.org ClaimReview, to normalised records.

Pure Python (no Django): every function takes text, bytes or parsed JSON and returns a list of results, each a
FactCheckRecord or a Refused (an item left out, with why and where). Nothing here raises on bad input.

- records_from_jsonld(data): an API body or a feed already parsed (a ClaimReview, a list, an @graph, a DataFeed,
  a Fact Check Tools API answer).
- records_from_html(html, page_url=""): a fact-check article's page, from its JSON-LD blocks.
- records_from_file(name, content): .json, .jsonl/.ndjson, .csv, .html, gzipped or not.
- map_rating(text, value, best, worst) and RATING_TABLE: publishers' ratings to the desk's scale (ratings.py);
  rating_table_markdown() for the README.
"""

from factcheck.library.parsing.files import records_from_file
from factcheck.library.parsing.jsonld import records_from_jsonld
from factcheck.library.parsing.ratings import RATING_TABLE, SLUGS, UNCLEAR_RATINGS, map_rating, rating_table_markdown
from factcheck.library.parsing.records import (
    MAX_CLAIM,
    MAX_NAME,
    MAX_RATING,
    MAX_TITLE,
    FactCheckRecord,
    Refused,
    Result,
)
from factcheck.library.parsing.webpage import records_from_html

__all__ = [
    "MAX_CLAIM",
    "MAX_NAME",
    "MAX_RATING",
    "MAX_TITLE",
    "RATING_TABLE",
    "SLUGS",
    "UNCLEAR_RATINGS",
    "FactCheckRecord",
    "Refused",
    "Result",
    "map_rating",
    "rating_table_markdown",
    "records_from_file",
    "records_from_html",
    "records_from_jsonld",
]
