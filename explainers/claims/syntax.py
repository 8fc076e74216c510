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
                     inline             20  (built in; fastmd may put a quicker one in its place)
                     claims            18  numbers references in reading order, checks links
                                            (links.py), appends the endnotes (render.py)
                     toc                 5  (built in) heading ids
                     claims-anchors      4  collects every id, for `check`'s anchor test
                     raw-html-check      1  (rawhtml.py) refuses unsafe raw HTML in the body
    postprocessors   raw_html           30  (built in) puts the stashed panels and notes in place

The extension keeps per-document state in ``ClaimsExtension.state``; ``reset()`` (called
by ``Markdown.reset``) starts it afresh so one Markdown instance can convert many pages.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .. import fastmd, rawhtml
from ..fields import KEY_RE
from ..model import Claim, Doc, Reference, Site, Source
from . import checks
from .links import check_links, note_links
from ..i18n import _
from .render import claim_details_html, endnote_html, status_meaning_html
from .text import bracketed, excerpt, plain, sentence_before

# `[^id]` not preceded by a backslash. The lookbehind follows the bracket (it tests the same
# character) so that the expression starts with a literal, which the regex engine jumps to.
REF_RE = re.compile(r"\[(?<!\\\[)\^([^\]\s]+)\]")
FOOTNOTE_DEF_RE = re.compile(r"^[ ]{0,3}\[\^([^\]]*)\]:")
FENCE_RE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"(`+).+?\1")


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
    static_root: str | None = None  # the prefix to static/'s files, where it is not `root` (a translation's, one folder up)
    draft: bool = False  # a draft (built with --drafts) gets no claim pages, so its endnotes link none


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
    notes: dict[str, str] = field(default_factory=dict)  # claim id -> its note's HTML on this page (note_html)
    meanings: dict[str, str] = field(default_factory=dict)  # status -> its panel line (ClaimInlineProcessor.status_meaning)


