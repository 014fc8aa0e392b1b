"""What the API shows and what it accepts. Output serializers read prefetched
data only (see ``queries.py``); input serializers validate, and the workflow
or the import pipeline decides."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from factcheck import payloads, roles
from factcheck.models import Article, Claim, Rating, Verdict
from factcheck.models.claims import MEDIA_AUTHENTICITY


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so `status` or `author` in a request
    body is an error, never silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["This field cannot be set here."] for name in unknown})
        return super().to_internal_value(data)


def whole_number(data) -> int | None:
    """A JSON integer, or a string of digits (a form field): never a float ("1.5", 1.0), a
    boolean (true is 1 to Python) or anything else. None when it is not one."""
    if isinstance(data, bool) or not isinstance(data, int | str):
        return None
    text = str(data).strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        return None
    return int(text)


class WholeNumberField(serializers.IntegerField):
    """DRF's IntegerField takes 1.0, "1.0" and true; this one takes whole numbers only."""

    def to_internal_value(self, data):
        if whole_number(data) is None:
            self.fail("invalid")
        return super().to_internal_value(data)


class WholeNumberRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id: DRF's PrimaryKeyRelatedField looks 1.5 and true up as id 1."""

    def to_internal_value(self, data):
        if whole_number(data) is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["slug", "label", "value", "best", "worst", "colour"]


class EvidenceOutSerializer(serializers.Serializer):
    url = serializers.CharField()
    description = serializers.CharField()
    added_at = serializers.DateTimeField()


class VerdictSerializer(serializers.ModelSerializer):
    """The verdict's shape for the schema (``payloads.verdict_json`` builds it)."""

    rating = RatingSerializer()
    author = serializers.CharField(allow_null=True, help_text="Null for the CMS: the desk's names stay inside.")
    approved_by = serializers.CharField(allow_null=True)

    class Meta:
        model = Verdict
        fields = [
            "revision", "rating", "summary", "media_authenticity", "correction_reason",
            "author", "submitted_at", "approved_by", "approved_at",
        ]  # fmt: skip


class ArticleRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "title", "url", "outlet", "published_at"]


class MediaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    url = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField()
    sha256 = serializers.CharField(help_text="SHA-256 of the stored file; empty until stored.")


class CheckworthinessSerializer(serializers.Serializer):
    score = serializers.FloatField(min_value=0, max_value=1, help_text="How much the claim deserves a check.")
    band = serializers.ChoiceField(choices=["high", "medium", "low"])
    reasons = serializers.ListField(child=serializers.CharField(), help_text="What the model weighed, strongest first.")


class SpanSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class ClaimSerializer(serializers.ModelSerializer):
    """Declares the claim's shape for the schema; the JSON itself is built by
    ``factcheck.payloads.claim_json``, the same function webhooks use."""

    article = ArticleRefSerializer(allow_null=True, help_text="Null for a photo or video sent on its own.")
    span = SpanSerializer(allow_null=True)
    media = MediaSerializer(allow_null=True)
    verdict = VerdictSerializer(allow_null=True, help_text="The published verdict in force (null until published).")
    pending_verdict = VerdictSerializer(allow_null=True, help_text="A verdict waiting for approval (people only).")
    revisions = VerdictSerializer(many=True, help_text="Earlier published revisions, newest first.")
    evidence = EvidenceOutSerializer(many=True)
    links = serializers.DictField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.SlugField(), help_text="Slugs of the claim's topics.")
    checkworthiness = CheckworthinessSerializer(
        allow_null=True,
        required=False,  # the desk's field: the CMS's answers leave it out, like reason and priority
        help_text="A suggestion's check-worthiness score (desk only; null for flagged claims).",
    )

    class Meta:
        model = Claim
        fields = [
            "id", "article", "kind", "text", "span", "attribution", "media", "reason", "tags", "priority", "status",
            "suggested", "checkworthiness", "created_at", "updated_at", "verdict", "pending_verdict", "revisions",
            "evidence", "links",
        ]  # fmt: skip

    def to_representation(self, instance):
        request = self.context.get("request")
        if request is not None:
            absolute = request.build_absolute_uri
        else:
            base = self.context.get("base_url", "")

            def absolute(path: str) -> str:
                return base + path

        return payloads.claim_json(instance, public=bool(self.context.get("public")), absolute=absolute)


class ArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = [
            "id", "title", "url", "external_id", "outlet", "byline", "published_at", "language", "source",
            "created_at", "updated_at",
        ]  # fmt: skip


class ArticleDetailSerializer(ArticleSerializer):
    body = serializers.CharField()
    media = MediaSerializer(many=True)
    claims = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "body", "media", "claims"]

    @extend_schema_field(ClaimSerializer(many=True))
    def get_claims(self, article):
        public = self.context.get("public")
        claims = [c for c in article.claims.all() if not public or c.verdict_in_force() is not None]
        return ClaimSerializer(claims, many=True, context=self.context).data


class ArticleInSerializer(StrictSerializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True, help_text="Plain text (or give html).")
    html = serializers.CharField(required=False, allow_blank=True, help_text="HTML; sanitized, text extracted.")
    url = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    external_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    outlet = serializers.CharField(max_length=200, required=False, allow_blank=True)
    byline = serializers.CharField(max_length=500, required=False, allow_blank=True)
    published_at = serializers.CharField(required=False, allow_blank=True, help_text="ISO 8601.")
    language = serializers.CharField(max_length=20, required=False, allow_blank=True)


class FlagInSerializer(StrictSerializer):
    article = WholeNumberRelatedField(queryset=Article.objects.all())
    kind = serializers.ChoiceField(choices=Claim.Kind.choices, default=Claim.Kind.STATEMENT)
    text = serializers.CharField(max_length=5000)
    start = WholeNumberField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    end = WholeNumberField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)
    attribution = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Claim.Priority.choices, default=Claim.Priority.NORMAL)
    media = WholeNumberField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, help_text="Id of the article's media item."
    )


class NoteInSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def workflow_inputs(self) -> dict:
        """The keyword arguments of ``workflow.perform``."""
        return {"note": self.validated_data["note"]}


class NoteRequiredInSerializer(NoteInSerializer):
    note = serializers.CharField(max_length=5000, help_text="Why (required).")


class ReviewerField(serializers.Field):
    """A reviewer by id or username."""

    default_error_messages = {"unknown": "No reviewer {value!r}."}

    def to_internal_value(self, data):
        # (NUL characters never name anyone, and PostgreSQL refuses them in a query.)
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).strip() or "\x00" in str(data):
            self.fail("unknown", value=data)
        users = get_user_model().objects.filter(is_active=True)
        text = str(data).strip()
        numeric = text.isascii() and text.isdigit() and len(text) < 19
        match = Q(username=text) | Q(pk=int(text)) if numeric else Q(username=text)
        user = users.filter(match).first()
        if user is None or not roles.can_review(user):
            self.fail("unknown", value=data)
        return user

    def to_representation(self, value):
        return value.get_username()


@extend_schema_field(serializers.CharField(help_text="Reviewer id or username."))
class ReviewerInField(ReviewerField):
    pass


class AssignInSerializer(StrictSerializer):
    reviewer = ReviewerInField()
    due_at = serializers.DateTimeField(required=False, allow_null=True, help_text="ISO 8601.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def workflow_inputs(self) -> dict:
        data = self.validated_data
        return {"reviewer": data["reviewer"], "due_at": data.get("due_at"), "note": data["note"]}


class EvidenceInSerializer(StrictSerializer):
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=1000)
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="What it shows.")


class SubmitInSerializer(StrictSerializer):
    rating = serializers.SlugRelatedField(slug_field="slug", queryset=Rating.objects.all())
    summary = serializers.CharField(max_length=10_000)
    evidence = EvidenceInSerializer(many=True, required=False, default=list)
    media_authenticity = serializers.ChoiceField(
        choices=MEDIA_AUTHENTICITY, required=False, allow_blank=True, default=""
    )

    def evidence_items(self) -> list[dict]:
        return [{"url": e["url"], "description": e["note"]} for e in self.validated_data.get("evidence", [])]

    def workflow_inputs(self) -> dict:
        data = self.validated_data
        return {
            "rating": data["rating"], "summary": data["summary"], "evidence": self.evidence_items(),
            "media_authenticity": data["media_authenticity"],
        }  # fmt: skip


class CorrectInSerializer(SubmitInSerializer):
    reason = serializers.CharField(max_length=5000, help_text="Why the published verdict changes.")

    def workflow_inputs(self) -> dict:
        return {**super().workflow_inputs(), "reason": self.validated_data["reason"]}
