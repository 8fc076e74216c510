"""Publishing outputs beside the pages: sitemap.xml, feed.xml (Atom) and _headers.

Everything here is derived from the content alone, never from the clock or the machine, so
two builds of the same input give the same bytes. Absolute URLs are made from `base_url`,
the one place the site's final address is known; the pages themselves link relatively.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2

from .model import Page, Site, newest_first

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"  # a sitemap entry's xhtml:link, one per language of the page (hreflang)
EPOCH = dt.date(1970, 1, 1)  # the feed's `updated` when the site has no dated page at all
# Characters XML 1.0 cannot carry at all, not even escaped (front matter is data; it may hold them).
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CSP_META_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"{}]+)">')
HASHED_ASSET_RE = re.compile(r"\.[0-9a-f]{10}\.(?:css|js)$")
# Headers only a server can send (a <meta> CSP ignores frame-ancestors), beside the page's own policy.
EXTRA_CSP = "frame-ancestors 'none'"
# A claim's embed (EXPLAINER/claims/ID/embed/) is made to be framed by any site, and runs no script.
EMBED_RULE = "/*/embed/"
EMBED_CSP = "script-src 'none'; frame-ancestors *"
# The search page (search/, and a language's LANG/search/) declares its own policy (layouts/search.html).
SEARCH_RULES = ("/search/", "/*/search/")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
HEADERS = "_headers"
IMMUTABLE = "public, max-age=31536000, immutable"


def render_files(site: Site, pages: list[Page], env: jinja2.Environment, asset_names: dict[str, str],
                 stand_in=None, splice=None) -> dict[str, bytes | Path]:
    """The sitemap, the Atom feed and (unless static/ has its own) the headers file, by output path.

    `asset_names` maps each static file to its output name (render.fingerprint_static).
    `stand_in` (pieces.Parts.stand_in) places each page's entry, kept between builds, and
    `splice` (output path, text) puts them in, or gives the last output's file if unchanged.
    """
    stand_in, splice = stand_in or written_out, splice or (lambda rel, text: text.encode("utf-8"))
    published = [p for p in pages if not p.draft]  # a --drafts preview still announces no draft
    language = env.globals.get("language")  # languages.Speaking (render.make_environment)
    alternates = language.alternates if language is not None else (lambda page, path=None: [])
    files = {"sitemap.xml": splice("sitemap.xml", sitemap_text(site, published, stand_in, alternates)),
             "feed.xml": splice("feed.xml", feed_text(site, published, stand_in))}
    if not (site.root / "static" / HEADERS).is_file():
        files[HEADERS] = headers_file(page_policy(env), sorted(name for name in asset_names.values() if HASHED_ASSET_RE.search(name)),
                                      page_policy(env, "search.html"))
    return files


def changed(page: Page) -> dt.date:
    """When a page last changed, by its own account: `updated`, else its publication date."""
    return page.updated or page.date


def timestamp(day: dt.date) -> str:
    """A date as an Atom (RFC 3339) timestamp, at midnight UTC so it never depends on the clock."""
    return f"{day.isoformat()}T00:00:00Z"


def clean(text: str) -> str:
    """Text with the characters XML cannot hold removed."""
    return XML_INVALID_RE.sub("", text)


def escape_text(text: str) -> str:
    """Text as XML character data (as ElementTree escapes it), without the characters XML cannot hold."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(value: str) -> str:
    """A value for a double-quoted XML attribute (as ElementTree escapes it)."""
    value = escape_text(value).replace('"', "&quot;")
    return value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def element(depth: int, tag: str, text: str | None = None, **attrs: str) -> str:
    """One indented line holding an element with optional text and attributes."""
    names = "".join(f' {name}="{escape_attribute(value)}"' for name, value in attrs.items())
    body = escape_text(text) if text is not None else ""
    return f"{'  ' * depth}<{tag}{names}>{body}</{tag}>" if body else f"{'  ' * depth}<{tag}{names} />"


def document(root: str, attrs: dict[str, str], lines: list[str], entries: list[str] = ()) -> str:
    """An XML document: declaration, the root element around the given indented lines and entries, final newline.

    Written as text rather than through ElementTree: building and indenting a tree for a
    thousand-page feed is slow, and every preview save rebuilds it.
    """
    names = "".join(f' {name}="{escape_attribute(value)}"' for name, value in attrs.items())
    inner = "".join(line + "\n" for line in lines)
    return "".join([f"<?xml version='1.0' encoding='utf-8'?>\n<{root}{names}>\n{inner}", *entries, f"</{root}>\n"])


def written_out(page: Page, name: str, make) -> str:
    """A page's entry itself (where no pieces.Parts keeps entries between builds)."""
    return make()


