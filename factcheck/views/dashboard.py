"""/dashboard/: the desk's figures for a date range, as charts (PNG, drawn on the server)
with a data table each, and the suggestions' precision in production."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from factcheck import charts, dashboard, roles


class RangeForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The range must start before it ends.")
        if start and end and (end - start).days > 3 * 366:
            raise forms.ValidationError("Choose a range of at most three years.")
        return data


def _range(request):
    if not roles.can_review(request.user):
        raise PermissionDenied("The dashboard is for the desk's editors and reviewers.")
    form = RangeForm(request.GET)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    return form, valid, dashboard.window(data.get("start"), data.get("end"))


@login_required
def dashboard_page(request):
    form, valid, (since, until) = _range(request)
    publication, median = dashboard.flag_to_publication(since, until)
    tables = [dashboard.series(name, since, until) for name in dashboard.CHARTS if name != "publication"]
    tables.insert(1, publication)
    context = {
        "form": form,
        "since": since.date(),
        "until": until.date(),
        "charts": list(zip(dashboard.CHARTS, tables, strict=True)),
        "median": median,
        "precision": dashboard.precision(),
        "query": request.GET.urlencode(),
    }
    return render(request, "factcheck/dashboard.html", context, status=200 if valid else 400)


@login_required
def dashboard_chart(request, name: str):
    if name not in dashboard.CHARTS:
        raise Http404("No such chart.")
    _, _, (since, until) = _range(request)
    response = HttpResponse(charts.png(name, dashboard.series(name, since, until)), content_type="image/png")
    response["Cache-Control"] = "private, max-age=60"
    return response