class ClaimsExtension(Extension):
    """Registers the claim processors; one instance serves every page of a build."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.context: Context | None = None
        self.state = State()
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
        self.state.doc.html = self.md.convert(body)
        return self.state.doc, self.state.errors

    def error(self, line: int, message: str) -> None:
        self.state.errors.append((line, message))

    def stash_built(self, html_text: str) -> util.AtomicString:
        """Stash HTML the builder made from checked data (render.py), for an element's text.

        Stashed, a panel is one placeholder to every later pass: none walks its elements,
        the raw-HTML check skips it, and front matter stays data (a source named `[TOC]`
        is not the toc extension's marker).
        """
        self.state.built_html.add(self.md.htmlStash.html_counter)
        return util.AtomicString(self.md.htmlStash.store(html_text))

    def note_html(self, claim: Claim) -> str:
        """A claim's note as this page shows it: links to pages and claims of the site made URLs (links.note_links), once a page."""
        notes = self.state.notes
        if claim.id not in notes:
            notes[claim.id] = note_links(self, claim.note_html, self.ref_line(claim.id, 0))
        return notes[claim.id]

    def ref_line(self, cid: str, nth: int) -> int:
        """The body line of the nth (0-based) reference to a claim, as the scan found it."""
        lines = self.state.ref_lines.get(cid) or [1]
        return lines[min(nth, len(lines) - 1)]


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
            label, ref_at, closed = bracketed(data, m.end(0))
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
            self.ext.error(self.ext.ref_line(cid, nth), checks.say("undefined-claim", cid=cid))
            return None, None, None
        if label is not None and REF_RE.search(label):
            inner = REF_RE.search(label).group(1)
            self.ext.error(self.ext.ref_line(inner, 0), checks.say("nested-reference", inner=inner, cid=cid))
            return None, None, None
        return self.build(context.claims[cid], label), start, close + 1

    def build(self, claim: Claim, label: str | None) -> etree.Element:
        """The wrapper with label, trigger and panel; numbers and ids are set later in reading order.

        A <button> is always laid out as an inline-block, so a long highlighted passage inside
        one would become a rectangle that breaks the paragraph. The passage is therefore the
        button's <label>: it wraps like text, and a click on it clicks the button (so the
        popover opens without script). The passage's text sits in a <span aria-hidden> inside
        the label, and the button's aria-labelledby names that span directly: a hidden node
        named directly still gives its text to the name (accname 1.2, step 2A), so the button
        is called "passage (claim N, Status)" and a screen reader reads the passage once, as
        that name, not again as the label's text. (aria-hidden on the <label> itself would do
        the same, but HTML forbids it on a label associated with a control.)
        """
        context = self.ext.context
        status = context.site.statuses.get(claim.status)
        status_label = status.label if status else claim.status
        wrap = etree.Element("span", {"class": "claim", "data-status": claim.status})
        if label is not None:
            text = etree.SubElement(wrap, "label", {"class": "claim-label"})
            etree.SubElement(text, "span", {"aria-hidden": "true"}).text = label
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
        note = self.md.htmlStash.store(self.ext.note_html(claim)) if claim.note_html else ""
        meaning = self.status_meaning(claim.status, status)
        panel.text = self.ext.stash_built(" ".join(claim_details_html(claim, context.sources, context.site, status_label, "span", note, self.ext.dates, meaning)))
        return wrap

    def status_meaning(self, key: str, status) -> str:
        """The panel's line on what its status means, with the methods page linked when the site has one (one per status and page)."""
        made = self.ext.state.meanings
        if key not in made:
            context = self.ext.context
            # the methods page is content/methods.md published as methods/ (the layouts' rule: the nav page with slug methods)
            slug = context.slugs.get(METHODS_PAGE)
            url = ((context.root + slug) if slug in (METHODS_SLUG, "../" + METHODS_SLUG) else None)
            made[key] = status_meaning_html(status.description, url) if status and status.description else ""
        return made[key]


METHODS_PAGE, METHODS_SLUG = "methods.md", "methods/"


class ExtensionPass(Treeprocessor):
    """A tree pass of the claims extension: it reads and records through the extension's per-page state."""

    def __init__(self, md, ext: ClaimsExtension):
        super().__init__(md)
        self.ext = ext


class ClaimsTreeprocessor(ExtensionPass):
    """Numbers the references in reading order, checks and rewrites links, appends the endnotes."""

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
            label = plain(self.md, text) if text is not None else ""
            for link in (text if text is not None else button).iter("a"):
                self.ext.error(line, checks.say("link-in-highlight", cid=cid))
            if cid in state.footnote_lines:
                self.ext.error(state.footnote_lines[cid], checks.say("defined-both-ways", cid=cid))
            ancestor = parents.get(wrap)
            while ancestor is not None:
                if ancestor.tag == "a":
                    self.ext.error(line, checks.say("reference-inside-link", cid=cid))
                    break
                ancestor = parents.get(ancestor)
            if not label:
                label = sentence_before(self.md, wrap, parents)
            elif cid not in state.claim_text:
                highlighted.add(cid)
            state.doc.references.append(Reference(cid, nth + 1, line, label))
            if label and cid not in state.claim_text:
                state.claim_text[cid] = label
        check_links(self.ext, root, parents)
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
        panel.set("aria-label", _("Claim {number}").format(number=number))
        button.find("sup").text = util.AtomicString(str(number))
        hidden = button.find("span")
        if text is not None:
            text[0].set("id", f"label-{cid}-{nth}")
            text.set("for", ref)
            button.set("aria-labelledby", f"label-{cid}-{nth} {ref}")
            hidden.text = util.AtomicString(_(" (claim {number}, {status})").format(number=number, status=status_label))
        else:
            hidden.text = util.AtomicString(_("Claim {number}, {status}").format(number=number, status=status_label))

    def endnotes(self, numbers: dict[str, int], highlighted: set[str]) -> etree.Element | None:
        """The list of every claim of the page, each with id claim-ID, in reading order."""
        context, state = self.ext.context, self.ext.state
        section = etree.Element("section", {"class": "endnotes", "aria-labelledby": "claims-heading"})
        heading = etree.SubElement(section, "h2", {"id": "claims-heading"})
        heading.text = util.AtomicString(_("The claims, one by one"))
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
            note = self.md.htmlStash.store(self.ext.note_html(claim)) if claim.note_html else ""
            li.text = self.ext.stash_built(endnote_html(claim, context.sources, context.site, status_label, passage, note, refs.get(cid, []), self.ext.dates,
                                                        own_page=bool(context.root) and not context.draft))  # published pages with a slug have claim pages
        return section


class AnchorTreeprocessor(ExtensionPass):
    """Collects every id in the finished tree (headings, claims, footnotes) for link checks."""

    def run(self, root: etree.Element) -> None:
        anchors = self.ext.state.doc.anchors
        for el in root.iter():
            if el.get("id"):
                anchors.add(el.get("id"))
        anchors.update(f"claim-{cid}" for cid in self.ext.context.claims)
        anchors.add("claims-heading")


def make_markdown(fast: bool = True) -> tuple[markdown.Markdown, ClaimsExtension]:
    """One Markdown instance with the claims extension, reused for every page of a build; `fast`: with fastmd."""
    ext = ClaimsExtension()
    md = markdown.Markdown(
        # instances, not names: a name is looked up among installed entry points first,
        # which imports importlib.metadata and scans every installed package
        extensions=[FootnoteExtension(BACKLINK_TITLE="Back to reference %d"), TableExtension(), TocExtension(),
                    SmartyExtension(), SaneListExtension(), ext],
        output_format="html",
    )
    rawhtml.register(md, ext)  # refuse scripts, handlers and unsafe URLs in raw HTML
    if fast:
        fastmd.install(md)
    return md, ext
