"""/api/v1/media/: sending a photo (a file, or an address through the SSRF-safe fetcher), reading it
with what the desk has seen like it, who may do what, the errors, and the claim it becomes: through the
workflow to a ClaimReview and MediaReview carrying the file's SHA-256."""

import hashlib
import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from factcheck.models import Claim, Media, Rating

from .api_clients import ACTORS, _error
from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .local_server import LocalServer
from .media_helpers import fresh_index as fresh_index  # pytest fixtures, imported so that pytest finds them
from .media_helpers import media_root as media_root
from .media_helpers import (
    nothing_stored,
    photo,
    photo_with_exif,
    post_api,
    publish,
    recompressed_crop,
)

pytestmark = pytest.mark.usefixtures("fresh_index", "media_root")
REQUIRED = {"id", "claim", "kind", "sha256", "width", "height", "metadata", "thumbnail", "similar"}


@pytest.fixture
def editor(api):
    return api("editor")


@pytest.fixture
def local(settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with LocalServer() as server:
        server.routes["/photos/flag.jpg"] = (200, "image/jpeg", photo())
        yield server


# --- sending and reading ------------------------------------------------------------------


def test_an_editor_sends_a_photo_and_gets_it_back_with_its_claim_and_metadata(editor):
    data = photo_with_exif()
    response = post_api(editor, data, "gps.jpg", caption="A flag", source_url="https://social.example/p/1")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert REQUIRED <= set(body)
    media = Media.objects.get()
    assert body["id"] == media.pk and body["claim"] == Claim.objects.get(media=media).pk
    assert (body["kind"], body["width"], body["height"]) == ("image", 480, 360)
    assert body["sha256"] == hashlib.sha256(data).hexdigest() and body["state"] == "stored"
    assert body["metadata"]["camera"] == "Canon EOS 5D" and body["metadata"]["gps"]["lon"] == 69.5
    assert body["thumbnail"] == f"http://testserver/api/v1/media/{media.pk}/thumbnail/"
    assert body["similar"] == []  # never itself


def test_the_same_bytes_again_answer_200_with_the_item_already_there(editor):
    first = post_api(editor, photo(), "a.jpg").json()
    again = post_api(editor, photo(), "b.jpg")
    assert again.status_code == 200 and again.json()["id"] == first["id"] and again.json()["claim"] == first["claim"]
    assert Media.objects.count() == Claim.objects.count() == 1


def test_a_near_identical_copy_lists_the_first_with_its_claim_and_once_published_its_verdict(
    editor, editor_user, second_editor, assigned_reviewer
):
    first = post_api(editor, photo(), "a.jpg").json()
    post_api(editor, photo("hopper.jpg"), "h.jpg")
    copy = post_api(editor, recompressed_crop(photo()), "copy.jpg")
    assert copy.status_code == 201
    [seen] = copy.json()["similar"]
    assert set(seen) == {"media", "distance", "claim", "article", "verdict", "fact_check"}
    assert (seen["media"], seen["claim"], seen["article"], seen["verdict"]) == (first["id"], first["claim"], None, None)
    assert 0 < seen["distance"] <= 48

    publish(Claim.objects.get(pk=first["claim"]), editor=editor_user, reviewer=assigned_reviewer,
            approver=second_editor, rating="false")  # fmt: skip
    verdict = {"rating": "false", "label": Rating.objects.get(slug="false").label}
    copy_id = copy.json()["id"]
    assert editor.get(f"/api/v1/media/{copy_id}/").json()["similar"][0]["verdict"] == verdict
    assert editor.get(f"/api/v1/media/{copy_id}/similar/").json() == [{**seen, "verdict": verdict}]
    assert editor.get(f"/api/v1/media/{first['id']}/similar/").json()[0]["media"] == copy_id


def test_an_item_its_similar_list_and_its_thumbnail_can_be_read(editor):
    sent = post_api(editor, photo_with_exif(), "gps.jpg").json()
    read = editor.get(f"/api/v1/media/{sent['id']}/")
    assert read.status_code == 200 and read.json() == sent
    assert editor.get(f"/api/v1/media/{sent['id']}/similar/").json() == []
    thumbnail = editor.get(f"/api/v1/media/{sent['id']}/thumbnail/")
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    assert thumbnail["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))) as image:
        assert image.format == "JPEG" and max(image.size) == 480 and not image.getexif()
    missing = editor.get(f"/api/v1/media/{sent['id'] + 1}/")
    assert missing.status_code == 404 and _error(missing)


def test_a_thumbnail_missing_from_the_storage_answers_404_json(editor):
    sent = post_api(editor, photo(), "a.jpg").json()
    media = Media.objects.get(pk=sent["id"])
    media.thumbnail.storage.delete(media.thumbnail.name)
    editor.raise_request_exception = False
    response = editor.get(f"/api/v1/media/{sent['id']}/thumbnail/")
    assert response.status_code == 404 and _error(response)


# --- who may ------------------------------------------------------------------------------------

POST = {"editor": 201, "assigned_reviewer": 403, "other_reviewer": 403, "cms": 403, "outsider": 403, "anonymous": 401}
GET = {"editor": 200, "assigned_reviewer": 200, "other_reviewer": 200, "cms": 403, "outsider": 403, "anonymous": 401}


@pytest.mark.parametrize("actor", ACTORS)
def test_only_editors_may_send_media_and_desk_members_may_read_it(api, editor_user, actor):
    response = post_api(api(actor), photo(), "a.jpg")
    assert response.status_code == POST[actor]
    if POST[actor] != 201:
        assert _error(response) and nothing_stored()["media"] == 0
        post_api(api("editor"), photo(), "a.jpg")
    media = Media.objects.get()
    for path in ("", "similar/", "thumbnail/"):
        assert api(actor).get(f"/api/v1/media/{media.pk}/{path}").status_code == GET[actor], path


# --- by address -------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["http://127.0.0.1:9/x.jpg", "http://10.0.0.7/x.jpg", "http://[::1]/x.jpg"])
def test_a_private_address_is_refused_with_a_sentence_and_nothing_is_stored(editor, address):
    response = post_api(editor, url=address)
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "media_refused" and error["message"].endswith(".") and "address" in error["message"]
    assert nothing_stored() == {"media": 0, "claims": 0, "fingerprints": 0, "keyframes": 0}


def test_the_fetcher_makes_no_request_to_a_local_server_that_is_not_allowed(editor, settings):
    with LocalServer() as server:
        server.routes["/x.jpg"] = (200, "image/jpeg", photo())
        settings.IMPORT_FETCH_ALLOWED_NETWORKS = []
        response = post_api(editor, url=server.url("/x.jpg"))
    assert response.status_code == 400 and "loopback" in _error(response)["message"]
    assert server.hits == []


def test_a_photo_fetched_by_its_address_keeps_it(editor, local):
    response = post_api(editor, url=local.url("/photos/flag.jpg"), caption="By address")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["url"] == local.url("/photos/flag.jpg") and body["sha256"] == hashlib.sha256(photo()).hexdigest()
    assert local.hits == ["/photos/flag.jpg"]
    assert Media.objects.get().filename == "flag.jpg"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"file": True, "url": "https://example.org/a.jpg"}, "not both"),
        ({}, "Give a `file`"),
        ({"caption": "Only a caption"}, "Give a `file`"),
        ({"file": True, "claim": 7}, "claim: This field cannot be set here."),
        ({"file": True, "status": "published"}, "status: This field cannot be set here."),
        ({"url": "javascript:alert(1)"}, "url"),
    ],
)
def test_bad_requests_answer_400_json_and_store_nothing(editor, fields, words):
    data = photo() if fields.pop("file", False) else None
    response = post_api(editor, data, "a.jpg", **fields)
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid" and words in error["message"], error
    assert nothing_stored() == {"media": 0, "claims": 0, "fingerprints": 0, "keyframes": 0}


