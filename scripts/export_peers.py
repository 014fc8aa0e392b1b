"""The export's peers for scripts/bench_export.py: its limit and a naive DRF implementation.

**The limit** reads with raw psycopg (keyset pages on ``(public_updated_at, id)``, dict rows, four
statements a page), builds the same JSON and serialises it with orjson. To build the same JSON it
uses the same pure builders the product does (``factcheck.export.Builder`` for a claim;
``factcheck.claimreview``'s functions, fed ``export.reviewed_claim``, for ClaimReview): what it leaves out is
everything between the database and those builders — Django's ORM, DRF, the request cycle. Its
first claims page is checked equal to the product's.

**The naive peer** is what DRF's tutorial leads to: nested ModelSerializers and page-number
pagination (COUNT and OFFSET), one query per relation per claim; and the same with
``select_related``/``prefetch_related`` (no N+1), for a fairer second comparison."""

import time
from datetime import UTC, datetime

import orjson
import psycopg
from django.db.models import Prefetch
from psycopg.rows import dict_row
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.test import APIRequestFactory, force_authenticate

from factcheck import claimreview, export
from factcheck.models import Article, Claim, Evidence, Media, Rating, Verdict

BASE = "http://testserver"
PAGE = 200
CLAIMS_SQL = """
SELECT c.id, c.article_id, c.kind, c.text, c.span_start, c.span_end, c.attribution, c.media_id, c.reason,
       c.priority, c.status, c.suggested, c.score, c.score_band, c.score_reasons, c.created_at, c.updated_at,
       c.public_updated_at, a.title AS article__title, a.url AS article__url, a.outlet AS article__outlet,
       a.published_at AS article__published_at, a.created_at AS article__created_at, m.kind AS media__kind,
       m.url AS media__url, m.caption AS media__caption, m.credit AS media__credit, m.sha256 AS media__sha256,
       m.source_url AS media__source_url, m.created_at AS media__created_at
FROM factcheck_claim c
LEFT JOIN factcheck_article a ON a.id = c.article_id
LEFT JOIN factcheck_media m ON m.id = c.media_id
WHERE c.public_updated_at IS NOT NULL AND (c.public_updated_at, c.id) > (%s, %s)
ORDER BY c.public_updated_at, c.id LIMIT %s
"""
VERDICTS_SQL = """
SELECT v.claim_id, v.revision, v.rating_id, r.slug AS rating__slug, r.label AS rating__label,
       r.value AS rating__value, r.best AS rating__best, r.worst AS rating__worst, r.colour AS rating__colour,
       v.summary, v.media_authenticity, v.correction_reason, au.username AS author__username, v.submitted_at,
       ap.username AS approved_by__username, v.approved_at, v.returned_at
FROM factcheck_verdict v
JOIN factcheck_rating r ON r.id = v.rating_id
JOIN auth_user au ON au.id = v.author_id
LEFT JOIN auth_user ap ON ap.id = v.approved_by_id
WHERE v.claim_id = ANY(%s) AND v.approved_at IS NOT NULL
"""
EVIDENCE_SQL = """
SELECT claim_id, url, description, added_at FROM factcheck_evidence
WHERE claim_id = ANY(%s) ORDER BY added_at, id
"""
TAGS_SQL = """
SELECT ct.claim_id, t.slug FROM factcheck_claim_tags ct JOIN factcheck_tag t ON t.id = ct.tag_id
WHERE ct.claim_id = ANY(%s) ORDER BY t.name
"""
START = (datetime(1970, 1, 1, tzinfo=UTC), 0)


