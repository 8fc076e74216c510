"""The claim syntax as a Python-Markdown extension.

    [^id]           a claim marker at this point
    [text][^id]     `text` becomes the highlighted claim, its trigger's label

Both refer to an entry of the page's front-matter `claims:`. Each reference becomes a
disclosure: a ``<button type="button" popovertarget>`` followed by its popover panel, both
in a ``<span class="claim">``. The page ends with the endnotes, one ``<li id="claim-ID">``
per claim.

Priorities, beside the built-in ones (higher runs first):

    preprocessors    claims-scan        40  records the line of each reference and footnote
                                            definition before any other step joins lines
                     normalize_whitespace 30 (built in)
    inline           escape            180  (built in) so `\\[^id]` stays literal
                     claim             178  before footnote refs (175), references (170)
                                            and links (160), so `[text][^id]` is ours whole
    tree             footnote           50  (footnotes extension)
                     inline             20  (built in, replaced by quickinline.QuickInlineProcessor)
                     claims            18  numbers references in reading order, checks links,
                                            rewrites `page.md` links, appends the endnotes
                     toc                 5  (built in) heading ids
                     claims-anchors      4  collects every id, for `check`'s anchor test
    postprocessors   raw_html           30  (built in) puts the stashed notes in place

The extension keeps per-document state in ``ClaimsExtension.state``; ``reset()`` (called
by ``Markdown.reset``) starts it afresh so one Markdown instance can convert many pages.
"""
from __future__ import annotations

import html
import posixpath
import re
import urllib.parse
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.serializers import _escape_attrib_html, _escape_cdata
from markdown.treeprocessors import Treeprocessor

from . import quickinline, rawhtml
from .model import Claim, Doc, Link, Reference, Site, Source

# `[^id]` not preceded by a backslash. The lookbehind follows the bracket (it tests the same
# character) so that the expression starts with a literal, which the regex engine jumps to.
REF_RE = re.compile(r"\[(?<!\\\[)\^([^\]\s]+)\]")
FOOTNOTE_DEF_RE = re.compile(r"^[ ]{0,3}\[\^([^\]]*)\]:")
FENCE_RE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"(`+).+?\1")
KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
SAFE_SCHEMES = ("http", "https", "mailto")
# Files the builder writes beside the pages (SPEC 6): a body may link to them by these paths.
GENERATED = ("claims/", "claims.json", "feed.xml", "sitemap.xml")
ESCAPED_RE = re.compile(f"{util.STX}(\\d+){util.ETX}")  # an escaped character's placeholder
BRACKET_RE = re.compile(r"[\[\]]")
LINK_ATTRIBUTES = {"a": "href", "img": "src"}  # the attribute check_links reads, by tag
SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")
# The same breaks with the sentence's last character taken too: an expression starting with
# a lookbehind is tried at every character of a paragraph, one starting with a class is not.
SENTENCE_BREAK_RE = re.compile(r"[.!?…][\"'”’)]*\s+")


def format_date(value) -> str:
    """A date as readers write it: 19 May 2022."""
    return f"{value.day} {value:%B %Y}"


def cached_date(value, dates: dict | None) -> str:
    """format_date(value), remembered in `dates` (strftime took 3.4 us, two or three times per claim per page)."""
    if dates is None:
        return format_date(value)
    key = (type(value), value)  # a date and a datetime of the same day are different keys
    text = dates.get(key)
    if text is None:
        text = dates[key] = format_date(value)
    return text


@dataclass
class Context:
    """What the extension needs to know about the site while converting one page."""

    site: Site
    name: str  # the page's path under content/, to resolve relative links
    root: str  # relative prefix from the page to the site root, e.g. "../"
    claims: dict[str, Claim]
    sources: dict[str, Source]
    slugs: dict[str, str]  # content path of every page -> its URL path ("" for home)
    static_files: frozenset[str]


@dataclass
class State:
    """Per-document findings; reset before each page."""

    errors: list[tuple[int, str]] = field(default_factory=list)  # (line in body, message)
    ref_lines: dict[str, list[int]] = field(default_factory=dict)
    footnote_lines: dict[str, int] = field(default_factory=dict)
    undefined_seen: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    doc: Doc = field(default_factory=Doc)
    claim_text: dict[str, str] = field(default_factory=dict)
    built_html: set[int] = field(default_factory=set)  # stash indexes of HTML the builder made


