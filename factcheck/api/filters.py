"""Filters of the list endpoints (django-filter)."""

import django_filters
from django.conf import settings
from django.utils import timezone

from factcheck.importing.data import canonical_url
from factcheck.models import Article, Claim


class SyncFilterSet(django_filters.FilterSet):
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since",
        label="Only what changed at or after this moment (ISO 8601); combine with the cursor for incremental sync.",
    )

    def filter_updated_since(self, queryset, name, value):
        # Changes settle for API_SYNC_SETTLE_SECONDS before incremental sync
        # shows them: a transaction that commits a moment after a later one
        # cannot be stepped over by a client's cursor.
        settle = timezone.now() - timezone.timedelta(seconds=settings.API_SYNC_SETTLE_SECONDS)
        return queryset.filter(updated_at__gte=value, updated_at__lte=settle)


class ClaimFilter(SyncFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Claim.Status.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Claim.Kind.choices)
    rating = django_filters.CharFilter(method="filter_rating", label="Slug of the published rating.")
    article = django_filters.NumberFilter(field_name="article_id", min_value=1, max_value=2**63 - 1)

    class Meta:
        model = Claim
        fields = ["status", "kind", "rating", "article", "updated_since"]

    def filter_rating(self, queryset, name, value):
        ids = Claim.objects.filter(verdicts__rating__slug=value, verdicts__approved_at__isnull=False).values("pk")
        return queryset.filter(pk__in=ids)


class ArticleFilter(SyncFilterSet):
    url = django_filters.CharFilter(method="filter_url", label="The article's URL (tracking parameters ignored).")
    external_id = django_filters.CharFilter()
    outlet = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Article
        fields = ["url", "external_id", "outlet", "updated_since"]

    def filter_url(self, queryset, name, value):
        return queryset.filter(url=canonical_url(value))
