"""Claims as data for other programs: claims.json, each explainer's claims.json and the ClaimReview JSON-LD.

Both are written directly as text rather than built as dicts for json.dumps: they are the
largest part of rendering a page. tests/claims/test_export.py checks them against the
dicts a reader would expect, through json.dumps, over hostile strings.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring

from markupsafe import Markup

from ..i18n import _
from ..model import Page, Site
from .entries import HOME_KEY, Entry, claim_page_url, claim_url, status_of
from .links import note_moved

EXPORT = "claims.json"
EXPORT_VERSION = 2  # 2: claims.json is an index of explainers, with every claim only on a small site; each explainer has its own
# The numeric scale of every reviewRating: site.yaml may give a status `rating: N` (WORST..BEST);
# the five default statuses have these. A status without a rating gets no numeric rating.
BEST, WORST = 5, 1
DEFAULT_RATINGS = {"verified": 5, "attributed": 3, "unverified": 3, "disputed": 2, "refuted": 1}
CLAIM_REVIEWED_MAX = 150  # characters of claimReviewed: a longer passage is cut at a word and ends with "…"
BADGES = "badges"  # badges/STATUS.svg: one rating badge per status (claims/pages.py)
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
    note = f'{{"text": {s(claim.note_text)}, "html": {s(note_moved(claim.note_html, entry.page.url, None, site))}}}' if claim.note else "null"
    history = ", ".join(
        f'{{"date": {s(h.date.isoformat())}, "status": {{"key": {s(h.status)}, "label": {s(status_of(site, h.status).label)}}}, "note": {j(h.note)}}}'
        for h in claim.history
    )
    return (
        f'{{"id": {s(claim.id)}, "url": {s(claim_url(site, entry))}, "page": {page_json}, "number": {j(entry.number)}, '
        f'"text": {s(entry.text)}, "status": {{"key": {s(entry.status.key)}, "label": {s(entry.status.label)}}}, '
        f'"sources": [{sources}], "note": {note}, "evidence_url": {j(claim.url)}, "archive_url": {j(claim.archive)}, '
        f'"checked": {s(claim.checked.isoformat()) if claim.checked else "null"}, "history": [{history}], '
        f'"claim_page": {j(claim_page_url(site, entry))}}}'
    )


def export_page(site: Site, page: Page) -> str:
    """The "page" object of a claim in claims.json, the same for each claim of the page."""
    return f'{{"title": {json_text(page.title)}, "path": {json_text(page.url)}, "url": {json_text(site.absolute(page.url))}}}'


def export_head(site: Site) -> str:
    """The start of every claims.json, up to its statuses: `{"version": …, "site": …, "statuses": [...]` (no closing brace)."""
    data = {
        "version": EXPORT_VERSION,
        "site": {"title": site.title, "url": site.base_url, **({"inLanguage": site.language} if site.languages else {})},
        "statuses": [{"key": s.key, "label": s.label, "description": s.description} for s in site.statuses.values()],
    }
    return json.dumps(data, ensure_ascii=False)[:-1]


def index_entry(site: Site, page: Page, export_path: str, ledger_path: str) -> dict:
    """An explainer in the index of claims.json, from its front matter: its claims by status and its own files."""
    tally = page.facts.tally
    return {
        "key": page.slug or HOME_KEY,
        "title": page.title,
        "path": page.url,
        "url": site.absolute(page.url),
        "claim_count": sum(tally.values()),
        "status_counts": {key: tally[key] for key in site.statuses if tally.get(key)},
        "sources": sorted(page.facts.cited, key=lambda n: (n.casefold(), n)),
        "claims_file": site.absolute(export_path),
        "ledger": site.absolute(ledger_path),
    }


def claim_lines(page_lines: list[str]) -> str:
    """The "claims" array, one claim per line: readable and diffable, yet written by json's C encoder (indent= would use the pure-Python one)."""
    lines = [lines for lines in page_lines if lines]
    return "".join(["[\n", ",\n".join(lines), "\n]"]) if lines else "[]"


def export_document(site: Site, index: list[dict], page_lines: list[str] | None) -> str:
    """claims.json as text: the site, its statuses, the index of explainers (index_entry()), and with `page_lines` every claim.

    `page_lines` are each page's export_lines() (or stand-ins for them); None on a large site,
    whose claims are in each explainer's own file (explainer_document()).
    """
    explainers = "".join(["[\n", ",\n".join(json.dumps(e, ensure_ascii=False) for e in index), "\n]"]) if index else "[]"
    parts = [export_head(site), ', "explainers": ', explainers]
    if page_lines is not None:
        parts += [', "claims": ', claim_lines(page_lines)]
    return "".join([*parts, "}\n"])


def explainer_document(site: Site, entry: dict, lines: str) -> str:
    """One explainer's claims.json as text: the site, its statuses, the explainer (index_entry()) and its claims (export_lines() or a stand-in)."""
    return "".join([export_head(site), ', "explainer": ', json.dumps(entry, ensure_ascii=False), ', "claims": ', claim_lines([lines]), "}\n"])


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


