"""Converting a page: its claim notes and its Markdown body, with the claims extension.

`Converter` is one Markdown instance and one note renderer, reused for every page a process
converts. A converted body depends on other pages only through the URLs it looked up
(`SlugLookups`), which the incremental build records to know when to convert it again.
"""
from __future__ import annotations

import os

from dataclasses import dataclass, field

from . import i18n, languages
from .cache import digest
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
        if page.lang:  # a translation: the original's claims in its words, links to pages in its language (languages.py)
            languages.merge(site, page, read_original(site, page), result.note_problems)
            lookups, context_site, static_root = SlugLookups(language_table(slugs, page.lang)), languages.view(site, page.lang), "../"
        else:
            lookups, context_site, static_root = SlugLookups(slugs), site, ""
        with i18n.speaking(context_site.language if site.languages else "", site.root):
            self.render_notes(page, result.note_problems)
            context = Context(context_site, page.key, root_of(page), page.claims, page.sources, lookups, files, root_of(page) + static_root,
                              draft=page.draft)
            return self.convert(site, page, slugs, files, result, lookups, context)

    def convert(self, site: Site, page: Page, slugs: dict[str, str], files: frozenset[str], result: Parsed, lookups: SlugLookups,
                context: Context) -> Parsed:
        """Convert the body in `context`, recording the problems and the URLs it looked up."""
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
        if page.lang:  # a translation also depends on which pages have translations, and on its original's file
            result.slug_deps.update({name: slug_dep(site, slugs, name) for name in
                                     [languages.translated_name(key, page.lang) for key in lookups.used if isinstance(key, str)]})
            result.slug_deps[ORIGINAL + page.original] = slug_dep(site, slugs, ORIGINAL + page.original)
        result.all_slugs = lookups.all
        return result


ORIGINAL = "\x00original:"  # a slug_deps key: the file of a translation's original (no content path starts with a NUL)


def read_original(site: Site, page: Page) -> Page | None:
    """The page a translation translates, as its file says now (its claims are the translation's); None if there is none."""
    from .load import read_page  # load imports languages, which this module's callers import first

    path = site.root / "content" / page.original
    return read_page(site, path, Problems()) if path.is_file() else None


def language_table(slugs: dict[str, str], code: str) -> dict[str, str | None]:
    """The URL table as a translation's links read it, from its language's root: a page's translation where there is one ("about/"),
    else the page itself, up in the default language ("../about/")."""
    table = {}
    for name, url in slugs.items():
        if languages.translated_name(name, code) in slugs:
            table[name] = slugs[languages.translated_name(name, code)]
        elif url is not None and not name.endswith(f".{code}.md"):
            table[name] = "../" + url
        else:
            table[name] = url
    return table


def slug_dep(site: Site, slugs: dict[str, str], name: str) -> str:
    """What a body's lookup of `name` found: its URL path, or whether a file not built (a draft) is there.

    The claims extension words a broken link's error by whether the file exists, so that
    is part of what a cached body depends on.
    """
    if name.startswith(ORIGINAL):
        path = site.root / "content" / name[len(ORIGINAL):]
        return "bytes:" + digest(path.read_bytes()) if path.is_file() else "none"
    slug = slugs.get(name)
    if slug is not None:
        return "url:" + slug
    if name in slugs:
        return "unreadable"
    # by string: a Path made per lookup showed in a one-page edit, which asks this of every link of every page
    return "file" if isinstance(name, str) and os.path.isfile(os.path.join(site.root, "content", name)) else "none"


def slug_table(pages: list[Page], unreadable: list[str] = ()) -> dict[str, str | None]:
    """Content path of every page -> its URL path, for links between pages; None for a page that could not be read.

    A link to an unreadable page is neither to a missing page nor to a draft: its own
    errors say what is wrong, and the link is not reported again.
    """
    return {**dict.fromkeys(unreadable), **{page.name: page.url for page in pages}}
