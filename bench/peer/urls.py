from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .views import VisitViewSet

router = DefaultRouter()
router.register("visits", VisitViewSet)

urlpatterns = [path("api/v1/", include(router.urls))]
