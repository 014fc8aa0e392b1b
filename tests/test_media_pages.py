"""The media pages: sending a photo, its page (metadata, "Seen before", reverse image search),
its files, thumbnails on the claim, desk and article pages, retrying, the admin, pinned query counts."""

import hashlib
import io
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from PIL import Image

from factcheck.media import ingest, store
from factcheck.models import Claim, Media, Rating

from .api_clients import cms_user as cms_user  # a pytest fixture, imported so that pytest finds it
from .factories import ArticleFactory
from .local_server import LocalServer
from .media_helpers import (
    XSS,
    XSS_IMG,
    has_exif,
    one,
    page,
    photo,
    photo_with_exif,
    plain_jpeg,
    post_page,
    publish,
    recompressed_crop,
)
from .media_helpers import fresh_index as fresh_index  # pytest fixtures, imported so that pytest finds them
from .media_helpers import media_root as media_root

# django_db: tests that ask for people through request.getfixturevalue still run before the transactional
# (browser) tests, which empty the tables, groups included.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_index", "media_root")]
PEOPLE = ["editor_user", "assigned_reviewer", "other_reviewer", "outsider", "cms_user", "anonymous"]
BASE = 3  # session, user, permissions (one statement: factcheck/security/permissions.py)


def as_(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def submitted(editor, data=None, **fields):
    return ingest.submit(actor=editor, data=data or photo(), filename="photo.jpg", **fields)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- sending a photo ------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), list(zip(PEOPLE, [200, 403, 403, 403, 403, 302], strict=True)))
def test_only_editors_may_open_the_upload_page(client, request, who, expected):
    response = as_(client, request, who).get("/media/new/")
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=/media/new/")


def test_uploading_a_photo_leads_to_its_page_with_the_thumbnail_and_the_larger_view(client, editor_user):
    client.force_login(editor_user)
    response = post_page(client, photo(), "flag.jpg", caption="A flag over the governor's office")
    media = Media.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/media/{media.pk}/"
    tree = page(client.get(response["Location"]))
    thumbnail = one(tree, "//img[@id='media-thumbnail']")
    assert thumbnail.get("src") == f"/media/{media.pk}/thumbnail/"
    assert thumbnail.get("alt") == "A flag over the governor's office"
    larger = one(tree, "//div[@id='large-view']//img")
    assert larger.get("src") == f"/media/{media.pk}/preview/" and larger.get("alt") == thumbnail.get("alt")
    assert one(tree, "//a[@id='open-large']").get("href") == "#large-view"


def test_the_metadata_panel_shows_size_hash_camera_time_taken_and_gps_on_openstreetmap(client, editor_user):
    data = photo_with_exif()
    media = submitted(editor_user, data).media
    client.force_login(editor_user)
    tree = page(client.get(f"/media/{media.pk}/"))
    rows = {r.xpath("string(th)"): r.xpath("string(td)").strip() for r in tree.xpath("//table[@id='metadata']//tr")}
    assert rows["Format"] == "image/jpeg" and rows["Dimensions"] == "480 × 360 px"
    assert f"({len(data)} bytes)" in rows["Size"] and rows["SHA-256"] == hashlib.sha256(data).hexdigest()
    assert rows["Camera"] == "Canon EOS 5D" and rows["Taken (DateTimeOriginal)"] == "2021:09:06 10:15:00"
    assert rows["Software"] == "Darkroom 2.0" and rows["GPS"].startswith("35.308333, 69.500000")
    link = one(tree, "//table[@id='metadata']//a[text()='OpenStreetMap']").get("href")
    assert link.startswith("https://www.openstreetmap.org/?mlat=35.308333&mlon=69.500000")
    assert not tree.xpath("//*[@id='metadata-stripped']")


@pytest.mark.parametrize("made", ["hopper.jpg", "drawn by Pillow"])
def test_a_photo_without_metadata_says_it_was_stripped(client, editor_user, made):
    data = photo(made) if made.endswith(".jpg") else plain_jpeg()
    media = submitted(editor_user, data).media
    client.force_login(editor_user)
    tree = page(client.get(f"/media/{media.pk}/"))
    assert "it was stripped" in one(tree, "//p[@id='metadata-stripped']").text_content()
    assert not tree.xpath("//table[@id='metadata']//th[text()='Camera' or text()='GPS']")


