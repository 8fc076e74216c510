"""Links in a page body: only safe schemes, `page.md` links made page URLs, every target checked.

`check_links` runs inside the claims extension's tree pass, on one page: it rewrites links
and reports what is wrong with each on its own. `site_findings` runs once every page is
converted: links to drafts and to anchors a page does not have.
"""
from __future__ import annotations

import html
import posixpath
import re
import urllib.parse
import xml.etree.ElementTree as etree

from ..fields import SAFE_SCHEMES
from ..i18n import _
from ..model import Link, Page
from ..rawhtml import url_scheme
from .checks import Finding
from .text import plain, unstash

# Files the builder writes beside the pages (SPEC 6): a body may link to them by these paths.
GENERATED = ("claims/", "claims.json", "feed.xml", "sitemap.xml")
LINK_ATTRIBUTES = {"a": "href", "img": "src"}  # the attribute check_links reads, by tag


def check_links(ext, root: etree.Element, parents: dict) -> None:
    """Refuse unsafe schemes, turn `page.md` links into page URLs, check asset links.

    Every internal link is written from the site root and made relative to the page:
    `other.md` (a page), `images/x.jpg` (a file under static/), `./` (the home page) or
    one of GENERATED. A path starting with `/` inside base_url's path would break when
    the site is served under another path, so it is an error; outside it, it is a link
    to another part of the same domain and left alone.
    """
    context, state, md = ext.context, ext.state, ext.md
    base_path = urllib.parse.urlsplit(context.site.base_url).path or "/"
    seen: dict[str, int] = {}
    for el in list(root.iter()):
        attr = LINK_ATTRIBUTES.get(el.tag)
        if not attr or el.get(attr) is None or in_panel(el, parents):
            continue
        raw = el.get(attr)
        value = unstash(md, raw).strip()
        line = nth_line(state.lines, raw, seen)
        try:
            parts = urllib.parse.urlsplit(value)
        except ValueError:  # e.g. an unclosed '[' where an IPv6 host would be
            ext.error(line, f"link to '{value}' is not a valid address")
            el.set(attr, "#")
            continue
        scheme = url_scheme(value)  # as a browser reads it: `&#106;avascript:` is javascript:
        if parts.scheme or scheme:
            if scheme not in SAFE_SCHEMES:
                ext.error(line, f"link to '{value}' uses '{scheme or parts.scheme}:'; only http:, https: and mailto: links are allowed")
                el.set(attr, "#")
            continue
        if parts.netloc:
            continue
        if not parts.path:
            resolve_link(ext, el, value, line, parents, attr)
            continue
        path = urllib.parse.unquote(parts.path)
        suffix = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        if path.startswith("/"):
            if (path + "/").startswith(base_path):
                ext.error(line, f"link to '{path}' starts with '/', so it breaks when the site is served under another path; write the page's file (other-page.md) or the path under static/")
            continue
        if path.endswith(".md"):
            resolve_link(ext, el, value, line, parents, attr)
            continue
        target = posixpath.normpath(path) + ("/" if path.endswith("/") else "")
        if target in ("./", "."):
            el.set(attr, (context.root or "./") + suffix)
        elif target in GENERATED:
            el.set(attr, context.root + target + suffix)
        elif target in context.static_files:
            el.set(attr, (context.root if context.static_root is None else context.static_root) + target + suffix)
        elif target == ".." or target.startswith("../"):
            ext.error(line, f"link to '{path}' points outside the site; write paths from the site root")
        else:
            ext.error(line, f"link to '{path}': no such file under static/ (links to pages end in .md; the builder also writes {', '.join(GENERATED)})")

def add_preview(md, el: etree.Element, parents: dict) -> None:
    """Mark a link to a page or a claim of this site as one claims.js previews, and put its preview button after it.

    The button is `hidden`: without script it is neither seen nor reached (the link works
    as ever), and CSS shows it where scripting is on, so claims.js does nothing to the page
    until a preview is asked for. It is how a keyboard (Tab, Enter) or a touch screen (a tap
    on the link follows it) asks for one.
    """
    parent = parents.get(el)
    if el.tag != "a" or parent is None:
        return
    el.set("class", " ".join(filter(None, [el.get("class"), "xref"])))
    name = plain(md, el) or unstash(md, el.get("href", ""))
    button = etree.Element("button", {"type": "button", "class": "xref-button", "hidden": "hidden", "aria-label": _("Preview: {name}").format(name=name)})
    button.tail, el.tail = el.tail, None
    parent.insert(list(parent).index(el) + 1, button)


NOTE_LINK_RE = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


