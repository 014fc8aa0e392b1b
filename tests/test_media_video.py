"""Videos sent to the desk: kept with their duration, codecs and scene-change keyframes (each with a
thumbnail and fingerprints), a video claim, "Seen before" across videos and photos, and what happens
on a server without ffmpeg."""

import hashlib
import shutil

import pytest

from factcheck.media import store, video
from factcheck.models import Claim, Fingerprint, Keyframe, Media

from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .media_helpers import (
    files_under,
    first_frame_as_photo,
    one,
    page,
    photo,
    post_api,
    post_page,
    scene_video,
)
from .media_helpers import fresh_index as fresh_index  # pytest fixtures, imported so that pytest finds them
from .media_helpers import media_root as media_root
from .media_samples import make_video

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_index", "media_root"),
    pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is not installed"),
]


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """4 s: the test pattern, then red from 2 s; with sound."""
    return scene_video(tmp_path_factory.mktemp("video") / "clip.mp4")


@pytest.fixture(scope="module")
def frame_photo(clip, tmp_path_factory):
    return first_frame_as_photo(clip, tmp_path_factory.mktemp("frame"))


def sent(client, editor_user, data: bytes, name: str, **fields) -> Media:
    client.force_login(editor_user)
    response = post_page(client, data, name, **fields)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Media.objects.get(pk=int(response["Location"].strip("/").rsplit("/", 1)[-1]))


def test_a_video_is_kept_with_its_duration_codecs_keyframes_and_a_video_claim(client, editor_user, clip, media_root):
    data = clip.read_bytes()
    media = sent(client, editor_user, data, "clip.mp4", caption="The square, filmed today")
    assert (media.kind, media.state, media.mime) == (Media.Kind.VIDEO, Media.State.STORED, "video/mp4")
    assert (media.width, media.height, media.bytes) == (320, 240, len(data))
    assert media.sha256 == hashlib.sha256(data).hexdigest() and media.thumbnail and media.preview
    details = media.metadata["video"]
    assert details["duration"] == pytest.approx(4.0, abs=0.2)
    assert (details["video_codec"], details["audio_codec"]) == ("mpeg4", "aac")
    assert media.metadata["problems"] == []

    keyframes = list(media.keyframes.all())
    assert [round(k.at_seconds) for k in keyframes] == [0, 2]  # the first frame, and the cut to red
    for keyframe in keyframes:
        assert keyframe.image and keyframe.thumbnail and (keyframe.width, keyframe.height) == (320, 240)
    # The test pattern has detail (six fingerprints); the flat red frame has none to tell it apart by.
    assert [Fingerprint.objects.filter(keyframe=k).count() for k in keyframes] == [6, 0]
    assert not Fingerprint.objects.filter(media=media, keyframe__isnull=True).exists()

    claim = Claim.objects.get(media=media)
    assert (claim.kind, claim.status, claim.article) == (Claim.Kind.VIDEO, Claim.Status.FLAGGED, None)
    assert claim.text == "The square, filmed today"
    stored = files_under(media_root)
    assert len(stored) == 3 + 2 * len(keyframes) and any(name.endswith("original.mp4") for name in stored)


def test_the_video_page_shows_its_keyframes_and_its_video_metadata(client, editor_user, clip):
    media = sent(client, editor_user, clip.read_bytes(), "clip.mp4")
    tree = page(client.get(f"/media/{media.pk}/"))
    frames = tree.xpath("//div[@id='keyframes']//img")
    keyframes = list(media.keyframes.all())
    assert [img.get("src") for img in frames] == [f"/media/{media.pk}/keyframes/{k.pk}/" for k in keyframes]
    assert [img.get("alt") for img in frames] == ["Frame at 0.0 s", "Frame at 2.0 s"]
    rows = {r.xpath("string(th)"): r.xpath("string(td)").strip() for r in tree.xpath("//table[@id='metadata']//tr")}
    assert rows["Duration"] == "4.0 s" and rows["Codecs"] == "mpeg4 / aac" and rows["Format"] == "video/mp4"
    assert one(tree, "//img[@id='media-thumbnail']").get("src") == f"/media/{media.pk}/thumbnail/"
    assert not tree.xpath("//div[@id='reverse-search']")  # reverse image search is for photos

    response = client.get(frames[1].get("src"))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    other = sent(client, editor_user, photo(), "photo.jpg")
    assert client.get(f"/media/{other.pk}/keyframes/{keyframes[0].pk}/").status_code == 404


