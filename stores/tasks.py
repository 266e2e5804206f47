from __future__ import annotations

from celery import shared_task

from .emails import set_password_message


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_set_password_email(user_id: int) -> bool:
    """Send the set-password e-mail; safe to run twice (the link stays valid until the password is set)."""
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    set_password_message(user).send()
    return True
