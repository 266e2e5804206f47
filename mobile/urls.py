from django.urls import path

from . import views

app_name = "mobile"

urlpatterns = [
    path("", views.app, name="app"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
