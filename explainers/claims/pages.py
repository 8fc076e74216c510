"""Claims on pages of their own: a page per claim, its embeddable card, the rating badges and the corrections log.

    EXPLAINER/claims/ID/         the claim page (layouts/claim.html), with its one ClaimReview
    EXPLAINER/claims/ID/embed/   the card another site puts in an <iframe> (layouts/embed.html): no script, no JSON-LD
    badges/STATUS.svg            one rating badge per status of site.yaml, the ClaimReview's `image`
    corrections/, corrections.xml  every change of a claim's status on the site, newest first (HTML and Atom)

Only published pages with a slug have claim pages (not the home page's intro, not drafts).
A claim page and its embed are rendered under the render key of their explainer, so an
incremental build renders again only the claim pages of the pages that changed; many are
rendered with their explainer, in its render worker when there are many.
"""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import feeds, output
from ..cache import digest
from ..i18n import _
from ..model import Page, Site
from .entries import Entry, claim_page_path
from .links import note_moved
from .export import badge_path, claim_review, json_text_compact, publisher, ratings

KINDS = ("claim", "embed")
LOG = "corrections/index.html"
LOG_FEED = "corrections.xml"
# Badge colours (white glyphs on them meet AA contrast) and glyphs (SVG path data, 64x64) of the default statuses.
BADGE_STYLE = {
    "verified": ("#1a7f37", "M16 33 L28 45 L48 20"),
    "unverified": ("#805b00", "M22 24 a10 10 0 1 1 14 9 c-3 2 -4 3 -4 7 v1 M32 48 v2"),
    "attributed": ("#5a49c0", "M20 42 Q18 24 30 20 M36 42 Q34 24 46 20"),
    "disputed": ("#9a4d00", "M32 14 V38 M20 26 H44 M20 48 H44"),
    "refuted": ("#b42318", "M20 20 L44 44 M44 20 L20 44"),
}
OTHER_BADGE = ("#4b5563", "M32 30 v2")


def published(pages: list[Page]) -> list[Page]:
    """The pages whose claims have pages of their own."""
    return [p for p in pages if p.slug and not p.draft and p.facts.claims]


def file_of(page: Page, cid: str, kind: str) -> str:
    """The output file of a claim's page or embed."""
    return f"{page.url}claims/{cid}/index.html" if kind == "claim" else f"{page.url}claims/{cid}/embed/index.html"


