"""Phases 3 and 4: convert every body with the claims extension, then check the site as a whole."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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


class SlugLookups(dict):
    """The table of page URLs, remembering which entries a conversion looked at.

    A cached body stays valid while every slug it looked up is unchanged; reading the
    whole table (iterating it) makes the body depend on every slug.
    """

    def __init__(self, slugs: dict[str, str]):
        super().__init__(slugs)
        self.used: dict[str, str | None] = {}
        self.all = False

    def get(self, key, default=None):
        self.used[key] = dict.get(self, key)
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self.used[key] = dict.get(self, key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self.used[key] = dict.get(self, key)
        return dict.__contains__(self, key)

    def __iter__(self):
        self.all = True
        return dict.__iter__(self)

    def keys(self):
        self.all = True
        return dict.keys(self)

    def items(self):
        self.all = True
        return dict.items(self)

    def values(self):
        self.all = True
        return dict.values(self)


@dataclass
class Parsed:
    """What converting one page produced besides the page's own fields."""

    note_problems: Problems = field(default_factory=Problems)
    convert_problems: Problems = field(default_factory=Problems)
    slug_deps: dict[str, str] = field(default_factory=dict)
    all_slugs: bool = False


class Converter:
    """One Markdown instance and one note renderer, reused for every page a process converts."""

    def __init__(self):
        self.md, self.ext = make_markdown()
        self.notes = NoteRenderer()

    def render_notes(self, page: Page, problems: Problems) -> None:
        """Render each claim's note (inline Markdown) once, for panels, endnotes and exports."""
        noted = [claim for claim in page.claims.values() if claim.note]
        for claim, (html, text, errors) in zip(noted, self.notes.render_many([claim.note for claim in noted])):
            claim.note_html, claim.note_text = html, text
            for message in errors:
                problems.error(page.rel, claim.line, f"claim '{claim.id}': {message}")

    def parse(self, site: Site, page: Page, slugs: dict[str, str], files: frozenset[str]) -> Parsed:
        """Convert one page's notes and body, recording what else on the site the result depends on."""
        result = Parsed()
        self.render_notes(page, result.note_problems)
        lookups = SlugLookups(slugs)
        context = Context(site, page.name, root_of(page), page.claims, page.sources, lookups, files)
        try:
            page.doc, errors = self.ext.convert(context, page.body)
        except RecursionError:  # Python-Markdown recurses once per level of nesting
            errors = [(1, "lists, quotes or emphasis are nested hundreds of levels deep here; Markdown cannot read that")]
            self.md, self.ext = make_markdown()  # the failed parse leaves state behind that reset() does not clear
        for line, message in errors:
            result.convert_problems.error(page.rel, page.body_line + line - 1, message)
        result.slug_deps = {key: slug_dep(site, slugs, key) for key in lookups.used}
        result.all_slugs = lookups.all
        return result


def slug_dep(site: Site, slugs: dict[str, str], name: str) -> str:
    """What a body's lookup of `name` found: its URL path, or whether a file not built (a draft) is there.

    The claims extension words a broken link's error by whether the file exists, so that
    is part of what a cached body depends on.
    """
    slug = slugs.get(name)
    if slug is not None:
        return "url:" + slug
    return "file" if isinstance(name, str) and (site.root / "content" / name).is_file() else "none"


def slug_table(pages: list[Page]) -> dict[str, str]:
    """Content path of every page -> its URL path, for links between pages."""
    return {page.name: page.url for page in pages}


def parse_pages(site: Site, pages: list[Page], problems: Problems) -> None:
    """Convert every body to HTML, recording references, links and anchors on each page."""
    converter = Converter()
    slugs, files = slug_table(pages), static_files(site)
    results = [converter.parse(site, page, slugs, files) for page in pages]
    for result in results:
        problems.extend(result.note_problems)
    for result in results:
        problems.extend(result.convert_problems)


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
        facts = page.facts
        if facts.oldest and (today - facts.oldest).days > site.stale_after_days:
            check_claims(site, page, problems, strict, today)
        else:  # the same problems, less the stale ones, in the same order, from the facts alone
            for cid, line, status, unused, unnoted in facts.flagged:
                if unused:
                    strict_problem(page.rel, line, f"claim '{cid}' is defined but never referenced in the text")
                if strict and unnoted:
                    problems.warning(page.rel, line, f"claim '{cid}' has no note telling readers why it is {status}")
        for link in facts.links:
            target = by_name.get(link.target)
            if target is not None and target.draft and not page.draft:
                strict_problem(page.rel, page.body_line + link.line - 1, f"link to '{link.target}': that page is a draft, so a build without --drafts leaves it out and this link breaks")
            if target is not None and link.fragment and not target.facts.has_anchor(link.fragment):
                where = "this page" if target is page else f"content/{link.target}"
                strict_problem(page.rel, page.body_line + link.line - 1, f"link to '#{link.fragment}': {where} has no such anchor")


def check_claims(site: Site, page: Page, problems: Problems, strict: bool, today: dt.date) -> None:
    """The rules for each claim of a page: referenced, checked lately, explained by a note (under --strict)."""
    strict_problem = problems.error if strict else problems.warning
    used = {ref.claim for ref in page.doc.references}
    for claim in page.claims.values():
        if claim.id not in used:
            strict_problem(page.rel, claim.line, f"claim '{claim.id}' is defined but never referenced in the text")
        if claim.checked and (today - claim.checked).days > site.stale_after_days:
            problems.warning(page.rel, claim.line, f"claim '{claim.id}' was last checked on {claim.checked}, more than {site.stale_after_days} days ago")
        if strict and not claim.note:
            problems.warning(page.rel, claim.line, f"claim '{claim.id}' has no note telling readers why it is {claim.status}")
