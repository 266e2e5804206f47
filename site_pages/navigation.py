"""One navigation for every page of a role: which pages a role has, in the order it uses them.

The templates render `nav_links` (a context processor), so a page cannot forget a link its role
needs, and the start page lists the same pages as shortcuts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stores.models import Role


@dataclass(frozen=True)
class NavLink:
    key: str
    url_name: str
    label: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


START = NavLink("start", "home", _("Start"))
BRANCHES = NavLink("branches", "reports:branches", _("Branch comparison"))
REPORT = NavLink("report", "reports:home", _("Weekly report"))
PLANS = NavLink("plans", "coaching:plans", _("Action plans"))
REVIEW = NavLink("review", "review:queue", _("Review queue"))
PLANNING = NavLink("planning", "planning:waves", _("Planning"))
PHONE = NavLink("phone", "mobile:app", _("Phone app"))
ADMIN = NavLink("admin", "admin:index", _("Manage stores, people and rubric"))

LINKS_OF_ROLE: dict[str, tuple[NavLink, ...]] = {
    Role.HEAD_OFFICE: (START, BRANCHES, PLANS, REVIEW, PLANNING, ADMIN, PHONE),
    Role.SUPERVISOR: (START, BRANCHES, PLANS, REVIEW, PLANNING, PHONE),
    Role.MANAGER: (START, REPORT, PLANS),
    Role.SHOPPER: (PHONE,),
}


def links_of(user) -> tuple[NavLink, ...]:
    if not user.is_authenticated:
        return ()
    return LINKS_OF_ROLE.get(user.role, ())


def _current(path: str, links: tuple[NavLink, ...]) -> str:
    """The key of the link whose address is the longest prefix of the path ("/" only for itself)."""
    best, best_length = "", 0
    for link in links:
        url = link.url
        matches = path == url if url == "/" else path.startswith(url)
        if matches and len(url) > best_length:
            best, best_length = link.key, len(url)
    return best


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    links = links_of(user)
    return {"nav_links": links, "nav_current": _current(request.path, links)}
