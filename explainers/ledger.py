"""Claims as data: the claims/ ledger page, claims.json, ClaimReview JSON-LD and corrections.

Every view here is built from one list of `Entry` values, a claim together with the page it
belongs to, its reading-order number, its text and its resolved status and sources, so the
ledger, the export and the JSON-LD cannot disagree about a claim.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from json.encoder import encode_basestring

from markupsafe import Markup

from .model import Claim, Page, Site, Source, Status

LEDGER = "claims/index.html"
EXPORT = "claims.json"
EXPORT_VERSION = 1
HOME_KEY = "index"  # the filter value of the home page, whose slug is "" ("index" is a reserved slug)
# Characters that could end a <script> element or open an HTML comment inside it.
SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


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
    """Pages with claims, newest first as on the home page, then by slug for a stable order."""
    return sorted((p for p in pages if p.facts.claims), key=lambda p: (p.date, p.slug), reverse=True)


def absolute(site: Site, path: str) -> str:
    """An address under base_url (which ends in '/'); paths here are slugs and claim ids, safe as they are."""
    return site.base_url + path


def claim_url(site: Site, entry: Entry) -> str:
    """The absolute address of a claim's endnote."""
    return absolute(site, f"{entry.page.url}#{entry.anchor}")


# claims.json


def export_entry(site: Site, entry: Entry) -> dict:
    """One claim of claims.json (shape: schema/claims.schema.json)."""
    claim = entry.claim
    return {
        "id": claim.id,
        "url": claim_url(site, entry),
        "page": {"title": entry.page.title, "path": entry.page.url, "url": absolute(site, entry.page.url)},
        "number": entry.number,
        "text": entry.text,
        "status": {"key": entry.status.key, "label": entry.status.label},
        "sources": [{"key": s.key, "name": s.name, "url": s.url} for s in entry.sources],
        "note": {"text": claim.note_text, "html": claim.note_html} if claim.note else None,
        "evidence_url": claim.url,
        "archive_url": claim.archive,
        "checked": claim.checked.isoformat() if claim.checked else None,
        "history": [
            {"date": h.date.isoformat(), "status": {"key": h.status, "label": status_of(site, h.status).label}, "note": h.note}
            for h in claim.history
        ],
    }


def json_text(value: object, compact: bool = False) -> str:
    """A scalar as json.dumps(value, ensure_ascii=False) writes it; strings, null and ints without json.dumps' set-up per call."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":") if compact else None)


def export_line(site: Site, entry: Entry, page_json: str) -> str:
    """json.dumps(export_entry(site, entry), ensure_ascii=False), written directly; `page_json` is export_page()'s.

    `s` encodes the fields the model types as str, `j` (json_text) those that may be None or another type.
    """
    claim, s, j = entry.claim, encode_basestring, json_text
    sources = ", ".join(f'{{"key": {s(src.key)}, "name": {s(src.name)}, "url": {j(src.url)}}}' for src in entry.sources)
    note = f'{{"text": {s(claim.note_text)}, "html": {s(claim.note_html)}}}' if claim.note else "null"
    history = ", ".join(
        f'{{"date": {s(h.date.isoformat())}, "status": {{"key": {s(h.status)}, "label": {s(status_of(site, h.status).label)}}}, "note": {j(h.note)}}}'
        for h in claim.history
    )
    return (
        f'{{"id": {s(claim.id)}, "url": {s(claim_url(site, entry))}, "page": {page_json}, "number": {j(entry.number)}, '
        f'"text": {s(entry.text)}, "status": {{"key": {s(entry.status.key)}, "label": {s(entry.status.label)}}}, '
        f'"sources": [{sources}], "note": {note}, "evidence_url": {j(claim.url)}, "archive_url": {j(claim.archive)}, '
        f'"checked": {s(claim.checked.isoformat()) if claim.checked else "null"}, "history": [{history}]}}'
    )


def export_page(site: Site, page: Page) -> str:
    """The "page" object of a claim in claims.json, the same for each claim of the page."""
    return f'{{"title": {json_text(page.title)}, "path": {json_text(page.url)}, "url": {json_text(absolute(site, page.url))}}}'


def export_document(site: Site, page_lines: list[str]) -> str:
    """claims.json as text: the site, its status vocabulary and every claim, from each page's export_lines() (or stand-ins for them)."""
    data = {
        "version": EXPORT_VERSION,
        "site": {"title": site.title, "url": site.base_url},
        "statuses": [{"key": s.key, "label": s.label, "description": s.description} for s in site.statuses.values()],
        "claims": [],
    }
    # One claim per line: readable and diffable, yet written by json's fast C encoder
    # (indent= would use the pure-Python one, ten times slower on a large site).
    head = json.dumps(data, ensure_ascii=False)[: -len("[]}")]
    lines = [lines for lines in page_lines if lines]
    if not lines:
        return head + "[]}\n"
    return "".join([head, "[\n", ",\n".join(lines), "\n]}\n"])


