"""Limits on untrusted HTML, checked before anything expensive reads it.

The sanitiser (nh3) and the extractor (trafilatura) are quadratic or worse on some shapes of
markup: 64,000 nested <div>s (700 KB) kept nh3 busy for over a minute. One pass of libxml2's
HTML parser with callbacks (no tree is built) counts the nesting depth and the elements and stops
at the first limit crossed, so such input is refused in milliseconds. What passes is then
cleaned and read in a child process with a time budget (``factcheck.sandbox``), for the shapes
that are slow without being deep or large."""

from django.conf import settings
from lxml import etree

from factcheck import sandbox
from factcheck.importing.data import ImportFailed


class _TooDeep(Exception):
    pass


class _TooMany(Exception):
    pass


class _Counter:
    """An lxml parser target: follows the depth, counts the elements, raises at a limit."""

    def __init__(self, max_depth: int, max_elements: int):
        self.max_depth, self.max_elements = max_depth, max_elements
        self.depth = self.elements = 0

    def start(self, tag, attrib) -> None:
        self.depth += 1
        self.elements += 1
        if self.depth > self.max_depth:
            raise _TooDeep
        if self.elements > self.max_elements:
            raise _TooMany

    def end(self, tag) -> None:
        self.depth -= 1

    def data(self, data) -> None:
        pass

    def close(self) -> None:
        return None


def check_markup(markup: str | bytes, what: str = "The HTML") -> None:
    """Refuse markup nested deeper than IMPORT_HTML_MAX_DEPTH or holding more than
    IMPORT_HTML_MAX_ELEMENTS elements (ImportFailed, with a sentence saying why)."""
    max_depth, max_elements = settings.IMPORT_HTML_MAX_DEPTH, settings.IMPORT_HTML_MAX_ELEMENTS
    counter = _Counter(max_depth, max_elements)
    parser = etree.HTMLParser(target=counter, no_network=True, recover=True)
    try:
        parser.feed(markup or " ")
        parser.close()
    except _TooDeep:
        raise ImportFailed(
            f"{what} is nested more than {max_depth:,} elements deep (IMPORT_HTML_MAX_DEPTH); real pages stay far "
            "below that, so it was refused without being read."
        ) from None
    except _TooMany:
        raise ImportFailed(
            f"{what} holds more than {max_elements:,} HTML elements (IMPORT_HTML_MAX_ELEMENTS); it was refused "
            "without being read."
        ) from None
    except etree.LxmlError:
        pass  # unreadable markup is not too big: the extractor says what it makes of it


def check_feed(content: bytes) -> None:
    """Refuse a feed whose entries carry HTML past the limits, before feedparser reads it
    (its own handling of escaped markup is slow on such input): libxml2 unescapes each
    element's text, and the text that holds markup is checked like a page."""
    parser = etree.XMLPullParser(events=("start", "end"), resolve_entities=False, no_network=True, recover=True)
    try:
        parser.feed(content)
        parser.close()
    except etree.LxmlError:
        pass
    depth, max_depth = 0, settings.IMPORT_HTML_MAX_DEPTH
    for event, element in parser.read_events():
        if event == "start":
            depth += 1
            if depth > max_depth:  # inline XHTML content nested like the pages refused above
                raise ImportFailed(
                    f"The feed is nested more than {max_depth:,} elements deep (IMPORT_HTML_MAX_DEPTH); it was "
                    "refused without being read."
                )
            continue
        depth -= 1
        text = element.text if isinstance(element.tag, str) else None
        if text and "<" in text:
            check_markup(text, "An entry of the feed")
        element.clear()


def budgeted(name: str, *args, what: str = "The HTML"):
    """``sandbox.run`` with IMPORT_HTML_TIMEOUT, a refusal as ImportFailed."""
    budget = float(settings.IMPORT_HTML_TIMEOUT)
    try:
        return sandbox.run(name, *args, budget=budget)
    except sandbox.TimedOut:
        raise ImportFailed(
            f"{what} took longer than {budget:g} s to read (IMPORT_HTML_TIMEOUT) and was given up; pages built to "
            "tie up the server look like this."
        ) from None
    except sandbox.Crashed as error:
        raise ImportFailed(f"{what} could not be read ({error}).") from None
