"""The set-password e-mail a new person gets, in their language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import User


def set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def set_password_message(user: User) -> EmailMultiAlternatives:
    with translation.override(user.language):
        context = {"user": user, "link": set_password_link(user), "site_url": settings.SITE_URL}
        subject = _("Service Oasis: set your password")
        text = render_to_string("emails/set_password.txt", context)
    return EmailMultiAlternatives(subject=str(subject), body=text, to=[user.email])