# ClaimReview JSON-LD


def publisher(site: Site) -> dict:
    """The organisation that reviews the claims: site.yaml `publisher`, else the site itself."""
    org = {"@type": "Organization", "name": site.publisher.get("name") or site.title}
    org["url"] = site.publisher.get("url") or site.base_url
    return org


def claim_review(site: Site, entry: Entry) -> dict:
    """One schema.org ClaimReview for a claim."""
    claim, page = entry.claim, entry.page
    item: dict = {"@type": "Claim", "author": [{"@type": "Organization", "name": s.name, **({"url": s.url} if s.url else {})} for s in entry.sources]}
    appearance = list(dict.fromkeys(s.url for s in entry.sources if s.url))
    if appearance:
        item["appearance"] = [{"@type": "CreativeWork", "url": url} for url in appearance]
    review = {
        "@type": "ClaimReview",
        "url": claim_url(site, entry),
        "claimReviewed": entry.text or claim.id,
        "author": publisher(site),
        "datePublished": page.date.isoformat(),
        "reviewRating": {
            "@type": "Rating",
            "alternateName": entry.status.label,
            "ratingExplanation": claim.note_text or entry.status.description,
        },
        "itemReviewed": item,
    }
    if claim.checked and claim.checked > page.date:
        review["dateModified"] = claim.checked.isoformat()
    return review


def script_json(data: object) -> Markup:
    """JSON that is safe inside <script>: no '<', '>' or '&' can end the element or open a comment."""
    return script_escaped(json_text_compact(data))


def script_escaped(text: str) -> Markup:
    """JSON text made safe inside <script> (see script_json)."""
    for char, escape in SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


def claim_reviews(site: Site, entries: list[Entry]) -> Markup:
    """A page's JSON-LD from its page_entries(): one ClaimReview per claim, or '' for a page without claims.

    The same text as script_json() of claim_review() dicts (see claim_reviews_reference), written directly:
    building and encoding the dicts was a third of rendering a page.
    """
    if not entries:
        return Markup("")
    author = json_text_compact(publisher(site))
    graph = ",".join(claim_review_json(site, e, author) for e in entries)
    return script_escaped(f'{{"@context":"https://schema.org","@graph":[{graph}]}}')


def claim_reviews_reference(site: Site, entries: list[Entry]) -> Markup:
    """What claim_reviews() must equal: its dicts, through json.dumps."""
    if not entries:
        return Markup("")
    return script_json({"@context": "https://schema.org", "@graph": [claim_review(site, e) for e in entries]})


def json_text_compact(value: object) -> str:
    """json.dumps(value, ensure_ascii=False, separators=(",", ":")): for the few values made once per page."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def claim_review_json(site: Site, entry: Entry, author: str) -> str:
    """claim_review(site, entry) as compact JSON, written directly; `author` is the publisher's JSON.

    `s` encodes the fields the model types as str, `j` (json_text) those that may be None or another type.
    """
    claim, page, s, j = entry.claim, entry.page, encode_basestring, json_text
    authors = ",".join(
        f'{{"@type":"Organization","name":{s(src.name)},"url":{j(src.url, True)}}}' if src.url
        else f'{{"@type":"Organization","name":{s(src.name)}}}'
        for src in entry.sources
    )
    item = f'{{"@type":"Claim","author":[{authors}]'
    appearance = list(dict.fromkeys(src.url for src in entry.sources if src.url))
    if appearance:
        item += ',"appearance":[' + ",".join(f'{{"@type":"CreativeWork","url":{j(url, True)}}}' for url in appearance) + "]"
    modified = f',"dateModified":{s(claim.checked.isoformat())}' if claim.checked and claim.checked > page.date else ""
    return (
        f'{{"@type":"ClaimReview","url":{s(claim_url(site, entry))},"claimReviewed":{s(entry.text or claim.id)},'
        f'"author":{author},"datePublished":{s(page.date.isoformat())},'
        f'"reviewRating":{{"@type":"Rating","alternateName":{s(entry.status.label)},'
        f'"ratingExplanation":{s(claim.note_text or entry.status.description)}}},'
        f'"itemReviewed":{item}}}{modified}}}'
    )


# the ledger page and the corrections list


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
        "claim_reviews": lambda page: claim_reviews(site, claim_entries(page)),
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


def export_lines(site: Site, entries: list[Entry]) -> str:
    """A page's claims (its page_entries()) as lines of claims.json."""
    page_json: dict[str, str] = {}  # by page name: made once, not once per claim
    lines = []
    for entry in entries:
        name = entry.page.name
        if name not in page_json:
            page_json[name] = export_page(site, entry.page)
        lines.append(export_line(site, entry, page_json[name]))
    return ",\n".join(lines)


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
