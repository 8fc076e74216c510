"""The claims ledger (claims/index.html): every claim of the site in one table, and the explainers' corrections.

Each page's rows are rendered once per version of the page (render.Parts keeps them) by
layouts/partials/ledger-rows.html, and joined into the ledger with claims.json.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..model import Page, Site
from .entries import HOME_KEY, Change, Entry, ordered_pages, page_entries
from .export import EXPORT, explainer_jsonld, export_document, export_lines

LEDGER = "claims/index.html"


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def corrections(entries: list[Entry]) -> list[tuple[Entry, Change]]:
    """Every correction of a page's claims (its page_entries()), newest first."""
    found = [(entry, change) for entry in entries for change in entry.changes]
    return sorted(found, key=lambda pair: (pair[1].date, -pair[0].number), reverse=True)


def template_globals(site: Site, env, parts) -> dict:
    """Functions the templates call: the explainer's partials (jsonld.html, corrections.html) and the ledger's rows.

    `parts` (render.Parts) keeps each page's ledger rows from one build to the next.
    `claim_entries` is page_entries() made once per page for the environment's build: a
    page's JSON-LD, corrections, ledger rows and claims.json lines all read them.
    """
    made: dict[str, list[Entry]] = {}

    def claim_entries(page: Page) -> list[Entry]:
        """page_entries(), once per page."""
        if page.name not in made:
            made[page.name] = page_entries(site, page)
        return made[page.name]

    def ledger_rows(page: Page) -> Markup:
        """A page's ledger rows, as a stand-in for its piece (Parts.splice puts it in)."""
        return parts.stand_in(page, "ledger", lambda: rows_html(env, claim_entries(page)))

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


def rows_html(env, entries: list[Entry]) -> str:
    """A page's rows of the ledger table (layouts/partials/ledger-rows.html), from its page_entries()."""
    return env.get_template("partials/ledger-rows.html").render(entries=entries, root="../").strip()


def render_files(site: Site, pages: list[Page], env, parts, splice) -> dict[str, bytes | Path]:
    """claims/index.html and claims.json, joined from each page's pieces (render.Parts) by splice(output path, text)."""
    ordered = ordered_pages(pages)
    totals: dict[str, int] = {}
    for page in ordered:
        for status, count in page.facts.tally.items():
            totals[status] = totals.get(status, 0) + count
    listed = [p for p in pages if p.slug]
    nav = sorted((p for p in listed if not p.is_explainer), key=lambda p: p.title)
    html = splice(LEDGER, env.get_template("claims.html").render(
        page=None, root="../", url_path="claims/", meta_title="Claims ledger", ledger_pages=ordered, options=ledger_options(site, ordered),
        claim_total=sum(totals.values()), status_totals=totals, page_count=len(ordered), nav=nav,
    ))
    entries_of = env.globals["claim_entries"]
    lines = [parts.stand_in(page, "export", lambda page=page: export_lines(site, entries_of(page))) for page in ordered]
    return {LEDGER: html, EXPORT: splice(EXPORT, export_document(site, lines))}
