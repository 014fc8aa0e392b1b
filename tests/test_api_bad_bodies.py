"""Issue 13, point 7: bad API bodies get the API's JSON error shape, never a 500 or an HTML page:
JSON nested thousands deep (400), a body over the size limit (413), and numbers that are not
whole numbers where an id or an offset is expected (400, never read as 1)."""

import json

import pytest
from django.test import Client

from factcheck.models import Claim, Media

from .api_clients import _error
from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .factories import ArticleFactory


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("path", ["/api/v1/articles/", "/api/v1/claims/", "/api/v1/factchecks/", "/api/v1/media/"])
def test_json_nested_5000_deep_is_a_400_in_the_error_shape(api, path):
    response = api("editor").post(path, _nested(5_000), content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["message"] == "The JSON is nested more than 64 levels deep (API_JSON_MAX_DEPTH)."


def test_json_nested_past_the_setting_is_refused_and_below_it_is_read(api, settings):
    settings.API_JSON_MAX_DEPTH = 5
    body = {"title": "T", "body": "The minister said turnout was 80 percent.", "url": ""}
    assert api("editor").post("/api/v1/articles/", body, format="json").status_code == 201
    deep = json.dumps({"@graph": [[[[[{"claimReviewed": "x"}]]]]]})
    response = api("editor").post("/api/v1/factchecks/", deep, content_type="application/json")
    assert response.status_code == 400 and "nested more than 5 levels" in _error(response)["message"]


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain"])
def test_a_body_over_the_limit_is_a_413_in_the_error_shape(api, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"title": "T", "body": "x" * 2_000})
    response = api("editor").post("/api/v1/articles/", body, content_type=content_type)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert _error(response) == {
        "message": "The request body is larger than 0.001 MB (REQUEST_MAX_BYTES), the most the desk reads outside a "
        "file upload.",
        "code": "too_large",
    }


def test_multipart_fields_over_the_limit_are_a_413_in_the_error_shape(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = api("editor").post("/api/v1/media/", {"url": "https://example.org/a.jpg", "note": "x" * 5_000})
    assert response.status_code == 413
    assert _error(response)["code"] == "too_large"


def test_a_page_over_the_limit_gets_a_413_page_with_a_sentence(client, editor_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client.force_login(editor_user)
    response = client.post("/articles/import/", {"source": "paste", "paste-body": "x" * 2_000})
    assert response.status_code == 413
    assert "REQUEST_MAX_BYTES" in response.content.decode()


def test_an_upload_over_the_media_limit_is_still_a_413(settings):
    settings.MEDIA_MAX_BYTES = 1_000
    response = Client().post(
        "/api/v1/media/", b"x", content_type="multipart/form-data; boundary=b", CONTENT_LENGTH="3000000"
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


# Every integer an API body takes: the claim's article, start, end and media.
NOT_WHOLE = [1.5, "1.5", True, "true", 1.0, "1.0", "1e0", [1], {"id": 1}, " 1 x"]


@pytest.mark.parametrize("value", NOT_WHOLE)
def test_the_article_of_a_new_claim_must_be_a_whole_number(api, value):
    ArticleFactory(id=1)  # what 1.5, 1.0 and true were taken for
    body = {"article": value, "text": "reportedly numbers in the thousands"}
    response = api("editor").post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400, response.content
    assert "article" in _error(response)["fields"]
    assert not Claim.objects.exists()


@pytest.mark.parametrize("field", ["start", "end", "media"])
@pytest.mark.parametrize("value", [1.5, "1.5", True, 2.0, "2.0"])
def test_offsets_and_the_media_of_a_new_claim_must_be_whole_numbers(api, field, value):
    article = ArticleFactory()
    Media.objects.create(article=article, kind=Media.Kind.IMAGE, url="https://example.org/a.jpg")
    body = {"article": article.pk, "text": article.body[:20], "start": 0, "end": 20, field: value}
    response = api("editor").post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in _error(response)["fields"]


def test_whole_numbers_as_json_integers_or_digit_strings_are_taken(api):
    article = ArticleFactory()
    body = {"article": str(article.pk), "text": article.body[:20], "start": "0", "end": 20}
    assert api("editor").post("/api/v1/claims/", body, format="json").status_code == 201


@pytest.mark.parametrize("value", ["1.5", "true", "1.0", "1e3"])
def test_the_article_filter_takes_whole_numbers_only(api, value):
    response = api("editor").get(f"/api/v1/claims/?article={value}")
    assert response.status_code == 400
    assert "article" in _error(response)["fields"]
