"""What a photo says about itself: camera, lens, time taken, software, GPS, IPTC and XMP.

Metadata is evidence to weigh, not to trust, and it is often malformed (cameras and
editors write odd things, re-shares strip it): reading never raises, every block is read
on its own so one broken block does not hide the others, and what could not be read is
said in ``problems``. The result is plain JSON (strings cleaned of control characters and
cut short), ready to store in a JSONField and show on a page.
"""

import io
import math
import re
from typing import Any

from defusedxml import ElementTree
from PIL import ExifTags, Image, ImageFile, IptcImagePlugin
from PIL.TiffImagePlugin import IFDRational

MAX_TEXT = 500
MAX_EXIF_ENTRIES = 60
MAX_XMP_BYTES = 2_000_000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SKIPPED_TAGS = {"ExifOffset", "GPSInfo", "ExifInteroperabilityOffset", "MakerNote", "PrintImageMatching"}
_IPTC_NAMES = {
    5: "object_name", 15: "category", 20: "supplemental_category", 25: "keywords", 40: "special_instructions",
    55: "date_created", 60: "time_created", 62: "digital_creation_date", 63: "digital_creation_time",
    80: "by_line", 85: "by_line_title", 90: "city", 92: "sublocation", 95: "province_state", 100: "country_code",
    101: "country", 103: "transmission_reference", 105: "headline", 110: "credit", 115: "source",
    116: "copyright", 118: "contact", 120: "caption", 122: "writer",
}  # fmt: skip
_IPTC_REPEATABLE = {20, 25, 80, 85, 118, 122}


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = _decode(value)
    return _CONTROL.sub("", str(value)).strip()[:MAX_TEXT]


def _decode(raw: bytes, utf8: bool = True) -> str:
    if utf8:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


def _exif_value(value: object) -> str | None:
    """A tag's value as a short string; binary blobs are described, not copied."""
    if isinstance(value, bytes):
        stripped = value.rstrip(b"\x00")
        if stripped and all(32 <= byte < 127 for byte in stripped):
            return _text(stripped)
        return f"({len(value)} bytes)"
    if isinstance(value, tuple):
        parts = [_exif_value(item) for item in value[:16]]
        return _text(", ".join(part for part in parts if part is not None))
    if isinstance(value, float | IFDRational):
        number = float(value)
        return _text(f"{number:g}") if math.isfinite(number) else None
    return _text(value)


def _empty() -> dict[str, Any]:
    return {
        "camera": "", "lens": "", "taken_at": "", "software": "", "gps": None, "comment": "",
        "exif": {}, "iptc": {}, "xmp": {}, "stripped": True, "problems": [],
    }  # fmt: skip


