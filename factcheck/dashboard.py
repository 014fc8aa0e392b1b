"""The figures behind /dashboard/, for a date range: claims moved into each status per week,
the median time from flag to publication, overdue assignments by reviewer, the ratings
published, and what editors made of the suggestions. Plain data; the page draws it."""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min
from django.db.models.functions import TruncWeek
from django.utils import timezone

from factcheck import feedback
from factcheck.models import Action, Assignment, Claim, Event, Verdict

S = Claim.Status


@dataclass(frozen=True)
class Series:
    """A chart's data: labels on one axis, one list of values per named line or bar set."""

    title: str
    labels: list[str]
    values: dict[str, list[float]] = field(default_factory=dict)
    unit: str = "claims"

    @property
    def rows(self) -> list[tuple[str, list[float]]]:
        """The table under the chart: one row per label, one column per series."""
        return [(label, [values[i] for values in self.values.values()]) for i, label in enumerate(self.labels)]


def window(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """The range as aware datetimes; the last 90 days by default."""
    today = timezone.localdate()
    end = end or today
    start = start or end - timedelta(days=89)
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, zone), datetime.combine(end, time.max, zone)


def _weeks(since: datetime, until: datetime) -> list[date]:
    first = (since - timedelta(days=since.weekday())).date()
    weeks, day = [], first
    while day <= until.date():
        weeks.append(day)
        day += timedelta(days=7)
    return weeks


def status_over_time(since: datetime, until: datetime) -> Series:
    rows = (
        Event.objects.filter(at__range=(since, until))
        .annotate(week=TruncWeek("at"))
        .values("week", "to_status")
        .annotate(n=Count("id"))
    )
    weeks = _weeks(since, until)
    values = {label: [0.0] * len(weeks) for value, label in S.choices}
    index = {w: i for i, w in enumerate(weeks)}
    labels = dict(S.choices)
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        if week in index and row["to_status"] in labels:
            values[labels[row["to_status"]]][index[week]] += row["n"]
    values = {name: v for name, v in values.items() if any(v)}
    return Series("Claims moved into each status, per week", [w.isoformat() for w in weeks], values)


def flag_to_publication(since: datetime, until: datetime) -> tuple[Series, float | None]:
    """Median hours from a claim's flag (or acceptance) to its first publication, per week of publication."""
    published = (
        Event.objects.filter(action=Action.APPROVE, at__range=(since, until))
        .values("claim_id")
        .annotate(first=Min("at"))
    )
    flagged = dict(
        Event.objects.filter(to_status=S.FLAGGED, claim_id__in=published.values("claim_id"))
        .values("claim_id")
        .annotate(first=Min("at"))
        .values_list("claim_id", "first")
    )
    weeks = _weeks(since, until)
    per_week: dict[date, list[float]] = {w: [] for w in weeks}
    every = []
    for row in published:
        start = flagged.get(row["claim_id"])
        if start is None or row["first"] < start:
            continue
        hours = (row["first"] - start).total_seconds() / 3600
        week = (row["first"] - timedelta(days=row["first"].weekday())).date()
        per_week.setdefault(week, []).append(hours)
        every.append(hours)
    medians = [round(statistics.median(per_week[w]), 1) if per_week[w] else 0.0 for w in weeks]
    series = Series("Median hours from flag to publication, per week", [w.isoformat() for w in weeks],
                    {"median hours": medians}, unit="hours")  # fmt: skip
    return series, (round(statistics.median(every), 1) if every else None)


def overdue_by_reviewer() -> Series:
    late = (
        Assignment.objects.filter(done_at__isnull=True, due_at__lt=timezone.now(), claim__status=S.ASSIGNED)
        .values("reviewer__username")
        .annotate(n=Count("id"))
        .order_by("-n", "reviewer__username")
    )
    return Series(
        "Overdue assignments by reviewer (now)",
        [row["reviewer__username"] for row in late],
        {"overdue": [float(row["n"]) for row in late]},
        unit="assignments",
    )


def ratings(since: datetime, until: datetime) -> Series:
    rows = (
        Verdict.objects.approved()
        .filter(approved_at__range=(since, until))
        .values("rating__label")
        .annotate(n=Count("id"))
        .order_by("-n", "rating__label")
    )
    return Series(
        "Ratings published", [row["rating__label"] for row in rows], {"verdicts": [float(r["n"]) for r in rows]},
        unit="verdicts",
    )  # fmt: skip


def suggestions(since: datetime, until: datetime) -> Series:
    rows = (
        Event.objects.filter(
            action__in=(Action.ACCEPT, Action.DISMISS), claim__suggested=True, at__range=(since, until)
        )
        .annotate(week=TruncWeek("at"))
        .values("week", "action")
        .annotate(n=Count("id"))
    )
    weeks = _weeks(since, until)
    index = {w: i for i, w in enumerate(weeks)}
    values = {"accepted": [0.0] * len(weeks), "dismissed": [0.0] * len(weeks)}
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        if week in index:
            values["accepted" if row["action"] == Action.ACCEPT else "dismissed"][index[week]] += row["n"]
    return Series("Suggestions accepted and dismissed, per week", [w.isoformat() for w in weeks], values,
                  unit="suggestions")  # fmt: skip


CHARTS = ("status", "publication", "overdue", "ratings", "suggestions")


def series(name: str, since: datetime, until: datetime) -> Series:
    if name == "status":
        return status_over_time(since, until)
    if name == "publication":
        return flag_to_publication(since, until)[0]
    if name == "overdue":
        return overdue_by_reviewer()
    if name == "ratings":
        return ratings(since, until)
    if name == "suggestions":
        return suggestions(since, until)
    raise KeyError(name)


def precision() -> list[feedback.Precision]:
    """Suggestions' precision in production, by band (issue 11): accepted over decided."""
    return feedback.precision_by_band()