def test_seen_before_points_at_the_earlier_upload_its_claim_and_once_published_its_rating(
    client, editor_user, second_editor, assigned_reviewer
):
    first = submitted(editor_user, photo())
    submitted(editor_user, photo("hopper.jpg"))  # a different photo, never listed
    copy = submitted(editor_user, recompressed_crop(photo())).media
    client.force_login(assigned_reviewer)

    item = one(
        page(client.get(f"/media/{copy.pk}/")), "//ul[@id='seen-before']/li[@class and contains(@class, 'seen-item')]"
    )
    hrefs = item.xpath(".//a/@href")
    assert f"/media/{first.media.pk}/" in hrefs and f"/claims/{first.claim.pk}/" in hrefs
    assert "(flagged)" in item.text_content() and not item.xpath(".//strong")

    publish(first.claim, editor=editor_user, reviewer=assigned_reviewer, approver=second_editor, rating="false")
    item = one(page(client.get(f"/media/{copy.pk}/")), "//li[contains(@class, 'seen-item')]")
    assert item.xpath("string(.//strong)") == Rating.objects.get(slug="false").label
    assert "(published)" in item.text_content()


def test_a_photo_seen_nowhere_else_says_so(client, editor_user):
    media = submitted(editor_user).media
    client.force_login(editor_user)
    assert (
        "No near-identical photo on the desk."
        in one(page(client.get(f"/media/{media.pk}/")), "//ul[@id='seen-before']").text_content()
    )


