"""Block processors that look for a character before trying their expression, and the notes' parser.

Six block processors (QUICK_BLOCKS) first check, with `in` or `count`, for a character that
every match of their expression holds (`>` for a quote, `#` for a heading, a newline and
`=` or `-` for a setext heading, three `-`, `_` or `*` for a rule, `]:` for a reference or
footnote definition); their expressions start with `(^|\\n)` or `^` and are tried at every
character of every block. Each test is the built-in one written out after its check, not a
call to it: a call would be one more stack frame, and the quote processor declines to nest
when the stack nears Python's recursion limit, so the output would change at that depth.

`OneParagraphParser` is the claim notes' block parser: a note is inline Markdown, nearly
always one line, and a line that starts with a letter can only be a paragraph, so it skips
the block processors for such notes.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown import blockprocessors, util
from markdown.extensions.footnotes import FootnoteBlockProcessor

class QuickQuoteProcessor(blockprocessors.BlockQuoteProcessor):
    """A quote needs a `>`."""

    def test(self, parent, block: str) -> bool:
        return ">" in block and bool(self.RE.search(block)) and not util.nearing_recursion_limit()


class QuickHashHeaderProcessor(blockprocessors.HashHeaderProcessor):
    """A `#` heading needs a `#`."""

    def test(self, parent, block: str) -> bool:
        return "#" in block and bool(self.RE.search(block))


class QuickSetextHeaderProcessor(blockprocessors.SetextHeaderProcessor):
    """An underlined heading needs a line starting with `=` or `-` after the first."""

    def test(self, parent, block: str) -> bool:
        return ("\n=" in block or "\n-" in block) and bool(self.RE.match(block))


class QuickHRProcessor(blockprocessors.HRProcessor):
    """A rule needs three of `-`, `_` or `*` (the same one)."""

    def test(self, parent, block: str) -> bool:
        if block.count("-") < 3 and block.count("_") < 3 and block.count("*") < 3:
            return False
        m = self.SEARCH_RE.search(block)
        if m:
            self.match = m  # for run(), as the built-in test does
            return True
        return False


class QuickReferenceProcessor(blockprocessors.ReferenceProcessor):
    """A reference definition `[id]: url` needs `]:`; without, run() would put the block back and decline."""

    def test(self, parent, block: str) -> bool:
        return "]:" in block


class QuickFootnoteBlockProcessor(FootnoteBlockProcessor):
    """A footnote definition `[^id]: text` needs `]:`; without, run() would put the block back and decline."""

    def test(self, parent, block: str) -> bool:
        return "]:" in block


# Block processor name -> (its quick class, where Python-Markdown registers it).
QUICK_BLOCKS = {
    "hashheader": (QuickHashHeaderProcessor, 70),
    "setextheader": (QuickSetextHeaderProcessor, 60),
    "hr": (QuickHRProcessor, 50),
    "quote": (QuickQuoteProcessor, 20),
    "reference": (QuickReferenceProcessor, 15),
    "footnote": (QuickFootnoteBlockProcessor, 17),  # registered by the footnotes extension
}


# Notes as the block parser sees them (after the whitespace preprocessor) that are certainly
# one paragraph each: lines starting with a letter, a blank line after each. Such a line
# cannot start a heading, list, quote, rule, code block or reference definition, and a
# setext underline would need a second line in the same block.
PARAGRAPHS_RE = re.compile(r"(?:[A-Za-z][^\n]*\n\n)+")


class OneParagraphParser:
    """The note renderer's block parser: paragraphs of one line each skip the block processors.

    Anything else goes to Python-Markdown's own parser. The paragraph processor would make
    each of those blocks a <p> of its text (lstripped, and it starts with a letter).
    """

    def __init__(self, parser: blockprocessors.BlockParser):
        self.parser = parser

    def __getattr__(self, name: str):
        return getattr(self.parser, name)

    def parseDocument(self, lines: list[str]) -> etree.ElementTree:
        """The tree the block parser would make of these lines."""
        text, parser = "\n".join(lines), self.parser
        parser.root = etree.Element(parser.md.doc_tag)
        if PARAGRAPHS_RE.fullmatch(text):
            for line in text[:-2].split("\n\n"):
                etree.SubElement(parser.root, "p").text = line
        else:  # BlockParser.parseDocument, written out: a call would add a stack frame to deeply nested notes
            parser.parseChunk(parser.root, text)
        return etree.ElementTree(parser.root)


def install(md: markdown.Markdown, notes: bool) -> None:
    """The quick block processors in place of the built-in ones; for a notes renderer, the one-paragraph parser."""
    blocks = md.parser.blockprocessors
    for name, (quick_class, priority) in QUICK_BLOCKS.items():
        if name in blocks and type(blocks[name]) is quick_class.__base__:
            old = blocks[name]
            quick = quick_class(old.footnotes) if isinstance(old, FootnoteBlockProcessor) else quick_class(md.parser)
            blocks.register(quick, name, priority)
    if notes:
        md.parser = OneParagraphParser(md.parser)
