"""The media library on its own (factcheck.media: images, metadata, hashing, index, video):
functions on bytes and paths, no database."""

import hashlib
import io
import json
import random
import shutil
import subprocess
import time

import numpy as np
import pytest
from PIL import Image, ImageOps

from factcheck.media import hashing, images, metadata, video
from factcheck.media.errors import MediaRefused
from factcheck.media.index import FingerprintIndex, brute_force_search

from .media_samples import (
    FIXTURES,
    PHOTOS,
    animated_gif,
    caption,
    distractors,
    fixture_bytes,
    image_bytes,
    jpeg_bytes,
    load_photo,
    make_video,
    png_declaring,
    transformations,
)

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO file:UserWarning")

LIMITS = {"max_pixels": 50_000_000, "max_frames": 500}
ALL_JPEGS = sorted(path.name for path in FIXTURES.glob("*.jpg"))


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(MediaRefused) as caught:
        call(*args, **kwargs)
    message = caught.value.message
    assert message == str(caught.value)
    assert message[0].isupper() and message.endswith("."), message  # a sentence for people
    return message


# --- what a file is, from its content -------------------------------------------------------


def test_an_empty_file_is_refused_with_a_sentence():
    assert "empty" in refusal(images.sniff_kind, b"", "photo.jpg")
    assert "empty" in refusal(images.inspect_image, b"", **LIMITS)


def test_an_svg_named_like_a_photo_is_refused_as_a_drawing():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
    message = refusal(images.sniff_kind, svg, "photo.jpg")
    assert "SVG drawing" in message and "JPEG, PNG, GIF and WebP" in message


def test_an_html_page_is_refused():
    page = b"\xef\xbb\xbf  <!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    assert "web page (HTML)" in refusal(images.sniff_kind, page, "cat.png")


def test_a_pdf_is_refused():
    assert "PDF document" in refusal(images.sniff_kind, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "scan.jpg")


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04zipped", b"MZ\x90\x00", b"\x7fELF\x02\x01", b"plain text, no picture", b"ID3\x04mp3"]
)
def test_anything_else_unknown_is_refused(data):
    assert "not a photo or video we recognise" in refusal(images.sniff_kind, data, "video.mp4")


def test_photos_are_recognised_from_their_content_whatever_their_name():
    picture = Image.new("RGB", (16, 16), "red")
    for fmt in ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"):
        assert images.sniff_kind(image_bytes(picture, fmt), "clip.mp4") == "image", fmt


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", "video/quicktime"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
        (b"RIFF\x00\x10\x00\x00AVI LIST", "video/x-msvideo"),
        ((b"\x47" + b"\x00" * 187) * 3, "video/mp2t"),
    ],
)
def test_videos_are_recognised_from_their_container(head, mime):
    assert images.sniff_kind(head + b"\x00" * 64, "photo.jpg") == "video"
    assert images.video_mime(head + b"\x00" * 64) == mime


