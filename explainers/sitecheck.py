"""The site as a whole, once every page is converted: slugs, claims and links across pages.

Each rule's finding comes from the module that owns it (claims/checks.py for claims,
claims/links.py for links between pages); checks.report decides error or warning.
"""
from __future__ import annotations

import datetime as dt

from .claims import checks, links
from .convert import static_files
from .model import Page, Problems, Site

RESERVED_SLUGS = {"claims", "404", "assets", "index"}


def check_site(site: Site, pages: list[Page], problems: Problems, strict: bool, today: dt.date | None = None) -> None:
    """Site-wide rules: slugs, then each page's claims and links; `strict` for the `check` command."""
    today = today or dt.date.today()
    by_slug: dict[str, Page] = {}
    by_name = {page.name: page for page in pages}
    top_static = {name.split("/", 1)[0] for name in static_files(site)}
    for page in pages:
        if page.slug in RESERVED_SLUGS or page.slug in top_static:
            problems.error(page.rel, 1, f"slug '{page.slug}' is taken by the site itself ({'a file or folder in static/' if page.slug in top_static else 'a page the builder writes'}); choose another")
        elif page.slug in by_slug:
            problems.error(page.rel, 1, f"slug '{page.slug}' is also the slug of {by_slug[page.slug].rel}; two pages cannot share a URL")
        else:
            by_slug[page.slug] = page
        checks.report(problems, page.rel, checks.site_findings(site, page, today, strict), strict)
        checks.report(problems, page.rel, links.site_findings(page, by_name), strict)
