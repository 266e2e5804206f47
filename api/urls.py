from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from coaching.api import PlanViewSet
from reports.api import BranchReportView, StoreWeeklyReportView

from . import accounts, photos, planning, reviews, visits

router = SimpleRouter()
router.register("stores", accounts.StoreViewSet, basename="store")
router.register("visits", visits.VisitViewSet, basename="visit")
router.register("planning/waves", planning.WaveViewSet, basename="wave")
router.register("assignments", planning.AssignmentViewSet, basename="assignment")
router.register("action-plans", PlanViewSet, basename="plan")
router.register("questions", reviews.QuestionViewSet, basename="question")

v1 = [
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("auth/logout/", accounts.LogoutView.as_view(), name="token-logout"),
    path("auth/devices/", accounts.DeviceListView.as_view(), name="devices"),
    path("auth/devices/<uuid:device_id>/", accounts.DeviceRevokeView.as_view(), name="device-revoke"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("rubric/", visits.RubricView.as_view(), name="rubric"),
    path("reports/stores/<slug:code>/weekly/", StoreWeeklyReportView.as_view(), name="report-store-weekly"),
    path("reports/branches/", BranchReportView.as_view(), name="report-branches"),
    path("photos/", photos.PhotoListView.as_view(), name="photo-list"),
    path("photos/<uuid:pk>/", photos.PhotoView.as_view(), name="photo"),
    path("photos/<uuid:pk>/image/", photos.PhotoImageView.as_view(), name="photo-image"),
    *router.urls,
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("v1/", include(v1)),
]
