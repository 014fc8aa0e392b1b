"""A claim's JSON (the API's and the webhooks' shape) built from plain rows, never from models.

One builder for every face: the claim list reads its rows with ``values()`` (four queries a page,
no model instances: issue 14 measured DRF's serializers at 80% of an export page), and a single
claim read through the ORM (the detail, the answer to an action, a webhook body) is turned into
the same rows first (``payloads.claim_json``). So the shapes cannot drift apart.

Rows are dicts keyed by the ``values()`` names below. Verdicts, evidence and tags come grouped by
claim id, in the order the API shows them."""

from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from factcheck import visibility

CLAIM_FIELDS = (
    "id", "article_id", "kind", "text", "span_start", "span_end", "attribution", "media_id", "reason", "priority",
    "status", "suggested", "score", "score_band", "score_reasons", "created_at", "updated_at", "public_updated_at",
    "article__title", "article__url", "article__outlet", "article__published_at",
    "media__kind", "media__url", "media__caption", "media__credit", "media__sha256",
)  # fmt: skip
RATING_FIELDS = ("slug", "label", "value", "best", "worst", "colour")  # a rating's JSON, in order
VERDICT_FIELDS = (
    "claim_id", "revision", "rating_id", *(f"rating__{name}" for name in RATING_FIELDS), "summary",
    "media_authenticity", "correction_reason", "author__username", "submitted_at", "approved_by__username",
    "approved_at", "returned_at",
)  # fmt: skip
EVIDENCE_FIELDS = ("claim_id", "url", "description", "added_at")
# What the CMS's view leaves out: nothing is read that is not shown.
_DESK_ONLY_COLUMNS = ("reason", "priority", "suggested", "score", "score_band", "score_reasons", "updated_at")
PUBLIC_CLAIM_FIELDS = tuple(name for name in CLAIM_FIELDS if name not in _DESK_ONLY_COLUMNS)
DESK_CLAIM_FIELDS = tuple(name for name in CLAIM_FIELDS if name != "public_updated_at")


def claim_fields(*, public: bool) -> tuple[str, ...]:
    return PUBLIC_CLAIM_FIELDS if public else DESK_CLAIM_FIELDS