def test_reverse_image_search_buttons_need_a_public_address(client, editor_user, settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    client.force_login(editor_user)
    with LocalServer() as server:
        server.routes["/photos/flag%201.jpg"] = (200, "image/jpeg", photo())
        response = post_page(client, url=server.url("/photos/flag%201.jpg"), caption="By its address")
    assert response.status_code == 302, response.content.decode()[-3000:]
    by_address = Media.objects.get()
    assert response.status_code == 302 and by_address.url == server.url("/photos/flag%201.jpg")
    tree = page(client.get(f"/media/{by_address.pk}/"))
    buttons = {a.text: a.get("href") for a in tree.xpath("//div[@id='reverse-search']/a")}
    assert set(buttons) == {"Google Lens", "Bing Visual Search", "TinEye", "Yandex"}
    encoded = quote(by_address.url, safe="")
    assert all(encoded in href for href in buttons.values()), buttons
    assert buttons["TinEye"] == f"https://tineye.com/search?url={encoded}"
    assert not tree.xpath("//*[@id='reverse-search-hint']")

    uploaded = submitted(editor_user, photo("hopper.jpg")).media
    tree = page(client.get(f"/media/{uploaded.pk}/"))
    assert not tree.xpath("//div[@id='reverse-search']")
    assert "no public address" in one(tree, "//p[@id='reverse-search-hint']").text_content()


def test_metadata_from_an_uploaded_photo_is_shown_escaped(client, editor_user):
    media = submitted(editor_user, photo_with_exif(make=XSS_IMG, model="D1")).media
    client.force_login(editor_user)
    content = client.get(f"/media/{media.pk}/").content.decode()
    assert "<img src=x" not in content and "onerror=alert(1)&gt;" in content


def test_a_photo_with_a_script_in_its_exif_is_refused_as_web_page_code(client, editor_user):
    client.force_login(editor_user)
    response = post_page(client, photo_with_exif(make=XSS))
    assert response.status_code == 400 and "web-page code" in response.content.decode()
    assert not Media.objects.exists()


def test_every_metadata_value_on_the_page_is_escaped(client, editor_user):
    media = submitted(editor_user, caption=XSS, note=XSS).media
    details = {
        "camera": XSS, "lens": XSS, "taken_at": XSS, "software": XSS, "gps": {"lat": 1.5, "lon": 2.5},
        "exif": {XSS: XSS}, "iptc": {XSS: XSS}, "xmp": {XSS: [XSS]}, "stripped": True, "problems": [XSS],
        "video": {"duration": 1.0, "video_codec": XSS, "audio_codec": XSS, "creation_time": XSS},
    }  # fmt: skip
    Media.objects.filter(pk=media.pk).update(metadata=details, mime=XSS)
    client.force_login(editor_user)
    content = client.get(f"/media/{media.pk}/").content.decode()
    assert "<script>alert" not in content
    assert content.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 17


# --- the files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rendition", ["thumbnail", "preview"])
def test_thumbnail_and_larger_view_are_clean_jpegs_served_with_nosniff(client, editor_user, rendition):
    data = photo_with_exif()
    assert has_exif(data)
    media = submitted(editor_user, data).media
    client.force_login(editor_user)
    response = client.get(f"/media/{media.pk}/{rendition}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    content = body(response)
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG" and not image.getexif() and "exif" not in image.info


def test_the_original_is_only_ever_downloaded(client, editor_user):
    data = photo_with_exif()
    media = ingest.submit(actor=editor_user, data=data, filename="from whatsapp.jpg").media
    client.force_login(editor_user)
    response = client.get(f"/media/{media.pk}/original/")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "whatsapp.jpg" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream" and body(response) == data


@pytest.mark.parametrize(("who", "expected"), list(zip(PEOPLE, [200, 200, 200, 403, 403, 302], strict=True)))
def test_desk_members_may_see_a_media_page_and_its_files(client, request, editor_user, who, expected):
    media = submitted(editor_user).media
    client = as_(client, request, who)
    for path in ("", "thumbnail/", "preview/", "original/"):
        assert client.get(f"/media/{media.pk}/{path}").status_code == expected, path


def test_unknown_renditions_and_items_are_404(client, editor_user):
    media = submitted(editor_user).media
    client.force_login(editor_user)
    for path in ("exif/", "..%2Foriginal/", "keyframes/1/"):
        assert client.get(f"/media/{media.pk}/{path}").status_code == 404, path
    assert client.get(f"/media/{media.pk + 1}/thumbnail/").status_code == 404
    assert client.get(f"/media/{media.pk + 1}/").status_code == 404


# --- thumbnails elsewhere ---------------------------------------------------------------------------


def test_the_claim_page_and_the_desk_card_of_an_image_claim_show_its_thumbnail(client, editor_user):
    result = submitted(editor_user, caption="A flag")
    thumbnail = f"/media/{result.media.pk}/thumbnail/"
    client.force_login(editor_user)
    claim_page = page(client.get(f"/claims/{result.claim.pk}/"))
    assert one(claim_page, "//div[@id='claim-media']//img").get("src") == thumbnail
    card = one(page(client.get("/")), f"//li[contains(@class, 'claim-card')][.//a[@href='/claims/{result.claim.pk}/']]")
    assert card.xpath(".//img/@src") == [thumbnail] and card.xpath(".//img/@alt") == ["A flag"]


def _article_with_stored_and_failed_media(stored=1):
    article = ArticleFactory()
    for n in range(stored):
        media = Media(article=article, url=f"https://cdn.example.org/{n}.jpg", caption=f"Stored {n}", position=n)
        store.save(media, store.prepare(recompressed_crop(photo(), quality=60 + n)), filename=f"{n}.jpg")
    failed = Media.objects.create(article=article, url="http://127.0.0.1:9/missing.jpg", position=99)
    assert ingest.fetch_and_store(failed.pk) == "failed"
    failed.refresh_from_db()
    return article, failed


def test_the_article_page_shows_thumbnails_and_what_could_not_be_stored_with_a_retry(client, editor_user):
    article, failed = _article_with_stored_and_failed_media()
    stored = article.media.get(state=Media.State.STORED)
    client.force_login(editor_user)
    tree = page(client.get(f"/articles/{article.pk}/"))
    assert one(tree, f"//div[@id='media-{stored.pk}']//img").get("src") == f"/media/{stored.pk}/thumbnail/"
    card = one(tree, f"//div[@id='media-{failed.pk}']")
    assert f"Could not be stored: {failed.error}" in card.text_content() and failed.error
    assert f"/media/{failed.pk}/" in card.xpath(".//a[text()='Details and retry']/@href")
    failed_page = page(client.get(f"/media/{failed.pk}/"))
    assert "Could not be stored" in one(failed_page, "//p[@id='media-state']").text_content()
    assert failed_page.xpath("//button[@id='retry-fetch']")


def test_an_editor_retries_a_failed_fetch_and_a_reviewer_is_told_why_not(
    client, editor_user, assigned_reviewer, django_capture_on_commit_callbacks
):
    _, failed = _article_with_stored_and_failed_media(stored=0)
    client.force_login(assigned_reviewer)
    assert not page(client.get(f"/media/{failed.pk}/")).xpath("//button[@id='retry-fetch']")
    response = client.post(f"/media/{failed.pk}/retry/")
    assert response.status_code == 302 and messages_of(response) == ["Only editors can retry fetching media."]
    assert Media.objects.get(pk=failed.pk).state == Media.State.FAILED

    client.force_login(editor_user)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"/media/{failed.pk}/retry/")
    assert response["Location"] == f"/media/{failed.pk}/" and messages_of(response)[-1] == "Fetching it again."
    assert len(queued) == 1
    failed.refresh_from_db()
    assert (failed.state, failed.error) == (Media.State.PENDING, "")
    assert "Being fetched" in client.get(f"/media/{failed.pk}/").content.decode()


def test_the_admin_lists_media_with_thumbnails_and_fetches_again(
    client, editor_user, django_capture_on_commit_callbacks
):
    article, failed = _article_with_stored_and_failed_media()
    stored = article.media.get(state=Media.State.STORED)
    client.force_login(editor_user)
    tree = page(client.get("/admin/factcheck/media/"))
    assert f"/media/{stored.pk}/thumbnail/" in tree.xpath("//table[@id='result_list']//img/@src")
    assert "fetch_again" in tree.xpath("//select[@name='action']/option/@value")
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            "/admin/factcheck/media/", {"action": "fetch_again", "_selected_action": [stored.pk, failed.pk]}
        )
    assert response.status_code == 302 and len(queued) == 1
    text = " ".join(messages_of(response))
    assert f"Fetching again: #{failed.pk}." in text and f"#{stored.pk}: This item is stored already." in text
    assert Media.objects.get(pk=failed.pk).state == Media.State.PENDING