def test_a_photo_of_a_frame_and_the_video_are_seen_before_on_each_other(client, editor_user, clip, frame_photo):
    movie = sent(client, editor_user, clip.read_bytes(), "clip.mp4")
    still = sent(client, editor_user, frame_photo, "screenshot.jpg")
    assert still.kind == Media.Kind.IMAGE
    movie_claim = Claim.objects.get(media=movie)

    item = one(page(client.get(f"/media/{still.pk}/")), "//li[contains(@class, 'seen-item')]")
    assert f"/media/{movie.pk}/" in item.xpath(".//a/@href") and f"/claims/{movie_claim.pk}/" in item.xpath(
        ".//a/@href"
    )
    assert f"Video #{movie.pk}" in item.text_content()
    item = one(page(client.get(f"/media/{movie.pk}/")), "//li[contains(@class, 'seen-item')]")
    assert f"/media/{still.pk}/" in item.xpath(".//a/@href") and f"Image #{still.pk}" in item.text_content()


def test_two_unrelated_videos_that_both_cut_to_a_solid_colour_are_not_seen_before(api, clip, tmp_path):
    other = make_video(
        tmp_path / "other.mp4", "mandelbrot=size=320x240:rate=10", "color=c=blue:duration=2:size=320x240:rate=10",
        extra=("-filter_complex", "[0:v]trim=duration=2[a];[a][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]",
               "-c:v", "mpeg4"),
    )  # fmt: skip
    editor = api("editor")
    first = post_api(editor, clip.read_bytes(), "clip.mp4").json()
    second = post_api(editor, other.read_bytes(), "other.mp4").json()
    assert len(Keyframe.objects.filter(media_id=second["id"])) >= 2
    assert first["id"] not in [s["media"] for s in second["similar"]], second["similar"]


def test_a_video_sent_through_the_api_lists_the_photo_of_its_frame(api, clip, frame_photo):
    editor = api("editor")
    still = post_api(editor, frame_photo, "screenshot.jpg").json()
    response = post_api(editor, clip.read_bytes(), "clip.mp4")
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "video" and body["metadata"]["video"]["video_codec"] == "mpeg4"
    assert [s["media"] for s in body["similar"]] == [still["id"]] and body["similar"][0]["claim"] == still["claim"]


def test_without_ffmpeg_a_video_is_still_kept_with_a_visible_notice_and_no_keyframes(
    client, editor_user, clip, monkeypatch, media_root
):
    monkeypatch.setattr(video, "tools_available", lambda: False)
    media = sent(client, editor_user, clip.read_bytes(), "clip.mp4")
    assert (media.kind, media.state, media.mime) == (Media.Kind.VIDEO, Media.State.STORED, "video/mp4")
    assert not media.thumbnail and not media.preview and media.width is None
    assert not Keyframe.objects.exists() and not Fingerprint.objects.exists()
    assert Claim.objects.get(media=media).kind == Claim.Kind.VIDEO
    assert len(files_under(media_root)) == 1  # the original only

    tree = page(client.get(f"/media/{media.pk}/"))
    notices = [p.text_content() for p in tree.xpath("//p[contains(@class, 'metadata-problem')]")]
    assert notices == [store.VIDEO_TOOLS_MISSING] and "ffmpeg is not installed" in notices[0]
    assert not tree.xpath("//div[@id='keyframes']") and not tree.xpath("//img[@id='media-thumbnail']")
    assert tree.xpath("//a[@id='download-original']")
    assert client.get(f"/media/{media.pk}/thumbnail/").status_code == 404
    assert client.get(f"/media/{media.pk}/original/")["Content-Disposition"].startswith("attachment;")
