"""The data that flows between the phases: small dataclasses, no behaviour beyond formatting."""
from __future__ import annotations

import bisect
import datetime as dt
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
import urllib.parse


@dataclass(frozen=True)
class Problem:
    """One content mistake, printed as ``PATH:LINE: level: message``."""

    path: str
    line: int
    level: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        # one problem, one line: a file name or a quoted value may hold a newline or a control character
        text = f"{self.path}:{self.line}: {self.level}: {self.message}"
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class Problems(list):
    """Every problem of a run, in the order found; phases append instead of raising."""

    def error(self, path: str, line: int, message: str) -> None:
        self.append(Problem(path, line, "error", message))

    def warning(self, path: str, line: int, message: str) -> None:
        self.append(Problem(path, line, "warning", message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.level == "warning"]


@dataclass(frozen=True)
class Status:
    """A verification status of site.yaml: its key, the label readers see, and what it means."""

    key: str
    label: str
    description: str


@dataclass(frozen=True)
class Source:
    """A source claims cite (site.yaml's `sources:` or a page's): its key, name, address and what it is."""

    key: str
    name: str
    url: str | None = None
    about: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """An earlier verdict on a claim, kept so readers can see corrections."""

    date: dt.date
    status: str
    note: str | None = None


@dataclass
class Claim:
    """One claim of a page's front matter, as the writer marked it."""

    id: str
    status: str
    sources: tuple[str, ...]
    note: str | None = None
    url: str | None = None
    archive: str | None = None
    checked: dt.date | None = None
    history: tuple[HistoryEntry, ...] = ()
    line: int = 1  # line of the claim's key in the page file
    note_html: str = ""  # filled by parse_pages
    note_text: str = ""


@dataclass(frozen=True)
class Image:
    """A page's lead image: its file, alt text, caption and credit."""

    src: str
    alt: str
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True)
class Reference:
    """One place in a body that points at a claim."""

    claim: str
    number: int  # 1-based count of this claim's references, for ids like ref-ID-2
    line: int
    label: str  # the highlighted text as plain text, "" for a bare marker


@dataclass(frozen=True)
class Link:
    """A link in a body to another page's Markdown file, checked by ``check``."""

    target: str  # content-relative path of the Markdown file, e.g. "other.md"
    fragment: str
    line: int


@dataclass
class Doc:
    """What the Markdown pass found in and made of a page body."""

    html: str = ""
    references: list[Reference] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    footnotes: dict[str, int] = field(default_factory=dict)  # plain footnote id -> line


@dataclass
class Page:
    """One content file: its front matter, checked, and once converted, its body."""

    path: Path  # absolute path of the Markdown file
    rel: str  # path as shown in messages, e.g. "content/contract-soldiers.md"
    name: str  # path relative to content/, e.g. "contract-soldiers.md"
    slug: str  # "" for the home page's intro
    title: str
    date: dt.date
    body: str
    body_line: int  # line number in the file of the body's first line
    updated: dt.date | None = None
    summary: str = ""
    draft: bool = False
    layout: str = "explainer"
    image: Image | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    doc: Doc = field(default_factory=Doc)
    date_line: int = 1  # line of `date:` in the page file
    # a translation (languages.py): its language, the original's content path, and what its own
    # front matter says of the claims and sources it shares with the original (kept apart, merged
    # into `claims` and `sources` when it is converted); "" for a page in the site's own language
    lang: str = ""
    original: str = ""
    given: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Path of the page from its language's root ('ru/' for a translation): '' for home, 'slug/' otherwise."""
        return f"{self.slug}/" if self.slug else ""

    @property
    def key(self) -> str:
        """The content path of the page this is (or translates): what its translations have in common."""
        return self.original or self.name

    @property
    def is_explainer(self) -> bool:
        return self.layout == "explainer" and bool(self.slug)

    def whole(self) -> Page:
        """The page with everything in it (see PageStub)."""
        return self

    @cached_property
    def facts(self) -> Facts:
        """What the site-wide steps read of a converted page's claims and body (see Facts); made once."""
        used = {ref.claim for ref in self.doc.references}
        tally: dict[str, int] = {}
        cited: dict[str, int] = {}
        keys: dict[str, str] = {}
        for claim in self.claims.values():
            tally[claim.status] = tally.get(claim.status, 0) + 1
            named = {self.sources[key].name: key for key in sorted(claim.sources, reverse=True) if key in self.sources}
            for name, key in named.items():
                cited[name] = cited.get(name, 0) + 1
                keys[name] = min(key, keys.get(name, key))
        claims = self.claims.values()
        return Facts(len(self.claims), tally, dict(sorted(cited.items())), dict(sorted(keys.items())), "\n".join(self.claims),
                     tuple((c.id, c.line) for c in claims if c.id not in used),
                     array("i", sorted(c.checked.toordinal() for c in claims if c.checked)).tobytes(),
                     tuple(self.doc.links), "\n".join(sorted(self.doc.anchors)))


