"""A URL whose view fails, for the test of the suite's 500 guard."""

from django.urls import path


def fails(request):
    raise RuntimeError("a view that fails")


urlpatterns = [path("fails/", fails)]
