"""Converting a page: its claim notes and its Markdown body, with the claims extension.

`Converter` is one Markdown instance and one note renderer, reused for every page a process
converts. A converted body depends on other pages only through the URLs it looked up
(`SlugLookups`), which the incremental build records to know when to convert it again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .claims import checks
from .claims.notes import NoteRenderer
from .claims.syntax import Context, make_markdown
from .model import Page, Problems, Site


def static_files(site: Site) -> frozenset[str]:
    """Every file under static/, as a posix path relative to it."""
    folder = site.root / "static"
    if not folder.is_dir():
        return frozenset()
    return frozenset(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def root_of(page: Page) -> str:
    """The relative prefix from a page's folder back to the site root."""
    return "../" * page.url.count("/")


def _one(method):
    """A dict method that looks up one key, recording what the key found."""
    def lookup(self, key, *rest):
        self.used[key] = dict.get(self, key)
        return method(self, key, *rest)
    return lookup


def _whole(method):
    """A dict method that reads the whole table, recording that it did."""
    def read(self, *rest):
        self.all = True
        return method(self, *rest)
    return read


class SlugLookups(dict):
    """The table of page URLs, remembering which entries a conversion looked at.

    A cached body stays valid while every slug it looked up is unchanged; reading the
    whole table (iterating it) makes the body depend on every slug.
    """

    def __init__(self, slugs: dict[str, str]):
        super().__init__(slugs)
        self.used: dict[str, str | None] = {}
        self.all = False

    get, __getitem__, __contains__ = _one(dict.get), _one(dict.__getitem__), _one(dict.__contains__)
    __iter__, keys, items, values = _whole(dict.__iter__), _whole(dict.keys), _whole(dict.items), _whole(dict.values)


@dataclass
class Parsed:
    """What converting one page produced besides the page's own fields."""

    note_problems: Problems = field(default_factory=Problems)
    convert_problems: Problems = field(default_factory=Problems)
    slug_deps: dict[str, str] = field(default_factory=dict)
    all_slugs: bool = False


class Converter:
    """One Markdown instance and one note renderer, reused for every page a process converts."""

    def __init__(self, fast: bool = True):
        self.fast = fast  # with fastmd (the tests compare both)
        self.md, self.ext = make_markdown(fast)
        self.notes = NoteRenderer(fast)

    def render_notes(self, page: Page, problems: Problems) -> None:
        """Render each claim's note (inline Markdown) once, for panels, endnotes and exports."""
        noted = [claim for claim in page.claims.values() if claim.note]
        for claim, (html, text, errors) in zip(noted, self.notes.render_many([claim.note for claim in noted])):
            claim.note_html, claim.note_text = html, text
            for message in errors:
                problems.error(page.rel, claim.line, checks.say("in-note", cid=claim.id, message=message))

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
            self.md, self.ext = make_markdown(self.fast)  # the failed parse leaves state behind that reset() does not clear
        for line, message in errors:
            result.convert_problems.error(page.rel, page.body_line + line - 1, message)
        for claim in page.claims.values():  # as the page shows it: links to this site's pages made URLs from here
            claim.note_html = self.ext.state.notes.get(claim.id, claim.note_html)
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
    if name in slugs:
        return "unreadable"
    return "file" if isinstance(name, str) and (site.root / "content" / name).is_file() else "none"


def slug_table(pages: list[Page], unreadable: list[str] = ()) -> dict[str, str | None]:
    """Content path of every page -> its URL path, for links between pages; None for a page that could not be read.

    A link to an unreadable page is neither to a missing page nor to a draft: its own
    errors say what is wrong, and the link is not reported again.
    """
    return {**dict.fromkeys(unreadable), **{page.name: page.url for page in pages}}
