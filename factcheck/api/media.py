"""/api/v1/media/: send a photo or video to the desk (it is kept and flagged as a claim),
read an item with its metadata, its thumbnail, and the near-identical items the desk has seen."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from factcheck.api.errors import error_body
from factcheck.api.parsers import JSONParser
from factcheck.api.permissions import DeskOnly
from factcheck.api.serializers import StrictSerializer
from factcheck.media import ingest, similar, store
from factcheck.media.errors import MediaRefused
from factcheck.models import Media

ERROR = OpenApiResponse(response=OpenApiTypes.OBJECT, description='`{"error": {"message": "...", "code": "..."}}`')


class MediaInSerializer(StrictSerializer):
    file = serializers.FileField(required=False, help_text="The photo or video (multipart); or give `url`.")
    url = serializers.URLField(required=False, allow_blank=True, max_length=1000, help_text="An image's address.")
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    source_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=1000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def validate(self, attrs):
        if not attrs.get("file") and not attrs.get("url"):
            raise serializers.ValidationError("Give a `file`, or an image's `url`.")
        if attrs.get("file") and attrs.get("url"):
            raise serializers.ValidationError("Give a `file` or a `url`, not both.")
        return attrs


class SimilarSerializer(serializers.Serializer):
    media = serializers.IntegerField()
    distance = serializers.IntegerField(help_text="Perceptual distance; 0 is identical.")
    claim = serializers.IntegerField(allow_null=True)
    article = serializers.IntegerField(allow_null=True)
    verdict = serializers.DictField(allow_null=True, help_text="The rating in force on that claim: slug and label.")
    fact_check = serializers.DictField(allow_null=True, help_text="A fact-check in the library carrying this photo.")


class MediaOutSerializer(serializers.ModelSerializer):
    claim = serializers.IntegerField(allow_null=True, help_text="The claim about it (the first one).")
    metadata = serializers.DictField()
    thumbnail = serializers.CharField(allow_null=True, help_text="Our re-encoded thumbnail (JPEG), or null.")
    similar = SimilarSerializer(many=True, help_text="Near-identical items, closest first (not itself).")

    class Meta:
        model = Media
        fields = [
            "id", "claim", "kind", "state", "error", "sha256", "width", "height", "mime", "bytes", "caption",
            "source_url", "url", "metadata", "thumbnail", "similar",
        ]  # fmt: skip


def similar_json(found: list[similar.Similar]) -> list[dict]:
    return [
        {
            "media": s.media.pk,
            "distance": s.distance,
            "claim": s.claim.pk if s.claim else None,
            "article": s.article.pk if s.article else None,
            "verdict": {"rating": s.verdict.rating.slug, "label": s.verdict.rating.label} if s.verdict else None,
            "fact_check": {
                "id": s.fact_check.pk,
                "url": s.fact_check.url,
                "publisher": s.fact_check.publisher,
                "rating": s.fact_check.rating_text,
            }
            if s.fact_check
            else None,
        }  # fmt: skip
        for s in found
    ]


@extend_schema_view(
    retrieve=extend_schema(summary="A photo or video with its metadata and what the desk has seen like it"),
)
class MediaViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Media.objects.all()
    lookup_value_regex = "[0-9]{1,18}"
    permission_classes = [DeskOnly]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    pagination_class = None
    filter_backends = []
    serializer_class = MediaOutSerializer

    def _json(self, media: Media) -> dict:
        claim = media.claims.order_by("id").first()
        thumbnail = self.request.build_absolute_uri(f"/api/v1/media/{media.pk}/thumbnail/") if media.thumbnail else None
        return {
            "id": media.pk, "claim": claim.pk if claim else None, "kind": media.kind, "state": media.state,
            "error": media.error, "sha256": media.sha256, "width": media.width, "height": media.height,
            "mime": media.mime, "bytes": media.bytes, "caption": media.caption, "source_url": media.source_url,
            "url": media.url, "metadata": media.metadata if isinstance(media.metadata, dict) else {},
            "thumbnail": thumbnail, "similar": similar_json(similar.similar_to(media) if media.stored else []),
        }  # fmt: skip

    def retrieve(self, request, *args, **kwargs):
        return Response(self._json(self.get_object()))

    @extend_schema(
        summary="Send a photo or video to check (editors)",
        description=(
            "Multipart with `file`, or `url` (JSON or form) for an image's address, plus optional `caption`, "
            "`source_url` and `note`. The bytes are checked (type from the content: JPEG, PNG, GIF, WebP, MP4, "
            "WebM; size `MEDIA_MAX_BYTES`; pixels; frames), kept with a thumbnail, metadata and perceptual "
            "fingerprints, and flagged as a claim of kind image/video. **201** new; **200** the same bytes "
            "already here (the existing item); 400 with the reason; 413 too large."
        ),
        request={"multipart/form-data": MediaInSerializer, "application/json": MediaInSerializer},
        responses={201: MediaOutSerializer, 200: MediaOutSerializer, 400: ERROR, 403: ERROR, 413: ERROR},
        examples=[OpenApiExample("By address", value={"url": "https://example.org/flag.jpg"}, request_only=True)],
    )
    def create(self, request, *args, **kwargs):
        # (An upload larger than the limit was refused with a 413 before its body was read:
        # factcheck.middleware.RefuseOversizedUploadsMiddleware.)
        payload = MediaInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data, upload = payload.validated_data, payload.validated_data.get("file")
        try:
            if upload is not None:
                store.check_size(upload.size)
            result = ingest.submit(
                actor=request.user, data=upload.read() if upload is not None else None, url=data.get("url", ""),
                filename=upload.name if upload is not None else "", caption=data["caption"],
                source_url=data["source_url"], note=data["note"],
            )  # fmt: skip
        except MediaRefused as refused:
            return Response(error_body(refused.message, "media_refused"), status=status.HTTP_400_BAD_REQUEST)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(self._json(result.media), status=code)

    @extend_schema(
        summary="Near-identical photos and video keyframes on the desk, closest first",
        responses={200: SimilarSerializer(many=True), 404: ERROR},
    )
    @action(detail=True, methods=["get"])
    def similar(self, request, pk=None):
        media = self.get_object()
        return Response(similar_json(similar.similar_to(media) if media.stored else []))

    @extend_schema(
        summary="The item's thumbnail: our re-encoded JPEG, metadata stripped",
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 404: ERROR},
    )
    @action(detail=True, methods=["get"])
    def thumbnail(self, request, pk=None):
        media = self.get_object()
        if not media.thumbnail:
            raise Http404
        try:
            handle = media.thumbnail.storage.open(media.thumbnail.name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        return response
