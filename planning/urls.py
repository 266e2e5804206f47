from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.wave_list, name="waves"),
    path("waves/new/", views.wave_new, name="wave-new"),
    path("waves/<int:pk>/", views.wave_detail, name="wave"),
    path("waves/<int:pk>/plan/", views.wave_plan, name="wave-plan"),
    path("waves/<int:pk>/publish/", views.wave_publish, name="wave-publish"),
    path("waves/<int:pk>/assignments/<int:assignment_pk>/", views.assignment_edit, name="assignment"),
    path("waves/<int:pk>/coverage/", views.coverage, name="coverage"),
]
