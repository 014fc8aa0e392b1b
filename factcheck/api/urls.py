from rest_framework.routers import DefaultRouter

from factcheck.api import library, media, views

app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("claimreview", views.ClaimReviewFeedViewSet, basename="claimreview")
router.register("media", media.MediaViewSet, basename="media")
router.register("factchecks", library.FactCheckViewSet, basename="factcheck")

urlpatterns = router.urls
