"""The library page's search: full-text search in the database with filters (publisher,
rating, date, language). PostgreSQL ranks with its text search (a GIN index over the claim
and the title, migration 0013, plus pg_trgm for near spellings of publishers); SQLite uses
an FTS5 table kept by triggers, ranked by bm25. The order is the same where the engines agree.

Matching a claim against the library (``factcheck.library.matches``) is another thing: a
learned ranker in memory, the same on both databases."""

import re
from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from factcheck.models import FactCheck

_WORD = re.compile(r"\w+", re.UNICODE)
# What PostgreSQL searches; migration 0013 indexes exactly this expression.
DOCUMENT = SearchVector("claim_reviewed", "title", config="simple")
MAX_TERMS = 20


def _fts5_query(text: str) -> str:
    """User text as an FTS5 query: every word quoted (no operators get through), all required."""
    words = _WORD.findall(text)[:MAX_TERMS]
    return " ".join('"' + word.replace('"', "") + '"' for word in words)


def _sqlite_ranked_ids(text: str, limit: int) -> list[int]:
    query = _fts5_query(text)
    if not query:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM factcheck_factcheck_fts WHERE factcheck_factcheck_fts MATCH %s "
            "ORDER BY bm25(factcheck_factcheck_fts) LIMIT %s",
            [query, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def search(
    text: str = "", *, publisher: str = "", rating: str = "", language: str = "", since: date | None = None,
    until: date | None = None, limit: int = 1000,
) -> QuerySet[FactCheck]:  # fmt: skip
    """Fact-checks matching the words (best first) and the filters (newest first without words)."""
    found = FactCheck.objects.select_related("rating")
    if publisher:
        found = found.filter(publisher__iexact=publisher)
    if rating == "unmapped":
        found = found.filter(rating__isnull=True)
    elif rating:
        found = found.filter(rating__slug=rating)
    if language:
        found = found.filter(language__iexact=language)
    if since:
        found = found.filter(date_published__gte=since)
    if until:
        found = found.filter(date_published__lte=until)
    text = " ".join(text.split())[:500]
    if not text:
        return found.order_by("-date_published", "-id")
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="simple")
        matched = found.annotate(document=DOCUMENT).filter(document=query)  # the GIN index of migration 0013
        ranked = matched.annotate(rank=SearchRank(F("document"), query)).order_by("-rank", "-id")
        if ranked.exists():
            return ranked
        # Nothing with these words: near spellings through pg_trgm (its GIN index, same migration).
        near = found.annotate(rank=TrigramWordSimilarity(text, "claim_reviewed")).filter(rank__gt=0.3)
        return near.order_by("-rank", "-id")
    ids = _sqlite_ranked_ids(text, limit)
    order = Case(*(When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)), output_field=IntegerField())
    return found.filter(pk__in=ids).annotate(rank=order).order_by("rank") if ids else found.none()


def publishers() -> list[str]:
    return list(FactCheck.objects.order_by("publisher").values_list("publisher", flat=True).distinct()[:500])


def languages() -> list[str]:
    return [
        code for code in FactCheck.objects.order_by("language").values_list("language", flat=True).distinct() if code
    ]
