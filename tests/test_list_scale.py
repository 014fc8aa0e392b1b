"""Issue 14, lists that stay fast at 100,000 claims: a capped count, a cheap truncation, and the
article list's open-claims count read per article shown (timings live in scripts/bench_pages.py)."""

import pytest

from factcheck.templatetags.text import clip
from factcheck.views import paging


def test_clip_cuts_like_truncatechars():
    assert clip("short", 10) == "short"
    assert clip("a" * 20, 10) == "a" * 9 + "…"
    assert len(clip("é" * 300, 140)) == 140
    assert clip(None, 5) == "" and clip("text", "x") == "text" and clip("text", 0) == "text"


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "cap", 3)


def test_the_claims_page_counts_up_to_the_cap_and_says_so(client, editor_user, make_claim, small_cap):
    for _ in range(5):
        make_claim("flagged")
    client.force_login(editor_user)
    page = client.get("/claims/").content.decode()
    assert "3+ claim(s)" in page
    assert "1 / 1+" not in page  # 3 claims fit on one page: no pager


def test_under_the_cap_the_count_is_exact(client, editor_user, make_claim):
    make_claim("flagged")
    make_claim("flagged")
    client.force_login(editor_user)
    assert "2 claim(s)" in client.get("/claims/").content.decode()


def test_the_article_list_shows_each_article_s_open_claims(client, editor_user, make_claim, article):
    make_claim("flagged")
    make_claim("published")
    make_claim("dismissed")
    client.force_login(editor_user)
    page = client.get("/articles/").content.decode()
    assert "1 open" in page
    assert client.get("/articles/?has_open_claims=true").content.decode().count(article.title) >= 1
    assert article.title not in client.get("/articles/?has_open_claims=false").content.decode().split("</form>")[-1]