def read_metadata(data: bytes) -> dict[str, Any]:
    """The photo's metadata as plain JSON; never raises (see the module's docstring)."""
    result = _empty()
    problems: list[str] = result["problems"]
    try:
        image = Image.open(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - an unreadable file has no metadata to show; say so
        problems.append("The file could not be opened, so its metadata could not be read.")
        return result
    with image:
        for reader in (_read_exif, _read_iptc, _read_xmp):
            try:
                reader(image, result)
            except Exception:  # noqa: BLE001 - one malformed block must not hide the others
                block = reader.__name__.removeprefix("_read_").upper()
                problems.append(f"The {block} block is malformed and could not be read.")
        result["comment"] = _text(image.info.get("comment", b""))
    result["stripped"] = not (result["exif"] or result["iptc"] or result["xmp"])
    return result


def _read_exif(image: ImageFile.ImageFile, result: dict[str, Any]) -> None:
    exif = image.getexif()
    blocks: list[tuple[dict[int, str], dict[int, Any]]] = [(ExifTags.TAGS, dict(exif))]
    gps: dict[int, Any] = {}
    for ifd, names in ((ExifTags.IFD.Exif, ExifTags.TAGS), (ExifTags.IFD.GPSInfo, ExifTags.GPSTAGS)):
        try:
            block = dict(exif.get_ifd(ifd))
        except Exception:  # noqa: BLE001 - a broken sub-block; the base block stays
            result["problems"].append(f"The EXIF {ifd.name} block is malformed and could not be read.")
            continue
        blocks.append((names, block))
        if ifd == ExifTags.IFD.GPSInfo:
            gps = block
    tags: dict[str, str] = {}
    for names, block in blocks:
        for tag, value in block.items():
            name = names.get(tag, f"Tag{tag}")
            shown = None if name in _SKIPPED_TAGS else _exif_value(value)
            if shown and len(tags) < MAX_EXIF_ENTRIES:
                tags[name] = shown
    result["exif"] = tags
    if not tags and image.info.get("exif"):
        result["problems"].append("The file has an EXIF block, but it is malformed and could not be read.")
    make, model = tags.get("Make", ""), tags.get("Model", "")
    same_maker = make and model.lower().startswith(make.split()[0].lower())
    result["camera"] = model if same_maker else f"{make} {model}".strip()
    result["lens"] = tags.get("LensModel", "") or tags.get("LensMake", "")
    result["taken_at"] = tags.get("DateTimeOriginal", "")
    result["software"] = tags.get("Software", "") or tags.get("ProcessingSoftware", "")
    if gps:
        result["gps"] = _gps(gps)
        if result["gps"] is None:
            result["problems"].append("The GPS block is incomplete or out of range, so no position is given.")


def _degrees(value: object, ref: object, negative: str) -> float | None:
    """Degrees, minutes, seconds (rationals) and an N/S or E/W reference as signed decimal degrees."""
    parts = value if isinstance(value, tuple) else (value,)
    try:
        numbers = [float(part) for part in parts[:3]]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not numbers or not all(math.isfinite(n) for n in numbers):
        return None
    degrees = float(sum(n / 60**i for i, n in enumerate(numbers)))
    reference = _text(ref).upper()[:1]
    return -degrees if reference == negative else degrees


def _gps(block: dict[int, Any]) -> dict[str, float] | None:
    tag = {name: number for number, name in ExifTags.GPSTAGS.items()}
    if tag["GPSLatitude"] not in block or tag["GPSLongitude"] not in block:
        return None
    lat = _degrees(block[tag["GPSLatitude"]], block.get(tag["GPSLatitudeRef"], "N"), "S")
    lon = _degrees(block[tag["GPSLongitude"]], block.get(tag["GPSLongitudeRef"], "E"), "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    return {"lat": round(lat, 7), "lon": round(lon, 7)}


def osm_link(gps: dict[str, float]) -> str:
    """A link to the position on OpenStreetMap (no key, no tracking script needed)."""
    lat, lon = float(gps["lat"]), float(gps["lon"])
    return f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=15/{lat:.6f}/{lon:.6f}"


def _read_iptc(image: ImageFile.ImageFile, result: dict[str, Any]) -> None:
    raw = IptcImagePlugin.getiptcinfo(image) or {}
    utf8 = raw.get((1, 90)) == b"\x1b%G"  # ESC % G: the record's declared character set is UTF-8
    fields: dict[str, Any] = {}
    for (record, number), value in raw.items():
        if record != 2 or number == 0:  # the envelope and the record version say nothing about the photo
            continue
        values = value if isinstance(value, list) else [value]
        texts = [_text(_decode(v, utf8) if isinstance(v, bytes) else v) for v in values[:50]]
        name = _IPTC_NAMES.get(number, f"2:{number}")
        fields[name] = texts if number in _IPTC_REPEATABLE or len(texts) > 1 else texts[0]
    result["iptc"] = fields


# Well-known XMP namespaces, so that fields are named the same whatever prefixes a file uses.
_NAMESPACES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
}
_XMP_FIELDS = {
    "dc:creator", "dc:title", "dc:description", "dc:rights", "dc:subject", "photoshop:DateCreated",
    "photoshop:City", "photoshop:State", "photoshop:Country", "photoshop:Credit", "photoshop:Source",
    "photoshop:Headline", "photoshop:Instructions", "xmp:CreatorTool", "xmp:CreateDate", "xmp:ModifyDate",
    "exif:DateTimeOriginal", "exif:GPSLatitude", "exif:GPSLongitude", "tiff:Make", "tiff:Model", "aux:Lens",
    "exifEX:LensModel", "xmpMM:DocumentID", "xmpMM:OriginalDocumentID", "Iptc4xmpCore:Location",
}  # fmt: skip
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


def _qname(tag: str) -> str:
    uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return f"{_NAMESPACES.get(uri, uri)}:{local}"


def _xmp_value(element: Any) -> str | list[str]:
    items = [_text(li.text or "") for li in element.iter(f"{_RDF}li")]
    if items:
        return items[:50] if element.find(f"{_RDF}Alt") is None else items[0]
    return _text(element.text or "")


def _read_xmp(image: ImageFile.ImageFile, result: dict[str, Any]) -> None:
    raw = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if not raw:
        return
    if len(raw) > MAX_XMP_BYTES:
        result["problems"].append("The XMP block is too large to read.")
        return
    root = ElementTree.fromstring(raw.encode("utf-8") if isinstance(raw, str) else raw.strip(b"\x00 \r\n"))
    fields: dict[str, Any] = {}
    history: list[str] = []
    for description in root.iter(f"{_RDF}Description"):
        for attribute, value in description.attrib.items():
            if _qname(attribute) in _XMP_FIELDS:
                fields[_qname(attribute)] = _text(value)
        for child in description:
            name = _qname(child.tag)
            if name in _XMP_FIELDS:
                fields[name] = _xmp_value(child)
            elif name == "xmpMM:History":
                history += [_history_event(li) for li in child.iter(f"{_RDF}li")][:20]
    if history:
        fields["xmpMM:History"] = history[:20]
    result["xmp"] = fields


def _history_event(item: Any) -> str:
    """One editing step ("saved by Adobe Photoshop CC 2017 at 2017-03-13T23:03:09-07:00")."""
    values = {_qname(k).removeprefix("stEvt:"): v for k, v in item.attrib.items()}
    for child in item:
        values[_qname(child.tag).removeprefix("stEvt:")] = child.text or ""
    words = [values.get("action", "")]
    if values.get("softwareAgent"):
        words.append(f"by {values['softwareAgent']}")
    if values.get("when"):
        words.append(f"at {values['when']}")
    return _text(" ".join(word for word in words if word))