class ClaimPages:
    """Renders every claim page and embed: a page's own together with the page (in its render worker), the rest reused.

    `render(page)` is called wherever the page is rendered, a worker or this process, and
    writes the page's claim files into `into` (the new output folder), or keeps their bytes
    when there is none; `files(...)` then names every claim file of the site.
    """

    def __init__(self, site: Site, env: jinja2.Environment, shared: dict, into: Path | None, in_memory: bool = False):
        self.site, self.env, self.shared, self.into = site, env, shared, into
        self.in_memory = in_memory  # render() keeps the bytes even with an `into` (few pages rendered, see render.render)
        self.made: dict[str, bytes] = {}  # output path -> bytes, where not written into `into`
        self.rating, self.author = ratings(site), json_text_compact(publisher(site))

    def render(self, page: Page, in_memory: bool | None = None) -> None:
        """Render a page's claim pages and embeds (if it has any), into the output folder or kept here."""
        if not published([page]):
            return
        into = None if (self.in_memory if in_memory is None else in_memory) else self.into
        entries = self.env.globals["claim_entries"](page)
        other = self.env.get_template("partials/other-claim.html")
        # a claim page lists the page's other claims: each item made once here, not once per claim page
        others = [(e.claim.id, Markup(other.render(e=e))) for e in entries]
        top = None if into is None else f"{into}/{page.url}claims"
        if top is not None:
            os.makedirs(top, exist_ok=True)
        for entry in entries:
            for kind in KINDS:
                rel = file_of(page, entry.claim.id, kind)
                data = self.render_one(page, entry, entries, kind, others)
                if top is None:
                    self.made[rel] = data
                else:
                    # plain strings and one mkdir per folder: a full build makes 40,000 of them
                    folder = f"{top}/{entry.claim.id}" if kind == "claim" else f"{top}/{entry.claim.id}/embed"
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(folder)
                    with open(f"{folder}/index.html", "wb") as f:
                        f.write(data)

    def render_one(self, page: Page, entry: Entry, entries: list[Entry], kind: str, others: list[tuple[str, Markup]]) -> bytes:
        """A claim's page or its embed; `others`: (id, item) of every claim of the page for the list of the others."""
        if kind == "claim":
            html = self.env.get_template("claim.html").render(
                page=page, entry=entry, entries=entries, other_claims=others, root="../../../", url_path=claim_page_path(entry),
                meta_title=_("Claim {number}: {status} · {title}").format(number=entry.number, status=entry.status.label, title=page.title),
                jsonld=claim_review(self.site, entry, self.author, self.rating),
                rating=self.rating.get(entry.status.key), badge=badge_path(entry.status.key), **self.shared)
        else:
            html = self.env.get_template("embed.html").render(page=page, entry=entry, root="../../../../", badge=badge_path(entry.status.key))
        return html.encode("utf-8")

    def files(self, listed: list[Page], rendered: set[str], keys: dict[str, str], reuse) -> dict:
        """Every claim file, by output path: those of the pages rendered in this build (`rendered`, page names), and for
        the rest the last output's, under their explainer's render key; a reused page missing some renders its claims now.

        A page's claim files are one group (`PAGE/claims/`, reuse.groups): kept whole, as one
        output.Kept entry, or made again whole, as one output.Written entry where they were
        written into `into`; no file of an unchanged page is looked at.
        """
        files: dict = {}
        for page in published(listed):
            key = keys.get(page.name)
            folder = f"{page.url}claims/"
            if page.name not in rendered and key:
                kept = reuse.previous_group(folder, key)
                if kept is not None and len(kept) == len(KINDS) * page.facts.claims:
                    files[folder] = kept
                    reuse.groups[folder] = (key, kept.files)
                    continue
            if page.name not in rendered:  # its group is missing or changed: many such pages go to `into`
                self.render(page.whole() if hasattr(page, "whole") else page, in_memory=False)
            rels = [file_of(page, cid, kind) for cid in page.facts.claim_ids.split("\n") if cid for kind in KINDS]
            listed = "\n".join(rels)
            if key:
                reuse.groups[folder] = (key, listed)
            if rels and rels[0] not in self.made:  # written into `into`: one entry, not a Path a file (output.Written)
                files[folder] = output.Written(listed)
                continue
            for rel in rels:
                files[rel] = self.made.pop(rel)
        return files


def badge_svg(key: str, label: str) -> bytes:
    """A status's rating badge: a rounded square in the status's colour with a white glyph, legible from 16 to 64 px."""
    colour, glyph = BADGE_STYLE.get(key, OTHER_BADGE)
    title = feeds.escape_text(label)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="'
        f'{feeds.escape_attribute(label)}"><title>{title}</title><rect width="64" height="64" rx="14" fill="{colour}"/>'
        f'<path d="{glyph}" fill="none" stroke="#fff" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/></svg>\n'
    ).encode("utf-8")


def badge_files(site: Site) -> dict[str, bytes]:
    """badges/STATUS.svg for every status of site.yaml."""
    return {badge_path(s.key): badge_svg(s.key, s.label) for s in site.statuses.values()}


# --- the corrections log -------------------------------------------------------------------