class ClaimsExtension(Extension):
    """Registers the claim processors; one instance serves every page of a build."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.context: Context | None = None
        self.state = State()
        self.toc_marker: str | None = None  # the toc extension's marker, set by convert()
        self.dates: dict = {}  # format_date's text of each date seen, for every page of a build

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        md.preprocessors.register(ScanPreprocessor(md, self), "claims-scan", 40)
        md.inlinePatterns.register(ClaimInlineProcessor(r"\[", md, self), "claim", 178)
        md.treeprocessors.register(ClaimsTreeprocessor(md, self), "claims", 18)
        md.treeprocessors.register(AnchorTreeprocessor(md, self), "claims-anchors", 4)

    def reset(self) -> None:
        self.state = State()

    def convert(self, context: Context, body: str) -> tuple[Doc, list[tuple[int, str]]]:
        """Convert one page body; return what was found and the errors (line in body, message)."""
        self.context = context
        self.md.reset()
        # Looked up once per page: the registry sorts itself on every lookup by name, and a
        # page stashes two pieces per claim.
        toc = self.md.treeprocessors["toc"] if "toc" in self.md.treeprocessors else None
        self.toc_marker = toc.marker if toc is not None else None
        self.state.doc.html = self.md.convert(body)
        return self.state.doc, self.state.errors

    def error(self, line: int, message: str) -> None:
        self.state.errors.append((line, message))

    def stash_built(self, html_text: str) -> util.AtomicString | None:
        """Stash HTML the builder made from checked data, for an element's text; None if toc could touch it.

        The raw-HTML check skips what is stashed here. The toc extension replaces any element
        whose whole text is its marker (`[TOC]`), even inside a panel; where the marker
        appears the caller keeps the element tree, so the page stays what it always was.
        """
        marker = self.toc_marker
        if marker and marker in html_text:
            return None
        self.state.built_html.add(self.md.htmlStash.html_counter)
        return util.AtomicString(self.md.htmlStash.store(html_text))

    def ref_line(self, cid: str, nth: int) -> int:
        """The body line of the nth (0-based) reference to a claim, as the scan found it."""
        lines = self.state.ref_lines.get(cid) or [1]
        return lines[min(nth, len(lines) - 1)]

    def line_of(self, needle: str) -> int:
        """The first body line holding `needle`, for things the tree no longer places."""
        for number, line in enumerate(self.state.lines, 1):
            if needle in line:
                return number
        return 1


class ScanPreprocessor(Preprocessor):
    """Records, per claim id, the body lines that reference it, outside fenced code and code spans."""

    def __init__(self, md, ext: ClaimsExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        state = self.ext.state
        state.lines = lines
        fence = None
        for number, line in enumerate(lines, 1):
            m = FENCE_RE.match(line)
            if fence:
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                    fence = None
                continue
            if m:
                fence = m.group(1)
                continue
            d = FOOTNOTE_DEF_RE.match(line)
            if d:
                state.footnote_lines.setdefault(d.group(1), number)
                state.doc.footnotes.setdefault(d.group(1), number)
                line = line[d.end():]
            text = CODE_SPAN_RE.sub("", line) if "`" in line else line
            if "[^" in text:  # (removing a code span can join a `[` and a `^`)
                for r in REF_RE.finditer(text):
                    state.ref_lines.setdefault(r.group(1), []).append(number)
        return lines


class ClaimInlineProcessor(InlineProcessor):
    """Turns `[^id]` and `[text][^id]` into a claim's trigger and panel."""

    def __init__(self, pattern, md, ext: ClaimsExtension):
        super().__init__(pattern, md)
        self.ext = ext

    def handleMatch(self, m, data):
        start = m.start(0)
        if data.startswith("[^", start):
            label, ref_at = None, start
        else:
            label, ref_at, closed = self.get_label(data, m.end(0))
            if not closed or not data.startswith("[^", ref_at):
                return None, None, None
        close = data.find("]", ref_at)
        cid = data[ref_at + 2 : close] if close > 0 else ""
        if not KEY_RE.match(cid):
            return None, None, None
        context, state = self.ext.context, self.ext.state
        if cid not in context.claims:
            if label is not None:
                return None, None, None  # the bare `[^id]` inside it is matched next and reported once
            if cid in state.footnote_lines:
                return None, None, None  # a plain footnote: the footnotes extension's job
            nth = state.undefined_seen.get(cid, 0)
            state.undefined_seen[cid] = nth + 1
            self.ext.error(self.ext.ref_line(cid, nth), f"reference to undefined claim '{cid}': add it under 'claims:' in the front matter")
            return None, None, None
        if label is not None and REF_RE.search(label):
            inner = REF_RE.search(label).group(1)
            self.ext.error(self.ext.ref_line(inner, 0), f"claim reference '[^{inner}]' sits inside the highlighted text of claim '{cid}'; claims cannot nest")
            return None, None, None
        return self.build(context.claims[cid], label), start, close + 1

    @staticmethod
    def get_label(data: str, index: int) -> tuple[str, int, bool]:
        """The text between balanced brackets starting at index; (text, index after ']', closed).

        A bracket right after a backslash does not count. Only brackets change the depth, so
        the loop visits them alone (a loop over every character of a long label took 5 us).
        """
        depth = 1
        for m in BRACKET_RE.finditer(data, index):
            pos = m.start()
            if data[pos - 1] == "\\":
                continue
            if m.group() == "[":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return data[index:pos], pos + 1, True
        return "", len(data), False

    def build(self, claim: Claim, label: str | None) -> etree.Element:
        """The wrapper with label, trigger and panel; numbers and ids are set later in reading order.

        A <button> is always laid out as an inline-block, so a long highlighted passage inside
        one would become a rectangle that breaks the paragraph. The passage is therefore the
        button's <label>: it wraps like text, a click on it clicks the button (so the popover
        opens without script), and it names the button through aria-labelledby. It is
        aria-hidden so a screen reader reads it once, as the button's name.
        """
        context = self.ext.context
        status = context.site.statuses.get(claim.status)
        status_label = status.label if status else claim.status
        wrap = etree.Element("span", {"class": "claim", "data-status": claim.status})
        if label is not None:
            text = etree.SubElement(wrap, "label", {"class": "claim-label", "aria-hidden": "true"})
            text.text = label
        button = etree.SubElement(wrap, "button", {
            "type": "button",
            "class": "claim-trigger" + (" claim-trigger--text" if label is not None else " claim-trigger--marker"),
            "data-claim": claim.id,
            "data-status": claim.status,
        })
        mark = etree.SubElement(button, "sup", {"class": "claim-mark", "aria-hidden": "true"})
        mark.text = util.AtomicString("")
        hidden = etree.SubElement(button, "span", {"class": "visually-hidden"})
        hidden.text = util.AtomicString(status_label)
        panel = etree.SubElement(wrap, "span", {"class": "claim-panel", "popover": "auto", "data-status": claim.status})
        # The panel's content is stashed as HTML: made as elements, it was most of a page's
        # tree, and every later pass (and the serializer) walked it only to leave it as it was.
        note = self.md.htmlStash.store(claim.note_html) if claim.note_html else ""
        panel.text = self.ext.stash_built(" ".join(claim_details_html(claim, context, status_label, "span", note, self.ext.dates)))
        if panel.text is None:
            fill_claim_details(panel, claim, context, status_label, "span", note)
        return wrap


