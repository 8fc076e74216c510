"""A claim's passage as plain text: the highlighted label, or the sentence a marker ends.

The endnotes, the ledger, claims.json and ClaimReview quote a claim by this text, so it
is what a reader sees, with Markdown's placeholders put back and no markup.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

from markdown import util

ESCAPED_RE = re.compile(f"{util.STX}(\\d+){util.ETX}")  # an escaped character's placeholder
BRACKET_RE = re.compile(r"[\[\]]")
# Where a sentence ends: its last character, closing quotes or brackets, then white space.
SENTENCE_BREAK_RE = re.compile(r"[.!?…][\"'”’)]*\s+")


def plain(md, element: etree.Element, skip_hidden: bool = False) -> str:
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
    return " ".join(unstash(md, "".join(parts)).split())


def sentence_before(md, wrap: etree.Element, parents: dict) -> str:
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
            parts.append(plain(md, el[0], skip_hidden=True))
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
    text = " ".join(unstash(md, "".join(parts)).split())
    sentences = [s for s in split_sentences(text) if s.strip()]
    return sentences[-1].strip() if sentences else text


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
    """The sentences of a text, each keeping its closing punctuation (the white space between them dropped).

    An expression that starts with a class, not a lookbehind: the regex engine can jump to
    each candidate instead of trying every character of the paragraph.
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


def bracketed(data: str, index: int) -> tuple[str, int, bool]:
        """The text between balanced brackets starting at index; (text, index after ']', closed).

        A bracket right after a backslash does not count. Only brackets change the depth, so
        the loop visits them alone, not every character of a long label.
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
