"""Articles in the back office: media and claims inline, and the import page."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from factcheck.admin.base import ReadOnlyInline
from factcheck.admin.media import MediaInline
from factcheck.models import Article, Claim


class ClaimInline(ReadOnlyInline):
    model = Claim
    readonly_fields = ["claim_link", "kind", "status", "attribution", "priority"]
    fields = [*readonly_fields]  # every field shown is read-only

    @admin.display(description="claim")
    def claim_link(self, claim):
        return format_html('<a href="{}">{}</a>', reverse("admin:factcheck_claim_change", args=[claim.pk]), claim)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "source", "published_at", "claim_count", "created_at"]
    list_filter = ["source", "outlet", "language"]
    search_fields = ["title", "outlet", "url", "byline"]
    date_hierarchy = "created_at"
    # The text is what claim spans point into and what deduplication hashes:
    # it never changes after import. Titles, outlets and bylines can be fixed.
    readonly_fields = ["url", "external_id", "body", "body_html", "content_hash", "source", "imported_by",
                       "created_at", "updated_at"]  # fmt: skip
    inlines = [MediaInline, ClaimInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_claims=Count("claims"))

    @admin.display(description="claims", ordering="_claims")
    def claim_count(self, article):
        return article._claims

    def has_add_permission(self, request):
        # Articles enter through the import pipeline (deduplication, detection).
        return False

    def get_urls(self):
        from django.urls import path

        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="factcheck_article_import"), *super().get_urls()]

    def import_view(self, request):
        from factcheck.views import import_page

        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Import articles"}
        return import_page(request, template="admin/factcheck/article/import.html", extra_context=context)
