"""Where webhooks may go: https only in production (http with DEBUG or OASIS_WEBHOOK_ALLOW_HTTP), and
never to a private, loopback, link-local or otherwise non-public address unless
OASIS_WEBHOOK_ALLOW_PRIVATE says so (a webhook URL must not become a way into the internal network).

The address is checked when the endpoint is saved and again at every delivery, on the addresses
the name resolves to then; the delivery connects to the address it checked (webhooks.transport),
so a name that resolves differently a second later (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class TargetRefused(Exception):
    pass


def public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_scheme(url: str) -> None:
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.OASIS_WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise TargetRefused(_("The URL must start with https://."))
    if not parts.hostname:
        raise TargetRefused(_("The URL needs a host name."))
    if parts.username or parts.password:
        raise TargetRefused(_("The URL must not carry a user name or password."))


def resolve(url: str) -> list[str]:
    """The addresses to connect to for `url`, all checked; TargetRefused if there is none allowed."""
    check_scheme(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused(_("The host name does not resolve.")) from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not settings.OASIS_WEBHOOK_ALLOW_PRIVATE:
        refused = [a for a in addresses if not public_address(a)]
        if refused:
            raise TargetRefused(
                _("The host resolves to a private or local address (%(address)s).") % {"address": refused[0]}
            )
    if not addresses:
        raise TargetRefused(_("The host name does not resolve."))
    return addresses


def validate_target_url(url: str) -> None:
    """Model and form validation of an endpoint's URL."""
    try:
        resolve(url)
    except TargetRefused as error:
        raise ValidationError(str(error), code="webhook_target") from error