_MARK = 987654321  # stands for the id in a reversed URL, replaced per claim


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in the current time zone, ``Z`` for UTC (as the API's fields render it)."""
    if moment is None:
        return None
    text = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _fast_iso() -> Callable[[datetime | None], str | None]:
    """``iso``, without the time-zone conversion when the current zone is UTC (the database's)."""
    if timezone.get_current_timezone_name() not in ("UTC", "Etc/UTC"):
        return iso

    def utc(moment: datetime | None) -> str | None:
        if moment is None:
            return None
        text = moment.isoformat()
        # Read from the database it is UTC; anything else (naive, another offset) takes iso's way.
        return text[:-6] + "Z" if text.endswith("+00:00") else iso(moment)

    return utc


def rating_json(rating) -> dict:
    return {name: getattr(rating, name) for name in RATING_FIELDS}


class Links:
    """The claim's links, from URL patterns reversed once (not four reverses a claim)."""

    def __init__(self, absolute: Callable[[str], str]) -> None:
        def pattern(name: str) -> tuple[str, str]:
            head, _, tail = absolute(reverse(name, args=[_MARK])).partition(str(_MARK))
            return head, tail

        self.claim = pattern("api:claim-detail")
        self.article = pattern("api:article-detail")
        self.media = pattern("api:media-detail")
        self.page = pattern("factcheck:claim")
        self.claimreview = pattern("api:claim-claimreview")

    @staticmethod
    def of(pattern: tuple[str, str], pk) -> str:
        return f"{pattern[0]}{pk}{pattern[1]}"


class Builder:
    """Builds claims' JSON for one request (or one webhook): ``public`` is the CMS's view."""

    def __init__(self, *, public: bool, absolute: Callable[[str], str]) -> None:
        self.public, self.links = public, Links(absolute)
        self.ratings: dict[int, dict] = {}
        self.iso = _fast_iso()

    def rating(self, row: dict) -> dict:
        rating = self.ratings.get(row["rating_id"])
        if rating is None:
            rating = self.ratings[row["rating_id"]] = {name: row[f"rating__{name}"] for name in RATING_FIELDS}
        return rating

    def verdict(self, row: dict) -> dict:
        public, iso_ = self.public, self.iso
        return {
            "revision": row["revision"],
            "rating": self.rating(row),
            "summary": row["summary"],
            "media_authenticity": row["media_authenticity"],
            "correction_reason": row["correction_reason"],
            # The CMS sees no names of the desk's people.
            "author": None if public else row["author__username"],
            "submitted_at": iso_(row["submitted_at"]),
            "approved_by": None if public else row["approved_by__username"],
            "approved_at": iso_(row["approved_at"]),
        }

    def claim(self, row: dict, verdicts: list[dict], evidence: list[dict], tags: list[str]) -> dict:
        public, iso_, links_of, pk = self.public, self.iso, Links.of, row["id"]
        approved = sorted((v for v in verdicts if v["approved_at"]), key=lambda v: v["revision"], reverse=True)
        in_force = approved[0] if approved else None
        pending = None
        if not public:
            waiting = [v for v in verdicts if v["approved_at"] is None and v["returned_at"] is None]
            pending = max(waiting, key=lambda v: v["revision"]) if waiting else None
        if public:  # the evidence on record when the verdict in force was approved (factcheck.visibility)
            cutoff = in_force["approved_at"] if in_force else None
            evidence = [e for e in evidence if visibility.on_record(e["added_at"], cutoff)]
        links = {"self": links_of(self.links.claim, pk)}
        article_id, media_id = row["article_id"], row["media_id"]
        if article_id is not None:
            links["article"] = links_of(self.links.article, article_id)
        if media_id is not None:
            links["media"] = links_of(self.links.media, media_id)
        if not public:
            links["page"] = links_of(self.links.page, pk)
        if row["status"] == "published" or approved:
            links["claimreview"] = links_of(self.links.claimreview, pk)
        data = {
            "id": pk,
            "article": None if article_id is None else {
                "id": article_id, "title": row["article__title"], "url": row["article__url"],
                "outlet": row["article__outlet"], "published_at": iso_(row["article__published_at"]),
            },
            "kind": row["kind"],
            "text": row["text"],
            "span": None if row["span_start"] is None else {"start": row["span_start"], "end": row["span_end"]},
            "attribution": row["attribution"],
            "media": None if media_id is None else {
                "id": media_id, "kind": row["media__kind"], "url": row["media__url"], "caption": row["media__caption"],
                "credit": row["media__credit"], "sha256": row["media__sha256"],
            },
            "reason": None if public else row["reason"],
            "tags": tags,
            "priority": None if public else row["priority"],
            # The CMS sees every claim it can see as published: a correction waiting for
            # approval is the desk's business until it is approved.
            "status": "published" if public else row["status"],
            "suggested": None if public else row["suggested"],
            "checkworthiness": None if public or row["score"] is None else {
                "score": row["score"], "band": row["score_band"], "reasons": list(row["score_reasons"] or []),
            },
            "created_at": iso_(row["created_at"]),
            "updated_at": iso_(row["public_updated_at"] if public else row["updated_at"]),
            "verdict": None if in_force is None else self.verdict(in_force),
            "pending_verdict": None if pending is None else self.verdict(pending),
            "revisions": [self.verdict(v) for v in approved[1:]],
            "evidence": [{"url": e["url"], "description": e["description"], "added_at": iso_(e["added_at"])}
                         for e in evidence],
            "links": links,
        }  # fmt: skip
        if public:
            for internal in visibility.DESK_ONLY_FIELDS:
                del data[internal]
        return data


def grouped(rows: Iterable[dict]) -> dict[int, list[dict]]:
    """Rows by their ``claim_id``, in the order given."""
    groups: dict[int, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["claim_id"], []).append(row)
    return groups


def site_absolute(path: str) -> str:
    """A full URL outside a request (webhooks): SITE_URL + path."""
    return settings.SITE_URL + path


# --- ClaimReview: the rows factcheck.claimreview reads, as plain objects ---------------------------

REVIEW_CLAIM_FIELDS = (
    "id", "kind", "text", "attribution", "article_id", "media_id", "created_at", "updated_at", "public_updated_at",
    "article__title", "article__url", "article__outlet", "article__published_at", "article__created_at",
    "media__kind", "media__url", "media__caption", "media__sha256", "media__source_url", "media__created_at",
)  # fmt: skip
REVIEW_VERDICT_FIELDS = (
    "claim_id", "revision", "approved_at", "summary", "media_authenticity",
    "rating__label", "rating__value", "rating__best", "rating__worst",
)  # fmt: skip


class Plain:
    """A row's fields as attributes: what ``factcheck.claimreview``'s functions read of a model."""

    def __init__(self, **fields) -> None:
        self.__dict__.update(fields)


class ReviewedClaim(Plain):
    verdict_rows: list

    def approved_verdicts(self) -> list:
        """Approved revisions, newest first (``Claim.approved_verdicts``)."""
        return sorted((v for v in self.verdict_rows if v.approved_at), key=lambda v: v.revision, reverse=True)


def _part(row: dict, prefix: str, names: tuple[str, ...]) -> Plain | None:
    if row[f"{prefix}_id"] is None:
        return None
    return Plain(**{name: row[f"{prefix}__{name}"] for name in names})


def reviewed_claim(row: dict, verdicts: list[dict]) -> ReviewedClaim:
    """A claim for ``claimreview.claimreview_feed`` from its row and its approved verdicts' rows."""
    rated = [
        Plain(
            claim_id=v["claim_id"], revision=v["revision"], approved_at=v["approved_at"], summary=v["summary"],
            media_authenticity=v["media_authenticity"],
            rating=Plain(label=v["rating__label"], value=v["rating__value"], best=v["rating__best"],
                         worst=v["rating__worst"]),
        )
        for v in verdicts
    ]  # fmt: skip
    return ReviewedClaim(
        pk=row["id"], kind=row["kind"], text=row["text"], attribution=row["attribution"], media_id=row["media_id"],
        article=_part(row, "article", ("title", "url", "outlet", "published_at", "created_at")),
        media=_part(row, "media", ("kind", "url", "caption", "sha256", "source_url", "created_at")),
        created_at=row["created_at"], verdict_rows=rated,
    )  # fmt: skip