def fill_claim_details(parent: etree.Element, claim: Claim, context: Context, status_label: str, tag: str, note_placeholder: str) -> None:
    """Status, sources, note (already stashed), evidence and checked date of a claim, as children of parent.

    claim_details_html makes the same as HTML text; this is the reference it is tested
    against, and what a page uses where the toc marker appears (ClaimsExtension.stash_built).
    """
    head = etree.SubElement(parent, tag, {"class": "claim-head"})
    badge = etree.SubElement(head, "span", {"class": "badge", "data-status": claim.status})
    badge.text = util.AtomicString(status_label)
    sources = etree.SubElement(parent, tag, {"class": "claim-sources"})
    sources.text = util.AtomicString("Sources: " if len(claim.sources) > 1 else "Source: ")
    last = None
    for key in claim.sources:
        source = context.sources.get(key)
        if source is None:  # an unknown key, already reported; the build will fail
            continue
        if last is not None:
            last.tail = util.AtomicString("; ")
        if source.url:
            last = etree.SubElement(sources, "a", {"href": source.url})
        else:
            last = etree.SubElement(sources, "span", {"class": "source-name"})
        last.text = util.AtomicString(source.name)
    if note_placeholder:
        note = etree.SubElement(parent, tag, {"class": "claim-note"})
        note.text = note_placeholder
    if claim.url or claim.archive:
        evidence = etree.SubElement(parent, tag, {"class": "claim-evidence"})
        if claim.url:
            link = etree.SubElement(evidence, "a", {"href": claim.url})
            link.text = util.AtomicString("Evidence")
        if claim.archive:
            if claim.url:
                link.tail = util.AtomicString(" · ")
            archived = etree.SubElement(evidence, "a", {"href": claim.archive})
            archived.text = util.AtomicString("Archived copy")
    if claim.history:
        last_change = claim.history[-1]
        was = context.site.statuses.get(last_change.status)
        updated = etree.SubElement(parent, tag, {"class": "claim-history"})
        updated.text = util.AtomicString(f"Updated {format_date(claim.checked or last_change.date)}: was {was.label if was else last_change.status}")
    if claim.checked:
        checked = etree.SubElement(parent, tag, {"class": "claim-checked"})
        checked.text = util.AtomicString("Checked ")
        time = etree.SubElement(checked, "time", {"datetime": claim.checked.isoformat()})
        time.text = util.AtomicString(format_date(claim.checked))
    if tag == "span":  # without CSS (or read aloud) the parts must not run together
        for child in parent[:-1]:
            child.tail = util.AtomicString(" ")



