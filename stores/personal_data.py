"""Who the person is (the "user" part of their download), and on erasure the anonymisation of
their account (`user_anonymize`): what stores holds about a person (`core.personal_data`)."""

from __future__ import annotations

from core.personal_data import holder

from .models import ImportJob, User
from .services import user_anonymize


def identity(user: User) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "language": user.language,
        "report_pdf": user.report_pdf,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "stores": list(user.stores.values_list("code", flat=True)),
        "regions": list(user.regions.values_list("code", flat=True)),
    }


def erase_identity(user: User) -> int:
    user_anonymize(user=user)
    return 1


def import_jobs(user: User) -> list[dict]:
    """The bulk set-up files the person uploaded in the admin (not their rows: those are other people)."""
    return [
        {"file": job.file_name, "kind": job.model, "state": job.state, "uploaded_at": job.created_at.isoformat()}
        for job in ImportJob.objects.filter(started_by=user).order_by("created_at")
    ]


def erase_import_jobs(user: User) -> int:
    deleted, _ = ImportJob.objects.filter(started_by=user).delete()
    return deleted


def register() -> None:
    holder("user", export=identity, erase=erase_identity)
    holder("import_jobs", export=import_jobs, erase=erase_import_jobs, covers=("stores.ImportJob.started_by",))
