from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from coaching.api import PlanViewSet
from reports.api import BranchReportView, StoreWeeklyReportView

from . import photos, planning, views

router = SimpleRouter()
router.register("stores", views.StoreViewSet, basename="store")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("planning/waves", planning.WaveViewSet, basename="wave")
router.register("assignments", planning.AssignmentViewSet, basename="assignment")
router.register("action-plans", PlanViewSet, basename="plan")
router.register("questions", views.QuestionViewSet, basename="question")

v1 = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/logout/", views.LogoutView.as_view(), name="token-logout"),
    path("auth/devices/", views.DeviceListView.as_view(), name="devices"),
    path("auth/devices/<uuid:device_id>/", views.DeviceRevokeView.as_view(), name="device-revoke"),
    path("me/", views.MeView.as_view(), name="me"),
    path("rubric/", views.RubricView.as_view(), name="rubric"),
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