def claim_details_html(claim: Claim, context: Context, status_label: str, tag: str, note_placeholder: str, dates: dict | None = None) -> list[str]:
    """The HTML of each element fill_claim_details makes, in order (without the tails it adds between them).

    Each element is written as Python-Markdown's serializer writes it: attributes in lexical
    order, values and text escaped by its own functions. (The serializer writes a boolean
    attribute whose value is its name bare; none of these is one.) Literal f-strings, not
    a general element writer: a page makes two of these per claim, and sorting and joining
    attributes was most of their cost.
    `dates` remembers each date's text across pages (see cached_date).
    """
    text, attr = _escape_cdata, _escape_attrib_html
    parts = [f'<{tag} class="claim-head"><span class="badge" data-status="{attr(claim.status)}">{text(status_label)}</span></{tag}>']
    names = []
    for key in claim.sources:
        source = context.sources.get(key)
        if source is None:  # an unknown key, already reported; the build will fail
            continue
        if source.url:
            names.append(f'<a href="{attr(source.url)}">{text(source.name)}</a>')
        else:
            names.append(f'<span class="source-name">{text(source.name)}</span>')
    heading = "Sources: " if len(claim.sources) > 1 else "Source: "
    parts.append(f'<{tag} class="claim-sources">{heading}{"; ".join(names)}</{tag}>')
    if note_placeholder:
        parts.append(f'<{tag} class="claim-note">{note_placeholder}</{tag}>')
    if claim.url or claim.archive:
        links = [f'<a href="{attr(claim.url)}">Evidence</a>'] if claim.url else []
        if claim.archive:
            links.append(f'<a href="{attr(claim.archive)}">Archived copy</a>')
        parts.append(f'<{tag} class="claim-evidence">{" · ".join(links)}</{tag}>')
    if claim.history:
        last_change = claim.history[-1]
        was = context.site.statuses.get(last_change.status)
        updated = f"Updated {cached_date(claim.checked or last_change.date, dates)}: was {was.label if was else last_change.status}"
        parts.append(f'<{tag} class="claim-history">{text(updated)}</{tag}>')
    if claim.checked:
        time = f'<time datetime="{attr(claim.checked.isoformat())}">{text(cached_date(claim.checked, dates))}</time>'
        parts.append(f'<{tag} class="claim-checked">Checked {time}</{tag}>')
    return parts

