from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .reports import BranchReportView, StoreWeeklyReportView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("v1/reports/stores/<slug:code>/weekly/", StoreWeeklyReportView.as_view(), name="report-store-weekly"),
    path("v1/reports/branches/", BranchReportView.as_view(), name="report-branches"),
]
