"""Shared by the media page, API, bad-input and video tests: the fixture photos and photos made to
order (camera and GPS EXIF, hostile EXIF, none at all), a scene-change video, a storage folder of
the test's own (to list what was written), uploads through the page and the API, and publishing a
photo's claim through the workflow."""

import io
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import html as lxml_html
from PIL import Image, ImageDraw

from factcheck import workflow
from factcheck.media import similar
from factcheck.models import Claim, Fingerprint, Keyframe, Media, Rating

from .media_samples import make_video

IMAGES = Path(__file__).resolve().parent / "fixtures" / "images"
XSS = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'  # no <script>: passes the polyglot check, so it reaches the page


def photo(name: str = "flower.jpg") -> bytes:
    return (IMAGES / name).read_bytes()


def photo_with_exif(make: str = "Canon", model: str = "EOS 5D", gps: bool = True) -> bytes:
    """flower.jpg re-saved with camera, time taken and (by default) GPS EXIF: Bazarak, Panjshir."""
    image = Image.open(IMAGES / "flower.jpg")
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = make, model, "Darkroom 2.0"
    exif.get_ifd(0x8769)[0x9003] = "2021:09:06 10:15:00"  # DateTimeOriginal
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (35.0, 18.0, 30.0), 3: "E", 4: (69.0, 30.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def plain_jpeg(seed: int = 0) -> bytes:
    """A JPEG drawn by Pillow (shapes on a gradient): no EXIF, IPTC or XMP at all."""
    image = Image.linear_gradient("L").resize((320, 240)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for n in range(6):
        x, y = (seed * 37 + n * 53) % 280, (seed * 23 + n * 41) % 200
        draw.rectangle((x, y, x + 40, y + 30), fill=((n * 90 + seed * 30) % 256, 40 * n % 256, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def recompressed_crop(data: bytes, crop: float = 0.08, quality: int = 55) -> bytes:
    """What a re-share does: a little cropped off each side, recompressed."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = image.size
    dx, dy = int(w * crop / 2), int(h * crop / 2)
    out = io.BytesIO()
    image.crop((dx, dy, w - dx, h - dy)).save(out, "JPEG", quality=quality)
    return out.getvalue()


def has_exif(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif()) or "exif" in image.info


# --- storage and the index -----------------------------------------------------------------


@pytest.fixture
def fresh_index():
    """The fingerprint index lives in the process: each test starts from an empty one."""
    similar.reset()
    yield
    similar.reset()


@pytest.fixture
def media_root(settings, tmp_path):
    """Stored files go to this test's own folder, so that it can list what was written."""
    root = tmp_path / "media-root"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def nothing_stored() -> dict[str, int]:
    """Rows of every kind the media library writes; all zero when nothing was half-written."""
    return {
        "media": Media.objects.count(),
        "claims": Claim.objects.count(),
        "fingerprints": Fingerprint.objects.count(),
        "keyframes": Keyframe.objects.count(),
    }


NOTHING = {"media": 0, "claims": 0, "fingerprints": 0, "keyframes": 0}


# --- uploads ---------------------------------------------------------------------------------


def upload_file(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_page(client, data: bytes | None = None, name: str = "photo.jpg", **fields):
    """POST /media/new/ as the form does."""
    body = {"caption": "", "claim_text": "", "source_url": "", "note": "", "url": "", **fields}
    if data is not None:
        body["file"] = upload_file(data, name)
    return client.post("/media/new/", body)


def post_api(client, data: bytes | None = None, name: str = "photo.jpg", **fields):
    """POST /api/v1/media/, multipart."""
    body = dict(fields)
    if data is not None:
        body["file"] = upload_file(data, name)
    return client.post("/api/v1/media/", body, format="multipart")


def page(response):
    """The page's HTML as an lxml tree (use .xpath)."""
    return lxml_html.fromstring(response.content.decode())


def one(tree, xpath: str):
    found = tree.xpath(xpath)
    if len(found) != 1:
        raise AssertionError(f"{xpath}: {len(found)} elements")
    return found[0]


# --- the workflow ----------------------------------------------------------------------------


def publish(claim: Claim, *, editor, reviewer, approver, rating: str = "false", authenticity: str = "") -> Claim:
    """Assign to the reviewer, who submits; another editor approves."""
    workflow.claim_assign(claim, actor=editor, reviewer=reviewer)
    workflow.verdict_submit(
        claim, actor=reviewer, rating=Rating.objects.get(slug=rating), summary="The photo is from 2011.",
        media_authenticity=authenticity,
    )  # fmt: skip
    workflow.verdict_approve(claim, actor=approver)
    return Claim.objects.get(pk=claim.pk)


# --- videos ------------------------------------------------------------------------------------


def scene_video(path: Path) -> Path:
    """4 s of MPEG-4 video with AAC sound: 2 s of ffmpeg's test pattern, then 2 s of red (a scene cut)."""
    sources = (
        "testsrc=duration=2:size=320x240:rate=10",
        "color=c=red:duration=2:size=320x240:rate=10",
        "sine=frequency=440:duration=4",
    )
    cut = ("-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map", "2:a")
    return make_video(path, *sources, extra=(*cut, "-c:v", "mpeg4", "-c:a", "aac", "-shortest"))


def audio_only(path: Path) -> Path:
    """An MP4 with sound and no picture."""
    return make_video(path, "sine=frequency=440:duration=2", extra=("-c:a", "aac"))


def first_frame_as_photo(video: Path, folder: Path) -> bytes:
    """The video's first frame, as someone would post it: a screenshot saved as a JPEG, recompressed."""
    frame = folder / "frame.png"
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(video), "-frames:v", "1"]
    subprocess.run([*command, str(frame)], check=True, timeout=60)
    image = Image.open(frame).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()
