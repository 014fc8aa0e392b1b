"""What editors made of the suggestions: each accept and dismiss is recorded with the
score the suggestion had (factcheck.workflow), so precision in production can be
reported and the check-worthiness model retrained from the desk's own decisions."""

from dataclasses import dataclass

from factcheck.models import Action, Claim, Event

BANDS = ("high", "medium", "low")


@dataclass(frozen=True)
class Decision:
    claim_id: int
    text: str
    speaker: str
    accepted: bool
    score: float
    band: str


def decisions() -> list[Decision]:
    """The last accept or dismiss of every suggestion that had a score (an editor may
    dismiss, restore and then accept: the last word counts)."""
    events = (
        Event.objects.filter(action__in=(Action.ACCEPT, Action.DISMISS), data__has_key="score")
        .order_by("claim_id", "at", "id")
        .values_list("claim_id", "action", "data")
    )
    last: dict[int, tuple[str, dict]] = {}
    for claim_id, action, data in events.iterator(chunk_size=2000):
        last[claim_id] = (action, data)
    rows = Claim.objects.filter(pk__in=last).values_list("pk", "text", "attribution")
    claims = {pk: (text, speaker) for pk, text, speaker in rows}
    return [
        Decision(pk, *claims[pk], action == Action.ACCEPT, float(data["score"]), data.get("band", ""))
        for pk, (action, data) in last.items()
        if pk in claims and isinstance(data.get("score"), (int, float))
    ]


@dataclass(frozen=True)
class Precision:
    band: str
    accepted: int
    dismissed: int

    @property
    def decided(self) -> int:
        return self.accepted + self.dismissed

    @property
    def precision(self) -> float | None:
        return self.accepted / self.decided if self.decided else None


def precision_by_band(found: list[Decision] | None = None) -> list[Precision]:
    """Accepted and dismissed suggestions per band, and all together (band "all")."""
    found = decisions() if found is None else found
    rows = []
    for band in (*BANDS, "all"):
        chosen = [d for d in found if band == "all" or d.band == band]
        accepted = sum(d.accepted for d in chosen)
        rows.append(Precision(band, accepted, len(chosen) - accepted))
    return rows
