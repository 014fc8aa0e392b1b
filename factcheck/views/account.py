"""A person's own settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from factcheck import notifications, roles
from factcheck.forms.account import EmailChoicesForm


@login_required
def notification_settings(request):
    """Switch emails about each workflow event on or off, for oneself."""
    if not roles.can_review(request.user):
        raise PermissionDenied("Notifications are for editors and reviewers.")
    current = notifications.email_choices(request.user)
    form = EmailChoicesForm(request.POST if request.method == "POST" else None, choices=current)
    if request.method == "POST" and form.is_valid():
        notifications.set_email_choices(request.user, form.choices())
        messages.success(request, "Saved: your email notifications.")
        return redirect("factcheck:notification-settings")
    context = {"form": form, "has_email": bool(request.user.email)}
    return render(request, "factcheck/notification_settings.html", context, status=400 if form.errors else 200)