def newest_first(pages) -> list[Page]:
    """Pages in the order the home page, the feed and the ledger list them: newest date first, then by slug."""
    return sorted(pages, key=lambda p: (p.date, p.slug), reverse=True)


@dataclass(frozen=True)
class ClaimFacts:
    """What the site-wide rules (claims/checks.py) read of one claim.

    `check` makes them from whole pages; a build reads the site index's Facts instead
    (checks.build_findings).
    """

    id: str
    line: int
    status: str
    referenced: bool
    noted: bool
    checked: dt.date | None
    evidence: bool  # it has a `url` or an `archive`
    first_review: dt.date | None = None  # its earliest history date, else `checked`
    changed: dt.date | None = None  # when its status last changed: `checked`, for a claim with a history
    home_page: bool = False  # its `url` (the evidence, and where ClaimReview says it appeared) is a site's home page
    repeated_source: str | None = None  # a source key its `sources` name twice

    @classmethod
    def of(cls, claim: Claim, referenced: bool) -> ClaimFacts:
        """What the rules read of a claim."""
        dates = [entry.date for entry in claim.history] + ([claim.checked] if claim.checked else [])
        repeated = next((key for i, key in enumerate(claim.sources) if key in claim.sources[:i]), None)
        return cls(claim.id, claim.line, claim.status, referenced, bool(claim.note), claim.checked, bool(claim.url or claim.archive),
                   min(dates, default=None), claim.checked if claim.history else None, bool(claim.url and is_home_page(claim.url)), repeated)


def is_home_page(url: str) -> bool:
    """True for the address of a whole site (nothing after the host but '/'), not of a page in it."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and parts.path in ("", "/") and not parts.query and not parts.fragment


@dataclass
class Facts:
    """A converted page's claims and body as check(), the ledger and the listings read them.

    The cache's site index keeps these (with PageStub) so a one-page edit checks and lists
    a thousand pages without loading each one's claims, references and body.
    """

    claims: int  # how many claims the page defines
    tally: dict[str, int]  # status key -> how many of its claims have it
    cited: dict[str, int]  # name of each source its claims cite -> how many of its claims cite it (the ledger's source pages)
    cited_as: dict[str, str]  # name of each source its claims cite -> the first of its keys they cite it by (its ledger page's folder)
    claim_ids: str  # the ids of its claims, in order, one a line (the files of its claim pages)
    # What a build's claim rules read (claims/checks.py), kept small, since an edit unpickles
    # every page's Facts: (id, line) of each claim never referenced, and each claim's `checked`
    # date as an ordinal, sorted, in one array of 32-bit ints: a build counts the stale ones
    # (stale_count), and `check` lists them from the whole page. As a tuple of four a claim,
    # these were 30 % of the site index's load, and every stale claim a finding on every edit.
    unused: tuple[tuple[str, int], ...]
    checked: bytes
    links: tuple[Link, ...]
    # the page's anchors, one per line: one string to unpickle instead of a set of fifty,
    # since an edit loads every page's Facts with the site index
    anchor_lines: str

    def stale_count(self, before: int) -> int:
        """How many of the page's claims were last checked before this day (an ordinal)."""
        days = array("i")
        days.frombytes(self.checked)
        return bisect.bisect_left(days, before)

    def has_anchor(self, fragment: str) -> bool:
        """True when the page has an element with this id."""
        return bool(fragment) and "\n" not in fragment and f"\n{fragment}\n" in f"\n{self.anchor_lines}\n"


