from django.urls import path

from . import views

app_name = "coaching"

urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/decision/", views.plan_decide, name="decide"),
]