class ClaimsTreeprocessor(Treeprocessor):
    """Numbers the references in reading order, checks and rewrites links, appends the endnotes."""

    def __init__(self, md, ext: ClaimsExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        state = self.ext.state
        numbers: dict[str, int] = {}
        counts: dict[str, int] = {}
        highlighted: set[str] = set()  # claims whose endnote passage is the writer's own highlight
        parents = {child: parent for parent in root.iter() for child in parent}
        for wrap in [e for e in root.iter("span") if e.get("class") == "claim"]:
            button, text = wrap.find("button"), wrap.find("label")
            cid = button.get("data-claim")
            number = numbers.setdefault(cid, len(numbers) + 1)
            nth = counts.get(cid, 0)
            counts[cid] = nth + 1
            line = self.ext.ref_line(cid, nth)
            self.number_reference(wrap, number, nth + 1)
            label = self.plain(text) if text is not None else ""
            for link in (text if text is not None else button).iter("a"):
                self.ext.error(line, f"the highlighted text of claim '{cid}' contains a link; move the link outside '[...][^{cid}]'")
            if cid in state.footnote_lines:
                self.ext.error(state.footnote_lines[cid], f"'{cid}' is defined both as a claim in the front matter and as a footnote '[^{cid}]:' in the body; rename one")
            ancestor = parents.get(wrap)
            while ancestor is not None:
                if ancestor.tag == "a":
                    self.ext.error(line, f"claim reference '[^{cid}]' sits inside a link; a button cannot go inside a link, so move it out")
                    break
                ancestor = parents.get(ancestor)
            if not label:
                label = self.sentence_before(wrap, parents)
            elif cid not in state.claim_text:
                highlighted.add(cid)
            state.doc.references.append(Reference(cid, nth + 1, line, label))
            if label and cid not in state.claim_text:
                state.claim_text[cid] = label
        self.check_links(root, parents)
        endnotes = self.endnotes(numbers, highlighted)
        if endnotes is not None:
            root.append(endnotes)

    @staticmethod
    def number_reference(wrap: etree.Element, number: int, nth: int) -> None:
        """Give the nth reference to a claim its ids, its visible number and its spoken name."""
        button, panel, text = wrap.find("button"), wrap[-1], wrap.find("label")
        cid = button.get("data-claim")
        ref, status_label = f"ref-{cid}-{nth}", button.find("span").text
        button.set("id", ref)
        button.set("popovertarget", f"panel-{cid}-{nth}")
        panel.set("id", f"panel-{cid}-{nth}")
        panel.set("role", "group")  # a named group, so a screen reader says whose links these are
        panel.set("aria-label", f"Claim {number}")
        button.find("sup").text = util.AtomicString(str(number))
        hidden = button.find("span")
        if text is not None:
            text.set("id", f"label-{cid}-{nth}")
            text.set("for", ref)
            button.set("aria-labelledby", f"label-{cid}-{nth} {ref}")
            hidden.text = util.AtomicString(f" (claim {number}, {status_label})")
        else:
            hidden.text = util.AtomicString(f"Claim {number}, {status_label}")

    def plain(self, element: etree.Element, skip_hidden: bool = False) -> str:
        """The text a reader sees in an element, with stashed entities put back."""
        parts = []

        def walk(el):
            hidden = el.get("class") in ("visually-hidden", "claim-mark", "claim-panel")
            if not (skip_hidden and hidden) and el.text:
                parts.append(code_text(el))
            if not (skip_hidden and hidden):
                for child in el:
                    walk(child)
            if el is not element and el.tail:
                parts.append(el.tail)

        walk(element)
        return " ".join(unstash(self.md, "".join(parts)).split())

    def sentence_before(self, wrap: etree.Element, parents: dict) -> str:
        """For a bare marker, the sentence it ends: the text of its block up to the marker."""
        block = parents.get(wrap)
        while block is not None and block.tag not in ("p", "li", "td", "th", "blockquote", "dd", "h2", "h3", "h4"):
            block = parents.get(block)
        if block is None:
            return ""
        parts: list[str] = []

        def walk(el) -> bool:
            if el is wrap:
                return True
            if el.get("class") == "claim":
                # an earlier claim in the same block: its label counts, its panel does not
                parts.append(self.plain(el[0], skip_hidden=True))
            else:
                if el.text and el is not block or el is block and el.text:
                    parts.append(code_text(el))
                for child in el:
                    if walk(child):
                        return True
            if el is not block and el.tail:
                parts.append(el.tail)
            return False

        walk(block)
        text = " ".join(unstash(self.md, "".join(parts)).split())
        sentences = [s for s in split_sentences(text) if s.strip()]
        return sentences[-1].strip() if sentences else text

    def check_links(self, root: etree.Element, parents: dict) -> None:
        """Refuse unsafe schemes, turn `page.md` links into page URLs, check asset links.

        Every internal link is written from the site root and made relative to the page:
        `other.md` (a page), `images/x.jpg` (a file under static/), `./` (the home page) or
        one of GENERATED. A path starting with `/` inside base_url's path would break when
        the site is served under another path, so it is an error; outside it, it is a link
        to another part of the same domain and left alone.
        """
        context, state = self.ext.context, self.ext.state
        base_path = urllib.parse.urlsplit(context.site.base_url).path or "/"
        seen: dict[str, int] = {}
        for el in list(root.iter()):
            attr = LINK_ATTRIBUTES.get(el.tag)
            if not attr or el.get(attr) is None or in_panel(el, parents):
                continue
            raw = el.get(attr)
            value = unstash(self.md, raw).strip()
            line = self.nth_line(raw, seen)
            try:
                parts = urllib.parse.urlsplit(value)
            except ValueError:  # e.g. an unclosed '[' where an IPv6 host would be
                self.ext.error(line, f"link to '{value}' is not a valid address")
                el.set(attr, "#")
                continue
            scheme = rawhtml.url_scheme(value)  # as a browser reads it: `&#106;avascript:` is javascript:
            if parts.scheme or scheme:
                if scheme not in SAFE_SCHEMES:
                    self.ext.error(line, f"link to '{value}' uses '{scheme or parts.scheme}:'; only http:, https: and mailto: links are allowed")
                    el.set(attr, "#")
                continue
            if parts.netloc:
                continue
            if not parts.path:
                if parts.fragment:
                    state.doc.links.append(Link(context.name, parts.fragment, line))
                continue
            path = urllib.parse.unquote(parts.path)
            suffix = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
            if path.startswith("/"):
                if (path + "/").startswith(base_path):
                    self.ext.error(line, f"link to '{path}' starts with '/', so it breaks when the site is served under another path; write the page's file (other-page.md) or the path under static/")
                continue
            if path.endswith(".md"):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(context.name), path))
                state.doc.links.append(Link(target, parts.fragment, line))
                slug = context.slugs.get(target)
                if slug is None:
                    exists = (context.site.root / "content" / target).is_file()
                    why = f"content/{target} is a draft, left out without --drafts" if exists else f"there is no page content/{target}"
                    self.ext.error(line, f"link to '{path}': {why}")
                    continue
                url = (context.root + slug) or "./"
                el.set(attr, url + (f"#{parts.fragment}" if parts.fragment else ""))
                continue
            target = posixpath.normpath(path) + ("/" if path.endswith("/") else "")
            if target in ("./", "."):
                el.set(attr, (context.root or "./") + suffix)
            elif target in GENERATED or target in context.static_files:
                el.set(attr, context.root + target + suffix)
            elif target == ".." or target.startswith("../"):
                self.ext.error(line, f"link to '{path}' points outside the site; write paths from the site root")
            else:
                self.ext.error(line, f"link to '{path}': no such file under static/ (links to pages end in .md; the builder also writes {', '.join(GENERATED)})")

    def nth_line(self, raw: str, seen: dict[str, int]) -> int:
        """The body line of this occurrence of a link target, counting earlier identical ones."""
        nth = seen.get(raw, 0)
        seen[raw] = nth + 1
        found = [number for number, line in enumerate(self.ext.state.lines, 1) for _ in range(line.count(raw) if raw else 0)]
        return found[min(nth, len(found) - 1)] if found else 1

    def endnotes(self, numbers: dict[str, int], highlighted: set[str]) -> etree.Element | None:
        """The list of every claim of the page, each with id claim-ID, in reading order."""
        context, state = self.ext.context, self.ext.state
        section = etree.Element("section", {"class": "endnotes", "aria-labelledby": "claims-heading"})
        heading = etree.SubElement(section, "h2", {"id": "claims-heading"})
        heading.text = util.AtomicString("The claims, one by one")
        ordered = list(numbers) + [cid for cid in context.claims if cid not in numbers]
        if not ordered:
            return None
        ol = etree.SubElement(section, "ol", {"class": "endnote-list"})
        refs: dict[str, list[int]] = {}
        for ref in state.doc.references:
            refs.setdefault(ref.claim, []).append(ref.number)
        for cid in ordered:
            claim = context.claims[cid]
            status = context.site.statuses.get(claim.status)
            status_label = status.label if status else claim.status
            li = etree.SubElement(ol, "li", {"id": f"claim-{cid}", "data-status": claim.status})
            text = state.claim_text.get(cid)
            passage = excerpt(text, cid not in highlighted) if text else None
            note = self.md.htmlStash.store(claim.note_html) if claim.note_html else ""
            parts = [f'<p class="claim-text">{_escape_cdata(passage)}</p>'] if passage is not None else []
            parts += claim_details_html(claim, context, status_label, "p", note, self.ext.dates)
            if cid in refs:
                parts.append(backrefs_html(cid, refs[cid]))
            # The prettify pass would have put each <p> of the endnote on a line of its own.
            li.text = self.ext.stash_built("\n" + "".join(part + "\n" for part in parts))
            if li.text is None:
                fill_endnote(li, claim, context, status_label, passage, note, refs.get(cid, []))
        return section



