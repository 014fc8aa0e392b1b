"""Filters of list pages (django-filter)."""

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

from factcheck.forms.claims import reviewer_choices
from factcheck.models import Article, Claim, Rating, Tag


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


class ClaimFilter(django_filters.FilterSet):
    """The claims page: full-text search (PostgreSQL; words anywhere on SQLite) over the
    claim's text, attribution and article title, and filters."""

    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(choices=Claim.Status.choices, widget=forms.CheckboxSelectMultiple)
    kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices)
    rating = django_filters.ModelChoiceFilter(
        queryset=Rating.objects.all(), to_field_name="slug", method="filter_rating", label="Rating in force"
    )
    reviewer = django_filters.ModelChoiceFilter(
        queryset=reviewer_choices(), to_field_name="username", field_name="assignments__reviewer", distinct=True
    )
    tag = django_filters.ModelChoiceFilter(queryset=Tag.objects.all(), to_field_name="slug", field_name="tags")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="Created from")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="Created to")

    class Meta:
        model = Claim
        fields = ["q", "status", "kind", "rating", "reviewer", "tag", "overdue", "created_after", "created_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["reviewer"].queryset = reviewer_choices()
        self.filters["tag"].queryset = Tag.objects.all()
        for name in ("kind", "rating", "reviewer", "tag", "overdue"):
            self.form.fields[name].widget.attrs["class"] = "form-select"

    def search(self, queryset, name, value):
        return search_claims(queryset, value)

    def filter_rating(self, queryset, name, value):
        return queryset.rated(value.slug) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = queryset.overdue().values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)


def search_claims(queryset, value: str):
    """PostgreSQL full-text search (English stemming, every word must match) over the claim's
    text, attribution and article title, best first; on SQLite every word must appear."""
    words = value.split()[:20]
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector("text", weight="A", config="english") + SearchVector(
            "attribution", "article__title", weight="B", config="english"
        )
        query = SearchQuery(" ".join(words), search_type="plain", config="english")
        return (
            queryset.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "-id")
        )
    for word in words:
        queryset = queryset.filter(
            Q(text__icontains=word) | Q(attribution__icontains=word) | Q(article__title__icontains=word)
        )
    return queryset
