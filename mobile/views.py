"""The phone page at /m/: an app shell that works offline, its service worker and its web app manifest.

The shell holds nothing personal (the user, the stores and the visits come from /api/v1/ and live in
the browser), so the service worker may cache it and open it for whoever is logged in on the phone.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import json_script
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from api.visits import MAX_SYNC_ITEMS
from observations.limits import NOTE_MAX_LENGTH
from observations.models import MAX_SECONDS
from observations.validation import MAX_AGE, MAX_APPROACHES, MAX_FUTURE, MAX_INTERACTIONS
from photos.services import MAX_PER_VISIT, MAX_SIDE
from planning.models import DECLINE_REASON_MAX_LENGTH

from .strings import client_strings, manifest_strings

# The app shell's static files; the service worker caches them (and the page) when it installs.
SHELL_DIR = settings.BASE_DIR / "static" / "mobile"
# Every script and style of the shell (a new screen's module is picked up without a list to edit).
SHELL_ASSETS = sorted(f"mobile/{path.name}" for path in SHELL_DIR.iterdir() if path.suffix in {".js", ".css", ".svg"})
TEMPLATES_DIR = settings.BASE_DIR / "templates" / "mobile"
# The modules app.js imports, preloaded from the page so the browser fetches them at once rather
# than one level of imports at a time.
MODULES = [
    asset for asset in SHELL_ASSETS if asset.endswith(".js") and asset not in {"mobile/app.js", "mobile/theme.js"}
]
ICONS = [("mobile/icon-192.png", "192x192"), ("mobile/icon-512.png", "512x512")]


def _shell_version() -> str:
    """Changes whenever a shell file, the page or its strings change, so phones fetch the new shell."""
    digest = hashlib.sha256()
    for asset in SHELL_ASSETS:
        path = finders.find(asset)
        if path is None:
            raise FileNotFoundError(f"static file {asset} of the mobile shell is missing")
        with open(path, "rb") as handle:
            digest.update(handle.read())
    for path in sorted(TEMPLATES_DIR.iterdir()):
        digest.update(path.read_bytes())
    digest.update(json.dumps(client_strings(), sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


_cached_shell_version = cache(_shell_version)


def shell_version() -> str:
    return _shell_version() if settings.DEBUG else _cached_shell_version()


def limits() -> dict:
    """The server's limits, for the phone to check before it sends (never copied into the script)."""
    return {
        "maxBodyBytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        "maxSyncItems": MAX_SYNC_ITEMS,
        "maxInteractions": MAX_INTERACTIONS,
        "maxNotes": NOTE_MAX_LENGTH,
        "maxDeclineReason": DECLINE_REASON_MAX_LENGTH,
        "maxSeconds": MAX_SECONDS,
        "maxApproaches": MAX_APPROACHES,
        "maxFutureMs": int(MAX_FUTURE.total_seconds() * 1000),
        "maxAgeMs": int(MAX_AGE.total_seconds() * 1000),
        "photoMaxBytes": settings.OASIS_PHOTO_MAX_BYTES,
        "photoMaxSide": MAX_SIDE,
        "photosPerVisit": MAX_PER_VISIT,
    }


class _Utf8JSONEncoder(DjangoJSONEncoder):
    """Writes German letters as themselves ("ü", 2 bytes), not escaped ("\\u00fc", 6), and no space
    after a comma or colon: the page's strings in both languages are 0.5 KB and 0.8 KB smaller (the
    page is UTF-8; json_script still escapes <, > and &)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **{**kwargs, "ensure_ascii": False, "separators": (",", ":")})


@require_GET
@login_required
@ensure_csrf_cookie
def app(request: HttpRequest) -> HttpResponse:
    """The mobile form. Both languages' strings are on the page, so switching works offline."""
    strings = client_strings()
    language = "de" if (get_language() or "").startswith("de") else "en"
    config = {
        "api": "/api/v1/",
        "serviceWorker": reverse("mobile:service-worker"),
        "scope": reverse("mobile:app"),
        "login": f"{reverse('login')}?next={reverse('mobile:app')}",
        "logout": reverse("logout"),
        "version": shell_version(),
        "limits": limits(),
    }
    context = {
        "t": strings[language],
        "lang": language,
        "strings_json": json_script(strings, "oasis-strings", encoder=_Utf8JSONEncoder),
        "config": config,
        "modules": MODULES,
    }
    response = render(request, "mobile/app.html", context)
    # The service worker caches a page only under the version it belongs to.
    response["X-Oasis-Shell"] = config["version"]
    return response


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /m/ so that its scope is the mobile page; never cached by the browser's HTTP
    cache, so a new deployment reaches the phones at their next visit."""
    shell = [reverse("mobile:app"), reverse("mobile:manifest"), *(static(asset) for asset in SHELL_ASSETS)]
    body = render_to_string(
        "mobile/sw.js",
        {"version": shell_version(), "shell": json.dumps(shell), "page": json.dumps(reverse("mobile:app"))},
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("mobile:app")
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest that makes /m/ installable on the home screen."""
    strings = manifest_strings()
    scope = reverse("mobile:app")
    body = {
        "name": strings["name"],
        "short_name": "Oasis",
        "description": strings["description"],
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#fbfaf6",
        "theme_color": "#0b5f73",
        "icons": [
            *({"src": static(path), "sizes": sizes, "type": "image/png", "purpose": "any"} for path, sizes in ICONS),
            {"src": static("mobile/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