def backrefs_html(cid: str, numbers: list[int]) -> str:
    """The endnote's links back to each reference, as fill_endnote makes them."""
    ref = _escape_attrib_html(f"#ref-{cid}-")
    if len(numbers) == 1:
        return f'<p class="claim-backrefs"><a href="{ref}{numbers[0]}">↩ Back to the text</a></p>'
    links = "".join(f'<a aria-label="reference {n}" href="{ref}{n}">↩ {n}</a> ' for n in numbers)
    return f'<p class="claim-backrefs">Back to the text: {links}</p>'


def fill_endnote(li: etree.Element, claim: Claim, context: Context, status_label: str, passage: str | None, note_placeholder: str, numbers: list[int]) -> None:
    """An endnote's passage, details and links back as elements: the reference for the HTML the endnotes stash."""
    cid = claim.id
    if passage is not None:
        quote = etree.SubElement(li, "p", {"class": "claim-text"})
        quote.text = util.AtomicString(passage)
    fill_claim_details(li, claim, context, status_label, "p", note_placeholder)
    if not numbers:
        return
    back = etree.SubElement(li, "p", {"class": "claim-backrefs"})
    if len(numbers) == 1:
        a = etree.SubElement(back, "a", {"href": f"#ref-{cid}-{numbers[0]}"})
        a.text = util.AtomicString("↩ Back to the text")
        return
    back.text = util.AtomicString("Back to the text: ")
    for n in numbers:
        a = etree.SubElement(back, "a", {"href": f"#ref-{cid}-{n}", "aria-label": f"reference {n}"})
        a.text = util.AtomicString(f"↩ {n}")
        a.tail = util.AtomicString(" ")

