"""Sending a photo or video to the desk: kept, analysed, flagged; the same bytes once."""

import io
from pathlib import Path

import pytest
from PIL import Image

from factcheck import workflow
from factcheck.media import ingest, similar
from factcheck.media.errors import MediaRefused
from factcheck.models import Claim, Fingerprint, Media

from .claimreview_fixtures import publish as publish  # noqa: F401 - pytest fixtures, imported so pytest finds them
from .test_claimreview_vocabulary import vocabulary as vocabulary  # noqa: F401

IMAGES = Path(__file__).resolve().parent / "fixtures" / "images"


def photo(name: str = "flower.jpg") -> bytes:
    return (IMAGES / name).read_bytes()


def photo_with_gps(lat=(35.0, 18.0, 30.0), lon=(69.0, 30.0, 0.0)) -> bytes:
    """A real photo with camera and GPS EXIF written by Pillow (Bazarak, Panjshir)."""
    image = Image.open(IMAGES / "flower.jpg")
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "EOS 5D"
    exif.get_ifd(0x8825).update({1: "N", 2: lat, 3: "E", 4: lon})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def recompressed_crop(data: bytes, crop: float = 0.08, quality: int = 55) -> bytes:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = image.size
    dx, dy = int(w * crop / 2), int(h * crop / 2)
    out = io.BytesIO()
    image.crop((dx, dy, w - dx, h - dy)).save(out, "JPEG", quality=quality)
    return out.getvalue()


@pytest.fixture(autouse=True)
def fresh_index():
    similar.reset()
    yield
    similar.reset()


def test_an_uploaded_photo_is_kept_with_its_metadata_and_flagged_as_an_image_claim(editor_user):
    result = ingest.submit(actor=editor_user, data=photo_with_gps(), filename="gps.jpg", caption="A street")
    media = result.media
    assert result.created and media.state == Media.State.STORED and media.article is None
    assert media.original and media.thumbnail and media.preview and media.sha256 and media.width and media.height
    assert media.metadata["gps"] == {"lat": pytest.approx(35.308333, abs=1e-5), "lon": pytest.approx(69.5)}
    assert media.metadata["camera"] == "Canon EOS 5D" and not media.metadata["stripped"]
    assert result.claim.kind == Claim.Kind.IMAGE and result.claim.status == Claim.Status.FLAGGED
    assert result.claim.article is None and result.claim.media == media
    assert Fingerprint.objects.filter(media=media).exists()


def test_the_same_bytes_again_give_the_item_already_there(editor_user):
    first = ingest.submit(actor=editor_user, data=photo(), filename="a.jpg")
    again = ingest.submit(actor=editor_user, data=photo(), filename="b.jpg")
    assert not again.created and again.media == first.media and again.claim == first.claim
    assert Media.objects.count() == 1


def test_a_recompressed_crop_is_seen_before_and_a_different_photo_is_not(editor_user):
    first = ingest.submit(actor=editor_user, data=photo(), filename="a.jpg").media
    other = ingest.submit(actor=editor_user, data=photo("hopper.jpg"), filename="h.jpg").media
    copy = ingest.submit(actor=editor_user, data=recompressed_crop(photo()), filename="c.jpg").media
    found = similar.similar_to(copy)
    assert found and found[0].media == first and found[0].claim is not None
    assert other not in [s.media for s in found]


@pytest.mark.parametrize("name", ["png_decompression_dos.png"])
def test_refused_files_leave_nothing_behind(editor_user, name):
    with pytest.raises(MediaRefused):
        ingest.submit(actor=editor_user, data=photo(name), filename=name)
    assert not Media.objects.exists() and not Claim.objects.exists()


def test_reviewers_cannot_send_media(assigned_reviewer):
    with pytest.raises(workflow.NotAllowed):
        ingest.submit(actor=assigned_reviewer, data=photo(), filename="a.jpg")


def test_the_review_of_a_photo_sent_on_its_own_is_valid_schema_org_with_its_sha256(editor_user, vocabulary, publish):
    from factcheck.claimreview import review_graph

    result = ingest.submit(
        actor=editor_user, data=photo(), filename="flag.jpg", caption="A flag over an office",
        source_url="https://social.example/post/1", claim_text="The Taliban flag flies over the governor's office",
    )  # fmt: skip
    Media.objects.filter(pk=result.media.pk).update(url="https://cdn.example.org/flag.jpg")
    claim = publish(Claim.objects.get(pk=result.claim.pk), "unverifiable", "Nothing dates it.", "OriginalMediaContent")
    graph = review_graph(claim)["@graph"]
    assert vocabulary.errors(graph) == []
    review, media_review = graph
    image = review["itemReviewed"]["image"]
    assert image["sha256"] == result.media.sha256 and image["contentUrl"] == "https://cdn.example.org/flag.jpg"
    assert review["itemReviewed"]["appearance"] == {"@type": "CreativeWork", "url": "https://social.example/post/1"}
    appearance = media_review["itemReviewed"]["mediaItemAppearance"][0]
    assert appearance["sha256"] == result.media.sha256


def test_an_image_claims_page_lists_the_photos_seen_before_with_their_claims(client, editor_user):
    first = ingest.submit(actor=editor_user, data=photo(), filename="a.jpg", claim_text="A flag in Bazarak")
    copy = ingest.submit(actor=editor_user, data=recompressed_crop(photo()), filename="b.jpg")
    client.force_login(editor_user)
    page = client.get(f"/claims/{copy.claim.pk}/").content.decode()
    assert 'id="seen-before"' in page and f'href="/claims/{first.claim.pk}/"' in page
    assert f'href="/media/{first.media.pk}/"' in page
