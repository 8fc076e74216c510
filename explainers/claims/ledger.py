"""The claims ledger: every claim of the site, and the explainers' corrections.

    claims/index.html    the ledger's first view: every claim in one table on a small site
                         (at most ONE_PAGE_MAX claims), else a table of explainers with their
                         claims by status, each linking to its own ledger page
    claims/in/SLUG/      one explainer's claims (claims/in/index/: the home page's), on every site
    claims/status/KEY/, claims/source/SLUG/ (and their page/N/)
                         every claim of the site with one status, or citing one source, on
                         every site: the filters without JavaScript (claims/filters.py)
    claims.json          the index of explainers (and, on a small site, every claim too)
    SLUG/claims.json     one explainer's claims (claims/in/index/claims.json: the home page's)

Each page's rows and claims.json lines are rendered once per version of the page
(pieces.Parts keeps them, as the pieces "ledger" and "export", made with the page in its
render worker) by layouts/partials/ledger-rows.html and export.export_lines, and spliced
into the files that hold them. The rows are made for the explainer's own ledger page; a
small site's one-table ledger, two folders up, has its own piece of them ("ledger-all"),
made in the build's process when first asked for and kept the same way.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..model import Page, Site
from . import filters
from .entries import HOME_KEY, Change, Entry, ordered_pages, page_entries
from .export import EXPORT, explainer_document, explainer_jsonld, export_document, export_lines, index_entry

LEDGER = "claims/index.html"
# A site with at most this many claims has them all on claims/index.html (and in claims.json):
# about 1 KB of HTML and 0.75 KB of JSON a claim, so the first view stays a few hundred KB.
ONE_PAGE_MAX = 300


@dataclass(frozen=True)
class Option:
    """One choice of a ledger filter: its value and its label."""

    value: str
    label: str


@dataclass(frozen=True)
class Summary:
    """One explainer on the ledger's first view: its ledger page, claims by status, the sources it cites (as indexes of the source filter)."""

    page: Page
    href: str
    total: int
    counts: tuple[int, ...]  # in the order of the status options
    sources: str  # space-separated indexes into options["source"]


def corrections(entries: list[Entry]) -> list[tuple[Entry, Change]]:
    """Every correction of a page's claims (its page_entries()), newest first."""
    found = [(entry, change) for entry in entries for change in entry.changes]
    return sorted(found, key=lambda pair: (pair[1].date, -pair[0].number), reverse=True)


def ledger_path(page: Page) -> str:
    """A page's own ledger page from the site root: claims/in/SLUG/ (claims/in/index/ for the home page; "index" is no slug).

    Not claims/SLUG/ nor SLUG/claims/: those folders are a claim's page (EXPLAINER/claims/ID/)
    and where a draft or the home page, which have none, must have nothing.
    """
    return f"claims/in/{page.slug or HOME_KEY}/"


def ledger_file(page: Page) -> str:
    return f"{ledger_path(page)}index.html"


def export_file(page: Page) -> str:
    """A page's own claims.json from the site root: SLUG/claims.json (claims/in/index/claims.json for the home page)."""
    return f"{page.url}{EXPORT}" if page.slug else f"{ledger_path(page)}{EXPORT}"


def template_globals(site: Site, env, parts) -> dict:
    """Functions the templates call: the explainer's partials (jsonld.html, corrections.html) and the ledger's rows.

    `parts` (pieces.Parts) keeps each page's ledger rows from one build to the next.
    `claim_entries` is page_entries() made once per page for the environment's build: a
    page's JSON-LD, corrections, ledger rows and claims.json lines all read them.
    """
    made: dict[str, list[Entry]] = {}

    def claim_entries(page: Page) -> list[Entry]:
        """page_entries(), once per page: the last page's only, as a page's partials ask while it is rendered (a render
        worker that kept every page's entries grew by 46 KB a page)."""
        if page.name not in made:
            made.clear()
            made[page.name] = page_entries(site, page)
        return made[page.name]

    def ledger_rows(page: Page, own: bool = True) -> Markup:
        """A page's ledger rows, as a stand-in for its piece (Parts.splice puts it in): for its own ledger page, or for claims/."""
        if own:
            return parts.stand_in(page, "ledger", lambda: rows_html(env, claim_entries(page)))
        return parts.stand_in(page, "ledger-all", lambda: rows_html(env, claim_entries(page), "claims/"))

    return {
        "claim_entries": claim_entries,
        "explainer_jsonld": lambda page: explainer_jsonld(site, page, claim_entries(page)),
        "corrections": lambda page: corrections(claim_entries(page)),
        "ledger_key": lambda page: page.slug or HOME_KEY,
        "ledger_rows": ledger_rows,
    }


def ledger_options(site: Site, pages: list[Page]) -> dict[str, list[Option]]:
    """The choices of the ledger's filters (statuses in use, source names, pages), from the front matter alone."""
    used, names = set(), set()
    for page in pages:
        used.update(page.facts.tally)
        names.update(page.facts.cited)
    return {
        "status": [Option(s.key, s.label) for s in site.statuses.values() if s.key in used],
        "source": [Option(n, n) for n in sorted(names, key=lambda n: (n.casefold(), n))],
        "page": [Option(p.slug or HOME_KEY, p.title) for p in pages],
    }


def listing(page: Page) -> str:
    """What the ledger's first view and claims.json's index show of a page, as one string: a key that changes when they would."""
    facts = page.facts
    return f"{page.slug}\x1f{page.url}\x1f{page.title}\x1f{facts.tally!r}\x1f{facts.cited!r}\x1f{facts.cited_as!r}"


