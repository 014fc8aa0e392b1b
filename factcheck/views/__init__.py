from factcheck.views.account import notification_settings
from factcheck.views.articles import article_detail, article_flag, article_flag_media, article_list
from factcheck.views.claim_list import claim_export, claim_list, claim_view_delete, claim_view_save
from factcheck.views.claims import claim_action, claim_detail
from factcheck.views.dashboard import dashboard_chart, dashboard_page
from factcheck.views.desk import desk, healthz
from factcheck.views.imports import import_page
from factcheck.views.library import claim_cite, claim_same, library
from factcheck.views.media import keyframe_file, media_detail, media_file, media_new, media_retry
from factcheck.views.notices import notice_count, notice_list, notice_read
from factcheck.views.triage import triage

__all__ = [
    "article_detail",
    "article_flag",
    "article_flag_media",
    "article_list",
    "claim_action",
    "claim_cite",
    "claim_detail",
    "claim_export",
    "claim_list",
    "claim_view_delete",
    "claim_view_save",
    "claim_same",
    "dashboard_chart",
    "dashboard_page",
    "desk",
    "healthz",
    "import_page",
    "keyframe_file",
    "library",
    "media_detail",
    "media_file",
    "media_new",
    "media_retry",
    "notice_count",
    "notice_list",
    "notice_read",
    "notification_settings",
    "triage",
]
