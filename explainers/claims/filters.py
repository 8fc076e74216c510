"""The ledger filtered by status and by source as static pages: every claim of the site, without JavaScript.

    claims/status/KEY/              the claims with the status KEY (its key in site.yaml)
    claims/source/KEY/              the claims citing a source (by name), KEY its key (see source_slugs)
    claims/status/KEY/page/N/       page N (2, 3, ...) of either, past `per_page` claims
    claims/status/, claims/source/  every status, every source, with how many claims each has

Rows come in the ledger's order: explainers newest first, each in reading order. They are
the explainer's own ledger rows (its piece "ledger", made for claims/in/SLUG/, three folders
down as claims/status/KEY/ is), split into rows and chosen, never rendered again; on
page/N/, two folders further down, their relative links get two more "../". A page's key
is what its text is made from, its place in its filter and the digests of the pieces it
takes rows from, so a build makes again only the pages whose rows changed or moved, and
links the rest from the last output without reading a piece.
"""
from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable

from markupsafe import Markup, escape

from ..cache import digest
from ..model import Page, Site

STATUS, SOURCE = "status", "source"
# the first view lists sources as links when there are at most this many, else links to claims/source/
SOURCES_INLINE = 12
ROW = b'\n      <tr data-status="'  # how each row of partials/ledger-rows.html begins, but the first
SOURCES_CELL = b'<td class="ledger-sources">'  # a row's last cells: what follows is the template's, escaped
LINK_UP = b'href="../../../'  # every link of a piece's rows to this site (see note_moved)


@dataclass(frozen=True)
class View:
    """One filter: a status or a source, its folder, and how many claims it has."""

    kind: str  # STATUS or SOURCE
    value: str  # the status key or the source name
    label: str
    slug: str
    total: int
    description: str = ""

    @property
    def path(self) -> str:
        return f"claims/{self.kind}/{self.slug}/"

    def page_path(self, number: int) -> str:
        """Page `number` of this filter, from the site root."""
        return self.path if number == 1 else f"{self.path}page/{number}/"

    @cached_property
    def cited(self) -> bytes:
        """How a row that cites this source names it."""
        return f'<li data-source="{escape(self.value)}">'.encode("utf-8")

    def matches(self, row: Row) -> bool:
        if self.kind == STATUS:
            return row.status == self.value
        return self.cited in row.html[row.html.rfind(SOURCES_CELL):]


@dataclass(frozen=True)
class Views:
    """Every filter of the site, as the templates show them."""

    status: list[View]
    source: list[View]

    @property
    def sources_inline(self) -> bool:
        return len(self.source) <= SOURCES_INLINE


@dataclass(frozen=True)
class Row:
    """One claim's row of the ledger: its status, and its HTML."""

    status: str
    html: bytes


def source_slugs(keys: dict[str, str]) -> dict[str, str]:
    """Each source name's folder under claims/source/: its key in lower case (`keys`: the first key it is cited by),
    and a digest of the name after it where names share one."""
    shared = Counter(key.lower() for key in keys.values())
    found = {}
    for name, key in keys.items():
        slug = key.lower()
        found[name] = f"{slug}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}" if shared[slug] > 1 else slug
    return found


def site_views(site: Site, pages: list[Page]) -> Views:
    """The statuses and sources the claims of `pages` use, with their totals, from the front matter alone."""
    status_totals: Counter = Counter()
    source_totals: Counter = Counter()
    keys: dict[str, str] = {}
    for page in pages:
        status_totals.update(page.facts.tally)
        source_totals.update(page.facts.cited)
        for name, key in page.facts.cited_as.items():
            keys[name] = min(key, keys.get(name, key))
    statuses = [View(STATUS, s.key, s.label, s.key, status_totals[s.key], s.description) for s in site.statuses.values() if status_totals[s.key]]
    names = sorted(source_totals, key=lambda n: (n.casefold(), n))
    slugs = source_slugs({name: keys[name] for name in names})
    return Views(statuses, [View(SOURCE, n, n, slugs[n], source_totals[n]) for n in names])


def split_rows(data: bytes) -> list[Row]:
    """A piece of ledger rows, row by row, with each row's status; [] if it is not such a piece."""
    chunks = data.strip().split(ROW)
    first = ROW.lstrip()
    if not chunks[0].startswith(first):
        return []
    chunks[0] = chunks[0][len(first):]
    rows = []
    for chunk in chunks:
        end = chunk.find(b'"')
        rows.append(Row(chunk[:end].decode("utf-8"), first + chunk))
    return rows


def counts_in(pages: list[Page]) -> dict[tuple[str, str], list[tuple[Page, int]]]:
    """How many claims of each page every filter shows, by (kind, value), from the front matter alone (pages showing none left out).

    One pass over the pages for all the filters: a site cites more sources the more it has
    pages, and a pass per filter grew with the product of the two.
    """
    found: dict[tuple[str, str], list[tuple[Page, int]]] = {}
    for page in pages:
        for kind, counts in ((STATUS, page.facts.tally), (SOURCE, page.facts.cited)):
            for value, n in counts.items():
                if n:
                    found.setdefault((kind, value), []).append((page, n))
    return found


def paginate(counts: list[tuple[Page, int]], per_page: int) -> list[list[tuple[Page, int, int]]]:
    """A filter's pages: each a list of (explainer, first, end) slices of that explainer's matching rows."""
    found: list[list[tuple[Page, int, int]]] = [[]]
    room = per_page
    for page, count in counts:
        start = 0
        while start < count:
            if not room:
                found.append([])
                room = per_page
            take = min(room, count - start)
            found[-1].append((page, start, start + take))
            start += take
            room -= take
    return found


