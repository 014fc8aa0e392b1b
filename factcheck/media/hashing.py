"""Perceptual fingerprints: finding a photo again after it was resized, recompressed, cropped,
captioned or turned grey by the people who re-shared it.

Method (tuned on ``scripts/media_match_eval.py``'s transformation set, whose figures are in
its output):

* The picture is taken in grey levels (a grey copy must match), shrunk to at most 512 px.
* Caption bands are trimmed: a white or black band along an edge, with or without a line of
  text in it, is found from its rows (nearly all pixels within a few levels of pure white or
  black, text lines allowed between such rows) and cut away, up to 35% per edge.
* Two views are hashed: the trimmed picture ("t") and its centre 90% ("c"), which lines up
  with a copy cropped by up to 10% better than the whole does.
* Each view gets three 64-bit hashes: ``p``, the DCT hash (imagehash.phash: the signs of the
  lowest 8x8 frequencies), ``d``, the gradient hash (imagehash.dhash: is each of 8x8 cells
  brighter than its neighbour), and ``m``, a Fourier-magnitude hash (which of 64 low
  frequencies are stronger than their median). Magnitudes do not move when the content
  shifts, so ``m`` changes little under a crop, where ``p`` and ``d`` change most; ``m``
  cannot tell a picture from its mirror image, which ``p`` and ``d`` can.

Six entries per picture: kinds ``p``, ``d``, ``m`` (view t) and ``p_c``, ``d_c``, ``m_c``
(view c), each a signed 64-bit integer (a PostgreSQL bigint). The distance between two
pictures is the smallest, over the pairs of views (t, t), (t, c) and (c, t), of the number of
differing bits of the three hashes together (0 to 192): all three must agree on the same
views, which keeps different photos apart. Near-identical at or below ``MATCH_DISTANCE``.

A list of fingerprints may hold several pictures (a video's keyframes, one after another): a
kind seen again starts the next picture, and two lists are as close as their closest pictures.
"""

import numpy as np
from imagehash import dhash, phash
from PIL import Image

from factcheck.media.images import flatten

FAMILIES = ("p", "d", "m")
VIEWS = ("", "_c")  # the trimmed picture, its centre 90%
KINDS = tuple(family + view for view in VIEWS for family in FAMILIES)
VIEW_PAIRS = (("", ""), ("", "_c"), ("_c", ""))
BITS = 64 * len(FAMILIES)
MATCH_DISTANCE = 48  # of 192 bits; see scripts/media_match_eval.py
INCOMPARABLE = BITS + 1  # two lists with no view in common (e.g. other kinds from a later version)

WORKING_SIZE = 512
FLAT_STD = 3.0  # grey levels: below it a picture has nothing to tell it apart
CENTRE = 0.90
_BAND_EDGE_LEVELS = 8  # a band is within this of pure black (0) or white (255)
_BAND_TOLERANCE = 24  # grey levels around the band's colour (JPEG noise)
_BAND_ROW = 0.95  # share of a band row's pixels near the band's colour
_BAND_MAX = 0.35  # of the height (or width) per edge


