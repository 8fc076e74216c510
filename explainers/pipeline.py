"""Phases 3 and 4: convert every body with the claims extension, then check the site as a whole."""
from __future__ import annotations

import datetime as dt

from .claims_md import Context, NoteRenderer, make_markdown
from .model import Page, Problems, Site

RESERVED_SLUGS = {"claims", "404", "assets", "index"}


def static_files(site: Site) -> frozenset[str]:
    """Every file under static/, as a posix path relative to it."""
    folder = site.root / "static"
    if not folder.is_dir():
        return frozenset()
    return frozenset(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def root_of(page: Page) -> str:
    """The relative prefix from a page's folder back to the site root."""
    return "../" * page.url.count("/")


def render_notes(pages: list[Page], problems: Problems) -> None:
    """Render each claim's note (inline Markdown) once, for panels, endnotes and exports."""
    notes = NoteRenderer()
    for page in pages:
        for claim in page.claims.values():
            if claim.note:
                claim.note_html, claim.note_text, errors = notes.render(claim.note)
                for message in errors:
                    problems.error(page.rel, claim.line, f"claim '{claim.id}': {message}")


def parse_pages(site: Site, pages: list[Page], problems: Problems) -> None:
    """Convert every body to HTML, recording references, links and anchors on each page."""
    render_notes(pages, problems)
    md, ext = make_markdown()
    slugs = {page.name: page.url for page in pages}
    files = static_files(site)
    for page in pages:
        context = Context(site, page.name, root_of(page), page.claims, page.sources, slugs, files)
        try:
            page.doc, errors = ext.convert(context, page.body)
        except RecursionError:  # Python-Markdown recurses once per level of nesting
            problems.error(page.rel, page.body_line, "lists, quotes or emphasis are nested hundreds of levels deep here; Markdown cannot read that")
            md, ext = make_markdown()  # the failed parse leaves state behind that reset() does not clear
            continue
        for line, message in errors:
            problems.error(page.rel, page.body_line + line - 1, message)


def check(site: Site, pages: list[Page], problems: Problems, strict: bool, today: dt.date | None = None) -> None:
    """Site-wide rules: slugs, unused and stale claims, links to drafts and to anchors."""
    today = today or dt.date.today()
    strict_problem = problems.error if strict else problems.warning
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
        used = {ref.claim for ref in page.doc.references}
        for claim in page.claims.values():
            if claim.id not in used:
                strict_problem(page.rel, claim.line, f"claim '{claim.id}' is defined but never referenced in the text")
            if claim.checked and (today - claim.checked).days > site.stale_after_days:
                problems.warning(page.rel, claim.line, f"claim '{claim.id}' was last checked on {claim.checked}, more than {site.stale_after_days} days ago")
            if strict and not claim.note:
                problems.warning(page.rel, claim.line, f"claim '{claim.id}' has no note telling readers why it is {claim.status}")
        for link in page.doc.links:
            target = by_name.get(link.target)
            if target is not None and target.draft and not page.draft:
                strict_problem(page.rel, page.body_line + link.line - 1, f"link to '{link.target}': that page is a draft, so a build without --drafts leaves it out and this link breaks")
            if target is not None and link.fragment and link.fragment not in target.doc.anchors:
                where = "this page" if target is page else f"content/{link.target}"
                strict_problem(page.rel, page.body_line + link.line - 1, f"link to '#{link.fragment}': {where} has no such anchor")
