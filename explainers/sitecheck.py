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
    by_slug: dict[tuple[str, str], Page] = {}  # (language, slug): each language has its URLs
    by_name = {page.name: page for page in pages}
    top_static = {name.split("/", 1)[0] for name in static_files(site)} | set(site.languages)
    for page in pages:
        if page.slug in RESERVED_SLUGS or page.slug in top_static:
            problems.error(page.rel, 1, f"slug '{page.slug}' is taken by the site itself ({'a file or folder in static/' if page.slug in top_static - set(site.languages) else 'a language of site.yaml' if page.slug in site.languages else 'a page the builder writes'}); choose another")
        elif (page.lang, page.slug) in by_slug:
            problems.error(page.rel, 1, f"slug '{page.slug}' is also the slug of {by_slug[page.lang, page.slug].rel}; two pages cannot share a URL")
        else:
            by_slug[page.lang, page.slug] = page
        checks.report(problems, page.rel, checks.site_findings(site, page, today, strict), strict)
        checks.report(problems, page.rel, links.site_findings(page, by_language(by_name, page.lang) if page.lang else by_name), strict)
    if site.languages:
        for page in pages:
            checks.report(problems, page.rel, checks.translation_findings(site, page, by_name), strict)


def by_language(by_name: dict[str, Page], code: str) -> dict[str, Page]:
    """The pages as a translation's links find them: a page's translation into its language where there is one."""
    suffix = f".{code}.md"
    return {**by_name, **{name[: -len(suffix)] + ".md": page for name, page in by_name.items() if name.endswith(suffix)}}
