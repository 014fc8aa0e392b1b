"""Checking a photo before it is kept, and the renditions made of it.

The type comes from the content (magic bytes), never from the name or the sender's
Content-Type: a file called ``photo.jpg`` may be an SVG with a script. Images are decoded
with Pillow only after their header says the size is reasonable, and are decoded fully so
that a damaged file is refused now rather than failing later on a page. Thumbnails are
re-encoded from pixels, so no metadata (EXIF GPS, XMP, comments) survives in them.
"""

import hashlib
import io
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from factcheck.media.errors import MediaRefused

ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
ACCEPTED_SENTENCE = "only JPEG, PNG, GIF and WebP photos are accepted"
VIDEOS_SENTENCE = "and MP4, MOV, WebM, AVI or MPEG-TS videos"

# A multi-picture JPEG (MPO: 3D cameras, some phones) is a JPEG whose first picture is the photo.
_SAME_AS = {"MPO": "JPEG"}

# HTML tags in an image's bytes (a polyglot a browser could run): a tag name and its closing
# ">" with only text between, so that the random bytes of compressed pixels almost never
# look like one. XMP packets ("<x:xmpmeta", "<?xpacket", "<rdf:...") are XML, legitimately
# inside photos, and are not listed.
_HTML_MARKERS = re.compile(
    rb"<(?:script|html|iframe|body|head|object|embed|!doctype\s+html)(?:[\s/][^<>\x00-\x08\x0e-\x1f]{0,300})?>",
    re.IGNORECASE,
)
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@dataclass(frozen=True)
class ImageInfo:
    format: str  # a key of ACCEPTED
    mime: str
    width: int
    height: int
    frames: int
    bytes: int
    sha256: str


# Image formats other than the accepted ones: known, so that the refusal can name them.
_OTHER_IMAGES = (
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
)
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def _video_container(data: bytes) -> str | None:
    """The video container's MIME type from magic bytes, or None."""
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in _IMAGE_BRANDS:
            return None
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if data[4:8] in _QUICKTIME_ATOMS and len(data) >= 8:
        return "video/quicktime"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm" if b"webm" in data[:64] else "video/x-matroska"
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "video/x-msvideo"
    for packet in (188, 192):  # MPEG transport stream (192: M2TS with a 4-byte timestamp first)
        start = 0 if packet == 188 else 4
        if len(data) >= start + 2 * packet + 1 and all(data[start + i * packet] == 0x47 for i in range(3)):
            return "video/mp2t"
    return None


def video_mime(data: bytes) -> str:
    """The MIME type of a video that ``sniff_kind`` called "video" (for storage and downloads)."""
    return _video_container(data) or "application/octet-stream"