def rows_html(env, entries: list[Entry], here: str | None = None) -> str:
    """A page's rows of the ledger table (layouts/partials/ledger-rows.html), from its page_entries().

    Their links are relative to `here`, by default the page's own ledger page (claims/in/SLUG/).
    """
    here = here or (ledger_path(entries[0].page) if entries else "claims/")
    root = "../" * here.count("/")
    return env.get_template("partials/ledger-rows.html").render(entries=entries, root=root, here=here).strip()


def summaries(pages: list[Page], options: dict[str, list[Option]]) -> list[Summary]:
    """The explainers of the ledger's first view, from the front matter alone."""
    source_index = {o.value: str(i) for i, o in enumerate(options["source"])}
    found = []
    for page in pages:
        tally = page.facts.tally
        cited = sorted(source_index[n] for n in page.facts.cited if n in source_index)
        found.append(Summary(page, f"in/{page.slug or HOME_KEY}/", sum(tally.values()),
                             tuple(tally.get(o.value, 0) for o in options["status"]), " ".join(sorted(cited, key=int))))
    return found


def piece_rows(env, parts, page: Page) -> list[filters.Row]:
    """A page's ledger rows (its piece "ledger") one by one, for the filter pages; rendered one by one if the piece will not split."""
    entries_of = env.globals["claim_entries"]
    rows = filters.split_rows(parts.data(page, "ledger", lambda: rows_html(env, entries_of(page))))
    if len(rows) == page.facts.claims:
        return rows
    return [filters.Row(e.status.key, rows_html(env, [e]).encode("utf-8")) for e in entries_of(page)]


def filter_files(site: Site, ordered: list[Page], views: filters.Views, env, parts, reuse, nav: list[Page], put=None) -> dict[str, bytes | Path]:
    """The ledger filtered by status and by source (claims/filters.py), from each page's piece "ledger"."""
    entries_of = env.globals["claim_entries"]
    digests: dict[str, str] = {}

    def piece_digest(page: Page) -> str:
        """The page's name and the digest of its rows, once per build."""
        if page.name not in digests:
            digests[page.name] = f"{page.name}={parts.get(page, 'ledger', lambda: rows_html(env, entries_of(page)))}"
        return digests[page.name]

    rows_of = functools.partial(piece_rows, env, parts)  # filters.render_files keeps them while a page to be made needs them
    return filters.render_files(site, ordered, views, env, reuse, ONE_PAGE_MAX, rows_of, piece_digest, nav, put)


def render_files(site: Site, pages: list[Page], env, parts, splice, keyed, reuse=None, put=None) -> dict[str, bytes | Path]:
    """The ledger's files (see the module's docstring), joined from each page's pieces (pieces.Parts) by splice(output path, text).

    An explainer's own files go through keyed(output path, make, page, *what else they show) instead;
    with `reuse` (pieces.Reuse), a filter page whose rows and text are as they were is the last output's file.
    put(output path, bytes) gives what the build keeps of a file made (render.put: its Path, once written, in a large build).
    """
    ordered = ordered_pages(pages)
    totals: dict[str, int] = {}
    for page in ordered:
        for status, count in page.facts.tally.items():
            totals[status] = totals.get(status, 0) + count
    claim_total = sum(totals.values())
    whole = claim_total <= ONE_PAGE_MAX
    listed = [p for p in pages if p.slug]
    nav = sorted((p for p in listed if not p.is_explainer), key=lambda p: p.title)
    views = filters.site_views(site, ordered)
    template = env.get_template("claims.html")
    common = {"page": None, "nav": nav, "site_total": claim_total, "site_pages": len(ordered)}
    files: dict[str, bytes | Path] = {}

    def first_view() -> str:
        options = ledger_options(site, ordered)
        return template.render(
            root="../", url_path="claims/", meta_title="Claims ledger", ledger_pages=ordered if whole else [], options=options,
            claim_total=claim_total, status_totals=totals, page_count=len(ordered), whole=whole, own=None, own_json=None,
            explainers=[] if whole else summaries(ordered, options), views=views, **common,
        )

    if whole:  # every claim's row, spliced in from the pages' pieces
        files[LEDGER] = splice(LEDGER, first_view())
    else:  # a table of explainers: from their front matter alone, so a body edit does not make it again
        listings = [listing(page) for page in ordered]
        files[LEDGER] = keyed(LEDGER, first_view, None, *nav, *listings)
    entries_of = env.globals["claim_entries"]
    shown = (*nav, f"{claim_total} {len(ordered)}")  # what an explainer's ledger page shows of the others

    def own_page(page: Page) -> str:
        tally = page.facts.tally
        return template.render(
            url_path=ledger_path(page), meta_title=f"Claims in {page.title}", ledger_pages=[page],
            options=ledger_options(site, [page]), claim_total=sum(tally.values()), status_totals=tally, page_count=1,
            root="../../../", whole=True, own=page, own_json=export_file(page), explainers=[], **common,
        )

    def own_export(page: Page) -> str:
        lines = parts.stand_in(page, "export", lambda: export_lines(site, entries_of(page)))
        return explainer_document(site, index_entry(site, page, export_file(page), ledger_path(page)), lines)

    for page in ordered:
        files[ledger_file(page)] = keyed(ledger_file(page), lambda page=page: own_page(page), page, "ledger", *shown)
        files[export_file(page)] = keyed(export_file(page), lambda page=page: own_export(page), page, "export")

    def index() -> list[dict]:
        return [index_entry(site, page, export_file(page), ledger_path(page)) for page in ordered]

    if whole:
        lines = [parts.stand_in(page, "export", lambda page=page: export_lines(site, entries_of(page))) for page in ordered]
        files[EXPORT] = splice(EXPORT, export_document(site, index(), lines))
    else:
        files[EXPORT] = keyed(EXPORT, lambda: export_document(site, index(), None), None, *listings)
    files.update(filter_files(site, ordered, views, env, parts, reuse, nav, put))
    return files
