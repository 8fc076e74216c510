"""Raw HTML in a page body: what a writer may type, checked before any page is written.

Writers are trusted with HTML for layout (a ``<figure>``, a ``<table>``, a ``<kbd>``), but not
with anything that runs code, loads from elsewhere or changes the whole page: ``<script>``,
``<style>`` and ``style=`` (the pages' Content-Security-Policy would block them silently
anyway), ``<iframe>``/``<object>``/``<embed>`` and their kin, ``<base>``/``<link>``/``<meta>``,
event-handler attributes (``onclick=``), and URLs other than http:, https:, mailto: or a
relative path. ``allow_raw_html: true`` in site.yaml turns the check off.

Python-Markdown stashes every piece of raw HTML (``md.htmlStash.rawHtmlBlocks``) while
parsing, and puts it back in the ``raw_html`` postprocessor. ``RawHtmlCheck`` is the last
treeprocessor, so it sees exactly what would reach the page, once per page (postprocessors
also run on fragments, for the ``toc`` extension's heading text). ``html.parser`` and a browser disagree on a
few malformed constructs (``<!-->``, ``--!>``, ``<![CDATA[``, markup inside attribute
values that a browser re-parses); those are checked too, so whatever the browser makes of
them, nothing forbidden hides inside.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from markdown.treeprocessors import Treeprocessor

from .fields import SAFE_SCHEMES
REFUSED_TAGS = {
    "script": "scripts are not allowed in pages",
    "style": "styles belong in static/css; the page's security policy would ignore a <style> here",
    "iframe": "embedded frames load other sites; link to the page instead",
    "frame": "frames are not allowed in pages",
    "frameset": "frames are not allowed in pages",
    "object": "embedded objects are not allowed in pages",
    "embed": "embedded objects are not allowed in pages",
    "applet": "embedded objects are not allowed in pages",
    "base": "<base> would change where every link of the page points",
    "link": "<link> would load a file into the whole page; put styles in static/css",
    "meta": "<meta> would change the whole page (it could redirect readers)",
}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data",
    "srcset", "ping", "longdesc", "usemap", "codebase", "manifest", "lowsrc", "dynsrc", "icon",
    "classid", "archive", "profile",
}
SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
SCRIPT_SCHEMES = ("javascript", "vbscript", "data", "livescript")


@dataclass(frozen=True)
class Finding:
    """A problem found in a fragment of raw HTML."""

    line: int  # 1-based, within the fragment checked
    message: str


def url_scheme(value: str) -> str:
    """The scheme a browser would see in an attribute value ('' for a relative URL), lowercased."""
    # Browsers decode character references in attributes, strip leading and trailing C0
    # controls and spaces, and drop tabs and newlines anywhere in a URL.
    cleaned = html.unescape(value).strip("".join(map(chr, range(33))))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    m = SCHEME_RE.match(cleaned)
    return m.group(1).lower() if m else ""


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]


class _Checker(HTMLParser):
    """Collects every forbidden construct of one HTML fragment, with its line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []

    def found(self, message: str, line: int | None = None) -> None:
        self.findings.append(Finding(line or self.getpos()[0], message))

    def nested(self, text: str, where: str) -> None:
        """Check text a browser might parse as markup (comment bodies, attribute values)."""
        if "<" not in text:
            return
        line = self.getpos()[0]
        for f in check_fragment(text):
            self.found(f"{f.message} ({where})", line + f.line - 1)

    def handle_starttag(self, tag, attrs):
        if tag in REFUSED_TAGS:
            self.found(f"raw HTML <{tag}>: {REFUSED_TAGS[tag]}")
        for name, value in attrs:
            self.check_attribute(tag, name, value or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def check_attribute(self, tag: str, name: str, value: str) -> None:
        """Event handlers, inline styles and unsafe URLs in one attribute."""
        if name.startswith("on"):
            self.found(f"raw HTML <{tag} {name}=...>: event-handler attributes run scripts, which pages may not")
        elif name == "style":
            self.found(f"raw HTML <{tag} style=...>: inline styles are ignored by the page's security policy; use a class and static/css")
        elif name in URL_ATTRIBUTES:
            urls = _srcset_urls(value) if name == "srcset" else [value]
            for url in urls:
                scheme = url_scheme(url)
                if scheme and scheme not in SAFE_SCHEMES:
                    self.found(f"raw HTML <{tag} {name}=\"{url}\">: only http:, https:, mailto: and relative links are allowed, not '{scheme}:'")
        elif url_scheme(value) in SCRIPT_SCHEMES:
            self.found(f"raw HTML <{tag} {name}=...> holds a '{url_scheme(value)}:' URL, which pages may not")
        self.nested(value, f"inside the {name}= attribute of <{tag}>")

    def handle_comment(self, data):
        if data.startswith(">") or data.startswith("->") or "--!>" in data:
            self.found("malformed HTML comment: write comments as <!-- ... -->")
        self.nested(data, "inside an HTML comment")

    def handle_decl(self, decl):
        self.nested(decl, "inside a <!...> declaration")

    def unknown_decl(self, data):
        self.nested(data, "inside a <![...]> section")

    def handle_pi(self, data):
        self.nested(data, "inside a <?...> instruction")


# A start or end tag as Python-Markdown's serializer writes a claim note's: a lowercase name
# and double-quoted values it escaped (no '"', '<' or '>' inside).
SIMPLE_TAG_RE = re.compile(r'<(/?)([a-z][a-z0-9]*)((?: [a-z][a-z-]*="[^"<>]*")*)>')
SIMPLE_ATTR_RE = re.compile(r' ([a-z][a-z-]*)="([^"<>]*)"')
# Tags html.parser reads like any other in every Python version (no raw-text content, as
# <script>, <style>, <textarea> or <title> may have): those a note's HTML is made of.
SIMPLE_TAGS = frozenset({"a", "em", "strong", "code", "img", "br"})


def check_simple(fragment: str) -> list[Finding] | None:
    """check_fragment for HTML of SIMPLE_TAGS and text without '<' (a claim's note); None for any other.

    html.parser is slow for the note each panel and endnote holds, in a page of twenty
    claims. In such HTML it finds the tags a regex finds, with each attribute value's
    character references decoded; each start tag goes to the same checker, at its line.
    A value that decodes to something holding '<' is checked as markup, and there the
    full check runs instead.
    """
    checker = _Checker()
    at = 0
    for m in SIMPLE_TAG_RE.finditer(fragment):
        if m.group(2) not in SIMPLE_TAGS or "<" in fragment[at:m.start()]:
            return None
        at = m.end()
        if m.group(1):  # an end tag: the checker has nothing to say about it
            continue
        attrs = [(name, html.unescape(value)) for name, value in SIMPLE_ATTR_RE.findall(m.group(3))]
        if any("<" in value for _, value in attrs):
            return None
        checker.lineno = fragment.count("\n", 0, m.start()) + 1  # getpos() at the tag, as html.parser keeps it
        checker.handle_starttag(m.group(2), attrs)
    if "<" in fragment[at:]:
        return None
    return checker.findings


def check_fragment(fragment: str) -> list[Finding]:
    """Every forbidden construct in a piece of raw HTML, in order."""
    quick = check_simple(fragment)
    return quick if quick is not None else check_parsed(fragment)


def check_parsed(fragment: str) -> list[Finding]:
    """check_fragment by html.parser, for any HTML."""
    checker = _Checker()
    checker.feed(fragment)
    checker.close()
    findings = checker.findings
    for m in re.finditer(r"<!--", fragment):
        rest = fragment[m.end():]
        if not (rest.startswith((">", "->")) or "-->" in rest or "--!>" in rest):
            line = fragment.count("\n", 0, m.start()) + 1
            findings.append(Finding(line, "HTML comment '<!--' never closes: everything after it would vanish from the page"))
    return findings


class RawHtmlCheck(Treeprocessor):
    """Reports forbidden raw HTML of the page at its body line, unless the site allows raw HTML."""

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext  # the ClaimsExtension: its context, body lines and error list

    def run(self, root) -> None:
        if self.ext.context.site.allow_raw_html:
            return
        seen: Counter[str] = Counter()
        checked: dict[str, list[Finding]] = {}  # a claim's note is stashed once per panel and endnote
        built = self.ext.state.built_html  # the claims' panels and endnotes, made from checked data
        for index, block in enumerate(self.md.htmlStash.rawHtmlBlocks):
            if index in built or not isinstance(block, str) or "<" not in block:
                continue
            if block not in checked:
                checked[block] = check_fragment(block)
            findings = checked[block]
            if not findings:
                continue
            first = block.strip("\n").split("\n", 1)[0]
            start = self.body_line(first, seen[first])
            seen[first] += 1
            for f in findings:
                self.ext.error(start + f.line - 1, f.message)

    def body_line(self, needle: str, nth: int) -> int:
        """The body line of the nth occurrence of needle (tabs expanded as Markdown does)."""
        needle = needle.expandtabs(self.md.tab_length).strip()
        count = 0
        for number, line in enumerate(self.ext.state.lines, 1):
            if needle and needle in line.expandtabs(self.md.tab_length):
                if count == nth:
                    return number
                count += 1
        return 1


def register(md, ext) -> None:
    """Add the check to a Markdown instance that has the claims extension."""
    md.treeprocessors.register(RawHtmlCheck(md, ext), "raw-html-check", 1)