def test_a_heic_or_avif_photo_is_an_image_not_a_video():
    assert images.sniff_kind(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "") == "image"
    assert images.sniff_kind(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", "") == "image"


# --- checking a photo ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_JPEGS)
def test_every_fixture_photo_passes_with_its_size_and_hash(name):
    data = fixture_bytes(name)
    info = images.inspect_image(data, **LIMITS)
    with Image.open(FIXTURES / name) as image:
        assert (info.width, info.height) == image.size
    assert (info.format, info.mime, info.frames, info.bytes) == ("JPEG", "image/jpeg", 1, len(data))
    assert info.sha256 == hashlib.sha256(data).hexdigest()


def test_png_gif_and_webp_are_accepted_with_their_mime_types():
    picture = Image.new("RGB", (40, 30), "navy")
    for fmt, mime in (("PNG", "image/png"), ("GIF", "image/gif"), ("WEBP", "image/webp")):
        info = images.inspect_image(image_bytes(picture, fmt), **LIMITS)
        assert (info.format, info.mime, info.width, info.height) == (fmt, mime, 40, 30)


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_a_bmp_or_tiff_image_is_refused_by_its_format(fmt):
    message = refusal(images.inspect_image, image_bytes(Image.new("RGB", (20, 20)), fmt), **LIMITS)
    assert f"in {fmt} format" in message and "only JPEG, PNG, GIF and WebP" in message


def test_an_html_jpeg_polyglot_is_refused_whether_the_script_is_appended_or_embedded():
    photo = fixture_bytes("hopper.jpg")
    appended = photo + b"<script>alert(document.cookie)</script>"
    embedded = jpeg_bytes(load_photo("hopper.jpg"), comment=b"<ScRiPt src=//evil.example/x.js></script>")
    framed = photo[:2000] + b"<IFRAME src=x>" + photo[2000:]
    for data in (appended, embedded, framed):
        assert "web-page code" in refusal(images.inspect_image, data, **LIMITS)


def test_xmp_inside_a_photo_is_not_taken_for_html():
    for name in ("xmp_test.jpg", "flower2.jpg", "invalid-exif.jpg"):
        assert b"<x:xmpmeta" in fixture_bytes(name) or b"<rdf:" in fixture_bytes(name)
        images.inspect_image(fixture_bytes(name), **LIMITS)


def test_the_decompression_bomb_fixture_is_refused_with_a_sentence():
    # A 1 x 1 PNG whose compressed text chunks would inflate without limit (Pillow's own test).
    message = refusal(images.inspect_image, fixture_bytes("png_decompression_dos.png"), **LIMITS)
    assert "decompression bomb" in message


def test_an_image_over_the_pixel_limit_is_refused_from_its_header_with_its_pixel_count():
    message = refusal(images.inspect_image, png_declaring(10_000, 6_000), max_pixels=50_000_000, max_frames=1)
    assert "10,000 × 6,000 pixels (60,000,000 pixels)" in message and "50,000,000" in message


def test_a_huge_declared_size_is_refused_as_a_bomb_with_its_pixel_count():
    message = refusal(images.inspect_image, png_declaring(100_000, 100_000), **LIMITS)
    assert "too large to open safely" in message and "10,000,000,000 pixels" in message


def test_a_gif_with_a_thousand_frames_is_refused_over_the_frame_limit():
    data = animated_gif(1000)
    assert "1,000 frames; the limit is 500" in refusal(images.inspect_image, data, max_pixels=10**6, max_frames=500)
    assert images.inspect_image(data, max_pixels=10**6, max_frames=1000).frames == 1000


def test_a_truncated_jpeg_is_refused():
    data = fixture_bytes("flower.jpg")
    assert "damaged or truncated" in refusal(images.inspect_image, data[: len(data) // 2], **LIMITS)


def test_a_jpeg_header_followed_by_garbage_is_refused():
    garbage = b"\xff\xd8\xff\xe0" + random.Random(3).randbytes(20_000)
    assert "damaged" in refusal(images.inspect_image, garbage, **LIMITS)


def test_five_megabytes_of_random_bytes_are_refused_quickly():
    noise = random.Random(5).randbytes(5_000_000)
    started = time.perf_counter()
    assert refusal(images.sniff_kind, noise)
    assert "not an image we can read" in refusal(images.inspect_image, noise, **LIMITS)
    assert "damaged" in refusal(images.inspect_image, b"\xff\xd8\xff" + noise, **LIMITS)
    assert time.perf_counter() - started < 5


# --- thumbnails --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["xmp_test.jpg", "flower2.jpg", "hopper.jpg", "iptc.jpg", "exif_gps.jpg"])
def test_a_thumbnail_is_a_small_jpeg_without_any_metadata(name):
    thumb = images.thumbnail(fixture_bytes(name))
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.format == "JPEG" and image.mode == "RGB" and max(image.size) <= 480
        assert not set(image.info) & {"exif", "icc_profile", "xmp", "comment", "photoshop", "adobe"}
        assert not image.getexif()
    found = metadata.read_metadata(thumb)
    assert found["stripped"] is True and found["comment"] == "" and found["gps"] is None


def test_a_thumbnail_applies_the_exif_orientation():
    sideways = Image.new("RGB", (200, 100), "red")
    sideways.paste(Image.new("RGB", (100, 100), "blue"), (100, 0))  # red left, blue right
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    data = jpeg_bytes(sideways, exif=exif.tobytes())
    with Image.open(io.BytesIO(images.thumbnail(data, size=100))) as thumb:
        assert thumb.size == (50, 100)
        top, bottom = thumb.getpixel((25, 10)), thumb.getpixel((25, 90))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]  # red on top, blue below
    assert images.open_image(data).size == (100, 200)


def test_the_thumbnail_of_an_animation_is_its_first_frame_and_transparency_is_white():
    first = images.open_image(animated_gif(3, size=32))
    assert first.size == (32, 32) and first.getpixel((5, 5)) == (0, 0, 0)
    clear = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    with Image.open(io.BytesIO(images.thumbnail(image_bytes(clear, "PNG")))) as thumb:
        assert min(thumb.getpixel((10, 10))) > 245


def test_a_16_bit_grey_png_keeps_its_tones_in_the_thumbnail():
    ramp = Image.fromarray((np.arange(64 * 64, dtype=np.uint32).reshape(64, 64) * 16).astype(np.uint16))
    data = image_bytes(ramp, "PNG")
    assert images.inspect_image(data, **LIMITS).format == "PNG"
    with Image.open(io.BytesIO(images.thumbnail(data))) as thumb:
        assert thumb.getpixel((0, 0))[0] < 10 and 100 < thumb.getpixel((0, 32))[0] < 160  # not clipped to white


@pytest.mark.parametrize("mode", ["P", "RGBA", "LA", "L", "1", "CMYK", "I;16", "F"])
def test_fingerprints_accept_every_pillow_mode(mode):
    photo = load_photo("flower.jpg")
    converted = photo.convert("L").convert(mode) if mode in ("I;16", "F") else photo.convert(mode)
    distance = hashing.distance(hashing.fingerprints(converted), hashing.fingerprints(photo))
    assert distance <= (hashing.MATCH_DISTANCE if mode == "1" else 4)


# --- metadata ------------------------------------------------------------------------------------


def _all_values(value):
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            yield from _all_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_values(item)
    else:
        yield value


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.iterdir() if path.suffix != ".md"))
def test_metadata_of_every_fixture_is_clean_json_and_never_raises(name):
    found = metadata.read_metadata(fixture_bytes(name))
    assert set(found) >= {"camera", "lens", "taken_at", "software", "gps", "exif", "iptc", "xmp", "stripped"}
    assert isinstance(found["problems"], list) and len(found["exif"]) <= 60
    assert json.loads(json.dumps(found)) == found
    for value in _all_values(found):
        assert value is None or type(value) in (str, int, float, bool)
        if isinstance(value, str):
            assert len(value) <= 500 and not any(ord(c) < 32 and c not in "\t\n" for c in value)


