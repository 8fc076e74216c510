"""Claims as data for other programs: claims.json and the ClaimReview JSON-LD of each explainer.

Both are written directly as text rather than built as dicts for json.dumps: they are the
largest part of rendering a page. tests/claims/test_export.py checks them against the
dicts a reader would expect, through json.dumps, over hostile strings.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring

from markupsafe import Markup

from ..model import Page, Site
from .entries import Entry, claim_url, status_of

EXPORT = "claims.json"
EXPORT_VERSION = 1
# Characters that could end a <script> element or open an HTML comment inside it.
SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


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
    """One claim of claims.json (shape: schema/claims.schema.json) as json.dumps would write it; `page_json` is export_page()'s.

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
    return f'{{"title": {json_text(page.title)}, "path": {json_text(page.url)}, "url": {json_text(site.absolute(page.url))}}}'


def export_document(site: Site, page_lines: list[str]) -> str:
    """claims.json as text: the site, its status vocabulary and every claim, from each page's export_lines() (or stand-ins for them)."""
    data = {
        "version": EXPORT_VERSION,
        "site": {"title": site.title, "url": site.base_url},
        "statuses": [{"key": s.key, "label": s.label, "description": s.description} for s in site.statuses.values()],
        "claims": [],
    }
    # One claim per line: readable and diffable, yet written by json's C encoder
    # (indent= would use the pure-Python one).
    head = json.dumps(data, ensure_ascii=False)[: -len("[]}")]
    lines = [lines for lines in page_lines if lines]
    if not lines:
        return head + "[]}\n"
    return "".join([head, "[\n", ",\n".join(lines), "\n]}\n"])


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


def publisher(site: Site) -> dict:
    """The organisation that reviews the claims: site.yaml `publisher`, else the site itself."""
    org = {"@type": "Organization", "name": site.publisher.get("name") or site.title}
    org["url"] = site.publisher.get("url") or site.base_url
    return org


def script_escaped(text: str) -> Markup:
    """JSON text made safe inside <script>: no '<', '>' or '&' can end the element or open a comment."""
    for char, escape in SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


def claim_reviews(site: Site, entries: list[Entry]) -> Markup:
    """A page's JSON-LD from its page_entries(): one ClaimReview per claim, or '' for a page without claims.

    Written directly, not as dicts through json.dumps (tests/claims/test_export.py compares the two).
    """
    if not entries:
        return Markup("")
    author = json_text_compact(publisher(site))
    graph = ",".join(claim_review_json(site, e, author) for e in entries)
    return script_escaped(f'{{"@context":"https://schema.org","@graph":[{graph}]}}')


def json_text_compact(value: object) -> str:
    """json.dumps(value, ensure_ascii=False, separators=(",", ":")): for the few values made once per page."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def claim_review_json(site: Site, entry: Entry, author: str) -> str:
    """One schema.org ClaimReview for a claim, as compact JSON; `author` is the publisher's JSON.

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
