"""A claim as every export sees it: with its page, reading-order number, text, status and sources.

The ledger, claims.json, the ClaimReview JSON-LD and the corrections list are all made from
one list of `Entry` values per page (page_entries), so they cannot disagree about a claim.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from ..model import Claim, Page, Site, Source, Status, newest_first
from .links import note_moved

HOME_KEY = "index"  # the filter value of the home page, whose slug is "" ("index" is a reserved slug)


@dataclass(frozen=True)
class Change:
    """One correction: on `date` the claim's status went from `was` to `now`, for `note`."""

    date: dt.date
    was: Status
    now: Status
    note_html: Markup


@dataclass(frozen=True)
class Entry:
    """A claim as every export sees it."""

    page: Page
    claim: Claim
    number: int  # position in the page's endnotes
    text: str  # the highlighted span, or the sentence a bare marker ends; "" if never referenced
    status: Status
    sources: tuple[Source, ...]
    changes: tuple[Change, ...]  # newest first

    def note_at(self, to_url: str) -> Markup:
        """The claim's note as the page at `to_url` of this site shows it (its links to this site's pages made relative to there)."""
        return Markup(note_moved(self.claim.note_html, self.page.url, to_url))

    @property
    def anchor(self) -> str:
        return f"claim-{self.claim.id}"

    @property
    def page_key(self) -> str:
        return self.page.slug or HOME_KEY


def status_of(site: Site, key: str) -> Status:
    """A status by key; the loader has already refused unknown keys, so this is a fallback only."""
    return site.statuses.get(key) or Status(key, key, "")


def claim_order(page: Page) -> list[str]:
    """Claim ids in the order of the page's endnotes: first reference first, then unreferenced ones."""
    order = dict.fromkeys(ref.claim for ref in page.doc.references if ref.claim in page.claims)
    return [*order, *(cid for cid in page.claims if cid not in order)]


def claim_texts(page: Page) -> dict[str, str]:
    """Each claim's text: the label of its first reference that has one."""
    texts: dict[str, str] = {}
    for ref in page.doc.references:
        if ref.label and ref.claim not in texts:
            texts[ref.claim] = ref.label
    return texts


def changes_of(site: Site, claim: Claim) -> tuple[Change, ...]:
    """The claim's corrections, newest first; the last one led to the current status on `checked`."""
    history = claim.history
    if not history:  # most claims: no corrections
        return ()
    changes = []
    for i, earlier in enumerate(history):
        if i + 1 < len(history):
            later = history[i + 1]
            date, now, note = later.date, later.status, Markup.escape(later.note or "")
        else:
            date, now, note = claim.checked or earlier.date, claim.status, Markup(claim.note_html)
        changes.append(Change(date, status_of(site, earlier.status), status_of(site, now), note))
    return tuple(reversed(changes))


def page_entries(site: Site, page: Page) -> list[Entry]:
    """Every claim of one page, in endnote order."""
    texts = claim_texts(page)
    entries = []
    for number, cid in enumerate(claim_order(page), 1):
        claim = page.claims[cid]
        sources = tuple(page.sources[key] for key in claim.sources if key in page.sources)
        entries.append(Entry(page, claim, number, texts.get(cid, ""), status_of(site, claim.status), sources, changes_of(site, claim)))
    return entries


def ordered_pages(pages: list[Page]) -> list[Page]:
    """Pages with claims, newest first as on the home page."""
    return newest_first(p for p in pages if p.facts.claims)


def claim_url(site: Site, entry: Entry) -> str:
    """The absolute address of a claim's endnote."""
    return site.absolute(f"{entry.page.url}#{entry.anchor}")


def claim_page_path(entry: Entry) -> str | None:
    """A claim's own page from the site root, EXPLAINER/claims/ID/; None for the home page's claims, which have none."""
    return f"{entry.page.url}claims/{entry.claim.id}/" if entry.page.slug else None


def claim_page_url(site: Site, entry: Entry) -> str | None:
    """The absolute address of a claim's own page (see claim_page_path)."""
    path = claim_page_path(entry)
    return site.absolute(path) if path else None
