"""Getting articles into the desk: several sources, one pipeline.

Faces (pages, admin, commands, API, tasks) call these functions only."""

from factcheck.importing.data import ArticleData, ImportFailed, MediaData
from factcheck.importing.feeds import poll_feed
from factcheck.importing.pipeline import CREATED, DUPLICATE, FAILED, ImportResult, import_article
from factcheck.importing.records import poll_and_record, queue_url_import, record, run_url_import, subscribe_feed
from factcheck.importing.sources import import_file, import_payload, import_text, import_url

__all__ = [
    "CREATED",
    "DUPLICATE",
    "FAILED",
    "ArticleData",
    "ImportFailed",
    "ImportResult",
    "MediaData",
    "import_article",
    "import_file",
    "import_payload",
    "import_text",
    "import_url",
    "poll_and_record",
    "poll_feed",
    "queue_url_import",
    "record",
    "run_url_import",
    "subscribe_feed",
]
