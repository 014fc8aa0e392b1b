from django.urls import path

from factcheck import views
from factcheck.views import twofactor

app_name = "factcheck"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("triage/", views.triage, name="triage"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/<slug:name>.png", views.dashboard_chart, name="dashboard-chart"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/unread/", views.notice_count, name="notice-count"),
    path("notices/read/", views.notice_read, name="notices-read"),
    path("articles/", views.article_list, name="articles"),
    path("articles/import/", views.import_page, name="import"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/flag/", views.article_flag, name="article-flag"),
    path("articles/<int:pk>/flag-media/", views.article_flag_media, name="article-flag-media"),
    path("claims/", views.claim_list, name="claims"),
    path("claims/export.csv", views.claim_export, name="claims-export"),
    path("claims/views/", views.claim_view_save, name="claims-view-save"),
    path("claims/views/<int:pk>/delete/", views.claim_view_delete, name="claims-view-delete"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/cite/", views.claim_cite, name="claim-cite"),
    path("claims/<int:pk>/same/", views.claim_same, name="claim-same"),
    path("claims/<int:pk>/<slug:action>/", views.claim_action, name="claim-action"),
    path("library/", views.library, name="library"),
    path("account/notifications/", views.notification_settings, name="notification-settings"),
    path("account/two-factor/", twofactor.two_factor, name="two-factor"),
    path("account/two-factor/verify/", twofactor.two_factor_verify, name="two-factor-verify"),
    path("media/new/", views.media_new, name="media-new"),
    path("media/<int:pk>/", views.media_detail, name="media"),
    path("media/<int:pk>/retry/", views.media_retry, name="media-retry"),
    path("media/<int:pk>/keyframes/<int:keyframe>/", views.keyframe_file, name="keyframe-file"),
    path("media/<int:pk>/<slug:rendition>/", views.media_file, name="media-file"),
]
