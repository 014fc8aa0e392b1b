"""Cursor pagination in (updated_at, id) order, built for incremental sync.

A page carries `next` (more now; null at the end) and `resume`: the cursor
to poll later. Claims changed after you read them come back after `resume`,
so a CMS that follows `next`, keeps `resume` and starts its next run there
sees every change exactly once, however many edits happen meanwhile."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from factcheck import visibility
from factcheck.models import Claim


class SyncCursorPagination(CursorPagination):
    request: Request  # set by paginate_queryset; missing from CursorPagination's stub
    ordering = ("updated_at", "id")
    page_size_query_param = "page_size"
    cursor_query_description = "The position to continue from: follow `next` (or `resume`) as given."
    page_size_query_description = "Items per page (at most API_MAX_PAGE_SIZE, 200 by default)."

    def get_page_size(self, request):
        # Read at request time, so the limit follows the settings.
        self.max_page_size = settings.API_MAX_PAGE_SIZE
        self.page_size = settings.REST_FRAMEWORK.get("PAGE_SIZE", 50)
        return super().get_page_size(request)

    def get_ordering(self, request, queryset, view):
        # A CMS account's sync follows what it can see change (factcheck.visibility).
        if queryset.model is Claim and visibility.is_public(request.user):
            return ("public_updated_at", "id")
        return self.ordering

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, OverflowError):
            # A cursor that decodes but holds no valid position: forged or corrupted.
            raise NotFound(self.invalid_cursor_message) from None

    def get_resume_link(self) -> str | None:
        if self.page:
            if self.has_next:
                return self.get_next_link()
            # No item follows the page: the cursor goes right after its last item.
            self.has_next, self.next_position = True, None
            try:
                return self.get_next_link()
            finally:
                self.has_next = False
        # Nothing after this position yet: poll the same place again.
        return self.request.build_absolute_uri() if self.cursor else None

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "resume": self.get_resume_link(),
             "results": data}
        )  # fmt: skip

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["resume"] = {
            "type": "string",
            "nullable": True,
            "format": "uri",
            "description": "Where to continue on your next sync run, to see only what changed since.",
        }
        return response