def correction_lines(entries: list[Entry]) -> str:
    """A page's piece of the corrections log: one JSON line per change of a claim's status (pieces.Parts keeps it)."""
    lines = []
    for entry in entries:
        path = claim_page_path(entry)
        for change in entry.changes:
            note = Markup(note_moved(str(change.note_html), entry.page.url, "corrections/"))
            lines.append(json.dumps({
                "date": change.date.isoformat(), "page_date": entry.page.date.isoformat(), "slug": entry.page.slug,
                "number": entry.number, "path": path, "title": entry.page.title, "text": entry.text or entry.claim.id,
                "id": entry.claim.id, "was": [change.was.key, change.was.label], "now": [change.now.key, change.now.label],
                "note_html": str(note), "note_text": note.striptags(),
            }, ensure_ascii=False, sort_keys=True))
    return "".join(line + "\n" for line in lines)


def log_files(site: Site, env: jinja2.Environment, pages: list[Page], parts, reuse, nav: list[Page]) -> dict[str, bytes | Path]:
    """corrections/index.html and corrections.xml, from every published page's piece; the last output's files if no piece changed."""
    listed = published(pages)
    entries_of = env.globals["claim_entries"]
    makers = {p.name: (lambda p=p: correction_lines(entries_of(p))) for p in listed}
    if reuse is not None:
        key = digest(reuse.env_key, *(f"{p.name}={parts.get(p, 'corrections', makers[p.name])}" for p in listed),
                     *(f"{p.url}|{p.title}" for p in nav))
        reuse.keys[LOG] = reuse.keys[LOG_FEED] = key
        old = {rel: reuse.previous(rel, key) for rel in (LOG, LOG_FEED)}
        if all(old.values()):
            return old
        texts = [parts.data(p, "corrections", makers[p.name]).decode("utf-8") for p in listed]
    else:
        texts = [makers[p.name]() for p in listed]
    changes = [json.loads(line) for text in texts for line in text.splitlines() if line]
    changes.sort(key=lambda c: (c["date"], c["page_date"], c["slug"], -c["number"]), reverse=True)
    for c in changes:
        c["day"] = feeds.dt.date.fromisoformat(c["date"])
    html = env.get_template("corrections.html").render(page=None, root="../", url_path="corrections/", meta_title=_("Corrections log"),
                                                       changes=changes, nav=nav, explainers=[], home=None)
    return {LOG: html.encode("utf-8"), LOG_FEED: log_feed(site, changes).encode("utf-8")}


def log_feed(site: Site, changes: list[dict]) -> str:
    """corrections.xml: an Atom entry per change of status, newest first."""
    e = feeds.element
    updated = feeds.timestamp(feeds.dt.date.fromisoformat(changes[0]["date"])) if changes else feeds.timestamp(feeds.EPOCH)
    lines = [e(1, "id", site.absolute(LOG_FEED)), e(1, "title", _("Corrections · {title}").format(title=site.title)), e(1, "updated", updated),
             "  <author>", e(2, "name", site.publisher.get("name") or site.title), "  </author>",
             e(1, "link", rel="alternate", type="text/html", href=site.absolute("corrections/")),
             e(1, "link", rel="self", type="application/atom+xml", href=site.absolute(LOG_FEED))]
    entries = []
    for c in changes:
        url = site.absolute(c["path"])
        summary = _("{title}, claim {number} (“{text}”): changed from {was} to {now}.").format(
            title=c['title'], number=c['number'], text=c['text'], was=c['was'][1], now=c['now'][1])
        if c["note_text"]:
            summary += " " + c["note_text"]
        entries.append(feeds.lines_text([
            "  <entry>", e(2, "id", f"{url}#change-{c['date']}-{c['now'][0]}"),
            e(2, "title", _("{now} (was {was}): {text}").format(now=c['now'][1], was=c['was'][1], text=c['text'])),
            e(2, "link", rel="alternate", type="text/html", href=url),
            e(2, "updated", feeds.timestamp(feeds.dt.date.fromisoformat(c["date"]))),
            e(2, "summary", summary, type="text"), "  </entry>",
        ]))
    return feeds.document("feed", {"xmlns": feeds.ATOM, "xml:lang": site.language}, lines, entries)
