"""/api/v1/: articles, claims and their workflow actions, ratings, ClaimReview.

Views are thin: they validate input, call the import pipeline or the
workflow, and answer with the fresh object."""

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from factcheck import claimreview, export, importing, roles, transitions, visibility, workflow
from factcheck.api import library, queries
from factcheck.api.filters import ArticleFilter, ClaimFilter
from factcheck.api.pagination import SyncCursorPagination
from factcheck.api.permissions import DeskOnly, DeskOrService
from factcheck.api.renderers import JSONLDRenderer, JSONRenderer
from factcheck.api.serializers import (
    ArticleDetailSerializer,
    ArticleInSerializer,
    ArticleSerializer,
    AssignInSerializer,
    ClaimSerializer,
    CorrectInSerializer,
    FlagInSerializer,
    NoteInSerializer,
    NoteRequiredInSerializer,
    RatingSerializer,
    SubmitInSerializer,
)
from factcheck.library import matches
from factcheck.models import Action, Media, Rating

ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description='`{"error": {"message": "...", "code": "...", "fields": {...}}}`',
)


def _public(request) -> bool:
    return visibility.is_public(request.user)


@extend_schema_view(
    list=extend_schema(summary="List articles", description="Newest changes last; follow `next` to continue."),
    retrieve=extend_schema(
        summary="An article with its text, media and claims",
        description="Claims with their verdicts; a CMS token sees only claims with a published verdict.",
    ),
)
class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]{1,18}"
    permission_classes = [DeskOrService]
    service_may_write = True  # the CMS pushes articles
    filterset_class = ArticleFilter
    pagination_class = SyncCursorPagination

    def get_queryset(self):
        return queries.articles_for(self.request.user, with_claims=self.action == "retrieve")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ArticleDetailSerializer
        if self.action == "create":
            return ArticleInSerializer
        return ArticleSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "public": _public(self.request)}

    @extend_schema(
        summary="Push an article to be checked",
        description=(
            "Runs the import pipeline: sanitizes HTML, stores the article and suggests claims worth checking. "
            "Idempotent: the same URL, `external_id` or text answers **200** with the article already there; "
            "a new article answers **201**."
        ),
        request=ArticleInSerializer,
        responses={201: ArticleSerializer, 200: ArticleSerializer, 400: ERROR, 403: ERROR},
        examples=[
            OpenApiExample(
                "An article from the CMS",
                value={
                    "title": "Taliban claim victory in Panjshir",
                    "body": "Taliban spokesman Zabihullah Mujahid said the province was completely conquered.",
                    "url": "https://news.example.org/2021/09/06/panjshir",
                    "external_id": "cms-48213",
                    "outlet": "Example News",
                    "published_at": "2021-09-06T10:00:00Z",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        if not (roles.can_triage(request.user) or roles.is_cms(request.user)):
            return Response(
                {"error": {"message": "Only editors and the CMS can push articles.", "code": "permission_denied"}},
                status=status.HTTP_403_FORBIDDEN,
            )
        payload = ArticleInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = importing.import_payload(dict(payload.validated_data), user=request.user)
        if result.outcome == importing.FAILED:
            return Response({"error": {"message": result.message, "code": "import_failed"}}, status=400)
        code = status.HTTP_201_CREATED if result.outcome == importing.CREATED else status.HTTP_200_OK
        return Response(ArticleSerializer(result.article, context=self.get_serializer_context()).data, status=code)


def _action_schema(summary: str, request, example: dict | None = None, *, created: bool = False):
    return extend_schema(
        summary=summary,
        description="Answers the fresh claim. 403 when this person may not do it, 409 when the claim is no longer "
        "in a state that allows it (someone acted first), 400 for invalid input.",
        request=request,
        responses={201 if created else 200: ClaimSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
        examples=[OpenApiExample(summary, value=example if example is not None else {}, request_only=True)],
    )


@extend_schema_view(
    list=extend_schema(
        summary="List claims",
        description=(
            "Cursor-paginated in (updated_at, id) order. For incremental sync pass `updated_since` (the time of "
            "your last sync) and follow `next` until it is null. A CMS token sees published claims only."
        ),
    ),
    retrieve=extend_schema(
        summary="A claim with its current verdict, evidence and earlier revisions",
        description="404 for a CMS token unless the claim has a published verdict. People also see the verdict "
        "waiting for approval and who wrote and approved each one.",
    ),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = ClaimSerializer
    permission_classes = [DeskOrService]
    filterset_class = ClaimFilter
    pagination_class = SyncCursorPagination

    def get_queryset(self):
        return queries.claims_for(self.request.user)

    def list(self, request, *args, **kwargs):
        # Rows, not models: the export's hot path (issue 14). The shape is ClaimSerializer's.
        public = _public(request)
        claims = self.filter_queryset(queries.visible_claims(request.user))
        rows = self.paginate_queryset(queries.fast_values(claims, *export.claim_fields(public=public)))
        assert rows is not None  # always paginated
        data = queries.claims_page_json(rows, public=public, absolute=request.build_absolute_uri)
        return self.get_paginated_response(data)

    def get_permissions(self):
        if self.action not in ("list", "retrieve", "claimreview"):
            return [DeskOnly()]
        return super().get_permissions()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "public": _public(self.request)}

    def _answer(self, pk) -> Response:
        claim = self.get_queryset().get(pk=pk)
        return Response(ClaimSerializer(claim, context=self.get_serializer_context()).data)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer

    @_action_schema(
        "Flag a new claim in an article (editors)",
        FlagInSerializer,
        {
            "article": 1,
            "kind": "statistic",
            "text": "reportedly numbers in the thousands",
            "start": 3120,
            "end": 3155,
            "reason": "Unsourced figure.",
        },
        created=True,
    )
    def create(self, request, *args, **kwargs):
        data = self._input(FlagInSerializer).validated_data
        media = None
        if data.get("media") is not None:
            media = Media.objects.filter(pk=data["media"], article=data["article"]).first()
            if media is None:
                raise workflow.Invalid("No such media item in this article.")
        claim = workflow.claim_flag(
            article=data["article"], actor=request.user, text=data["text"], kind=data["kind"],
            span_start=data.get("start"), span_end=data.get("end"), attribution=data["attribution"],
            reason=data["reason"], priority=data["priority"], media=media,
        )  # fmt: skip
        response = self._answer(claim.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _claim_or_404(self, pk):
        claim = self.get_queryset().filter(pk=pk).first()
        if claim is None:
            raise Http404
        return claim

    @extend_schema(
        summary="Has this claim been checked before? The fact-check library ranked for it (people)",
        description="The same shape as `GET /api/v1/factchecks/?q=`: best first, with a score; the claim's own "
        "published verdict is left out.",
        parameters=[OpenApiParameter("limit", int, description="How many (1 to 50, 10 by default).")],
        responses={200: library.ResultsSerializer, 404: ERROR},
    )
    @action(detail=True, methods=["get"])
    def matches(self, request, pk=None):
        claim = self._claim_or_404(pk)  # people only (DeskOnly): the desk's business
        return Response(library.found_json(matches.for_claim(claim, limit=library.limit_of(request))))

    @extend_schema(
        summary="schema.org ClaimReview (and MediaReview for photos and videos) of a published verdict",
        description='`application/ld+json`: `{"@context": "https://schema.org", "@graph": [ClaimReview, '
        "MediaReview?]}`, ready to embed in the fact-check's page. 404 until a verdict is published.",
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, 404: ERROR},
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONLDRenderer, JSONRenderer])
    def claimreview(self, request, pk=None):
        claim = self._claim_or_404(pk)
        try:
            return Response(claimreview.review_graph(claim))
        except claimreview.NotPublished:
            raise Http404 from None


# Input of the actions that take more than a note; the others take NoteInSerializer
# (or NoteRequiredInSerializer where the table requires a note).
ACTION_INPUTS = {
    Action.ASSIGN: AssignInSerializer,
    Action.SUBMIT: SubmitInSerializer,
    Action.CORRECT: CorrectInSerializer,
}
ACTION_EXAMPLES: dict[str, dict[str, Any]] = {
    Action.ACCEPT: {"note": "Worth checking."},
    Action.DISMISS: {"note": "An opinion, not a claim."},
    Action.RESTORE: {"note": "New evidence."},
    Action.ASSIGN: {"reviewer": "reviewer", "due_at": "2026-12-01T17:00:00Z"},
    Action.SUBMIT: {
        "rating": "unverifiable",
        "summary": "The buildings match Bazarak; nothing dates the photo.",
        "evidence": [{"url": "https://example.org/geolocation", "note": "Satellite comparison"}],
        "media_authenticity": "OriginalMediaContent",
    },
    Action.RETURN: {"note": "Call the governor's office for a second source."},
    Action.CORRECT: {
        "rating": "false",
        "summary": "Dated footage shows the flag a day earlier, elsewhere.",
        "reason": "New footage surfaced.",
        "evidence": [],
    },
}


def _transition_endpoint(row: transitions.Transition):
    """``POST /api/v1/claims/{id}/<action>/``: the row's action through ``workflow.perform``."""
    default = NoteRequiredInSerializer if row.note_required else NoteInSerializer
    serializer_class = ACTION_INPUTS.get(row.action, default)

    def endpoint(self, request, pk=None):
        payload = self._input(serializer_class)
        workflow.perform(row.action, self._claim_or_404(pk), actor=request.user, **payload.workflow_inputs())
        return self._answer(pk)

    endpoint.__name__ = f"{row.action}_claim"
    endpoint.__doc__ = row.summary
    endpoint = action(detail=True, methods=["post"], url_path=row.action.value, url_name=row.action.value)(endpoint)
    example = ACTION_EXAMPLES.get(row.action, {"note": "Why."} if row.note_required else {"note": ""})
    return _action_schema(f"{row.summary} ({row.who})", serializer_class, example)(endpoint)


for _row in transitions.TABLE.values():
    setattr(ClaimViewSet, f"{_row.action}_claim", _transition_endpoint(_row))


@extend_schema_view(
    list=extend_schema(
        summary="The rating scale, with the stable slugs verdicts use",
        description="`value`, `best` and `worst` are ClaimReview's ratingValue, bestRating and worstRating; "
        "a rating off the truth scale (Unverifiable) has no value.",
    )
)
class RatingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Rating.objects.all()
    serializer_class = RatingSerializer
    permission_classes = [DeskOrService]
    pagination_class = None
    filter_backends = []


class ClaimReviewFeedViewSet(viewsets.GenericViewSet):
    """ClaimReview JSON-LD of every published verdict."""

    permission_classes = [DeskOrService]
    pagination_class = SyncCursorPagination
    filter_backends = []
    renderer_classes = [JSONLDRenderer, JSONRenderer]

    def get_queryset(self):
        return queries.visible_claims(self.request.user).published()

    @extend_schema(
        summary="Feed of ClaimReview JSON-LD for all published verdicts",
        description=(
            "`@graph` holds a ClaimReview per published claim (and a MediaReview for a photo or video whose "
            "verdict rates its authenticity), oldest change first; `next` continues."
        ),
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT},
    )
    def list(self, request):
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(
            queries.fast_values(self.get_queryset(), *export.REVIEW_CLAIM_FIELDS), request, view=self
        )
        body = claimreview.claimreview_feed(queries.claimreview_page(rows))  # rows, not models (issue 14)
        body["next"], body["previous"] = paginator.get_next_link(), paginator.get_previous_link()
        return Response(body)
