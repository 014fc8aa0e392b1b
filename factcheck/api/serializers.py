"""What the API shows and what it accepts. Output serializers read prefetched
data only (see ``queries.py``); input serializers validate, and the workflow
or the import pipeline decides."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from factcheck import roles
from factcheck.models import Article, Claim, Rating, Verdict


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so `status` or `author` in a request
    body is an error, never silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["This field cannot be set here."] for name in unknown})
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
    rating = RatingSerializer()
    author = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()

    class Meta:
        model = Verdict
        fields = [
            "revision", "rating", "summary", "media_authenticity", "correction_reason",
            "author", "submitted_at", "approved_by", "approved_at",
        ]  # fmt: skip

    def _person(self, user) -> str | None:
        # Service accounts see no user data: names of the desk's people stay inside.
        if user is None or self.context.get("public"):
            return None
        return user.get_username()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, verdict) -> str | None:
        return self._person(verdict.author)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_approved_by(self, verdict) -> str | None:
        return self._person(verdict.approved_by)


class ArticleRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "title", "url", "outlet", "published_at"]


class MediaSerializer(serializers.Serializer):
    kind = serializers.CharField()
    url = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField()


class SpanSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()


def _approved(claim) -> list[Verdict]:
    return sorted((v for v in claim.verdicts.all() if v.approved_at), key=lambda v: v.revision, reverse=True)


class ClaimSerializer(serializers.ModelSerializer):
    article = ArticleRefSerializer()
    span = serializers.SerializerMethodField()
    media = MediaSerializer(allow_null=True)
    verdict = serializers.SerializerMethodField(help_text="The published verdict in force (null until published).")
    pending_verdict = serializers.SerializerMethodField(help_text="A verdict waiting for approval (people only).")
    revisions = serializers.SerializerMethodField(help_text="Earlier published revisions, newest first.")
    evidence = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id", "article", "kind", "text", "span", "attribution", "media", "reason", "priority", "status",
            "suggested", "created_at", "updated_at", "verdict", "pending_verdict", "revisions", "evidence", "links",
        ]  # fmt: skip

    def to_representation(self, claim):
        data = super().to_representation(claim)
        if self.context.get("public"):
            # The CMS sees the verdict in force: a correction waiting for approval
            # is the desk's business until it is approved.
            data["status"], data["pending_verdict"] = Claim.Status.PUBLISHED, None
            for internal in ("reason", "priority", "suggested"):  # the desk's own triage notes
                data.pop(internal, None)
            data["links"].pop("page", None)
        return data

    @extend_schema_field(SpanSerializer(allow_null=True))
    def get_span(self, claim):
        return None if claim.span_start is None else {"start": claim.span_start, "end": claim.span_end}

    @extend_schema_field(VerdictSerializer(allow_null=True))
    def get_verdict(self, claim):
        approved = _approved(claim)
        return VerdictSerializer(approved[0], context=self.context).data if approved else None

    @extend_schema_field(VerdictSerializer(allow_null=True))
    def get_pending_verdict(self, claim):
        if self.context.get("public"):
            return None
        pending = [v for v in claim.verdicts.all() if v.state == "pending"]
        return VerdictSerializer(max(pending, key=lambda v: v.revision), context=self.context).data if pending else None

    @extend_schema_field(VerdictSerializer(many=True))
    def get_revisions(self, claim):
        return VerdictSerializer(_approved(claim)[1:], many=True, context=self.context).data

    @extend_schema_field(EvidenceOutSerializer(many=True))
    def get_evidence(self, claim):
        evidence = list(claim.evidence.all())
        if self.context.get("public"):
            # Only what was on record when the verdict in force was approved.
            approved = _approved(claim)
            cutoff = approved[0].approved_at if approved else None
            evidence = [e for e in evidence if cutoff is not None and e.added_at <= cutoff]
        return EvidenceOutSerializer(evidence, many=True).data

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_links(self, claim) -> dict:
        request = self.context.get("request")

        def absolute(path: str) -> str:
            return request.build_absolute_uri(path) if request else self.context.get("base_url", "") + path

        links = {
            "self": absolute(reverse("api:claim-detail", args=[claim.pk])),
            "article": absolute(reverse("api:article-detail", args=[claim.article_id])),
            "page": absolute(reverse("factcheck:claim", args=[claim.pk])),
        }
        if claim.status == Claim.Status.PUBLISHED or _approved(claim):
            links["claimreview"] = absolute(reverse("api:claim-claimreview", args=[claim.pk]))
        return links


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
        claims = [c for c in article.claims.all() if not public or any(v.approved_at for v in c.verdicts.all())]
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
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all())
    kind = serializers.ChoiceField(choices=Claim.Kind.choices, default=Claim.Kind.STATEMENT)
    text = serializers.CharField(max_length=5000)
    start = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    end = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    attribution = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Claim.Priority.choices, default=Claim.Priority.NORMAL)
    media = serializers.IntegerField(required=False, allow_null=True, help_text="Id of the article's media item.")


class NoteInSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReturnInSerializer(StrictSerializer):
    note = serializers.CharField(max_length=5000, help_text="Why the verdict goes back (required).")


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


class EvidenceInSerializer(StrictSerializer):
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=1000)
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="What it shows.")


class SubmitInSerializer(StrictSerializer):
    rating = serializers.SlugRelatedField(slug_field="slug", queryset=Rating.objects.all())
    summary = serializers.CharField(max_length=10_000)
    evidence = EvidenceInSerializer(many=True, required=False, default=list)
    media_authenticity = serializers.ChoiceField(
        choices=Verdict._meta.get_field("media_authenticity").choices, required=False, allow_blank=True, default=""
    )

    def evidence_items(self) -> list[dict]:
        return [{"url": e["url"], "description": e["note"]} for e in self.validated_data.get("evidence", [])]


class CorrectInSerializer(SubmitInSerializer):
    reason = serializers.CharField(max_length=5000, help_text="Why the published verdict changes.")


def claim_payload(claim: Claim) -> dict:
    """The claim as the API shows it to the CMS, outside a request (webhook bodies).

    Expects the claim loaded with ``queries.claims_for``'s joins (or pays a few queries)."""
    from django.conf import settings

    if not any(v.approved_at for v in claim.verdicts.all()):
        # Never published (a first verdict returned): the CMS learns only which claim it is.
        article = claim.article
        return {"id": claim.pk, "article": {"id": article.pk, "url": article.url, "external_id": article.external_id}}
    context = {"public": True, "base_url": settings.SITE_URL}
    return dict(ClaimSerializer(claim, context=context).data)
