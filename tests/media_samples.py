"""Test helpers for factcheck.media: the fixture photos and the transformations a shared photo goes through.

One definition of the transformation set, read by tests/test_media_library.py and scripts/media_match_eval.py,
so that the figures the script prints are about the same set the tests hold.
"""

import io
import random
import struct
import subprocess
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "images"

# The real photos among the fixtures (broken_exif_dpi.jpg is a flat green square, invalid-exif.jpg a grey
# gradient and exif_gps.jpg 8x8 pixels: no photo content to fingerprint).
PHOTOS = (
    "flower.jpg",
    "flower2.jpg",
    "hopper.jpg",
    "sugarshack_bad_mpo_header.jpg",
    "exif-72dpi-int.jpg",
    "xmp_test.jpg",
    "iptc.jpg",
)

CAPTION = "Photo shared on social media, 12 September 2021"

Transform = Callable[[Image.Image], Image.Image]


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def load_photo(name: str) -> Image.Image:
    """The fixture decoded to RGB (sugarshack's broken MPO header warns; that warning is Pillow's, not ours)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with Image.open(FIXTURES / name) as image:
            return ImageOps.exif_transpose(image).convert("RGB")


def jpeg_bytes(image: Image.Image, quality: int = 90, **params: object) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality, **params)
    return out.getvalue()


def recompress(quality: int) -> Transform:
    def apply(image: Image.Image) -> Image.Image:
        with Image.open(io.BytesIO(jpeg_bytes(image, quality))) as again:
            return again.convert("RGB")

    return apply


def resize(factor: float) -> Transform:
    def apply(image: Image.Image) -> Image.Image:
        size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
        return image.resize(size, Image.Resampling.LANCZOS)

    return apply


def crop(side: str, fraction: float) -> Transform:
    """Remove ``fraction`` of the width (left/right) or height (top/bottom); "centre": half of it on each side."""

    def apply(image: Image.Image) -> Image.Image:
        w, h = image.size
        dx, dy = round(w * fraction), round(h * fraction)
        box = {
            "left": (dx, 0, w, h),
            "right": (0, 0, w - dx, h),
            "top": (0, dy, w, h),
            "bottom": (0, 0, w, h - dy),
            "centre": (dx // 2, dy // 2, w - dx // 2, h - dy // 2),
        }[side]
        return image.crop(box)

    return apply


def caption(where: str, colour: str, fraction: float, text: bool = True) -> Transform:
    """A band of ``fraction`` of the height added above or below, as a re-share with a caption looks."""

    def apply(image: Image.Image) -> Image.Image:
        w, h = image.size
        band = max(1, round(h * fraction))
        out = Image.new("RGB", (w, h + band), colour)
        out.paste(image, (0, band if where == "top" else 0))
        if text:
            ink = "black" if colour == "white" else "white"
            font = ImageFont.load_default(size=max(6, band // 2))
            y = (0 if where == "top" else h) + band // 4
            ImageDraw.Draw(out).text((max(2, w // 40), y), CAPTION, fill=ink, font=font)
        return out

    return apply


def grayscale(image: Image.Image) -> Image.Image:
    return image.convert("L").convert("RGB")


def chain(*steps: Transform) -> Transform:
    def apply(image: Image.Image) -> Image.Image:
        for step in steps:
            image = step(image)
        return image

    return apply


def transformations() -> list[tuple[str, str, Transform]]:
    """(family, name, transform): every transformation a match must survive."""
    out: list[tuple[str, str, Transform]] = [
        ("resize", "resize 50%", resize(0.5)),
        ("resize", "resize 25%", resize(0.25)),
    ]
    out += [("jpeg", f"jpeg q{q}", recompress(q)) for q in (30, 50, 70)]
    for fraction in (0.05, 0.10):
        for side in ("left", "right", "top", "bottom", "centre"):
            out.append(("crop", f"crop {fraction:.0%} {side}", crop(side, fraction)))
    for where in ("top", "bottom"):
        for colour in ("white", "black"):
            for fraction in (0.10, 0.20):
                for text in (True, False):
                    name = f"caption {where} {colour} {fraction:.0%}" + (" with text" if text else "")
                    out.append(("caption", name, caption(where, colour, fraction, text)))
    out.append(("grayscale", "grayscale", grayscale))
    out += [
        ("combined", "crop 10% left + jpeg q50", chain(crop("left", 0.10), recompress(50))),
        ("combined", "crop 10% centre + jpeg q30", chain(crop("centre", 0.10), recompress(30))),
        (
            "combined",
            "resize 50% + caption bottom black 15% + jpeg q70",
            chain(resize(0.5), caption("bottom", "black", 0.15), recompress(70)),
        ),
        (
            "combined",
            "caption top white 20% + resize 50% + jpeg q50",
            chain(caption("top", "white", 0.20), resize(0.5), recompress(50)),
        ),
        ("combined", "grayscale + crop 5% right + jpeg q50", chain(grayscale, crop("right", 0.05), recompress(50))),
        (
            "combined",
            "crop 5% top + caption bottom white 10% + jpeg q70",
            chain(crop("top", 0.05), caption("bottom", "white", 0.10), recompress(70)),
        ),
    ]
    return out


def _watermark(image: Image.Image) -> Image.Image:
    out = image.copy()
    font = ImageFont.load_default(size=max(8, image.height // 8))
    ImageDraw.Draw(out).text(
        (image.width // 10, image.height // 2 - image.height // 16), "FAKE?", fill="white", font=font
    )
    return out


def stress_transformations() -> list[tuple[str, str, Transform]]:
    """Beyond what a match must survive: the evaluation shows where the method stops."""
    return [
        ("beyond", "crop 15% left", crop("left", 0.15)),
        ("beyond", "crop 20% centre", crop("centre", 0.20)),
        ("beyond", "crop 10% top + 10% left", chain(crop("top", 0.10), crop("left", 0.10))),
        ("beyond", "caption bottom white 30% with text", caption("bottom", "white", 0.30)),
        (
            "beyond",
            "grey border 8% (screenshot)",
            lambda im: ImageOps.expand(im, round(im.width * 0.08), (236, 236, 236)),
        ),
        ("beyond", "brightness +25%", lambda im: ImageEnhance.Brightness(im).enhance(1.25)),
        ("beyond", "contrast x1.4", lambda im: ImageEnhance.Contrast(im).enhance(1.4)),
        ("beyond", "turned 2 degrees", lambda im: im.rotate(2, resample=Image.Resampling.BICUBIC, fillcolor="white")),
        ("beyond", "watermark across the middle", _watermark),
        ("beyond", "resize to 64 px wide", lambda im: im.resize((64, max(1, round(64 * im.height / im.width))))),
    ]


def _shuffled(image: Image.Image, tiles: int, seed: int) -> Image.Image:
    """The photo cut into tiles x tiles pieces put back in another order: its content, not its picture."""
    w, h = image.width // tiles * tiles, image.height // tiles * tiles
    pieces = [
        image.crop((i * w // tiles, j * h // tiles, (i + 1) * w // tiles, (j + 1) * h // tiles))
        for j in range(tiles)
        for i in range(tiles)
    ]
    order = list(range(tiles * tiles))
    rng = random.Random(seed)
    while order == sorted(order):
        rng.shuffle(order)
    out = Image.new("RGB", (w, h))
    for place, piece in enumerate(order):
        out.paste(pieces[piece], ((place % tiles) * w // tiles, (place // tiles) * h // tiles))
    return out


def _shapes(seed: int) -> Image.Image:
    rng = random.Random(seed)
    colour = lambda: tuple(rng.randrange(256) for _ in range(3))  # noqa: E731
    image = Image.new("RGB", (400, 300), colour())
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(3, 25)):
        x, y = rng.randrange(400), rng.randrange(300)
        box = (x, y, x + rng.randrange(10, 200), y + rng.randrange(10, 150))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour())
    return image


def _gradient(seed: int) -> Image.Image:
    rng = np.random.default_rng(100 + seed)
    yy, xx = np.mgrid[0:300, 0:400]
    angle = seed * np.pi / 3 + rng.uniform(0, 0.5)
    ramp = np.cos(angle) * xx + np.sin(angle) * yy
    ramp = ((ramp - ramp.min()) / (ramp.max() - ramp.min()))[..., None]
    start, end = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    return Image.fromarray((start * (1 - ramp) + end * ramp).astype(np.uint8))


def _noise(seed: int) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    return Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(seed * 3))


def distractors(photos: dict[str, Image.Image]) -> dict[str, tuple[str, Image.Image]]:
    """Synthetic pictures that must not match the photos: name -> (source photo or "", picture).

    Deterministic: each photo's tiles shuffled 2x2 and 3x3, mirrored, upside down and turned a
    quarter; drawings of random shapes; colour gradients; blurred noise. A picture made from a
    photo keeps its source so that the evaluation never counts it against that photo's own copies.
    """
    out: dict[str, tuple[str, Image.Image]] = {}
    for index, (name, image) in enumerate(photos.items()):
        out[f"{name} shuffled 2x2"] = (name, _shuffled(image, 2, index))
        out[f"{name} shuffled 3x3"] = (name, _shuffled(image, 3, index))
        out[f"{name} mirrored"] = (name, ImageOps.mirror(image))
        out[f"{name} upside down"] = (name, ImageOps.flip(image))
        out[f"{name} turned 90°"] = (name, image.rotate(90, expand=True))
    for seed in range(12):
        out[f"shapes {seed}"] = ("", _shapes(seed))
    for seed in range(6):
        out[f"gradient {seed}"] = ("", _gradient(seed))
    for seed in range(4):
        out[f"noise {seed}"] = ("", _noise(seed))
    return out


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` (one black row of data): a decompression
    bomb's shape, without the memory; a check must refuse it from the header alone."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    data = zlib.compress(b"\x00" * (1 + (width + 7) // 8))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def animated_gif(frames: int, size: int = 8) -> bytes:
    """A GIF with ``frames`` frames, each a different grey (Pillow would merge identical ones)."""
    pictures = [Image.new("L", (size, size), (i * 37) % 256) for i in range(frames)]
    out = io.BytesIO()
    pictures[0].save(out, "GIF", save_all=True, append_images=pictures[1:], duration=20, loop=0, optimize=False)
    return out.getvalue()


def image_bytes(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def make_video(path: Path, *inputs: str, extra: tuple[str, ...] = ()) -> Path:
    """A short video from ffmpeg's lavfi sources (generated at test time, nothing downloaded)."""
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    for source in inputs:
        command += ["-f", "lavfi", "-i", source]
    subprocess.run([*command, *extra, str(path)], check=True, timeout=120)
    return path