# --- the claim it becomes -------------------------------------------------------------------------------


def _through_the_workflow(api, second_editor, claim_id):
    editor, reviewer = api("editor"), api("assigned_reviewer")
    assert (
        editor.post(f"/api/v1/claims/{claim_id}/assign/", {"reviewer": "reviewer1"}, format="json").status_code == 200
    )
    verdict = {"rating": "false", "summary": "The photo is from 2011.", "media_authenticity": "DecontextualizedContent"}
    assert reviewer.post(f"/api/v1/claims/{claim_id}/submit/", verdict, format="json").status_code == 200
    approver = APIClient()
    approver.force_authenticate(second_editor)
    response = approver.post(f"/api/v1/claims/{claim_id}/approve/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "published"


def test_the_claim_goes_through_the_workflow_to_a_review_that_carries_the_file_sha256(api, second_editor):
    sent = post_api(api("editor"), photo(), "flag.jpg", caption="A flag").json()
    claim = api("editor").get(f"/api/v1/claims/{sent['claim']}/").json()
    assert claim["article"] is None and claim["kind"] == "image" and claim["status"] == "flagged"
    assert {"id": sent["id"], "sha256": sent["sha256"], "kind": "image", "url": ""}.items() <= claim["media"].items()
    assert api("editor").get(f"/api/v1/claims/{sent['claim']}/claimreview/").status_code == 404

    _through_the_workflow(api, second_editor, sent["claim"])
    response = api("editor").get(f"/api/v1/claims/{sent['claim']}/claimreview/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    review, media_review = response.json()["@graph"]
    image = review["itemReviewed"]["image"]
    assert image == {"@type": "ImageObject", "sha256": sent["sha256"], "caption": "A flag"}
    assert "appearance" not in review["itemReviewed"]  # no article, no source address
    [appearance] = media_review["itemReviewed"]["mediaItemAppearance"]
    assert appearance["sha256"] == sent["sha256"] and "isPartOf" not in appearance and "contentUrl" not in appearance
    assert media_review["mediaAuthenticityCategory"] == "https://schema.org/DecontextualizedContent"


def test_the_review_of_a_photo_sent_by_its_address_gives_that_address_as_content_url(api, second_editor, local):
    sent = post_api(api("editor"), url=local.url("/photos/flag.jpg")).json()
    _through_the_workflow(api, second_editor, sent["claim"])
    review, media_review = api("editor").get(f"/api/v1/claims/{sent['claim']}/claimreview/").json()["@graph"]
    assert review["itemReviewed"]["image"]["contentUrl"] == local.url("/photos/flag.jpg")
    appearance = media_review["itemReviewed"]["mediaItemAppearance"][0]
    assert (appearance["contentUrl"], appearance["sha256"]) == (local.url("/photos/flag.jpg"), sent["sha256"])


# --- the schema -------------------------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_media_endpoints_and_the_multipart_upload(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/media/",
        "/api/v1/media/{id}/",
        "/api/v1/media/{id}/similar/",
        "/api/v1/media/{id}/thumbnail/",
    ):
        assert path in paths, sorted(paths)
    post = paths["/api/v1/media/"]["post"]
    multipart = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    ref = multipart["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][ref]["properties"]
    assert fields["file"]["format"] == "binary" and {"url", "caption", "source_url", "note"} <= set(fields)
    assert {"201", "200", "400", "403", "413"} <= set(post["responses"])
    assert "image/jpeg" in paths["/api/v1/media/{id}/thumbnail/"]["get"]["responses"]["200"]["content"]