def ratings(site: Site) -> dict[str, int]:
    """Each status's numeric rating: site.yaml `statuses: KEY: {rating: N}` (a whole number WORST..BEST), else DEFAULT_RATINGS."""
    found = {}
    table = site.raw.get("statuses") if isinstance(site.raw, dict) else None
    for key in site.statuses:
        given = table.get(key, {}).get("rating") if isinstance(table, dict) and isinstance(table.get(key), dict) else None
        text = str(given).strip() if given is not None else ""
        if text.isdigit() and WORST <= int(text) <= BEST:
            found[key] = int(text)
        elif key in DEFAULT_RATINGS:
            found[key] = DEFAULT_RATINGS[key]
    return found


def claim_reviewed(entry: Entry) -> str:
    """claimReviewed: the claim's passage with whitespace folded, cut at a word to CLAIM_REVIEWED_MAX characters; its id if unreferenced."""
    text = " ".join(entry.text.split()) or entry.claim.id
    if len(text) <= CLAIM_REVIEWED_MAX:
        return text
    cut = text[: CLAIM_REVIEWED_MAX - 1]
    space = cut.rfind(" ")
    if space > CLAIM_REVIEWED_MAX // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def explainer_jsonld(site: Site, page: Page, entries: list[Entry]) -> Markup:
    """An explainer's JSON-LD: the Article, and an ItemList of its claims' own pages (each of which holds the one ClaimReview).

    No ClaimReview here: a page with more than one is not eligible for fact-check results,
    and each claim's review stands on exactly one page, its claim page. '' for a page without claims.
    """
    if not entries or not page.slug:
        return Markup("")
    s, pub = encode_basestring, json_text_compact(publisher(site))
    items = ",".join(
        f'{{"@type":"ListItem","position":{e.number},"url":{s(claim_page_url(site, e))},"name":{s(claim_reviewed(e))}}}' for e in entries
    )
    modified, list_name = page.updated or page.date, _("Claims checked in this explainer")
    return script_escaped(
        f'{{"@context":"https://schema.org","@type":"Article",{in_language(site)}"headline":{s(page.title)},"url":{s(site.absolute(page.url))},'
        f'"datePublished":{s(page.date.isoformat())},"dateModified":{s(modified.isoformat())},"author":{pub},"publisher":{pub},'
        f'"hasPart":{{"@type":"ItemList","name":{s(list_name)},"numberOfItems":{len(entries)},"itemListElement":[{items}]}}}}'
    )


def json_text_compact(value: object) -> str:
    """json.dumps(value, ensure_ascii=False, separators=(",", ":")): for the few values made once per page."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def claim_review(site: Site, entry: Entry, author: str, rating: dict[str, int]) -> Markup:
    """A claim page's one schema.org ClaimReview, as compact JSON safe inside <script>; `author` is the publisher's JSON, `rating` ratings().

    Written directly, not as dicts through json.dumps (tests/claims/test_export.py compares the two).
    `s` encodes the fields the model types as str, `j` (json_text) those that may be None or another type.
    """
    claim, page, s, j = entry.claim, entry.page, encode_basestring, json_text
    authors = ",".join(
        f'{{"@type":"Organization","name":{s(src.name)},"sameAs":{j(src.url, True)}}}' if src.url
        else f'{{"@type":"Organization","name":{s(src.name)}}}'
        for src in entry.sources
    )
    item = f'{{"@type":"Claim","author":[{authors}]'
    if claim.url:  # where the claim itself was made, when the writer linked it: never a source's home page
        work = f'{{"@type":"CreativeWork","url":{j(claim.url, True)}}}'
        item += f',"appearance":[{work}],"firstAppearance":{work}'
    item += "}"
    score = rating.get(entry.status.key)
    numbers = f'"ratingValue":{score},"bestRating":{BEST},"worstRating":{WORST},' if score is not None else ""
    modified = claim.checked if claim.checked and claim.checked > page.date else page.date
    return script_escaped(
        f'{{"@context":"https://schema.org","@type":"ClaimReview",{in_language(site)}"url":{s(claim_page_url(site, entry))},'
        f'"claimReviewed":{s(claim_reviewed(entry))},"author":{author},'
        f'"datePublished":{s(page.date.isoformat())},"dateModified":{s(modified.isoformat())},'
        f'"image":{s(site.absolute(badge_path(entry.status.key)))},'
        f'"reviewRating":{{"@type":"Rating",{numbers}"alternateName":{s(entry.status.label)},'
        f'"ratingExplanation":{s(claim.note_text or entry.status.description)}}},'
        f'"itemReviewed":{item}}}'
    )


def in_language(site: Site) -> str:
    """The JSON-LD's `inLanguage` member, with its comma, on a site with `languages:` (a one-language site's JSON-LD is as it was)."""
    return f'"inLanguage":{encode_basestring(site.language)},' if site.languages else ""


def badge_path(status_key: str) -> str:
    """The path of a status's rating badge from the site root."""
    return f"{BADGES}/{status_key}.svg"
