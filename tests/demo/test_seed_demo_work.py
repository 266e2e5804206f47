"""`make demo`'s data: after seed_demo and seed_demo_work every demo login has something on its home."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from coaching.models import ActionPlan, PlanState
from observations.models import Visit, VisitQuestion, VisitStatus
from photos.models import Photo
from planning.models import Assignment, AssignmentStatus
from planning.selectors import shopper_assignments
from stores.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path, rubric_v1):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", weeks=8, stdout=io.StringIO())
    call_command("seed_demo_work", stdout=io.StringIO())
    return {
        user.username: user for user in User.objects.filter(username__in=["head", "supervisor", "manager", "shopper"])
    }


@pytest.fixture
def rubric_v1(db):
    from observations.models import Rubric

    return Rubric.objects.get_or_create(version=1)[0]


def test_after_make_demo_every_login_finds_work_on_its_home(client, demo):
    assert set(ActionPlan.objects.values_list("state", flat=True)) == set(PlanState.values)
    assert Assignment.objects.filter(shopper=demo["shopper"], status=AssignmentStatus.DONE).exists()
    assert VisitQuestion.objects.filter(answered_at__isnull=True, visit__observer=demo["shopper"]).exists()
    assert Photo.objects.exists()

    client.force_login(demo["supervisor"])
    page = client.get(reverse("home")).content.decode()
    assert "/action-plans/" in page.split('id="decide-title"', 1)[1].split("</section>", 1)[0]
    assert "Open the review queue" in page
    assert "The one upstairs, by the lifts." in page  # an answered question

    client.force_login(demo["head"])
    response = client.get(reverse("home"))
    assert response.status_code == 200 and not response.context["staff"].is_empty

    client.force_login(demo["manager"])
    manager_stores = client.get(reverse("home")).context["manager_stores"]
    assert manager_stores and any(item.plans for item in manager_stores)

    client.force_login(demo["shopper"])
    assert client.get(reverse("home"))["Location"] == "/m/"
    assert shopper_assignments(demo["shopper"]).exists()
    assert client.get("/api/v1/assignments/").json()


def test_running_it_again_adds_nothing(demo):
    counts = (
        ActionPlan.objects.count(),
        Assignment.objects.count(),
        VisitQuestion.objects.count(),
        Photo.objects.count(),
        Visit.objects.filter(status=VisitStatus.APPROVED).count(),
    )
    call_command("seed_demo_work", stdout=io.StringIO())
    assert (
        ActionPlan.objects.count(),
        Assignment.objects.count(),
        VisitQuestion.objects.count(),
        Photo.objects.count(),
        Visit.objects.filter(status=VisitStatus.APPROVED).count(),
    ) == counts
