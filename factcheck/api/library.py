"""/api/v1/factchecks/: the fact-check library — search it (ranked by the matcher), and add
fact-checks published as schema.org ClaimReview (one, a list, or a DataFeed)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from factcheck import roles
from factcheck.api.errors import error_body
from factcheck.api.permissions import DeskOrService
from factcheck.library import matches, sources, store
from factcheck.models import FactCheck

ERROR = OpenApiResponse(response=OpenApiTypes.OBJECT, description='`{"error": {"message": "...", "code": "..."}}`')
MAX_LIMIT = 50


class FactCheckOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim_reviewed = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    publisher = serializers.CharField()
    rating = serializers.CharField(help_text="The publisher's rating, as written.")
    rating_slug = serializers.CharField(allow_null=True, help_text="On the desk's scale; null without a clear mapping.")
    date_published = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    score = serializers.FloatField(allow_null=True, help_text="How likely it answers the text (0-1); null unranked.")
    own = serializers.BooleanField(help_text="This desk's own verdict.")


class ResultsSerializer(serializers.Serializer):
    results = FactCheckOutSerializer(many=True)


class ItemResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[store.CREATED, store.DUPLICATE, store.FAILED])
    position = serializers.CharField()
    message = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class ImportAnswerSerializer(serializers.Serializer):
    results = ItemResultSerializer(many=True)
    created = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    failed = serializers.IntegerField()


def fact_check_json(fact_check: FactCheck, score: float | None) -> dict:
    return {
        "id": fact_check.pk, "claim_reviewed": fact_check.claim_reviewed, "title": fact_check.title,
        "url": fact_check.url, "publisher": fact_check.publisher, "rating": fact_check.rating_text,
        "rating_slug": fact_check.rating.slug if fact_check.rating else None,
        "date_published": fact_check.date_published.isoformat() if fact_check.date_published else None,
        "language": fact_check.language, "score": None if score is None else round(score, 4), "own": fact_check.own,
    }  # fmt: skip


def limit_of(request) -> int:
    raw = request.query_params.get("limit", "")
    if not raw:
        return 10
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise serializers.ValidationError({"limit": [f"A whole number from 1 to {MAX_LIMIT}."]})
    return int(raw)


def found_json(found: list[matches.Found]) -> dict:
    return {"results": [fact_check_json(f.fact_check, f.score) for f in found]}


class _ObjectAnswers(AutoSchema):
    """Both operations answer one JSON object (``{"results": [...]}``), the search included."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class FactCheckViewSet(viewsets.GenericViewSet):
    schema = _ObjectAnswers()
    permission_classes = [DeskOrService]
    service_may_write = True  # the CMS adds fact-checks too
    pagination_class = None
    filter_backends = []
    serializer_class = FactCheckOutSerializer
    queryset = FactCheck.objects.all()

    @extend_schema(
        summary="Search the fact-check library",
        description="With `q`: the library ranked for that text by the matcher, best first, with a score. "
        "Without: the newest fact-checks (score null).",
        parameters=[
            OpenApiParameter("q", str, description="A claim, as a reader would say it (up to 5,000 characters)."),
            OpenApiParameter("limit", int, description=f"How many (1 to {MAX_LIMIT}, 10 by default)."),
        ],
        responses={200: ResultsSerializer, 400: ERROR},
    )
    def list(self, request):
        limit = limit_of(request)
        text = request.query_params.get("q", "")
        if "\x00" in text:
            raise serializers.ValidationError({"q": ["NUL characters are not allowed."]})
        if not text.strip():
            newest = FactCheck.objects.select_related("rating").order_by("-date_published", "-id")[:limit]
            return Response({"results": [fact_check_json(f, None) for f in newest]})
        return Response(found_json(matches.search(text[:5000], limit=limit)))

    @extend_schema(
        summary="Add fact-checks to the library (editors and the CMS)",
        description="A schema.org ClaimReview, a list of them, or a DataFeed of them. Each item is kept unless "
        "the library has it (same URL, or the same claim from the same publisher); one bad item never stops the "
        "others. Answers a result per item.",
        request=OpenApiTypes.OBJECT,
        responses={200: ImportAnswerSerializer, 400: ERROR, 403: ERROR},
        examples=[
            OpenApiExample(
                "A ClaimReview",
                value={
                    "@context": "https://schema.org",
                    "@type": "ClaimReview",
                    "url": "https://factcheck.example.org/panjshir-flag",
                    "claimReviewed": "A photo shows the Taliban flag over the Panjshir governor's office.",
                    "author": {"@type": "Organization", "name": "Example Fact Check"},
                    "datePublished": "2021-09-07",
                    "reviewRating": {"@type": "Rating", "alternateName": "Unproven"},
                },  # fmt: skip
                request_only=True,
            )
        ],
    )
    def create(self, request):
        if not (roles.can_triage(request.user) or roles.is_cms(request.user)):
            return Response(
                error_body("Only editors and the CMS can add fact-checks.", "permission_denied"),
                status=status.HTTP_403_FORBIDDEN,
            )
        if not isinstance(request.data, dict | list):
            return Response(error_body("Send a ClaimReview, a list of them, or a DataFeed.", "invalid"), status=400)
        results = sources.import_body(request.data)
        return Response({"results": [r.as_json() for r in results], **store.summary(results)})
