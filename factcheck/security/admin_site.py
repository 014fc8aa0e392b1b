"""The back office's site: Django's, except that, like django-otp's OTPAdminSite, it admits no
session that still owes a second factor (an enrolled person's code; with REQUIRE_2FA, any
staff member's), whatever the middleware order.

Made the default site by factcheck.security.apps.DeskAdminConfig."""

from django.contrib.admin import AdminSite
from django.http import HttpRequest

from factcheck.security import twofactor


class DeskAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # Nobody who still owes a second factor (an enrolled person, or staff under REQUIRE_2FA).
        return super().has_permission(request) and not twofactor.pending_step(request)
