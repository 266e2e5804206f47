"""Celery tasks of photos: the retention sweep (daily, from the beat schedule)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True, time_limit=1800, soft_time_limit=1740, max_retries=3)
def delete_expired_photos() -> int:
    """Safe to run twice: what is already deleted is simply not found again."""
    return services.photos_delete_expired()