@dataclass
class FilterPages:
    """Makes the filter pages of one build (render_files), from the explainers' ledger pieces."""

    site: Site
    env: object  # the build's jinja2 Environment
    reuse: object  # pieces.Reuse, or None: make every page
    rows_of: Callable[[Page], list[Row]]  # an explainer's ledger rows
    piece_digest: Callable[[Page], str]  # its name and the digest of its piece "ledger", made if need be
    per_page: int

    def key(self, rel: str, shared: str, *inputs: object) -> Path | None:
        """Record the key of an output file and return the last output's file made under it, if any."""
        if self.reuse is None:
            return None
        key = digest(self.reuse.env_key, shared, rel, *(repr(x) for x in inputs))
        self.reuse.keys[rel] = key
        return self.reuse.previous(rel, key)

    def kept(self, view: View, number: int, slices: list[tuple[Page, int, int]], count: int, shared: str) -> Path | None:
        """The last output's file of one page of a filter, if its rows and text are as they were (its key recorded either way)."""
        rel = f"{view.page_path(number)}index.html"
        # not the filter's total, which the page does not show: a claim that changes status makes again the pages from
        # its own on, whose rows move, not the pages before it
        return self.key(rel, shared, view.kind, view.value, number, count, " ".join(f"{self.piece_digest(p)}:{a}:{b}" for p, a, b in slices))

    def page(self, view: View, number: int, slices: list[tuple[Page, int, int]], count: int, common: dict, rows_of) -> bytes:
        """One page of a filter: its text around the rows, and the rows taken from the explainers' pieces (rows_of)."""
        path = view.page_path(number)
        rows = []
        for page, start, end in slices:
            rows += [row.html for row in rows_of(page) if view.matches(row)][start:end]
        depth = path.count("/")
        mark = f"\x02{secrets.token_hex(8)}\x03"  # no text a writer can type
        before = (number - 1) * self.per_page
        text = self.env.get_template("claims-filter.html").render(
            root="../" * depth, url_path=path, view=view, number=number, count=count, rows=Markup(mark),
            prev_path=view.page_path(number - 1) if number > 1 else None, next_path=view.page_path(number + 1) if number < count else None,
            first=before + 1, last=before + len(rows), **common)
        joined = b"\n      ".join(rows)
        if depth != 3:
            joined = joined.replace(LINK_UP, b'href="' + b"../" * depth)
        head, tail = text.split(mark)
        return head.encode("utf-8") + joined + tail.encode("utf-8")

    def make(self, todo: list[tuple[View, int, list, int]], ordered: list[Page], common: dict, put) -> dict[str, bytes | Path]:
        """The filter pages not kept, made in the order of the explainers they end at, each explainer's rows split once and
        kept only while a page still to be made needs them (kept all at once, they were 83 KB an explainer)."""
        position = {page.name: i for i, page in enumerate(ordered)}
        waiting = Counter(page.name for _, _, slices, _ in todo for page, _, _ in slices)
        rows: dict[str, list[Row]] = {}

        def rows_of(page: Page) -> list[Row]:
            if page.name not in rows:
                rows[page.name] = self.rows_of(page)
            return rows[page.name]

        made = {}
        for view, number, slices, count in sorted(todo, key=lambda t: position[t[2][-1][0].name] if t[2] else -1):
            rel = f"{view.page_path(number)}index.html"
            made[rel] = put(rel, self.page(view, number, slices, count, common, rows_of))
            for page, _, _ in slices:
                waiting[page.name] -= 1
                if not waiting[page.name]:
                    rows.pop(page.name, None)
        return made

    def index(self, kind: str, common: dict, shared: str) -> bytes | Path:
        """claims/status/ or claims/source/: every filter of one kind, with its number of claims."""
        rel = f"claims/{kind}/index.html"
        found = self.key(rel, shared, kind, [(v.slug, v.total) for v in common["views"].status + common["views"].source])
        if found is not None:
            return found
        return self.env.get_template("claims-filters.html").render(root="../../", url_path=f"claims/{kind}/", kind=kind, **common).encode("utf-8")


def render_files(site: Site, ordered: list[Page], views: Views, env, reuse, per_page: int,
                 rows_of: Callable[[Page], list[Row]], piece_digest: Callable[[Page], str], nav: list[Page], put=None) -> dict[str, bytes | Path]:
    """Every filter page and the two indexes of filters (see the module's docstring); put(path, bytes) keeps each page made (render.put)."""
    maker = FilterPages(site, env, reuse, rows_of, piece_digest, per_page)
    common = {"page": None, "nav": nav, "views": views}
    # what every filter page shows besides its rows: the filters' names and folders, and the site's menu (not counts, which
    # would make every page again whenever one claim changed status)
    shared = digest(*(f"{v.kind}|{v.value}|{v.label}|{v.slug}|{v.description}" for v in views.status + views.source),
                    *(f"{p.url}|{p.title}" for p in nav))
    files: dict[str, bytes | Path | None] = {}
    counts, todo = counts_in(ordered), []
    for view in views.status + views.source:
        chunks = paginate(counts.get((view.kind, view.value), []), per_page)
        for number, slices in enumerate(chunks, 1):
            files[f"{view.page_path(number)}index.html"] = found = maker.kept(view, number, slices, len(chunks), shared)
            if found is None:
                todo.append((view, number, slices, len(chunks)))
    files.update(maker.make(todo, ordered, common, put or (lambda rel, data: data)))
    for kind in (STATUS, SOURCE):
        files[f"claims/{kind}/index.html"] = maker.index(kind, common, shared)
    return files
