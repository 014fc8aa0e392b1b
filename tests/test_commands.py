from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from factcheck.models import Article, Claim, Event


def _load(monkeypatch, password=None):
    if password:
        monkeypatch.setenv("DEMO_PASSWORD", password)
    else:
        monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_creates_users_and_the_panjshir_article(db, monkeypatch):
    output = _load(monkeypatch)
    users = get_user_model().objects.order_by("username")
    assert [u.username for u in users] == ["admin", "cms", "editor", "editor2", "reviewer", "reviewer2"]
    assert {u.username: sorted(u.groups.values_list("name", flat=True)) for u in users} == {
        "admin": [],
        "cms": ["CMS"],
        "editor": ["Editors"],
        "editor2": ["Editors"],
        "reviewer": ["Reviewers"],
        "reviewer2": ["Reviewers"],
    }
    assert [u.username for u in users if u.is_superuser] == ["admin"]
    # Generated passwords are printed and work.
    editor_line = next(line for line in output.splitlines() if line.strip().startswith("editor "))
    password = editor_line.rsplit("password: ", 1)[1]
    assert users.get(username="editor").check_password(password)

    article = Article.objects.get()
    assert article.outlet == "CNN" and "Panjshir" in article.title
    assert article.source == Article.Source.DEMO and article.url.startswith("https://edition.cnn.com/")
    # Imported through the pipeline: detection's suggestions wait for an editor.
    claims = article.claims.all()
    assert claims.count() > 5 and {c.status for c in claims} == {Claim.Status.SUGGESTED}
    for claim in claims:
        assert article.body[claim.span_start : claim.span_end] == claim.text
    photo = claims.get(kind=Claim.Kind.IMAGE)
    assert photo.media is not None and "flag of the Taliban" in photo.text
    assert photo.media.caption.startswith("The white flag of the Taliban")


def test_load_demo_is_idempotent(db, monkeypatch):
    _load(monkeypatch)
    counts = (get_user_model().objects.count(), Article.objects.count(), Claim.objects.count(), Event.objects.count())
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    output = _load(monkeypatch)
    assert "already there" in output and "unchanged" in output
    assert counts == (
        get_user_model().objects.count(),
        Article.objects.count(),
        Claim.objects.count(),
        Event.objects.count(),
    )
    assert passwords == dict(get_user_model().objects.values_list("username", "password"))


def test_demo_password_sets_every_demo_users_password_and_is_not_echoed(db, monkeypatch):
    _load(monkeypatch)
    output = _load(monkeypatch, password="panjshir-demo-2021")
    assert "panjshir-demo-2021" not in output
    for user in get_user_model().objects.all():
        assert user.check_password("panjshir-demo-2021")
