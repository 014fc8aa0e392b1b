"""Getting articles into the desk: several sources, one pipeline.

Faces (pages, admin, commands, API, tasks) call these functions only."""

from factcheck.importing.data import ArticleData, ImportFailed, MediaData
from factcheck.importing.feeds import poll_feed
from factcheck.importing.pipeline import CREATED, DUPLICATE, FAILED, ImportResult, import_article
from factcheck.importing.records import (
    IMPORT_URL_TASK,
    POLL_FEED_TASK,
    active_feeds,
    import_pasted,
    import_uploads,
    poll_and_record,
    poll_feed_now,
    queue_url_import,
    queue_url_imports,
    record,
    retry_stale_imports,
    run_url_import,
    subscribe_feed,
)
from factcheck.importing.sources import import_file, import_files, import_payload, import_text, import_url

__all__ = [
    "CREATED",
    "DUPLICATE",
    "FAILED",
    "IMPORT_URL_TASK",
    "POLL_FEED_TASK",
    "ArticleData",
    "ImportFailed",
    "ImportResult",
    "MediaData",
    "active_feeds",
    "import_article",
    "import_file",
    "import_files",
    "import_pasted",
    "import_payload",
    "import_text",
    "import_uploads",
    "import_url",
    "poll_and_record",
    "poll_feed",
    "poll_feed_now",
    "queue_url_import",
    "queue_url_imports",
    "record",
    "retry_stale_imports",
    "run_url_import",
    "subscribe_feed",
]