def lines_text(lines: list[str]) -> str:
    """Lines as text, each ending in a newline."""
    return "".join(line + "\n" for line in lines)


def sitemap_text(site: Site, pages: list[Page], piece, alternates=lambda page, path=None: []) -> str:
    """sitemap.xml as text, each page's entry given by piece(page, "sitemap", make); `alternates` (languages.Translated) its translations."""
    url_of = site.absolute
    listed = sorted((p for p in pages if p.slug), key=lambda p: p.url)
    # the home page lists every explainer, so it changes whenever any page does
    home_changed = max((changed(p) for p in pages), default=None)
    entries = [lines_text(sitemap_entry(url_of(""), home_changed, alternates(None, "")))]
    entries += [piece(p, "sitemap", lambda p=p: lines_text(sitemap_entry(url_of(p.url), changed(p), alternates(p)))) for p in listed]
    return document("urlset", {"xmlns": SITEMAP, **({"xmlns:xhtml": XHTML} if site.languages else {})}, [], entries)


def sitemap_entry(url: str, day: dt.date | None, alternates=()) -> list[str]:
    """One <url> of the sitemap, as lines: with an xhtml:link to each language's version, itself included (Google's hreflang in sitemaps)."""
    lines = ["  <url>", element(2, "loc", url)]
    if day is not None:
        lines.append(element(2, "lastmod", day.isoformat()))
    lines += [element(2, "xhtml:link", rel="alternate", hreflang=a.code, href=a.url) for a in alternates]
    return lines + ["  </url>"]


def feed_text(site: Site, pages: list[Page], piece) -> str:
    """feed.xml as text, each explainer's entry given by piece(page, "feed", make)."""
    lines = [element(1, "id", site.base_url), element(1, "title", site.title)]
    if site.description:
        lines.append(element(1, "subtitle", site.description))
    lines.append(element(1, "updated", timestamp(max((changed(p) for p in pages), default=EPOCH))))
    lines.append("  <author>")
    lines.append(element(2, "name", site.publisher.get("name") or site.title))
    if site.publisher.get("url"):
        lines.append(element(2, "uri", site.publisher["url"]))
    lines.append("  </author>")
    lines.append(element(1, "link", rel="alternate", type="text/html", href=site.base_url))
    lines.append(element(1, "link", rel="self", type="application/atom+xml", href=site.absolute("feed.xml")))
    url_of = site.absolute
    entries = [piece(page, "feed", lambda page=page: feed_entry(url_of(page.url), page)) for page in newest_first(p for p in pages if p.is_explainer)]
    return document("feed", {"xmlns": ATOM, "xml:lang": site.language}, lines, entries)


def feed_entry(url: str, page: Page) -> str:
    """One <entry> of the feed, as text."""
    return lines_text([
        "  <entry>",
        element(2, "id", url),
        element(2, "title", page.title),
        element(2, "link", rel="alternate", type="text/html", href=url),
        element(2, "published", timestamp(page.date)),
        element(2, "updated", timestamp(changed(page))),
        element(2, "summary", page.summary or page.title, type="text"),
        "  </entry>",
    ])


def page_policy(env: jinja2.Environment, layout: str = "base.html") -> str | None:
    """The Content-Security-Policy that layouts/base.html (or another layout) declares, so the header repeats it exactly."""
    try:
        source = env.loader.get_source(env, layout)[0]
    except jinja2.TemplateNotFound:
        return None
    found = CSP_META_RE.search(source)
    return found.group(1) if found else None


def headers_file(policy: str | None, assets: list[str], search_policy: str | None = None) -> bytes:
    """_headers for Netlify and Cloudflare Pages: the page policy everywhere, hashed assets cached for ever.

    HTML gets no Cache-Control here: both hosts' default makes browsers revalidate it on every
    visit, and a second Cache-Control on `/*` would be merged into the assets' one.
    """
    lines = ["# Written by the builder: headers for Netlify and Cloudflare Pages (see README, Publishing).", "/*"]
    if policy:
        lines.append(f"  Content-Security-Policy: {policy}; {EXTRA_CSP}")
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS.items()]
    if policy:  # embeds may be framed: Cloudflare's `! Header` drops the /* rule's policy first, Netlify's later rule replaces it
        lines += [EMBED_RULE, "  ! Content-Security-Policy", f"  Content-Security-Policy: {policy}; {EMBED_CSP}"]
    if policy and search_policy:  # the search page's policy also lets Pagefind compile its WebAssembly
        for rule in SEARCH_RULES:
            lines += [rule, "  ! Content-Security-Policy", f"  Content-Security-Policy: {search_policy}; {EXTRA_CSP}"]
    for path in sorted(assets):
        lines += [f"/{path}", f"  Cache-Control: {IMMUTABLE}"]
    return ("\n".join(lines) + "\n").encode("utf-8")
