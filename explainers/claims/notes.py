"""A claim's note: inline Markdown rendered once per page, for its panel, endnote and the exports."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
from markdown.extensions.smarty import SmartyExtension

from .. import fastmd
from ..fields import SAFE_SCHEMES
from ..rawhtml import SIMPLE_ATTR_RE, SIMPLE_TAG_RE, SIMPLE_TAGS, url_scheme
from . import checks
from .text import strip_tags

# A note that NoteRenderer.render_many converts with others: one line starting with a letter
# (so a paragraph, whatever follows it), holding nothing the whitespace preprocessor changes
# (line ends, tabs, STX and ETX).
BATCHED_NOTE_RE = re.compile(r"[A-Za-z][^\n\r\t\x02\x03]*")



# A link to a page of this site (`other.md`, `other.md#claim-id`) or to an anchor of the page (`#claim-id`).
SITE_LINK_RE = re.compile(r"(?:[^:/?#\s][^:?#\s]*\.md)?(?:#[^\s]*)?\Z")


class NoteRenderer:
    """Renders a claim's note: inline Markdown only, raw HTML shown as text, safe links only."""

    def __init__(self, fast: bool = True):
        self.md = markdown.Markdown(extensions=[SmartyExtension()], output_format="html")
        self.md.preprocessors.deregister("html_block")
        self.md.inlinePatterns.deregister("html")
        if fast:
            fastmd.install(self.md, notes=True)

    def render(self, note: str) -> tuple[str, str, list[str]]:
        """(html, plain text, problems) for one note."""
        self.md.reset()
        out = self.md.convert(note).strip()
        problems = []
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        elif out:
            problems.append(checks.say("note-not-inline"))
        return self.finish(out, problems)

    def render_many(self, notes: list[str]) -> list[tuple[str, str, list[str]]]:
        """render() of each note; the one-line notes share one conversion, each a paragraph of one document.

        Converted one by one, a page's notes would each pay Python-Markdown's fixed cost per
        document (reset, preprocessing, tree passes, serializing). Paragraphs are converted independently (inline patterns work
        within one element's text, and a one-line note can define no reference), so each
        paragraph's HTML is what render() makes of that note alone. Whatever does not split
        back into one paragraph per note is rendered one by one.
        """
        done: list[tuple[str, str, list[str]] | None] = [None] * len(notes)
        batch = [index for index, note in enumerate(notes) if BATCHED_NOTE_RE.fullmatch(note)]
        if len(batch) > 1:
            self.md.reset()
            out = self.md.convert("\n\n".join(notes[index] for index in batch)).strip()
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
            scheme = url_scheme(href)  # never raises, unlike urlsplit on 'https://[x'
            if not scheme and SITE_LINK_RE.match(href):
                continue  # a page or claim of this site, in the body's form: checked with the body's links (links.note_links)
            if scheme not in SAFE_SCHEMES:
                problems.append(checks.say("unsafe-note-link", href=href))
        return out, " ".join(text.split()), problems


def text_and_links(fragment: str) -> tuple[str, list[str]]:
    """The text and the href/src values of an HTML fragment, as html.parser reads them (strip_tags, _links).

    Two html.parser passes would be most of rendering a note. A note's HTML holds only the
    serializer's simple tags, which a regex reads the same way: the text between tags and
    each attribute value with character references decoded. Anything else (a `<` that
    starts no such tag, another element) goes to html.parser.
    """
    texts, links, at = [], [], 0
    for m in SIMPLE_TAG_RE.finditer(fragment):
        if m.group(2) not in SIMPLE_TAGS:
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