class PageStub(Page):
    """A page of the last build as the cache's site index keeps it: front matter fields and Facts.

    The rest of the page (body, sources, claims, doc) is loaded by `load` on first use, so
    a template or step that reads it still gets it; a one-page edit reads none of it for
    the pages it does not render.
    """

    LIGHT = ("path", "rel", "name", "slug", "title", "date", "body_line", "updated", "summary", "draft", "layout", "image", "date_line",
             "lang", "original")

    @classmethod
    def of(cls, page: Page) -> PageStub:
        """The stub of a converted page (itself if it is one)."""
        if isinstance(page, PageStub):
            return page
        stub = cls.__new__(cls)
        stub.__dict__.update({name: page.__dict__[name] for name in cls.LIGHT})
        stub.__dict__["facts"] = page.facts
        return stub

    def __getattr__(self, name: str):
        # only reached for what the stub lacks: its path, kept as text (an edit unpickles every
        # stub, and a Path is slow to unpickle), or the rest: load the whole page once, then act as it
        if name == "path" and "path_text" in self.__dict__:
            path = self.__dict__["path"] = Path(self.__dict__["path_text"])
            return path
        load = self.__dict__.get("load")
        if load is None or name.startswith("__"):
            raise AttributeError(name)
        whole = load()
        del self.__dict__["load"]
        for key, value in whole.__dict__.items():
            self.__dict__.setdefault(key, value)
        return getattr(self, name)

    def __repr__(self) -> str:
        return f"PageStub({self.name!r})"

    def whole(self) -> Page:
        """The full page this stands for, as a Page."""
        self.claims  # noqa: B018 (loads the rest)
        page = Page.__new__(Page)
        page.__dict__.update({k: v for k, v in self.__dict__.items() if k not in ("load", "path_text")})
        return page

    def __getstate__(self) -> dict:
        # the index keeps the stub as it was made; the loader is the build's, set again on loading
        state = {name: self.__dict__[name] for name in (*self.LIGHT, "facts") if name != "path"}
        # a stub read from the index and stored again keeps its text: no Path made for that
        state["path_text"] = self.__dict__["path_text"] if "path_text" in self.__dict__ else str(self.__dict__["path"])
        return state


@dataclass
class Site:
    """site.yaml, checked: the site's settings, statuses and sources."""

    root: Path  # the site folder
    display_root: str  # how the site folder is spelled in messages ("" for the cwd)
    title: str
    base_url: str
    language: str
    output_dir: str
    stale_after_days: int
    statuses: dict[str, Status]
    sources: dict[str, Source]
    description: str = ""
    publisher: dict[str, str] = field(default_factory=dict)
    allow_raw_html: bool = False
    raw: dict = field(default_factory=dict)  # the whole of site.yaml, for templates
    # code -> languages.Language, the default's first; empty for a one-language site (languages.py)
    languages: dict = field(default_factory=dict)
    prefix: str = ""  # a language's view of the site (languages.view): its folder from the site root, "ru/"
    home: "Site | None" = None  # in such a view, the site itself
    _folder_of: tuple[str, str] = field(default=("", ""), repr=False, compare=False)  # (base_url, its folder), for absolute()

    def absolute(self, path: str) -> str:
        """A path of this site (a slug, a claim's anchor, a file under static/) as an absolute URL: urljoin's.

        The builder's own paths are relative and hold no dot segments, so urljoin of one is
        the URL of base_url's folder plus the path, whatever base_url is; that folder is
        found once, since urljoin is slow for a thousand pages' twenty claims each.
        """
        if not path:
            return urllib.parse.urljoin(self.base_url, path)
        if self._folder_of[0] != self.base_url:  # base_url may be set after loading (--base-url)
            self._folder_of = (self.base_url, urllib.parse.urljoin(self.base_url, "0/")[:-2])
        return self._folder_of[1] + path

    def shown(self, rel: str) -> str:
        """The path of a file of the site as it appears in messages."""
        return f"{self.display_root}/{rel}" if self.display_root else rel
