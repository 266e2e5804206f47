"""The two ends of a sign-in with the company account: the redirect to the provider and its way
back. Both answer 404 while single sign-on is not configured."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)


def _require_sso() -> None:
    if not settings.OASIS_SSO:
        raise Http404


class SignInView(OIDCAuthenticationRequestView):
    def dispatch(self, request, *args, **kwargs):
        _require_sso()
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        _require_sso()
        try:
            return super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation as error:  # a state this browser never asked for, or used already
            logger.warning("sso: callback refused: %s", error)
            return self.login_failure()

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Signing in with your company account did not work, or it does not give you access to "
                "Service Oasis. Please try again or ask head office."
            ),
        )
        return redirect("login")


def company_sign_in(request, credentials=None) -> bool:
    """django-axes' whitelist (AXES_WHITELIST_CALLABLE): the callback of a company sign-in is no
    password guess (the provider checked the person; a code works once, for this client only), so
    refusals there (say, colleagues without a mapped role) count towards no lockout of the office's
    address."""
    return getattr(request, "path", None) == reverse("oidc_authentication_callback")
