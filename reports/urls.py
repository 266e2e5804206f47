from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.reports_home, name="home"),
    path("stores/<slug:code>/", views.store_report, name="store"),
    path("branches/", views.branches, name="branches"),
]
