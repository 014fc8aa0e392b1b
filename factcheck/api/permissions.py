"""Who may use which endpoint. The workflow still checks every action."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from factcheck import roles


def is_service_account(user) -> bool:
    """A CMS account: it may read published data and push articles, nothing else."""
    return roles.is_cms(user)


class DeskOrService(BasePermission):
    """Editors and reviewers (everything their role allows) and CMS accounts
    (reading published data, pushing articles)."""

    message = "This account has no role on the desk."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if roles.can_review(user):
            return True
        if is_service_account(user):
            return request.method in SAFE_METHODS or getattr(view, "service_may_write", False)
        return False


class DeskOnly(BasePermission):
    message = "Only editors and reviewers can do this."

    def has_permission(self, request, view) -> bool:
        return roles.can_review(request.user)
