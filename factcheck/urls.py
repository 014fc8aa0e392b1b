from django.urls import path

from factcheck import views

app_name = "factcheck"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("claims/<int:pk>/", views.claim, name="claim"),
    path("articles/import/", views.import_page, name="import"),
]
