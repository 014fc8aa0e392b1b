"""Filters of list pages (django-filter)."""

import django_filters
from django.db.models import Q

from factcheck.models import Article


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    outlet = django_filters.CharFilter(field_name="outlet", lookup_expr="iexact")
    published_after = django_filters.DateFilter(field_name="published_at", lookup_expr="date__gte", label="From")
    published_before = django_filters.DateFilter(field_name="published_at", lookup_expr="date__lte", label="To")
    has_open_claims = django_filters.BooleanFilter(method="open_claims", label="Has open claims")

    class Meta:
        model = Article
        fields = ["q", "outlet", "published_after", "published_before", "has_open_claims"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(outlet__icontains=value) | Q(body__icontains=value))

    def open_claims(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(open_claims__gt=0) if value else queryset.filter(open_claims=0)
