from django.urls import path

from . import review_pages

app_name = "review"

urlpatterns = [
    path("", review_pages.queue, name="queue"),
    path("approve-unflagged/", review_pages.approve_unflagged, name="approve-unflagged"),
    path("undo/", review_pages.undo, name="undo"),
    path("<uuid:visit_id>/", review_pages.decide, name="decide"),
]