def _fourier_selection(size: int = 32, count: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` lowest frequencies of a half plane (the other half mirrors it), DC left out."""
    cells = [(ky, kx) for ky in range(8) for kx in range(-8, 9) if ky > 0 or kx > 0]
    cells.sort(key=lambda cell: (cell[0] ** 2 + cell[1] ** 2, cell))
    chosen = cells[:count]
    return np.array([ky for ky, _ in chosen]), np.array([kx % size for _, kx in chosen])


_FOURIER_SIZE = 32
_FOURIER_CELLS = _fourier_selection(_FOURIER_SIZE)
_WINDOW = np.outer(np.hanning(_FOURIER_SIZE), np.hanning(_FOURIER_SIZE))


def _fourier_bits(view: Image.Image) -> np.ndarray:
    pixels = np.asarray(view.resize((_FOURIER_SIZE, _FOURIER_SIZE), Image.Resampling.LANCZOS), dtype=np.float64)
    magnitude = np.abs(np.fft.fft2((pixels - pixels.mean()) * _WINDOW))[_FOURIER_CELLS]
    return magnitude > np.median(magnitude)


def _signed(bits: np.ndarray) -> int:
    """64 booleans (first = most significant) as a signed 64-bit integer."""
    value = int.from_bytes(np.packbits(bits.astype(bool).ravel()).tobytes(), "big")
    return value - (1 << 64) if value >= 1 << 63 else value


def _band_rows(pixels: np.ndarray) -> int:
    """How many rows at the top of ``pixels`` are a uniform white or black band (text lines allowed)."""
    height = pixels.shape[0]
    colour = float(np.median(pixels[0]))
    if _BAND_EDGE_LEVELS < colour < 255 - _BAND_EDGE_LEVELS:
        return 0
    limit = max(1, int(height * _BAND_MAX))
    near = (np.abs(pixels[:limit] - colour) <= _BAND_TOLERANCE).mean(axis=1)
    if near[0] < _BAND_ROW:
        return 0
    gap_limit = max(3, int(height * 0.1) + 2)  # a line of caption text between band rows
    cut = 0
    for row, share in enumerate(near):
        if share >= _BAND_ROW:
            cut = row + 1
        elif row - cut >= gap_limit:
            break
    return cut


def trim_bands(gray: Image.Image) -> Image.Image:
    """The picture without the white or black caption bands along its edges."""
    small = gray.copy()
    small.thumbnail((256, 256))
    pixels = np.asarray(small, dtype=np.int16)
    top, bottom = _band_rows(pixels), _band_rows(pixels[::-1])
    left, right = _band_rows(pixels.T), _band_rows(pixels.T[::-1])
    if not (top or bottom or left or right):
        return gray
    sx, sy = gray.width / small.width, gray.height / small.height
    box = (round(left * sx), round(top * sy), gray.width - round(right * sx), gray.height - round(bottom * sy))
    return gray.crop(box) if box[2] - box[0] >= 8 and box[3] - box[1] >= 8 else gray


def _centre(view: Image.Image) -> Image.Image:
    dx, dy = round(view.width * (1 - CENTRE) / 2), round(view.height * (1 - CENTRE) / 2)
    return view.crop((dx, dy, view.width - dx, view.height - dy)) if dx or dy else view


def fingerprints(image: Image.Image) -> list[tuple[str, int]]:
    """The picture's six fingerprints, (kind, signed 64-bit value), in the order of ``KINDS``;
    none for a picture with no detail (a solid colour, a fade to black): every such picture
    would look like every other."""
    gray = flatten(image).convert("L")
    gray.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.LANCZOS)
    trimmed = trim_bands(gray)
    if float(np.asarray(trimmed, dtype=np.float32).std()) < FLAT_STD:
        return []
    prints = []
    for view, picture in (("", trimmed), ("_c", _centre(trimmed))):
        prints.append(("p" + view, _signed(phash(picture).hash)))
        prints.append(("d" + view, _signed(dhash(picture).hash)))
        prints.append(("m" + view, _signed(_fourier_bits(picture))))
    return prints


def split_sets(prints: list[tuple[str, int]]) -> list[dict[str, int]]:
    """The pictures in a list of fingerprints: a kind seen again starts the next one. Kinds
    this version does not know (from an older or newer one) are left out."""
    sets: list[dict[str, int]] = []
    for kind, value in prints:
        if kind not in KINDS:
            continue
        if not sets or kind in sets[-1]:
            sets.append({})
        sets[-1][kind] = int(value)
    return sets


def _popcount(value: int) -> int:
    return (value & 0xFFFF_FFFF_FFFF_FFFF).bit_count()


def set_distance(a: dict[str, int], b: dict[str, int]) -> int:
    """The distance between two pictures (dicts kind -> value); INCOMPARABLE when no views pair up."""
    best = INCOMPARABLE
    for view_a, view_b in VIEW_PAIRS:
        kinds_a = [family + view_a for family in FAMILIES]
        kinds_b = [family + view_b for family in FAMILIES]
        if all(kind in a for kind in kinds_a) and all(kind in b for kind in kinds_b):
            best = min(best, sum(_popcount(a[ka] ^ b[kb]) for ka, kb in zip(kinds_a, kinds_b, strict=True)))
    return best


def distance(a: list[tuple[str, int]], b: list[tuple[str, int]]) -> int:
    """The combined distance used for ranking (lower = closer; 0 to 192, INCOMPARABLE if none)."""
    return min((set_distance(x, y) for x in split_sets(a) for y in split_sets(b)), default=INCOMPARABLE)
