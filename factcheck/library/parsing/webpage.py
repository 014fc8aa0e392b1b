"""Records from a fact-check article's HTML: every <script type="application/ld+json"> block, read with lxml.

A block that is not JSON (even leniently: decoding.loads_lenient) gives a Refused for that block; the others are
still read. The page tells what a ClaimReview leaves out: its URL (``page_url``, else <link rel="canonical">, else
og:url) when the ClaimReview has none, its base for relative URLs (<base href> honoured), its title (og:title,
else <title>) and its language (<html lang>, else og:locale).
"""

import re
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from factcheck.library.parsing.decoding import decode_bytes, loads_lenient, meta_charset
from factcheck.library.parsing.jsonld import Page, read_jsonld
from factcheck.library.parsing.languages import language_code
from factcheck.library.parsing.records import MAX_TITLE, Refused, Result
from factcheck.library.parsing.text import absolute_url, clean_text, excerpt

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")  # lxml refuses a str that declares an encoding
JSON_LD = "application/ld+json"


def _first(doc: lxml_html.HtmlElement, path: str) -> str:
    for value in doc.xpath(path):
        if isinstance(value, str) and value.strip():
            return str(value).strip()
    return ""


def _page(doc: lxml_html.HtmlElement, page_url: str) -> Page:
    own = absolute_url(page_url)
    if not own:
        canonical = _first(doc, "//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
        own = absolute_url(canonical) or absolute_url(_first(doc, "//meta[@property='og:url']/@content"))
    base = own
    if base_href := _first(doc, "//base/@href"):
        base = absolute_url(urljoin(own, base_href) if own else base_href) or own
    title = _first(doc, "//meta[@property='og:title']/@content") or _first(doc, "//title/text()")
    language = language_code(_first(doc, "/html/@lang") or _first(doc, "//html/@xml:lang")) or language_code(
        _first(doc, "//meta[@property='og:locale']/@content")
    )
    return Page(url=own, base=base, title=clean_text(title, MAX_TITLE), language=language)


def records_from_html(html: str | bytes, page_url: str = "") -> list[Result]:
    """Records from every JSON-LD block of a page; ``page_url`` is where the page was fetched from."""
    text = decode_bytes(html, meta_charset(html)) if isinstance(html, bytes) else html.replace("\x00", "")
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return []
    try:
        doc = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):  # nothing an HTML parser can make a document of
        return []
    page = _page(doc, page_url)
    results: list[Result] = []
    scripts = [script for script in doc.iter("script") if _is_json_ld(script.get("type"))]
    for number, script in enumerate(scripts, 1):
        source = script.text or ""
        if not source.strip():
            continue
        try:
            data = loads_lenient(source)
        except ValueError as error:
            reason = f"JSON-LD block {number} is not valid JSON ({error}); the page's other blocks were read."
            results.append(Refused(reason, f"block {number}", excerpt(source)))
            continue
        results.extend(read_jsonld(data, page, where=f"block {number}"))
    return results


def _is_json_ld(kind: str | None) -> bool:
    return (kind or "").split(";")[0].strip().lower() == JSON_LD
