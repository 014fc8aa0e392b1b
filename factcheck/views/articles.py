"""Articles: the list, one article with its claims in place, and flagging."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from factcheck import highlight, roles, selectors, transitions, workflow
from factcheck.filters import ArticleFilter
from factcheck.forms import FlagForm, MediaFlagForm
from factcheck.models import Article, Claim
from factcheck.views.claims import INPUT_FORMS, TONE_CSS
from factcheck.views.paging import CappedPaginator

PER_PAGE = 25


def _require_desk_member(user) -> None:
    if not roles.can_review(user):
        raise PermissionDenied("The desk is for editors and reviewers.")


@login_required
def article_list(request):
    _require_desk_member(request.user)
    filtered = ArticleFilter(request.GET, queryset=selectors.articles_for_list())
    page = CappedPaginator(filtered.qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "factcheck/article_list.html",
        {"filter": filtered, "page": page, "query": query.urlencode(), "can_import": roles.can_triage(request.user)},
    )


def _article_or_404(pk: int) -> Article:
    try:
        return selectors.article_detail(pk)
    except Article.DoesNotExist:
        raise Http404("No such article.") from None


def _render_article(request, article, *, flag_form=None, media_form=None, status=200):
    claims = list(article.claims.all())
    paragraphs = highlight.paragraphs(article.body, claims)
    # Suggestions best first (check-worthiness), then the claims people flagged, in text order.
    claims.sort(key=lambda c: (c.status != Claim.Status.SUGGESTED, -(c.score or 0)))
    taken = {(c.span_start, c.span_end) for c in claims} | {(None, c.text) for c in claims}
    editor = roles.can_triage(request.user)
    # Triage suggestions in place: the editors' one-click rows of the table (no note, no input).
    triage = [
        {"action": row.action.value, "label": row.short_label or row.label, "css": TONE_CSS[row.tone]}
        for row in transitions.from_status(Claim.Status.SUGGESTED)
        if row.who is transitions.Who.EDITOR and not row.note_required and row.action not in INPUT_FORMS
    ]
    context = {
        "triage": triage if editor else [],
        "suggested": Claim.Status.SUGGESTED,
        "article": article,
        "paragraphs": paragraphs,
        "claims": claims,
        "media": list(article.media.all()),
        "editor": editor,
        "flag_form": flag_form or (FlagForm(paragraphs=paragraphs) if editor else None),
        "media_form": media_form,
        "candidates": [
            c for c in article.candidates
            if (c.get("span_start"), c.get("span_end")) not in taken and (None, c.get("text")) not in taken
        ],
        "suggestion_limit": settings.SUGGESTIONS_PER_ARTICLE,
    }  # fmt: skip
    return render(request, "factcheck/article_detail.html", context, status=status)


@login_required
def article_detail(request, pk: int):
    _require_desk_member(request.user)
    return _render_article(request, _article_or_404(pk))


def _refuse_flagging(request, pk: int):
    """Flagging is the editors' (the form is not even shown to others)."""
    messages.error(request, "Only editors can flag claims.")
    return redirect("factcheck:article", pk=pk)


@login_required
@require_POST
def article_flag(request, pk: int):
    _require_desk_member(request.user)
    if not roles.can_triage(request.user):
        return _refuse_flagging(request, pk)
    article = _article_or_404(pk)
    paragraphs = highlight.paragraphs(article.body, [])
    form = FlagForm(request.POST, paragraphs=paragraphs)
    if not form.is_valid():
        return _render_article(request, article, flag_form=form, status=400)
    data = form.cleaned_data
    start, end, text = data["span_start"], data["span_end"], data["text"]
    if start is None or end is None:
        chosen = form.paragraphs[data["paragraph"]]
        span = highlight.paragraph_span(article.body, chosen.start, chosen.end, text)
        if span is None:
            form.add_error("text", "These words are not in the chosen paragraph; copy them exactly.")
            return _render_article(request, article, flag_form=form, status=400)
        start, end = span
        text = article.body[start:end]
    try:
        claim = workflow.claim_flag(
            article=article, actor=request.user, text=text, kind=data["kind"], span_start=start, span_end=end,
            attribution=data["attribution"], reason=data["reason"], priority=data["priority"],
        )  # fmt: skip
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        return redirect("factcheck:article", pk=article.pk)
    messages.success(request, f"Flagged claim #{claim.pk} for checking.")
    overlaps = (
        article.claims.filter(span_start__lt=end, span_end__gt=start)
        .exclude(pk=claim.pk)
        .exclude(status=Claim.Status.DISMISSED)
        .values_list("pk", flat=True)[:5]
    )
    if overlaps:
        links = format_html_join(
            ", ", '<a href="{}">claim #{}</a>', ((reverse("factcheck:claim", args=[pk]), pk) for pk in overlaps)
        )
        messages.warning(request, format_html("It overlaps {} already on the desk.", links))
    return redirect(f"{article.get_absolute_url()}#claim-{claim.pk}")


@login_required
@require_POST
def article_flag_media(request, pk: int):
    _require_desk_member(request.user)
    if not roles.can_triage(request.user):
        return _refuse_flagging(request, pk)
    article = _article_or_404(pk)
    form = MediaFlagForm(request.POST, article=article)
    if not form.is_valid():
        return _render_article(request, article, media_form=form, status=400)
    media = form.cleaned_data["media"]
    try:
        claim = workflow.claim_flag(
            article=article, actor=request.user, text=form.cleaned_data["text"], kind=media.kind, media=media,
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        return redirect("factcheck:article", pk=article.pk)
    messages.success(request, f"Flagged the {media.get_kind_display().lower()} as claim #{claim.pk}.")
    return redirect(f"{article.get_absolute_url()}#claim-{claim.pk}")
