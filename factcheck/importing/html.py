"""Article extraction from a saved or fetched web page (trafilatura) and
HTML sanitizing (nh3)."""

import html as html_lib
import re
from urllib.parse import urljoin

import nh3
import trafilatura
from lxml import html as lxml_html

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


def sanitize_html(markup: str) -> str:
    """Keep structure and links; drop scripts, styles, event handlers, SVG and
    any URL scheme but http(s)/mailto."""
    return nh3.clean(
        markup or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def paragraphs_to_html(body: str) -> str:
    return "\n".join(f"<p>{html_lib.escape(p)}</p>" for p in body.split("\n\n") if p.strip())


def _paragraphs(tree) -> list[str]:
    """Text blocks of trafilatura's XML body, in order."""
    blocks: list[str] = []
    for element in tree:
        if element.tag == "list":
            items = [" ".join("".join(item.itertext()).split()) for item in element.iter("item")]
            blocks.extend(item for item in items if item)
        elif element.tag in ("p", "head", "quote", "table"):
            text = " ".join("".join(element.itertext()).split())
            if text:
                blocks.append(text)
    return blocks


def _plain_blocks(markup: str) -> list[str]:
    """Fallback for pages too small for trafilatura: the text of each block
    element of the sanitized markup."""
    cleaned = lxml_html.fromstring(f"<div>{sanitize_html(markup)}</div>")
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


def extract_html(markup: str | bytes, url: str = "") -> ArticleData:
    """The article in a web page: title, byline, date, outlet, language, main
    text as paragraphs, images with captions and credits, og:image, videos."""
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8", errors="replace")
    # A saved XHTML page starts with an XML declaration, which lxml refuses in a str.
    markup = _XML_DECLARATION.sub("", markup.replace("\x00", ""), count=1)
    if not markup.strip():
        raise ImportFailed("The page is empty.")
    doc_meta = trafilatura.bare_extraction(
        markup, url=url or None, include_images=True, include_tables=True, with_metadata=True, favor_recall=True
    )
    assert not isinstance(doc_meta, dict)  # a dict only with as_dict=True
    try:
        doc = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError) as error:
        raise ImportFailed(f"The page could not be read as HTML ({error}).") from None
    base_url = (doc_meta.url if doc_meta and doc_meta.url else "") or url
    blocks = _paragraphs(doc_meta.body) if doc_meta is not None and doc_meta.body is not None else []
    title = (doc_meta.title if doc_meta else "") or (doc.findtext(".//title") or "").strip()
    if blocks and title and blocks[0] == title:
        blocks = blocks[1:]  # trafilatura repeats the headline as the first block
    if not blocks:
        blocks = _plain_blocks(markup)
        if blocks and not title:
            title = blocks[0]
    body = normalize_text("\n\n".join(blocks))
    if not body:
        raise ImportFailed("No article text was found in the page.")
    figures = _figures(doc, base_url)
    media = list(figures.values())
    if doc_meta is not None and doc_meta.body is not None:
        for graphic in doc_meta.body.iter("graphic"):
            src = _join(base_url, graphic.get("src") or "")
            if src and src not in figures:
                media.append(MediaData("image", src, (graphic.get("alt") or graphic.get("title") or "").strip()))
                figures[src] = media[-1]
    og_image = _join(base_url, doc_meta.image) if doc_meta is not None and doc_meta.image else ""
    if og_image and og_image not in figures:
        media.insert(0, MediaData("image", og_image, "Social sharing image (og:image)"))
    media.extend(_videos(doc, base_url))
    language = (doc_meta.language if doc_meta else "") or (doc.get("lang") or "")
    published = None
    if doc_meta is not None and doc_meta.date:
        try:
            published = parse_published(doc_meta.date)
        except ImportFailed:
            published = None
    return ArticleData(
        title=normalize_text(title)[:500] or body.split("\n", 1)[0][:200],
        body=body,
        body_html=sanitize_html(paragraphs_to_html(body)),
        url=base_url,
        outlet=((doc_meta.sitename if doc_meta else "") or "")[:200],
        byline=_byline(doc_meta.author if doc_meta else "")[:500],
        published_at=published,
        language=language[:20],
        media=media,
    )
