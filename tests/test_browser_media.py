"""A photo sent to the desk, in a real browser (Debian's chromium through Playwright):
upload it, see its thumbnail, metadata and larger view; upload a recompressed, cropped
copy and see "Seen before" point at the first.

Screenshots go to test-output/browser/. Any JavaScript error fails the test."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from factcheck.media import similar
from factcheck.models import Media

from .factories import editor, reviewer
from .test_browser import OUTPUT, PASSWORD, Session
from .test_browser import browser as browser  # the module-scoped fixture, shared
from .test_browser import pytestmark as pytestmark  # browser marks: shared

IMAGES = Path(__file__).resolve().parent / "fixtures" / "images"
CAPTION = "A flower in the market square"
CLAIM = "This photo was taken in Bazarak, Panjshir, last week"


def photo_with_gps() -> bytes:
    """A real photo with camera (Canon EOS 5D) and GPS EXIF written by Pillow (Bazarak, Panjshir)."""
    image = Image.open(IMAGES / "flower.jpg")
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "EOS 5D"
    exif.get_ifd(0x8825).update({1: "N", 2: (35.0, 18.0, 30.0), 3: "E", 4: (69.0, 30.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def recompressed_crop(data: bytes, *, crop: float = 0.08, quality: int = 50) -> bytes:
    """The same photo as re-shared: cropped by ``crop`` around the centre, recompressed, no EXIF."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = image.size
    dx, dy = int(w * crop / 2), int(h * crop / 2)
    out = io.BytesIO()
    image.crop((dx, dy, w - dx, h - dy)).save(out, "JPEG", quality=quality)
    return out.getvalue()


@pytest.fixture(autouse=True)
def fresh_index():
    """The live server runs in this process: its in-memory fingerprint index starts empty."""
    similar.reset()
    yield
    similar.reset()


@pytest.fixture
def people(transactional_db):
    people = {"editor": editor("editor"), "reviewer": reviewer("reviewer")}
    assert all(user.check_password(PASSWORD) for user in people.values())  # what Session.login types
    return people


@pytest.fixture
def photos(tmp_path):
    original = tmp_path / "bazarak.jpg"
    original.write_bytes(photo_with_gps())
    copy = tmp_path / "bazarak-reshared.jpg"
    copy.write_bytes(recompressed_crop(original.read_bytes()))
    return {"original": original, "copy": copy}


def wait_until_loaded(page, selector: str) -> int:
    """Wait until the image at ``selector`` has been decoded; return its naturalWidth."""
    page.locator(selector).scroll_into_view_if_needed()
    page.wait_for_function(
        "(sel) => { const i = document.querySelector(sel); return i && i.complete && i.naturalWidth > 0; }",
        arg=selector,
        timeout=10_000,
    )
    return page.evaluate("(sel) => document.querySelector(sel).naturalWidth", selector)


def upload(session: Session, path: Path, *, claim: str, caption: str) -> Media:
    """Send a photo through "Check a photo" and land on its page; return the item."""
    page = session.page
    session.go("/")
    page.get_by_role("link", name="Check a photo").click()
    page.wait_for_url(f"{session.base}/media/new/")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_claim_text", claim)
    page.fill("#id_caption", caption)
    page.click("#submit-media")
    page.wait_for_url(re.compile(r".*/media/\d+/$"))
    media = Media.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert media.filename == path.name and media.state == Media.State.STORED
    return media


def test_an_uploaded_photo_shows_its_thumbnail_metadata_and_larger_view(live_server, browser, people, photos):
    desk = Session(browser, live_server.url)
    desk.login("editor")
    media = upload(desk, photos["original"], claim=CLAIM, caption=CAPTION)
    page = desk.page
    page.wait_for_selector("text=Stored, and flagged as claim #")

    # The thumbnail is there, loaded, and described by the caption.
    assert wait_until_loaded(page, "#media-thumbnail") > 0
    assert page.get_attribute("#media-thumbnail", "alt") == CAPTION

    # The metadata: dimensions, camera, GPS with a map link.
    table = page.locator("#metadata")
    assert media.width == 480 and media.height == 360
    assert table.locator("tr", has_text="Dimensions").locator("td").inner_text() == "480 × 360 px"
    assert "Canon" in table.locator("tr", has_text="Camera").locator("td").inner_text()
    gps = table.locator("tr", has_text="GPS")
    assert gps.count() == 1
    assert gps.locator("td").inner_text().startswith("35.308333, 69.500000")
    osm = gps.get_by_role("link", name="OpenStreetMap")
    assert "openstreetmap.org" in osm.get_attribute("href")
    assert "35.308333" in osm.get_attribute("href") and "69.5" in osm.get_attribute("href")
    desk.screenshot("media-page.png")

    # A click on the thumbnail opens the larger view, its image loaded.
    assert not page.locator("#large-view").is_visible()
    page.click("#open-large")
    page.wait_for_selector("#large-view", state="visible")
    assert wait_until_loaded(page, "#large-view img") > 0
    desk.screenshot("media-large-view.png")

    # The claim it carries, from "Claims about it", shows the photo too.
    page.locator("#large-view .lightbox-close").click()
    page.wait_for_selector("#large-view", state="hidden")
    claim = media.claims.get()
    link = page.locator("#media-claims a", has_text=f"#{claim.pk}")
    link.click()
    page.wait_for_url(f"{live_server.url}/claims/{claim.pk}/")
    assert wait_until_loaded(page, "#claim-media img") > 0
    assert page.get_attribute("#claim-media img", "alt") == CAPTION
    desk.screenshot("media-claim-page.png")
    desk.close()
    for name in ("media-page.png", "media-large-view.png", "media-claim-page.png"):
        assert (OUTPUT / name).stat().st_size > 0


def test_a_recompressed_cropped_copy_is_seen_before(live_server, browser, people, photos):
    desk = Session(browser, live_server.url)
    desk.login("editor")
    first = upload(desk, photos["original"], claim=CLAIM, caption=CAPTION)
    first_claim = first.claims.get()
    page = desk.page
    page.wait_for_selector("#seen-before >> text=No near-identical photo on the desk.")

    copy = upload(desk, photos["copy"], claim="The same flower, reshared", caption="Reshared on a messaging app")
    assert copy.pk != first.pk and copy.sha256 != first.sha256
    page.wait_for_selector("text=Stored, and flagged as claim #")
    assert wait_until_loaded(page, "#media-thumbnail") > 0

    # "Seen before" lists the first item, linking to its page and to its claim.
    items = page.locator("#seen-before li.seen-item")
    assert items.count() == 1
    seen = items.first
    to_first = seen.get_by_role("link", name=f"Image #{first.pk}")
    assert to_first.get_attribute("href") == f"/media/{first.pk}/"
    to_claim = seen.get_by_role("link", name=f"Claim #{first_claim.pk}")
    assert to_claim.get_attribute("href") == f"/claims/{first_claim.pk}/"
    assert wait_until_loaded(page, "#seen-before li.seen-item img") > 0
    # The copy carries no EXIF, and its size is the cropped one.
    assert page.locator("#metadata-stripped").is_visible()
    assert page.locator("#metadata tr", has_text="Dimensions").locator("td").inner_text() == "442 × 332 px"
    desk.screenshot("media-seen-before.png")

    # Following the link lands on the first item's page.
    to_first.click()
    page.wait_for_url(f"{live_server.url}/media/{first.pk}/")
    assert wait_until_loaded(page, "#media-thumbnail") > 0
    desk.close()
    assert (OUTPUT / "media-seen-before.png").stat().st_size > 0
