"""feeds.py writes its XML as text: it must equal what ElementTree writes, whatever the front matter holds.

The reference below is the ElementTree version feeds.py used before (build the tree,
`etree.indent`, `tostring` with a declaration; it now also cleans the root's xml:lang, which
the tree version let through). Hypothesis feeds both the same hostile
titles, summaries and site fields, and the bytes must match and parse.
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as etree
from pathlib import Path
from urllib.parse import urljoin

from hypothesis import given, strategies as st

from explainers import feeds
from explainers.model import Page, Site, newest_first



def ref_element(parent, tag, text=None, **attrs):
    child = etree.SubElement(parent, tag, {k: feeds.clean(v) for k, v in attrs.items()})
    if text is not None:
        child.text = feeds.clean(text)
    return child


def ref_serialise(root) -> bytes:
    etree.indent(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def ref_feed(site: Site, pages: list[Page]) -> bytes:
    root = etree.Element("feed", {"xmlns": feeds.ATOM, "xml:lang": feeds.clean(site.language)})
    ref_element(root, "id", site.base_url)
    ref_element(root, "title", site.title)
    if site.description:
        ref_element(root, "subtitle", site.description)
    ref_element(root, "updated", feeds.timestamp(max((feeds.changed(p) for p in pages), default=feeds.EPOCH)))
    author = ref_element(root, "author")
    ref_element(author, "name", site.publisher.get("name") or site.title)
    if site.publisher.get("url"):
        ref_element(author, "uri", site.publisher["url"])
    ref_element(root, "link", rel="alternate", type="text/html", href=site.base_url)
    ref_element(root, "link", rel="self", type="application/atom+xml", href=urljoin(site.base_url, "feed.xml"))
    for page in newest_first(p for p in pages if p.is_explainer):
        entry = ref_element(root, "entry")
        url = urljoin(site.base_url, page.url)
        ref_element(entry, "id", url)
        ref_element(entry, "title", page.title)
        ref_element(entry, "link", rel="alternate", type="text/html", href=url)
        ref_element(entry, "published", feeds.timestamp(page.date))
        ref_element(entry, "updated", feeds.timestamp(feeds.changed(page)))
        ref_element(entry, "summary", page.summary or page.title, type="text")
    return ref_serialise(root)


def ref_sitemap(site: Site, pages: list[Page]) -> bytes:
    listed = sorted((p for p in pages if p.slug), key=lambda p: p.url)
    home_changed = max((feeds.changed(p) for p in pages), default=None)
    root = etree.Element("urlset", {"xmlns": feeds.SITEMAP})
    for path, day in [("", home_changed)] + [(p.url, feeds.changed(p)) for p in listed]:
        url = ref_element(root, "url")
        ref_element(url, "loc", urljoin(site.base_url, path))
        if day is not None:
            ref_element(url, "lastmod", day.isoformat())
    return ref_serialise(root)


HOSTILE = st.lists(st.sampled_from(list("ab <>&\"'\n\r\t\x00\x01\x0b\x7f\x85\ufffe\u2028é“”") + ["]]>", "&amp;", "<!--"]), max_size=30).map("".join)


def make_site(title: str, description: str, publisher: dict, language: str = "en") -> Site:
    return Site(root=Path("."), display_root="", title=title, base_url="https://example.org/sub/", language=language,
                output_dir="public", stale_after_days=365, statuses={}, sources={}, description=description, publisher=publisher)


def make_page(n: int, title: str, summary: str, layout: str) -> Page:
    return Page(path=Path(f"/x/p{n}.md"), rel=f"content/p{n}.md", name=f"p{n}.md", slug=f"p{n}", title=title,
                date=dt.date(2022, 5, 1 + n), body="", body_line=1, summary=summary, layout=layout)


@given(
    site_fields=st.tuples(HOSTILE, HOSTILE, HOSTILE, st.sampled_from(["", "https://example.org/?a=1&b=\"2\""]), HOSTILE),
    pages=st.lists(st.tuples(HOSTILE, HOSTILE, st.sampled_from(["explainer", "page"])), max_size=5),
)
def test_feed_and_sitemap_equal_what_elementtree_writes(site_fields, pages):
    title, description, name, url, language = site_fields  # language lands in an attribute (xml:lang)
    site = make_site(title, description, {k: v for k, v in (("name", name), ("url", url)) if v}, language)
    made = [make_page(n, t, s, layout) for n, (t, s, layout) in enumerate(pages)]
    feed = feeds.feed_text(site, made, feeds.written_out).encode()
    sitemap = feeds.sitemap_text(site, made, feeds.written_out).encode()
    assert feed == ref_feed(site, made)
    assert sitemap == ref_sitemap(site, made)
    etree.fromstring(feed)  # well-formed whatever the input
    etree.fromstring(sitemap)


BASE_URLS = st.builds(
    lambda scheme, host, parts, tail: f"{scheme}://{host}/{'/'.join(parts)}{tail}",
    st.sampled_from(["http", "https"]),
    st.sampled_from(["example.org", "example.org:8080", "user@host", "[::1]"]),
    st.lists(st.sampled_from(["a", "sub", ".", "..", "%2F", "b c", ""]), max_size=4),
    st.sampled_from(["/", "", "/?q=1", "/#top", "/index.html", "?x"]),
)


@given(base_url=BASE_URLS, slug=st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True))
def test_site_urls_are_what_urljoin_makes(base_url: str, slug: str):
    site = make_site("t", "", {})
    site.base_url = base_url
    url_of = site.absolute
    assert url_of(f"{slug}/#claim-{slug}") == urljoin(site.base_url, f"{slug}/#claim-{slug}")
    assert url_of("feed.xml") == urljoin(site.base_url, "feed.xml")
    assert url_of(f"{slug}/") == urljoin(site.base_url, f"{slug}/")
    assert url_of("") == urljoin(site.base_url, "")
