"""Article extraction from a saved or fetched web page (trafilatura) and
HTML sanitizing (nh3), both bounded (``bounds``: size limits, then a child process with a time budget)."""

import html as html_lib
import re
from urllib.parse import urljoin

from lxml import html as lxml_html

from factcheck.importing.bounds import budgeted, check_markup
from factcheck.importing.data import ArticleData, ImportFailed, MediaData, normalize_text, parse_published

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "strong", "em", "b", "i", "a",
    "figure", "figcaption", "img", "q", "cite", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
VIDEO_HOSTS = re.compile(r"(youtube\.com|youtube-nocookie\.com|youtu\.be|vimeo\.com|dailymotion\.com)", re.I)


def _join(base: str, link: str) -> str:
    """An absolute http(s) URL, or "" for anything malformed."""
    try:
        url = urljoin(base, (link or "").strip())
    except ValueError:
        return ""
    return url if url.startswith(("http://", "https://")) else ""


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def sanitize_html(markup: str, what: str = "The HTML") -> str:
    """Keep structure and links; drop scripts, styles, event handlers, SVG and
    any URL scheme but http(s)/mailto. ImportFailed for markup past the limits (``bounds``)."""
    if not (markup or "").strip():
        return ""
    check_markup(markup, what)
    cleaned = budgeted("clean", markup, ALLOWED_TAGS, ALLOWED_ATTRIBUTES, {"http", "https", "mailto"}, what=what)
    # Re-opened formatting elements make an HTML5 parser copy them into every block that follows.
    if len(cleaned) > 2 * len(markup) + 100_000:
        raise ImportFailed(f"{what} grows to {len(cleaned):,} characters when cleaned; it was refused.")
    return cleaned


def paragraphs_to_html(body: str) -> str:
    return "\n".join(f"<p>{html_lib.escape(p)}</p>" for p in body.split("\n\n") if p.strip())


def _plain_blocks(markup: str, what: str) -> list[str]:
    """Fallback for pages too small for trafilatura: the text of each block
    element of the sanitized markup."""
    cleaned = lxml_html.fromstring(f"<div>{sanitize_html(markup, what)}</div>")
    blocks = []
    for element in cleaned.iter("p", "h2", "h3", "h4", "li", "blockquote", "figcaption"):
        text = " ".join(element.text_content().split())
        if text:
            blocks.append(text)
    return blocks or [" ".join(cleaned.text_content().split())]


def _figures(doc, base_url: str) -> dict[str, MediaData]:
    """Images and their captions and credits, from <figure> elements."""
    found: dict[str, MediaData] = {}
    for figure in doc.iter("figure"):
        image = next(figure.iter("img"), None)
        if image is None:
            continue
        src = image.get("src") or image.get("data-src") or ""
        if not src or src.startswith("data:"):
            continue
        caption_el = next(figure.iter("figcaption"), None)
        credit = ""
        caption = ""
        if caption_el is not None:
            credit_els = caption_el.xpath(".//*[contains(@class, 'credit') or contains(@class, 'copyright')]")
            credit = " ".join(" ".join(" ".join(e.itertext()) for e in credit_els).split())
            for el in credit_els:
                el.drop_tree()
            caption = " ".join(" ".join(caption_el.itertext()).split())
        caption = caption or (image.get("alt") or "").strip()
        absolute = _join(base_url, src)
        if absolute:
            found[absolute] = MediaData("image", absolute, caption, credit)
    return found


def _videos(doc, base_url: str) -> list[MediaData]:
    videos = []
    for meta in doc.xpath(
        "//meta[@property='og:video' or @property='og:video:url' or @property='og:video:secure_url']"
    ):
        videos.append(MediaData("video", _join(base_url, meta.get("content", ""))))
    for video in doc.iter("video"):
        src = video.get("src") or next((s.get("src") for s in video.iter("source") if s.get("src")), "")
        if src:
            videos.append(MediaData("video", _join(base_url, src), (video.get("title") or "").strip()))
    for frame in doc.iter("iframe"):
        src = frame.get("src") or ""
        if VIDEO_HOSTS.search(src):
            videos.append(MediaData("video", _join(base_url, src), (frame.get("title") or "").strip()))
    unique: dict[str, MediaData] = {}
    for video in videos:
        if video.url.startswith(("http://", "https://")):
            unique.setdefault(video.url, video)
    return list(unique.values())


def _byline(author: str | None) -> str:
    if not author:
        return ""
    names: list[str] = []
    for name in author.split(";"):
        name = name.strip()
        if name and name.casefold() not in {n.casefold() for n in names} and name.casefold() != "username":
            names.append(name)
    return ", ".join(names)


def extract_html(markup: str | bytes, url: str = "", what: str = "The page") -> ArticleData:
    """The article in a web page: title, byline, date, outlet, language, main
    text as paragraphs, images with captions and credits, og:image, videos.
    ImportFailed for a page past the limits (``bounds``), saying why."""
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8", errors="replace")
    # A saved XHTML page starts with an XML declaration, which lxml refuses in a str.
    markup = _XML_DECLARATION.sub("", markup.replace("\x00", ""), count=1)
    if not markup.strip():
        raise ImportFailed("The page is empty.")
    check_markup(markup, what)
    page = budgeted("read_page", markup, url, what=what) or {}
    try:
        doc = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError) as error:
        raise ImportFailed(f"The page could not be read as HTML ({error}).") from None
    base_url = page.get("url") or url
    blocks = list(page.get("blocks", []))
    title = page.get("title") or (doc.findtext(".//title") or "").strip()
    if blocks and title and blocks[0] == title:
        blocks = blocks[1:]  # trafilatura repeats the headline as the first block
    if not blocks:
        blocks = _plain_blocks(markup, what)
        if blocks and not title:
            title = blocks[0]
    body = normalize_text("\n\n".join(blocks))
    if not body:
        raise ImportFailed("No article text was found in the page.")
    figures = _figures(doc, base_url)
    media = list(figures.values())
    for graphic_src, alt in page.get("graphics", []):
        src = _join(base_url, graphic_src)
        if src and src not in figures:
            media.append(MediaData("image", src, alt))
            figures[src] = media[-1]
    og_image = _join(base_url, page["image"]) if page.get("image") else ""
    if og_image and og_image not in figures:
        media.insert(0, MediaData("image", og_image, "Social sharing image (og:image)"))
    media.extend(_videos(doc, base_url))
    language = page.get("language") or (doc.get("lang") or "")
    published = None
    if page.get("date"):
        try:
            published = parse_published(page["date"])
        except ImportFailed:
            published = None
    return ArticleData(
        title=normalize_text(title)[:500] or body.split("\n", 1)[0][:200],
        body=body,
        body_html=paragraphs_to_html(body),  # our own markup: every paragraph escaped
        url=base_url,
        outlet=(page.get("sitename") or "")[:200],
        byline=_byline(page.get("author"))[:500],
        published_at=published,
        language=language[:20],
        media=media,
    )
