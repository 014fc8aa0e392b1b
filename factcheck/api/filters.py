"""Filters of the list endpoints (django-filter)."""

import django_filters
from django import forms
from django.conf import settings
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from factcheck import visibility
from factcheck.importing.data import canonical_url
from factcheck.models import Article, Claim


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds and validates a form of every filter even when the
    request names none of them: 0.5 ms of an export page (issue 14). When no filter is named, the
    queryset is the answer, as it is at the end of that work."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class WholeNumberFormField(forms.IntegerField):
    """Digits only: Django's IntegerField reads "1.0" as 1, and django-filter's NumberFilter "1.5" as 1.5
    (then 1 to the database)."""

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else ""
        if text and not (text.isascii() and text.isdigit()):
            raise forms.ValidationError("Give a whole number.", code="invalid")
        return super().to_python(value)


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberFormField


class SyncFilterSet(django_filters.FilterSet):
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since",
        label="Only what changed at or after this moment (ISO 8601); combine with the cursor for incremental sync.",
    )

    def filter_updated_since(self, queryset, name, value):
        if not 1900 <= value.year <= 2200:
            raise ValidationError({"updated_since": ["Give a date between 1900 and 2200."]})
        # Changes settle for API_SYNC_SETTLE_SECONDS before incremental sync
        # shows them: a transaction that commits a moment after a later one
        # cannot be stepped over by a client's cursor.
        settle = timezone.now() - timezone.timedelta(seconds=settings.API_SYNC_SETTLE_SECONDS)
        # On claims, a CMS account follows what it can see change (factcheck.visibility).
        user = self.request.user if self.request is not None else None
        field = visibility.sync_field(user) if queryset.model is Claim else "updated_at"
        return queryset.filter(**{f"{field}__gte": value, f"{field}__lte": settle})


class ClaimFilter(SyncFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Claim.Status.choices, method="filter_status")
    kind = django_filters.MultipleChoiceFilter(choices=Claim.Kind.choices)
    rating = django_filters.CharFilter(method="filter_rating", label="Slug of the published rating.")
    article = WholeNumberFilter(field_name="article_id", min_value=1, max_value=2**63 - 1)
    tag = django_filters.CharFilter(field_name="tags__slug", label="Slug of a topic the claim has.")

    class Meta:
        model = Claim
        fields = ["status", "kind", "rating", "article", "tag", "updated_since"]

    def filter_rating(self, queryset, name, value):
        return queryset.rated(value)  # the rating of the verdict in force

    def filter_status(self, queryset, name, value):
        if value and self.request is not None and visibility.is_public(self.request.user):
            # The CMS sees every visible claim as published.
            return queryset if Claim.Status.PUBLISHED in value else queryset.none()
        return queryset.filter(status__in=value) if value else queryset


class ArticleFilter(SyncFilterSet):
    url = django_filters.CharFilter(method="filter_url", label="The article's URL (tracking parameters ignored).")
    external_id = django_filters.CharFilter()
    outlet = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Article
        fields = ["url", "external_id", "outlet", "updated_since"]

    def filter_url(self, queryset, name, value):
        return queryset.filter(url=canonical_url(value))