def _image_format(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _IMAGE_BRANDS:
        return "AVIF" if data[8:12] in (b"avif", b"avis") else "HEIC"
    for magic, name in _OTHER_IMAGES:
        if data.startswith(magic):
            return name
    return None


def _text_kind(data: bytes) -> str | None:
    """Name the text formats people send by mistake (or on purpose): SVG, HTML, XML."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head:
        return "an SVG drawing"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")):
        return "a web page (HTML)"
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return "an XML or HTML document"
    return None


def sniff_kind(data: bytes, filename: str = "") -> str:
    """Say "image" or "video" from the content; the name is never trusted (callers pass it for their logs).

    Raises MediaRefused for an empty file, SVG, HTML, XML, PDF and anything not recognised.
    """
    if not data:
        raise MediaRefused("The file is empty (0 bytes).")
    if _image_format(data):
        return "image"
    if _video_container(data):
        return "video"
    if data.startswith(b"%PDF-"):
        raise MediaRefused(f"This file is a PDF document; {ACCEPTED_SENTENCE}, {VIDEOS_SENTENCE}.")
    text = _text_kind(data)
    if text:
        raise MediaRefused(f"This file is {text}; {ACCEPTED_SENTENCE}, {VIDEOS_SENTENCE}.")
    raise MediaRefused(f"This file is not a photo or video we recognise; {ACCEPTED_SENTENCE}, {VIDEOS_SENTENCE}.")


def _refuse_polyglot(data: bytes) -> None:
    if _HTML_MARKERS.search(data):
        raise MediaRefused(
            "This image also contains web-page code (HTML or a script), which a browser could run; it was refused."
        )


def _open(data: bytes) -> Image.Image:
    """Open (header only) with Pillow, turning its many exceptions into sentences."""
    try:
        return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = _BOMB_PIXELS.search(str(exc))
        count = f" of {int(found.group(1)):,} pixels" if found else ""
        raise MediaRefused(f"This image is too large to open safely: it declares a size{count}.") from None
    except UnidentifiedImageError:
        if _image_format(data) in ACCEPTED:  # the right magic bytes, then nothing Pillow can parse
            raise MediaRefused("This image is damaged and could not be read.") from None
        raise MediaRefused(f"This file is not an image we can read; {ACCEPTED_SENTENCE}.") from None
    except ValueError as exc:
        if "too large" in str(exc):  # PNG text chunks that inflate without limit (Pillow's MAX_TEXT_CHUNK)
            raise MediaRefused(
                "This image holds compressed text that expands far beyond a safe size (a decompression bomb); "
                "it was refused."
            ) from None
        raise MediaRefused("This image is damaged and could not be read.") from None
    except Exception:  # noqa: BLE001 - Pillow's parsers raise many types on hostile input; all mean "unreadable"
        raise MediaRefused("This image is damaged and could not be read.") from None


def inspect_image(data: bytes, *, max_pixels: int, max_frames: int) -> ImageInfo:
    """Check a photo fully: format, size from the header before decoding, frames, a complete
    decode, no HTML inside. Raises MediaRefused with a sentence."""
    if not data:
        raise MediaRefused("The file is empty (0 bytes).")
    _refuse_polyglot(data)
    image = _open(data)
    with image:
        name = _SAME_AS.get(image.format or "", image.format or "unknown")
        if name not in ACCEPTED:
            raise MediaRefused(f"This image is in {name} format; {ACCEPTED_SENTENCE}.")
        width, height = image.size
        if width * height > max_pixels:
            raise MediaRefused(
                f"This image is {width:,} × {height:,} pixels ({width * height:,} pixels); "
                f"the limit is {max_pixels:,} pixels."
            )
        frames = 1 if image.format == "MPO" else _frame_count(image)
        if frames > max_frames:
            raise MediaRefused(f"This animation has {frames:,} frames; the limit is {max_frames:,}.")
        try:
            image.load()
        except Exception:  # noqa: BLE001 - truncated or corrupt data surfaces as OSError, SyntaxError, ValueError...
            raise MediaRefused("This image is damaged or truncated: it could not be decoded completely.") from None
    return ImageInfo(name, ACCEPTED[name], width, height, frames, len(data), hashlib.sha256(data).hexdigest())


def _frame_count(image: Image.Image) -> int:
    try:
        return int(getattr(image, "n_frames", 1))
    except Exception:  # noqa: BLE001 - counting walks every frame; a broken one means a broken file
        raise MediaRefused("This animation is damaged: its frames could not be counted.") from None


def _decoded(data: bytes, draft: int | None = None, colours: bool = False) -> Image.Image:
    """The first frame, decoded, orientation applied, as RGB (transparency over white); with
    ``colours``, converted from its embedded colour profile to sRGB (a phone's Display P3 or a
    CMYK print file would look washed out or wrong once the profile is dropped)."""
    image = _open(data)
    with image:
        image.seek(0)
        if draft and image.format in ("JPEG", "MPO"):
            image.draft("RGB", (draft, draft))  # let libjpeg scale down while decoding: much faster
        try:
            image.load()
        except Exception:  # noqa: BLE001 - see inspect_image
            raise MediaRefused("This image is damaged or truncated: it could not be decoded completely.") from None
        frame = image.copy()
    if colours and frame.info.get("icc_profile"):
        frame = _to_srgb(frame)
    try:
        upright = ImageOps.exif_transpose(frame)
    except Exception:  # noqa: BLE001 - a malformed EXIF block must not lose the picture
        upright = frame
    return flatten(upright)


def _to_srgb(image: Image.Image) -> Image.Image:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
        converted = ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except Exception:  # noqa: BLE001 - a broken or unusual profile: keep the pixels as they are
        return image
    if converted is None:
        return image
    converted.info = {key: value for key, value in image.info.items() if key != "icc_profile"}
    return converted


def flatten(image: Image.Image) -> Image.Image:
    """RGB with transparency composited over white (a transparent logo hashes as people see it),
    16-bit and float greys brought to 8 bits (Pillow would clip them to white)."""
    if image.mode.startswith("I") or image.mode == "F":
        pixels = np.asarray(image, dtype=np.float64)
        if pixels.max(initial=0) > 255:  # 16-bit data (Pillow's own conversions keep 8-bit values)
            pixels = pixels / 257
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    rgb = image.convert("RGB")
    rgb.info = {}
    return rgb


def open_image(data: bytes) -> Image.Image:
    """The picture as people see it (orientation applied, first frame, RGB), for hashing."""
    return _decoded(data)


def thumbnail(data: bytes, *, size: int = 480) -> bytes:
    """A JPEG whose longest side is at most ``size``, re-encoded from pixels: no EXIF, ICC,
    XMP or comment survives (a thumbnail must not leak a source's GPS position)."""
    if size < 1:
        raise ValueError("size must be positive")
    image = _decoded(data, draft=size * 2, colours=True)
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
