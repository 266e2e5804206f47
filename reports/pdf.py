"""The store report on paper: the page's own HTML (same template, figures and rounding, in the
language it was rendered in) laid out by WeasyPrint under the page's print styles.

Only the project's static files are read while laying out (the stylesheets the page links);
nothing is fetched from the network."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML, URLFetcher


class OutsideResource(ValueError):
    """The report asked for something that is not one of the project's static files."""


class StaticFilesOnly(URLFetcher):
    """Hands WeasyPrint the project's static files (the page's stylesheets) and nothing else."""

    def fetch(self, url, headers=None):
        path = urlsplit(url).path
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path[len(settings.STATIC_URL) :])
            if found:
                return super().fetch(Path(found).as_uri(), headers)
        raise OutsideResource(url)


def html_to_pdf(html: str) -> bytes:
    # base_url only turns the page's root-relative links into absolute ones for the fetcher above.
    return HTML(string=html, base_url="http://report.invalid/", url_fetcher=StaticFilesOnly()).write_pdf()
