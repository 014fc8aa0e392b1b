"""Files the desk must refuse, on the page, in the API and in ``ingest.submit``: each with a sentence
and nothing half-written (no rows, no files in the storage); malformed EXIF that is kept with its
problems listed; and an article's photos, whose failed fetch never harms the article."""

import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser

from factcheck.importing import CREATED, ArticleData, MediaData, import_article
from factcheck.media import ingest, store
from factcheck.media.errors import MediaRefused
from factcheck.models import Article, Fingerprint, Media

from .api_clients import _error
from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .factories import ArticleFactory
from .local_server import LocalServer
from .media_helpers import (
    NOTHING,
    audio_only,
    files_under,
    nothing_stored,
    one,
    page,
    photo,
    post_api,
    post_page,
)
from .media_helpers import fresh_index as fresh_index  # pytest fixtures, imported so that pytest finds them
from .media_helpers import media_root as media_root
from .media_samples import animated_gif

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_index", "media_root")]
needs_ffmpeg = pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is not installed")
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
REFUSED = {
    # name: (words every face's sentence has, the file)
    "a truncated JPEG": ("damaged or truncated", lambda: photo()[: len(photo()) // 2]),
    "a PNG decompression bomb": ("decompression bomb", lambda: photo("png_decompression_dos.png")),
    "an HTML/JPEG polyglot": ("web-page code", lambda: photo() + b"<script>alert(1)</script>"),
    "an SVG called photo.jpg": ("SVG drawing", lambda: SVG),
    "zero bytes": ("empty", lambda: b""),
    "a GIF with 1,000 frames": ("1,000 frames; the limit is 500", lambda: animated_gif(1000)),
}
FACES = ["page", "api", "ingest"]


@pytest.fixture(scope="module")
def sound_only(tmp_path_factory):
    return audio_only(tmp_path_factory.mktemp("audio") / "sound.mp4").read_bytes()


def refusal(face, request, data: bytes, name: str = "photo.jpg") -> str:
    """The sentence each face answers with; it asserts the status on the way."""
    if face == "page":
        client = request.getfixturevalue("client")
        client.force_login(request.getfixturevalue("editor_user"))
        response = post_page(client, data, name)
        assert response.status_code == 400
        return " ".join(e.text_content() for e in page(response).xpath("//*[starts-with(@id, 'error_')]"))
    if face == "api":
        response = post_api(request.getfixturevalue("api")("editor"), data, name)
        assert response.status_code == 400
        return _error(response)["message"]
    with pytest.raises(MediaRefused) as refused:
        ingest.submit(actor=request.getfixturevalue("editor_user"), data=data, filename=name)
    return refused.value.message


def nothing_half_written(root) -> None:
    assert nothing_stored() == NOTHING
    assert files_under(root) == []


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_file_gets_a_sentence_and_leaves_nothing_behind(request, media_root, face, case):
    words, make = REFUSED[case]
    message = refusal(face, request, make())
    assert words in message and message.rstrip().endswith("."), message
    nothing_half_written(media_root)


@needs_ffmpeg
@pytest.mark.parametrize("face", FACES)
def test_a_video_with_no_picture_is_refused_with_a_sentence(request, media_root, sound_only, face):
    message = refusal(face, request, sound_only, "clip.mp4")
    assert "no video stream" in message, message
    nothing_half_written(media_root)


# --- too large -----------------------------------------------------------------------------------


TOO_LARGE = {"CONTENT_LENGTH": str(200_000_000)}  # the test client would fail on reading 200 MB it does not have


def test_the_api_answers_413_to_a_body_declaring_200_mb_before_reading_it(api, media_root):
    response = api("editor").post("/api/v1/media/", b"{}", content_type="application/json", **TOO_LARGE)
    assert response.status_code == 413 and _error(response)["code"] == "too_large"
    assert "the limit is 20 MB" in _error(response)["message"]
    nothing_half_written(media_root)


def test_the_page_answers_413_to_a_body_declaring_200_mb_before_reading_it(client, editor_user, media_root):
    client.force_login(editor_user)
    response = client.post("/media/new/", b"...", content_type="application/octet-stream", **TOO_LARGE)
    assert response.status_code == 413
    assert "the limit is 20 MB" in page(response).text_content()
    nothing_half_written(media_root)


@pytest.mark.parametrize(
    "face",
    [
        "page",
        "api",
    ],
)
def test_a_multipart_upload_over_the_limit_gets_413_without_its_body_being_parsed(
    request, settings, monkeypatch, media_root, face
):
    settings.MEDIA_MAX_BYTES = 1_000_000  # the views refuse bodies over 2 MB (the limit and 1 MB of form)
    parsed = []
    original = MultiPartParser.parse
    monkeypatch.setattr(MultiPartParser, "parse", lambda self: parsed.append(1) or original(self))
    big = SimpleUploadedFile("big.jpg", photo() + b"\0" * 3_000_000, content_type="image/jpeg")
    if face == "page":
        client = request.getfixturevalue("client")
        client.force_login(request.getfixturevalue("editor_user"))
        response = client.post("/media/new/", {"file": big})
    else:
        response = request.getfixturevalue("api")("editor").post("/api/v1/media/", {"file": big}, format="multipart")
    assert response.status_code == 413
    nothing_half_written(media_root)
    assert parsed == []


@pytest.mark.parametrize("face", FACES)
def test_a_file_over_media_max_bytes_is_refused_by_its_size(request, settings, media_root, face):
    settings.MEDIA_MAX_BYTES = 1_000_000
    over = photo() + b"\0" * (1_000_001 - len(photo()))
    message = refusal(face, request, over)
    assert "the limit is 1,000,000 bytes (MEDIA_MAX_BYTES)" in message, message  # a byte over: said in bytes
    nothing_half_written(media_root)


def test_a_file_just_over_the_limit_is_told_by_how_much(settings):
    settings.MEDIA_MAX_BYTES = 1_000_000
    with pytest.raises(MediaRefused) as refused:
        store.check_size(1_000_001)
    assert "1,000,001 bytes" in refused.value.message or "1.0 MB; the limit is 1 MB" not in refused.value.message


# --- malformed EXIF is kept ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("broken_exif_dpi.jpg", "NIKON D800"),
        ("invalid-exif.jpg", "The file has an EXIF block, but it is malformed and could not be read."),
    ],
)
def test_a_photo_with_malformed_exif_is_kept_and_its_page_says_what_was_read(
    client, editor_user, media_root, name, shown
):
    client.force_login(editor_user)
    response = post_page(client, photo(name), name)
    media = Media.objects.get()
    assert response.status_code == 302 and media.state == Media.State.STORED
    # broken_exif_dpi.jpg is one flat colour: nothing to fingerprint (it would look like every flat picture).
    assert media.thumbnail and media.fingerprints.exists() == (name != "broken_exif_dpi.jpg")
    assert len(files_under(media_root)) == 3
    tree = page(client.get(f"/media/{media.pk}/"))
    problems = [p.text_content() for p in tree.xpath("//p[contains(@class, 'metadata-problem')]")]
    assert problems == media.metadata["problems"]
    assert shown in tree.xpath("string(//aside)")