# --- pinned query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("copies", [1, 4])
def test_the_media_page_query_count_does_not_grow_with_what_was_seen_before(
    client, editor_user, second_editor, assigned_reviewer, copies, django_assert_num_queries
):
    original = submitted(editor_user, photo())
    for n in range(copies):
        result = submitted(editor_user, recompressed_crop(photo(), crop=0.02 * n, quality=50 + 5 * n))
        if n == 0:
            publish(result.claim, editor=editor_user, reviewer=assigned_reviewer, approver=second_editor)
    client.force_login(editor_user)
    client.get(f"/media/{original.media.pk}/")  # the index loads once per process
    # + the item (article, added_by), keyframes, claims; "Seen before": the item's fingerprints, the index's
    # state, the items found, their claims, verdicts, ratings, the library's fact-checks carrying them
    with django_assert_num_queries(BASE + 3 + 7):
        response = client.get(f"/media/{original.media.pk}/")
    assert len(page(response).xpath("//li[contains(@class, 'seen-item')]")) == copies


@pytest.mark.parametrize("items", [1, 4])
def test_the_desk_and_article_pages_query_counts_do_not_grow_with_their_thumbnails(
    client, editor_user, items, django_assert_num_queries
):
    for n in range(items):
        submitted(editor_user, plain_jpeg(seed=n))
    article, _ = _article_with_stored_and_failed_media(stored=items)
    client.force_login(editor_user)
    # + the flagged queue: count, page (claims with media), open assignments; the four empty queues: count;
    # is the editor also a reviewer (their queues too)
    with django_assert_num_queries(BASE + 3 + 4 + 1):
        desk = client.get("/")
    assert len(page(desk).xpath("//li[contains(@class, 'claim-card')]//img")) == items
    with django_assert_num_queries(BASE + 3):  # + the article, its claims (with media), its media
        article_page = client.get(f"/articles/{article.pk}/")
    assert len(page(article_page).xpath("//div[starts-with(@id, 'media-')]//img")) == items
    assert Claim.objects.filter(media__isnull=False).count() == items