def test_cameras_lenses_and_dates_are_read_from_exif():
    flower, xmp, iptc = (metadata.read_metadata(fixture_bytes(n)) for n in ("flower.jpg", "xmp_test.jpg", "iptc.jpg"))
    assert (flower["camera"], flower["taken_at"]) == ("Canon PowerShot S40", "2003:12:14 12:01:44")
    assert (xmp["camera"], xmp["lens"]) == ("Canon EOS Rebel T6", "EF-S18-55mm f/3.5-5.6 III")
    assert xmp["software"] == "Adobe Photoshop Lightroom Classic 7.4 (Macintosh)"
    assert (iptc["camera"], iptc["taken_at"]) == ("Nokia N70-1", "2006:07:08 21:14:45")
    assert metadata.read_metadata(fixture_bytes("sugarshack_bad_mpo_header.jpg"))["camera"] == "Nintendo 3DS"


def test_the_72dpi_fixture_names_no_camera_but_its_software_and_resolution():
    found = metadata.read_metadata(fixture_bytes("exif-72dpi-int.jpg"))
    assert found["camera"] == "" and found["software"] == "gThumb 3.0.1"  # the file has no Make/Model tags
    assert found["exif"]["XResolution"] == "72" and found["exif"]["DateTime"] == "2012:08:18 15:32:58"
    assert found["stripped"] is False