class AnchorTreeprocessor(Treeprocessor):
    """Collects every id in the finished tree (headings, claims, footnotes) for link checks."""

    def __init__(self, md, ext: ClaimsExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        anchors = self.ext.state.doc.anchors
        for el in root.iter():
            if el.get("id"):
                anchors.add(el.get("id"))
        anchors.update(f"claim-{cid}" for cid in self.ext.context.claims)
        anchors.add("claims-heading")


def excerpt(text: str, cut: bool) -> str:
    """The claim's passage as the endnote shows it: no quote marks of our own (the layout marks
    it as a passage), an ellipsis when a sentence `cut` from the text starts mid-sentence, and
    a quote it cuts into kept balanced: `we [their parents] everyone was in shock”` reads
    `“…we [their parents] everyone was in shock”`."""
    text = text.strip()
    first = text.lstrip("“‘\"'([")[:1]
    if cut and first.islower():
        opening = len(text) - len(text.lstrip("“‘\"'(["))
        text = text[:opening] + "…" + text[opening:]
    if text.count("”") > text.count("“"):
        text = "“" + text
    elif text.count("“") > text.count("”"):
        text += "”"
    return text


def split_sentences(text: str) -> list[str]:
    """SENTENCE_END_RE.split(text), found with SENTENCE_BREAK_RE (each piece keeps its last character).

    Each break's whitespace ends it, so a break never starts right after another ends, and
    both expressions find the same breaks, one character apart.
    """
    pieces, at = [], 0
    for m in SENTENCE_BREAK_RE.finditer(text):
        pieces.append(text[at:m.start() + 1])
        at = m.end()
    pieces.append(text[at:])
    return pieces


def code_text(el: etree.Element) -> str:
    """An element's own text; code spans keep their text HTML-escaped in the tree, so undo that."""
    return html.unescape(el.text) if el.tag == "code" else el.text


def in_panel(el: etree.Element, parents: dict) -> bool:
    """True for elements the builder made inside a claim panel (already checked front matter)."""
    p = parents.get(el)
    while p is not None:
        if p.get("class") in ("claim-panel", "claim-sources", "claim-evidence"):
            return True
        p = parents.get(p)
    return False


def unstash(md, text: str) -> str:
    """Text with Markdown's placeholders (escapes, stashed entities) replaced by what they stand for."""
    if util.STX not in text:  # each of the three kinds starts with STX: nothing to replace
        return str(text)  # a plain str, as the substitutions return
    text = util.HTML_PLACEHOLDER_RE.sub(lambda m: html.unescape(strip_tags(md.htmlStash.rawHtmlBlocks[int(m.group(1))])) if int(m.group(1)) < len(md.htmlStash.rawHtmlBlocks) else "", text)
    text = text.replace(util.AMP_SUBSTITUTE, "&")  # autolinked e-mail addresses are entity-encoded
    return ESCAPED_RE.sub(lambda m: chr(int(m.group(1))), text)


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def strip_tags(fragment) -> str:
    """The text of an HTML fragment."""
    if not isinstance(fragment, str):
        fragment = etree.tostring(fragment, encoding="unicode")
    parser = _TextOnly()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


class NoteRenderer:
    """Renders a claim's note: inline Markdown only, raw HTML shown as text, safe links only."""

    def __init__(self):
        self.md = markdown.Markdown(extensions=[SmartyExtension()], output_format="html")
        self.md.preprocessors.deregister("html_block")
        self.md.inlinePatterns.deregister("html")
        quickinline.install(self.md)
        rawhtml.install_postprocessor(self.md)
        self.md.parser = OneParagraphParser(self.md.parser)

    def render(self, note: str) -> tuple[str, str, list[str]]:
        """(html, plain text, problems) for one note."""
        self.md.reset()
        out = self.md.convert(note).strip()
        problems = []
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        elif out:
            problems.append("a note may hold inline Markdown only (no lists, headings or paragraphs)")
        return self.finish(out, problems)

    def render_many(self, notes: list[str]) -> list[tuple[str, str, list[str]]]:
        """render() of each note; the one-line notes share one conversion, each a paragraph of one document.

        A page's twenty notes converted one by one paid Python-Markdown's fixed cost per
        document (reset, preprocessing, tree passes, serializing) twenty times: a third of
        rendering a note. Paragraphs are converted independently (inline patterns work
        within one element's text, and a one-line note can define no reference), so each
        paragraph's HTML is what render() makes of that note alone. Whatever does not split
        back into one paragraph per note is rendered one by one.
        """
        done: list[tuple[str, str, list[str]] | None] = [None] * len(notes)
        batch = [index for index, note in enumerate(notes) if BATCHED_NOTE_RE.fullmatch(note)]
        if len(batch) > 1:
            self.md.reset()
            self.md.parser.paragraphs = True
            try:
                out = self.md.convert("\n\n".join(notes[index] for index in batch)).strip()
            finally:
                self.md.parser.paragraphs = False
            parts = out[3:-4].split("</p>\n<p>") if out.startswith("<p>") and out.endswith("</p>") else []
            if len(parts) == len(batch):
                for index, part in zip(batch, parts):
                    if "<p>" not in part:
                        done[index] = self.finish(part, [])
        return [one if one is not None else self.render(note) for one, note in zip(done, notes)]

    def finish(self, out: str, problems: list[str]) -> tuple[str, str, list[str]]:
        """(html, plain text, problems) from a note's HTML: its text, and a problem for each unsafe link."""
        text, links = text_and_links(out)
        for href in links:
            scheme = rawhtml.url_scheme(href)  # never raises, unlike urlsplit on 'https://[x'
            if scheme not in SAFE_SCHEMES:
                problems.append(f"the note links to '{href}'; only http:, https: and mailto: links are allowed")
        return out, " ".join(text.split()), problems


# A note as the block parser sees it (after the whitespace preprocessor) that is certainly
# one paragraph: a single line starting with a letter cannot start a heading, list, quote,
# rule, code block or reference definition, and a setext underline needs a second line.
ONE_PARAGRAPH_RE = re.compile(r"[A-Za-z][^\n]*\n\n")

# A note that NoteRenderer.render_many converts with others: one line that ONE_PARAGRAPH_RE
# takes, holding nothing the whitespace preprocessor changes (line ends, tabs, STX and ETX).
BATCHED_NOTE_RE = re.compile(r"[A-Za-z][^\n\r\t\x02\x03]*")


class OneParagraphParser:
    """The note renderer's block parser: a one-line note skips the block processors.

    Most notes are one sentence, and trying every block processor on it cost a seventh of
    rendering one. Anything else goes to Python-Markdown's own parser.
    """

    def __init__(self, parser):
        self.parser = parser
        self.paragraphs = False  # set by NoteRenderer.render_many: the lines are notes (BATCHED_NOTE_RE), a blank line after each

    def parseDocument(self, lines: list[str]) -> etree.ElementTree:
        """The tree the block parser would make of these lines."""
        text, parser = "\n".join(lines), self.parser
        parser.root = etree.Element(parser.md.doc_tag)
        if self.paragraphs:  # each note's paragraph, as the line below makes it of the note alone
            for note in text[:-2].split("\n\n"):
                etree.SubElement(parser.root, "p").text = note
        elif ONE_PARAGRAPH_RE.fullmatch(text):
            etree.SubElement(parser.root, "p").text = text[:-2]  # the paragraph processor's block.lstrip()
        else:  # BlockParser.parseDocument, written out: a call would add a stack frame to deeply nested notes
            parser.parseChunk(parser.root, text)
        return etree.ElementTree(parser.root)


# A start or end tag as Python-Markdown's serializer writes a note's: a lowercase name and
# double-quoted values it escaped (so no '"', '<' or '>' inside).
SIMPLE_TAG_RE = re.compile(r'<(/?)([a-z][a-z0-9]*)((?: [a-z][a-z-]*="[^"<>]*")*)>')
SIMPLE_ATTR_RE = re.compile(r' ([a-z][a-z-]*)="([^"<>]*)"')
NOTE_TAGS = frozenset({"a", "em", "strong", "code", "img", "br"})


def text_and_links(fragment: str) -> tuple[str, list[str]]:
    """The text and the href/src values of an HTML fragment, as html.parser reads them (strip_tags, _links).

    Two html.parser passes cost a third of rendering a note. A note's HTML holds only the
    serializer's simple tags, which a regex reads the same way: the text between tags and
    each attribute value with character references decoded. Anything else (a `<` that
    starts no such tag, another element) goes to html.parser.
    """
    texts, links, at = [], [], 0
    for m in SIMPLE_TAG_RE.finditer(fragment):
        if m.group(2) not in NOTE_TAGS:
            return strip_tags(fragment), _links(fragment)
        texts.append(fragment[at:m.start()])
        at = m.end()
        if not m.group(1):
            links.extend(html.unescape(value) for name, value in SIMPLE_ATTR_RE.findall(m.group(3)) if name in ("href", "src"))
    texts.append(fragment[at:])
    if any("<" in text for text in texts):
        return strip_tags(fragment), _links(fragment)
    # html.parser decodes each run of text between tags on its own: `&am<em>p;` is not `&`
    return "".join(html.unescape(text) for text in texts), links


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.hrefs.append(value)


def _links(fragment: str) -> list[str]:
    parser = _LinkCollector()
    parser.feed(fragment)
    parser.close()
    return parser.hrefs


TOC_WALK_DEPTH = 100  # far below the recursion limit less the frames beneath the toc pass


def deeper_than(root: etree.Element, levels: int) -> bool:
    """True if some element lies more than `levels` levels below root."""
    level = [root]
    for _ in range(levels + 1):
        level = [child for el in level for child in el]
        if not level:
            return False
    return True


class QuickTocTreeprocessor(TocTreeprocessor):
    """The toc pass, looking for its marker with one walk before walking the tree for it again.

    The built-in replace_marker joins the text of every element below each element (a
    third of the toc pass); it replaces only a childless element whose own text is the
    marker, so where no element of the tree is one, there is nothing to replace.
    """

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        marker = self.marker
        # The built-in walk recurses once per level of nesting: on a tree nested hundreds of
        # levels deep (`*` * 3000) it raises the RecursionError that Converter.parse reports,
        # so such a tree still takes it.
        if not deeper_than(root, TOC_WALK_DEPTH) and not any(len(c) == 0 and c.text and c.text.strip() == marker for c in root.iter()):
            return
        # The built-in replace_marker, written out: a call to it would put one more frame on
        # the stack, and move the depth at which the walk raises by one.
        for (p, c) in self.iterparent(root):
            text = "".join(c.itertext()).strip()
            if not text:
                continue
            if c.text and c.text.strip() == marker and len(c) == 0:
                for i in range(len(p)):
                    if p[i] == c:
                        p[i] = elem
                        break


class QuickTocExtension(TocExtension):
    """Python-Markdown's toc extension with QuickTocTreeprocessor."""

    TreeProcessorClass = QuickTocTreeprocessor


def make_markdown() -> tuple[markdown.Markdown, ClaimsExtension]:
    """One Markdown instance with the claims extension, reused for every page of a build."""
    ext = ClaimsExtension()
    md = markdown.Markdown(
        # instances, not names: a name is looked up among installed entry points first,
        # which imports importlib.metadata and scans every package (70 ms of a one-page edit)
        extensions=[FootnoteExtension(BACKLINK_TITLE="Back to reference %d"), TableExtension(), QuickTocExtension(),
                    SmartyExtension(), SaneListExtension(), ext],
        output_format="html",
    )
    rawhtml.register(md, ext)  # refuse scripts, handlers and unsafe URLs in raw HTML
    quickinline.install(md)
    rawhtml.install_postprocessor(md)
    return md, ext