def note_links(ext, note_html: str, line: int) -> str:
    """A note's HTML with its links to pages and claims of this site (`other.md#claim-id`, `#claim-id`) made
    page URLs and checked as the body's are, each with its preview button; `line` is where errors are reported."""
    if 'href="' not in note_html or ".md" not in note_html and 'href="#' not in note_html:
        return note_html
    root = etree.Element("span")
    parents: dict = {}

    def one(m: re.Match) -> str:
        href = html.unescape(m.group(1))
        if url_scheme(href) or urllib.parse.urlsplit(href).netloc:
            return m.group(0)
        link = etree.SubElement(root, "a", {"href": href})
        parents[link] = root
        before = len(ext.state.errors)
        resolve_link(ext, link, href, line, parents)
        out = f'<a class="{html.escape(link.get("class") or "", quote=True)}" href="{html.escape(link.get("href"), quote=True)}">{m.group(2)}</a>' if link.get("class") else \
            f'<a href="{html.escape(link.get("href"), quote=True)}">{m.group(2)}</a>'
        if link.get("class"):
            text = html.unescape(re.sub(r"<[^>]*>", "", m.group(2)))
            out += f'<button aria-label="{html.escape(_("Preview: {name}").format(name=" ".join(text.split())), quote=True)}" class="xref-button" hidden type="button"></button>'
        root.remove(link)
        return out if len(ext.state.errors) == before or link.get("href") != "#" else m.group(0)

    return NOTE_LINK_RE.sub(one, note_html)


def resolve_link(ext, el: etree.Element, value: str, line: int, parents: dict, attr: str = "href") -> None:
    """A link to a page (`other.md[#id]`) or an anchor (`#id`) of this site: made a URL, recorded and previewed, or reported."""
    context, state, md = ext.context, ext.state, ext.md
    parts = urllib.parse.urlsplit(value)
    if not parts.path:
        if parts.fragment:
            state.doc.links.append(Link(context.name, parts.fragment, line))
            if parts.fragment.startswith("claim-"):
                add_preview(md, el, parents)
        return
    path = urllib.parse.unquote(parts.path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(context.name), path))
    state.doc.links.append(Link(target, parts.fragment, line))
    slug = context.slugs.get(target)
    if slug is None:
        if target in context.slugs:  # a page that could not be read: its own errors say why
            return
        exists = (context.site.root / "content" / target).is_file()
        why = f"content/{target} is a draft, left out without --drafts" if exists else f"there is no page content/{target}"
        ext.error(line, f"link to '{path}': {why}")
        return
    url = (context.root + slug) or "./"
    el.set(attr, url + (f"#{parts.fragment}" if parts.fragment else ""))
    if not parts.fragment or parts.fragment.startswith("claim-"):
        add_preview(md, el, parents)


def nth_line(lines: list[str], raw: str, seen: dict[str, int]) -> int:
    """The body line of this occurrence of a link target, counting earlier identical ones."""
    nth = seen.get(raw, 0)
    seen[raw] = nth + 1
    found = [number for number, line in enumerate(lines, 1) for _ in range(line.count(raw) if raw else 0)]
    return found[min(nth, len(found) - 1)] if found else 1


def in_panel(el: etree.Element, parents: dict) -> bool:
    """True for elements the builder made inside a claim panel (already checked front matter)."""
    p = parents.get(el)
    while p is not None:
        if p.get("class") in ("claim-panel", "claim-sources", "claim-evidence"):
            return True
        p = parents.get(p)
    return False


def site_findings(page: Page, by_name: dict[str, Page]) -> list[Finding]:
    """What is wrong with a converted page's links to other pages, now that every page is known."""
    found = []
    for link in page.facts.links:
        target = by_name.get(link.target)
        line = page.body_line + link.line - 1
        if target is not None and target.draft and not page.draft:
            found.append(Finding("link-to-draft", line, f"link to '{link.target}': that page is a draft, so a build without --drafts leaves it out and this link breaks"))
        if target is not None and link.fragment and not target.facts.has_anchor(link.fragment):
            where = "this page" if target is page else f"content/{link.target}"
            found.append(Finding("missing-anchor", line, f"link to '#{link.fragment}': {where} has no such anchor"))
    return found


HREF_RE = re.compile(r'href="([^"]*)"')
PREVIEW_BUTTON_RE = re.compile(r'<button aria-label="[^"]*" class="xref-button" hidden type="button"></button>')


def note_moved(note_html: str, from_url: str, to_url: str | None, site=None) -> str:
    """A claim's note, written for its page at `from_url` ("" or "slug/"), as the page at `to_url` must show it.

    Its links to pages and claims of this site are relative to its own page; elsewhere (the
    ledger, a claim's page, the corrections log) they are made relative to that page, and
    absolute when `to_url` is None (claims.json). Their preview buttons stay on the explainer.
    """
    if 'href="' not in note_html:
        return note_html

    def one(m: re.Match) -> str:
        href = html.unescape(m.group(1))
        if url_scheme(href) or href.startswith("//"):
            return m.group(0)
        target = urllib.parse.urljoin("/" + from_url, href)[1:]  # the path from the site root
        moved = site.absolute(target) if to_url is None else "../" * to_url.count("/") + (target or "./")
        return f'href="{html.escape(moved, quote=True)}"'

    return HREF_RE.sub(one, PREVIEW_BUTTON_RE.sub("", note_html).replace('<a class="xref" href=', "<a href="))