def test_gps_coordinates_are_decimal_degrees_signed_by_their_references():
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 12"
    exif.get_ifd(0x8825).update(
        {1: "N", 2: (35.0, 18.0, 36.0), 3: "E", 4: (69.0, 31.0, 12.0)}  # Panjshir valley
    )
    found = metadata.read_metadata(jpeg_bytes(Image.new("RGB", (8, 8)), exif=exif.tobytes()))
    assert found["gps"] == {"lat": 35.31, "lon": 69.52} and found["camera"] == "Apple iPhone 12"
    assert metadata.osm_link(found["gps"]) == (
        "https://www.openstreetmap.org/?mlat=35.310000&mlon=69.520000#map=15/35.310000/69.520000"
    )
    exif.get_ifd(0x8825).update({1: "S", 3: "W"})
    assert metadata.read_metadata(jpeg_bytes(Image.new("RGB", (8, 8)), exif=exif.tobytes()))["gps"] == {
        "lat": -35.31,
        "lon": -69.52,
    }


def test_the_exif_gps_fixture_has_an_unusable_gps_block_reported_as_a_problem():
    # Pillow's exif_gps.jpg is a stress test: its GPS block holds a single latitude of 4294967295
    # and no longitude. No position is invented; the raw tags stay visible.
    found = metadata.read_metadata(fixture_bytes("exif_gps.jpg"))
    assert found["gps"] is None
    assert "The GPS block is incomplete or out of range, so no position is given." in found["problems"]
    assert found["exif"]["GPSLatitude"] == "4.29497e+09" and found["exif"]["GPSDateStamp"] == "1999:99:99 99:99:99"


def test_iptc_fields_are_named_and_decoded():
    found = metadata.read_metadata(fixture_bytes("iptc.jpg"))["iptc"]
    assert found["city"] == "Budapest" and found["country"] == "Hungary"
    assert found["keywords"] == ["HvK", "2006", "summer", "July", "holiday", "Hungary", "Budapest"]


def test_xmp_fields_and_editing_history_are_read():
    xmp = metadata.read_metadata(fixture_bytes("xmp_test.jpg"))["xmp"]
    assert xmp["xmp:CreatorTool"] == "Adobe Photoshop Lightroom Classic 7.4 (Macintosh)"
    assert xmp["photoshop:DateCreated"] == "2018-10-27T13:27:23.53" and xmp["aux:Lens"] == "EF-S18-55mm f/3.5-5.6 III"
    history = metadata.read_metadata(fixture_bytes("invalid-exif.jpg"))["xmp"]["xmpMM:History"]
    assert history[0] == "created by Adobe Photoshop CC 2017 (Macintosh) at 2017-03-13T23:03:09-07:00"


def test_malformed_metadata_gives_partial_data_and_problems_not_errors():
    broken = metadata.read_metadata(fixture_bytes("broken_exif_dpi.jpg"))
    assert broken["camera"] == "NIKON D800" and broken["exif"]["XResolution"] == "300300"  # control bytes dropped
    invalid = metadata.read_metadata(fixture_bytes("invalid-exif.jpg"))
    assert "The file has an EXIF block, but it is malformed and could not be read." in invalid["problems"]
    assert invalid["xmp"]["xmp:CreatorTool"] == "Adobe Photoshop CC 2017 (Macintosh)"
    for data in (b"", b"\xff\xd8\xff" + b"\x00" * 50, fixture_bytes("png_decompression_dos.png")):
        found = metadata.read_metadata(data)
        assert found["problems"] and found["gps"] is None


