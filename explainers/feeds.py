"""Publishing outputs beside the pages: sitemap.xml, feed.xml (Atom) and _headers.

Everything here is derived from the content alone, never from the clock or the machine, so
two builds of the same input give the same bytes. Absolute URLs are made from `base_url`,
the one place the site's final address is known; the pages themselves link relatively.
"""
from __future__ import annotations

import datetime as dt
import re
import urllib.parse
import xml.etree.ElementTree as etree

import jinja2

from .model import Page, Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = dt.date(1970, 1, 1)  # the feed's `updated` when the site has no dated page at all
# Characters XML 1.0 cannot carry at all, not even escaped (front matter is data; it may hold them).
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CSP_META_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"{}]+)">')
HASHED_ASSET_RE = re.compile(r"\.[0-9a-f]{10}\.(?:css|js)$")
# Headers only a server can send (a <meta> CSP ignores frame-ancestors), beside the page's own policy.
EXTRA_CSP = "frame-ancestors 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
HEADERS = "_headers"
IMMUTABLE = "public, max-age=31536000, immutable"


def render_files(site: Site, pages: list[Page], env: jinja2.Environment, asset_names: dict[str, str]) -> dict[str, bytes]:
    """The sitemap, the Atom feed and (unless static/ has its own) the headers file, by output path.

    `asset_names` maps each static file to its output name (render.fingerprint_static).
    """
    published = [p for p in pages if not p.draft]  # a --drafts preview still announces no draft
    files = {"sitemap.xml": sitemap(site, published), "feed.xml": feed(site, published)}
    if not (site.root / "static" / HEADERS).is_file():
        files[HEADERS] = headers_file(page_policy(env), sorted(name for name in asset_names.values() if HASHED_ASSET_RE.search(name)))
    return files


def absolute(site: Site, path: str) -> str:
    """A path under the site root as an absolute URL under base_url."""
    return urllib.parse.urljoin(site.base_url, path)


def changed(page: Page) -> dt.date:
    """When a page last changed, by its own account: `updated`, else its publication date."""
    return page.updated or page.date


def timestamp(day: dt.date) -> str:
    """A date as an Atom (RFC 3339) timestamp, at midnight UTC so it never depends on the clock."""
    return f"{day.isoformat()}T00:00:00Z"


def clean(text: str) -> str:
    """Text with the characters XML cannot hold removed."""
    return XML_INVALID_RE.sub("", text)


def element(parent: etree.Element, tag: str, text: str | None = None, **attrs: str) -> etree.Element:
    """A child element with optional text and attributes."""
    child = etree.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        child.text = clean(text)
    return child


def serialise(root: etree.Element) -> bytes:
    """An XML document, indented, with declaration and final newline."""
    etree.indent(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def explainers_newest_first(pages: list[Page]) -> list[Page]:
    """The explainers in the home page's order: newest publication date first."""
    return sorted((p for p in pages if p.is_explainer), key=lambda p: (p.date, p.slug), reverse=True)


def sitemap(site: Site, pages: list[Page]) -> bytes:
    """sitemap.xml: the home page and every page with a URL, each with its last change."""
    listed = sorted((p for p in pages if p.slug), key=lambda p: p.url)
    # the home page lists every explainer, so it changes whenever any page does
    home_changed = max((changed(p) for p in pages), default=None)
    root = etree.Element("urlset", {"xmlns": SITEMAP})
    entries = [("", home_changed)] + [(p.url, changed(p)) for p in listed]
    for path, day in entries:
        url = element(root, "url")
        element(url, "loc", absolute(site, path))
        if day is not None:
            element(url, "lastmod", day.isoformat())
    return serialise(root)


def feed(site: Site, pages: list[Page]) -> bytes:
    """feed.xml: an Atom feed of the explainers, newest first, each with its summary."""
    explainers = explainers_newest_first(pages)
    root = etree.Element("feed", {"xmlns": ATOM, "xml:lang": site.language})
    element(root, "id", site.base_url)
    element(root, "title", site.title)
    if site.description:
        element(root, "subtitle", site.description)
    element(root, "updated", timestamp(max((changed(p) for p in pages), default=EPOCH)))
    author = element(root, "author")
    element(author, "name", site.publisher.get("name") or site.title)
    if site.publisher.get("url"):
        element(author, "uri", site.publisher["url"])
    element(root, "link", rel="alternate", type="text/html", href=site.base_url)
    element(root, "link", rel="self", type="application/atom+xml", href=absolute(site, "feed.xml"))
    for page in explainers:
        entry = element(root, "entry")
        url = absolute(site, page.url)
        element(entry, "id", url)
        element(entry, "title", page.title)
        element(entry, "link", rel="alternate", type="text/html", href=url)
        element(entry, "published", timestamp(page.date))
        element(entry, "updated", timestamp(changed(page)))
        element(entry, "summary", page.summary or page.title, type="text")
    return serialise(root)


def page_policy(env: jinja2.Environment) -> str | None:
    """The Content-Security-Policy that layouts/base.html declares, so the header repeats it exactly."""
    try:
        source = env.loader.get_source(env, "base.html")[0]
    except jinja2.TemplateNotFound:
        return None
    found = CSP_META_RE.search(source)
    return found.group(1) if found else None


def headers_file(policy: str | None, assets: list[str]) -> bytes:
    """_headers for Netlify and Cloudflare Pages: the page policy everywhere, hashed assets cached for ever.

    HTML gets no Cache-Control here: both hosts' default makes browsers revalidate it on every
    visit, and a second Cache-Control on `/*` would be merged into the assets' one.
    """
    lines = ["# Written by the builder: headers for Netlify and Cloudflare Pages (see README, Publishing).", "/*"]
    if policy:
        lines.append(f"  Content-Security-Policy: {policy}; {EXTRA_CSP}")
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS.items()]
    for path in sorted(assets):
        lines += [f"/{path}", f"  Cache-Control: {IMMUTABLE}"]
    return ("\n".join(lines) + "\n").encode("utf-8")
