from django.urls import path

from project.urls import handler500  # noqa: F401
from project.urls import urlpatterns as project_urlpatterns

from .ceiling import ceiling

urlpatterns = [*project_urlpatterns, path("bench/ceiling/", ceiling)]