def test_an_xmp_entity_bomb_is_reported_not_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b"<rdf:Description>&b;</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    found = metadata.read_metadata(jpeg_bytes(Image.new("RGB", (8, 8)), xmp=bomb))
    assert found["xmp"] == {} and "The XMP block is malformed and could not be read." in found["problems"]


def test_a_reshared_photo_without_metadata_is_marked_stripped():
    assert metadata.read_metadata(jpeg_bytes(load_photo("flower.jpg")))["stripped"] is True
    assert metadata.read_metadata(fixture_bytes("flower.jpg"))["stripped"] is False


# --- perceptual fingerprints -------------------------------------------------------------------


@pytest.fixture(scope="module")
def originals():
    return {name: hashing.fingerprints(load_photo(name)) for name in PHOTOS}


def test_fingerprints_are_six_signed_64_bit_values_of_fixed_kinds(originals):
    for prints in originals.values():
        assert [kind for kind, _ in prints] == list(hashing.KINDS) and len(prints) <= 8
        assert all(isinstance(v, int) and -(2**63) <= v < 2**63 for _, v in prints)


def test_fingerprints_from_bytes_equal_those_of_the_decoded_photo(originals):
    for name in PHOTOS:
        assert hashing.fingerprints(images.open_image(fixture_bytes(name))) == originals[name]