# --- an article's photos ----------------------------------------------------------------------------


def test_a_failed_fetch_of_an_article_photo_leaves_the_article_intact_and_can_be_retried(
    editor_user, media_root, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    media = Media.objects.create(article=article, url="http://127.0.0.1:9/missing.jpg", state=Media.State.PENDING)
    assert ingest.fetch_and_store(media.pk) == "failed"
    media.refresh_from_db()
    assert media.state == Media.State.FAILED and "loopback" in media.error and media.error.endswith(".")
    assert Article.objects.get(pk=article.pk).body == article.body and not Fingerprint.objects.exists()
    assert files_under(media_root) == []

    with django_capture_on_commit_callbacks(execute=True) as queued:
        ingest.retry(media, actor=editor_user)
    assert len(queued) == 1  # the fetch ran again, and failed again: the address is still refused
    assert Media.objects.get(pk=media.pk).state == Media.State.FAILED


def test_a_retry_stores_the_photo_once_its_address_answers(
    editor_user, settings, media_root, django_capture_on_commit_callbacks
):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with LocalServer() as server:
        media = Media.objects.create(article=ArticleFactory(), url=server.url("/late.jpg"), state=Media.State.PENDING)
        assert ingest.fetch_and_store(media.pk) == "failed"
        media.refresh_from_db()
        assert media.error == f"The server answered 404 for {server.url('/late.jpg')}."
        server.routes["/late.jpg"] = (200, "image/jpeg", photo())
        with django_capture_on_commit_callbacks(execute=True):
            ingest.retry(media, actor=editor_user)
    media.refresh_from_db()
    assert (media.state, media.error, media.filename) == (Media.State.STORED, "", "late.jpg")
    assert media.thumbnail and media.fingerprints.count() == 6 and len(files_under(media_root)) == 3


def test_an_unexpected_error_while_storing_is_recorded_not_raised(editor_user, settings, monkeypatch, media_root):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "prepare", broken)
    with LocalServer() as server:
        server.routes["/a.jpg"] = (200, "image/jpeg", photo())
        media = Media.objects.create(article=ArticleFactory(), url=server.url("/a.jpg"), state=Media.State.PENDING)
        assert ingest.fetch_and_store(media.pk) == "failed"
    media.refresh_from_db()
    assert media.state == Media.State.FAILED and media.error.startswith("Storing it failed unexpectedly")
    assert files_under(media_root) == []


def test_importing_an_article_queues_one_fetch_per_photo_with_an_address_after_the_commit(
    editor_user, media_root, django_capture_on_commit_callbacks
):
    data = ArticleData(
        title="The flag over the governor's office",
        body="A photo shows the flag over the governor's office in Bazarak, officials said.",
        media=[
            MediaData("image", "http://127.0.0.1:9/a.jpg", "The flag"),
            MediaData("image", "", "Described only"),
            MediaData("video", "http://10.1.2.3/b.mp4", "The square"),
        ],
    )
    with django_capture_on_commit_callbacks() as queued:
        result = import_article(data, source=Article.Source.API, user=editor_user)
    # A fetch per photo with an address, and the look-up of the suggestions in the fact-check library.
    assert result.outcome == CREATED and len(queued) == 3
    states = dict(result.article.media.values_list("caption", "state"))
    assert states == {"The flag": "pending", "Described only": "remote", "The square": "pending"}

    for callback in queued:  # the fetches run (and fail): the article is not touched
        callback()
    article = Article.objects.get(pk=result.article.pk)
    assert article.title == data.title and article.media.count() == 3
    failed = article.media.filter(state=Media.State.FAILED)
    assert failed.count() == 2 and all(m.error.endswith(".") for m in failed)
    assert files_under(media_root) == []


def test_the_page_of_an_item_that_could_not_be_fetched_says_why(client, editor_user):
    media = Media.objects.create(article=ArticleFactory(), url="http://127.0.0.1:9/missing.jpg")
    ingest.fetch_and_store(media.pk)
    client.force_login(editor_user)
    state = one(page(client.get(f"/media/{media.pk}/")), "//p[@id='media-state']").text_content()
    assert state == f"Could not be stored: {Media.objects.get(pk=media.pk).error}"