class Peers:
    def __init__(self, connection) -> None:
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.raw = psycopg.connect(**params, row_factory=dict_row, autocommit=True)

    def close(self) -> None:
        self.raw.close()

    def _page(self, after) -> tuple[list[dict], dict, dict, dict]:
        with self.raw.cursor() as cursor:
            rows = cursor.execute(CLAIMS_SQL, (*after, PAGE)).fetchall()
            ids = [row["id"] for row in rows]
            verdicts = export.grouped(cursor.execute(VERDICTS_SQL, (ids,)).fetchall())
            evidence = export.grouped(cursor.execute(EVIDENCE_SQL, (ids,)).fetchall())
            tags: dict[int, list[str]] = {}
            for tag in cursor.execute(TAGS_SQL, (ids,)).fetchall():
                tags.setdefault(tag["claim_id"], []).append(tag["slug"])
        return rows, verdicts, evidence, tags

    def claims_page(self, after) -> tuple[bytes, list[dict]]:
        rows, verdicts, evidence, tags = self._page(after)
        builder = export.Builder(public=True, absolute=lambda path: BASE + path)
        results = [
            builder.claim(row, verdicts.get(row["id"], []), evidence.get(row["id"], []), tags.get(row["id"], []))
            for row in rows
        ]
        cursor = f"{BASE}/api/v1/claims/?after={rows[-1]['id']}" if len(rows) == PAGE else None
        body = orjson.dumps({"next": cursor, "previous": None, "resume": cursor, "results": results})
        return body, rows

    def _walk(self, page) -> tuple[list[float], int, list[str]]:
        times, items, after = [], 0, START
        while True:
            start = time.perf_counter()
            body, rows = page(after)
            times.append(time.perf_counter() - start)
            items += len(rows)
            if len(rows) < PAGE:
                return times, items, []
            after = (rows[-1]["public_updated_at"], rows[-1]["id"])

    def walk_claims(self):
        return self._walk(self.claims_page)

    def claimreview_page(self, after) -> tuple[bytes, list[dict]]:
        rows, verdicts, _, _ = self._page(after)
        feed = claimreview.claimreview_feed(export.reviewed_claim(row, verdicts.get(row["id"], [])) for row in rows)
        feed["next"] = f"{BASE}/api/v1/claimreview/?after={rows[-1]['id']}" if len(rows) == PAGE else None
        feed["previous"] = None
        return orjson.dumps(feed), rows

    def walk_claimreview(self):
        return self._walk(self.claimreview_page)

    def check_same(self, product_page: dict) -> None:
        body, _ = self.claims_page(START)
        raw = orjson.loads(body)["results"]
        if raw != product_page["results"]:
            raise SystemExit("the raw peer's first page differs from the product's: the comparison would be unfair")

    def naive_sample(self, user, *, pages: int, prefetch: bool) -> list[float]:
        """Page-number pages at the start, middle and end: each page's time."""
        view = (PrefetchedClaimList if prefetch else NaiveClaimList).as_view()
        factory, times = APIRequestFactory(), []
        for number in [1, 2, 3, pages // 2, pages // 2 + 1, pages - 1, pages]:
            request = factory.get("/naive/", {"page": number})
            force_authenticate(request, user=user)
            start = time.perf_counter()
            response = view(request)
            response.render()
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.content[:200]
        return times


# --- the naive peer ------------------------------------------------------------------------------


class NaiveRating(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["slug", "label", "value", "best", "worst", "colour"]


class NaiveVerdict(serializers.ModelSerializer):
    rating = NaiveRating()

    class Meta:
        model = Verdict
        fields = ["revision", "rating", "summary", "media_authenticity", "correction_reason", "submitted_at",
                  "approved_at"]  # fmt: skip


class NaiveArticle(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "title", "url", "outlet", "published_at"]


class NaiveMedia(serializers.ModelSerializer):
    class Meta:
        model = Media
        fields = ["id", "kind", "url", "caption", "credit", "sha256"]


class NaiveEvidence(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["url", "description", "added_at"]


class NaiveClaim(serializers.ModelSerializer):
    article = NaiveArticle(allow_null=True)
    media = NaiveMedia(allow_null=True)
    verdicts = NaiveVerdict(many=True)
    evidence = NaiveEvidence(many=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = Claim
        fields = ["id", "article", "kind", "text", "span_start", "span_end", "attribution", "media", "tags",
                  "status", "created_at", "public_updated_at", "verdicts", "evidence"]  # fmt: skip


class NaivePages(PageNumberPagination):
    page_size = PAGE


class NaiveClaimList(ListAPIView):
    """DRF's tutorial: nested serializers over the model's queryset, one query per relation per claim."""

    serializer_class = NaiveClaim
    pagination_class = NaivePages
    filter_backends: list = []

    def get_queryset(self):
        return Claim.objects.published().order_by("public_updated_at", "id")


class PrefetchedClaimList(NaiveClaimList):
    """The same, with select_related and prefetch_related: no N+1."""

    def get_queryset(self):
        verdicts = Prefetch("verdicts", Verdict.objects.select_related("rating"))
        return super().get_queryset().select_related("article", "media").prefetch_related(verdicts, "evidence", "tags")