@pytest.mark.parametrize(
    ("family", "name", "transform"), transformations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_transformation_matches_its_original_and_ranks_it_first(originals, family, name, transform):
    for photo in PHOTOS:
        query = hashing.fingerprints(transform(load_photo(photo)))
        own = hashing.distance(query, originals[photo])
        nearest_other = min(hashing.distance(query, prints) for other, prints in originals.items() if other != photo)
        assert own <= hashing.MATCH_DISTANCE, (photo, name, own)
        assert own < nearest_other, (photo, name, own, nearest_other)


def test_no_two_different_photos_match(originals):
    for i, a in enumerate(PHOTOS):
        for b in PHOTOS[i + 1 :]:
            assert hashing.distance(originals[a], originals[b]) > hashing.MATCH_DISTANCE, (a, b)


def test_synthetic_distractors_do_not_match_any_photo(originals):
    photos = {name: load_photo(name) for name in PHOTOS}
    for name, (_, picture) in distractors(photos).items():
        prints = hashing.fingerprints(picture)
        for photo in PHOTOS:
            assert hashing.distance(prints, originals[photo]) > hashing.MATCH_DISTANCE, (name, photo)


def test_a_thumbnail_matches_its_photo(originals):
    for name in PHOTOS:
        thumb = images.open_image(images.thumbnail(fixture_bytes(name), size=160))
        assert hashing.distance(hashing.fingerprints(thumb), originals[name]) <= hashing.MATCH_DISTANCE


def test_a_caption_band_is_trimmed_before_hashing():
    photo = ImageOps.grayscale(load_photo("iptc.jpg"))
    for colour in ("white", "black"):
        banded = ImageOps.grayscale(caption("top", colour, 0.2)(photo.convert("RGB")))
        assert abs(hashing.trim_bands(banded).height - photo.height) <= 4


def test_several_pictures_in_one_list_are_as_close_as_the_closest(originals):
    video_like = originals["hopper.jpg"] + originals["flower.jpg"]
    assert len(hashing.split_sets(video_like)) == 2
    assert hashing.distance(video_like, originals["flower.jpg"]) == 0
    assert hashing.distance(originals["iptc.jpg"], video_like) == min(
        hashing.distance(originals["iptc.jpg"], originals[n]) for n in ("hopper.jpg", "flower.jpg")
    )


def test_unknown_kinds_are_ignored_and_lists_without_common_views_are_incomparable(originals):
    prints = originals["hopper.jpg"]
    assert hashing.distance([*prints, ("z_future", 1)], prints) == 0
    assert hashing.distance(prints[:2], prints) == hashing.INCOMPARABLE  # "m" missing: no complete view


# --- the index ------------------------------------------------------------------------------------


def _random_items(rng: random.Random, count: int):
    """Clusters of near-duplicates (so that distances spread from 0 to 192), videos of several
    pictures, items with one view only, and plain random ones."""

    def signed(value: int) -> int:
        return value - (1 << 64) if value >= 1 << 63 else value

    def near(base: list[int], flips: int) -> list[tuple[str, int]]:
        out = []
        for kind, value in zip(hashing.KINDS, base, strict=True):
            for _ in range(rng.randrange(flips + 1)):
                value ^= 1 << rng.randrange(64)
            out.append((kind, signed(value)))
        return out

    centres = [[rng.getrandbits(64) for _ in hashing.KINDS] for _ in range(40)]
    items: dict[int, list[tuple[str, int]]] = {}
    while len(items) < count:
        roll = rng.random()
        centre = rng.choice(centres)
        if roll < 0.5:
            prints = near(centre, 25)
        elif roll < 0.6:
            prints = near(centre, 20) + near(rng.choice(centres), 20) + near(centre, 10)
        elif roll < 0.65:
            prints = near(centre, 15)[:3]
        else:
            prints = near([rng.getrandbits(64) for _ in hashing.KINDS], 0)
        items[rng.randrange(1, 10**9)] = prints
    return items, centres, near


def test_the_index_ranks_exactly_like_brute_force_on_2000_random_items():
    rng = random.Random(20210906)
    items, centres, near = _random_items(rng, 2000)
    index = FingerprintIndex()
    for item_id, prints in items.items():
        index.add(item_id, prints)
    assert len(index) == 2000
    ids = list(items)
    for round_ in range(24):
        query = near(rng.choice(centres), 30) if round_ % 3 else near(rng.choice(centres), 5) * 2
        exclude = set(rng.sample(ids, 50)) if round_ % 4 == 0 else frozenset()
        for limit, max_distance in ((10, None), (25, 60), (2000, hashing.MATCH_DISTANCE), (1, 0)):
            expected = brute_force_search(items, query, limit=limit, max_distance=max_distance, exclude=exclude)
            assert index.search(query, limit=limit, max_distance=max_distance, exclude=exclude) == expected


def test_rows_from_the_database_build_the_same_index_as_whole_items():
    rng = random.Random(7)
    items, centres, near = _random_items(rng, 300)
    rows = [(item_id, kind, value) for item_id, prints in items.items() for kind, value in prints]
    by_rows, whole = FingerprintIndex(), FingerprintIndex()
    by_rows.add_many(rows[:500])
    by_rows.add_many(rows[500:])  # a refresh: the rows added since
    for item_id, prints in items.items():
        whole.add(item_id, prints)
    query = near(centres[0], 20)
    assert (
        by_rows.search(query, limit=50) == whole.search(query, limit=50) == brute_force_search(items, query, limit=50)
    )


def test_removed_items_are_not_found_and_compaction_keeps_the_others():
    rng = random.Random(11)
    items, centres, near = _random_items(rng, 3000)
    index = FingerprintIndex()
    index.add_many((item_id, kind, value) for item_id, prints in items.items() for kind, value in prints)
    for item_id in list(items)[:2000]:  # enough to compact
        index.remove(item_id)
        del items[item_id]
    index.remove(123)  # unknown: nothing happens
    assert len(index) == 1000
    for centre in centres[:10]:
        query = near(centre, 10)
        assert index.search(query, limit=30) == brute_force_search(items, query, limit=30)
    replaced = next(iter(items))
    items[replaced] = near(centres[0], 0)
    index.add(replaced, items[replaced])  # add() replaces what the item had
    query = near(centres[1], 10)
    assert index.search(query, limit=30) == brute_force_search(items, query, limit=30)


def test_an_empty_index_finds_nothing():
    index = FingerprintIndex()
    assert len(index) == 0 and index.search([("p", 1), ("d", 2), ("m", 3)]) == []


# --- videos ----------------------------------------------------------------------------------------

needs_ffmpeg = pytest.mark.skipif(
    not video.tools_available(), reason="ffmpeg/ffprobe are not installed (apt-get install ffmpeg)"
)


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("videos")
    scene = (
        "testsrc=duration=3:size=320x240:rate=10",
        "color=c=red:duration=2:size=320x240:rate=10",
        "sine=frequency=440:duration=5",
    )
    cut = ("-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map", "2:a")
    return {
        "mp4": make_video(
            folder / "scene.mp4",
            *scene,
            extra=(*cut, "-c:v", "mpeg4", "-c:a", "aac", "-metadata", "creation_time=2021-09-06T10:00:00Z"),
        ),  # fmt: skip
        "webm": make_video(folder / "clip.webm", scene[0], extra=("-c:v", "libvpx", "-b:v", "200k")),
        "avi": make_video(folder / "clip.avi", scene[0], extra=("-c:v", "mpeg4")),
        "ts": make_video(folder / "clip.ts", scene[0], extra=("-c:v", "mpeg2video")),
        "audio": make_video(folder / "sound.m4a", "sine=duration=2", extra=("-c:a", "aac")),
    }


@needs_ffmpeg
def test_generated_videos_are_recognised_as_videos_from_their_bytes(videos):
    for name in ("mp4", "webm", "avi", "ts"):
        assert images.sniff_kind(videos[name].read_bytes(), "photo.jpg") == "video", name


@needs_ffmpeg
def test_probe_reads_duration_size_codecs_and_creation_time(videos):
    info = video.probe(str(videos["mp4"]))
    assert (info.width, info.height, info.video_codec, info.audio_codec) == (320, 240, "mpeg4", "aac")
    assert info.duration == pytest.approx(5.0, abs=0.2) and info.creation_time.startswith("2021-09-06T10:00:00")
    assert "mp4" in info.format_name
    assert video.probe(str(videos["webm"])).video_codec == "vp8"


@needs_ffmpeg
def test_keyframes_are_the_first_frame_and_the_scene_cut(videos):
    frames = video.keyframes(str(videos["mp4"]), max_frames=6)
    assert [round(at) for at, _ in frames] == [0, 3]
    for _, data in frames:
        info = images.inspect_image(data, max_pixels=10**6, max_frames=1)
        assert (info.format, info.width, info.height) == ("JPEG", 320, 240)
    red = images.open_image(frames[1][1]).getpixel((160, 120))
    assert red[0] > 200 and red[1] < 60
    assert len(video.keyframes(str(videos["mp4"]), max_frames=1)) == 1


@needs_ffmpeg
def test_a_file_with_sound_only_is_refused_for_having_no_video_stream(videos):
    assert "no video stream" in refusal(video.probe, str(videos["audio"]))
    assert "no video stream" in refusal(video.keyframes, str(videos["audio"]))


@needs_ffmpeg
def test_a_damaged_video_is_refused(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"junk" * 500)
    assert "could not be read as a video" in refusal(video.probe, str(broken))
    assert "No frame could be read" in refusal(video.keyframes, str(broken))


def test_probe_needs_ffprobe(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert video.tools_available() is False
    with pytest.raises(RuntimeError, match="ffprobe is not installed"):
        video.probe("clip.mp4")


def test_a_phone_video_turned_a_quarter_reports_its_displayed_size(monkeypatch):
    found = {
        "format": {"format_name": "mov,mp4", "duration": "12.5", "tags": {"creation_time": "2021-09-06T10:00:00Z"}},
        "streams": [
            {"codec_type": "video", "codec_name": "h264", "width": 1920, "height": 1080,
             "side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}]},
            {"codec_type": "audio", "codec_name": "aac"},
        ],
    }  # fmt: skip
    ran = subprocess.CompletedProcess([], 0, json.dumps(found), "")
    monkeypatch.setattr(video, "_run", lambda command, timeout, what: ran)
    monkeypatch.setattr(video, "_tool", lambda name: name)
    info = video.probe("clip.mp4")
    assert (info.width, info.height, info.duration, info.video_codec) == (1080, 1920, 12.5, "h264")
