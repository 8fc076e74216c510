"""The speed seam: the only code that names Python-Markdown's internals.

Python-Markdown's public extension API says *what* a page becomes; this sub-package only
makes the same thing cheaper to compute. Everything here replaces a built-in part with one
that gives byte for byte the same output (tests/fastmd/ compares fast and plain conversion
on whole pages), and some of it overrides private methods or copies method bodies, which a
new Markdown release may change under us. So:

- ``install(md)`` is the one entry. The rest of the builder calls it and nothing else here.
- It installs only on the Markdown release the code was read against (CHECKED_WITH). On any
  other release it installs nothing, says so once on stderr, and the build runs on plain
  Python-Markdown: slower, with correct output.
- ``EXPLAINERS_PLAIN_MARKDOWN=1`` in the environment turns it off on purpose (to compare,
  or to rule it out when something looks wrong).

What ``install`` replaces, with the built-in's priority (higher runs first):

    serializer        md.serializer                  serializer.to_html_string
    block parser      hashheader 70, setextheader 60, blocks.Quick*Processor: each tries its
                      hr 50, footnote 17, quote 20,   expression only on a block holding a
                      reference 15                    character every match holds
    inline patterns   link, reference (and kin)      their `(?<!\\!)\\[` rewritten `\\[(?<!\\!\\[)`
    tree              inline 20, smarty 6             inline.QuickInlineProcessor: a pattern is
                                                      tried only on text holding its trigger
                      unescape 0                      inline.QuickUnescapeTreeprocessor
    postprocessors    raw_html 30                     rawhtml.QuickRawHtmlPostprocessor
    notes only        md.parser                       blocks.OneParagraphParser, with
                                                      ``install(md, notes=True)``

Each module's docstring says why its replacement gives the same output.
"""
from __future__ import annotations

import os
import sys

import markdown

# The Markdown releases whose internals this code was read against, line by line.
CHECKED_WITH = ("3.11.3",)
OFF_VARIABLE = "EXPLAINERS_PLAIN_MARKDOWN"

_told = False


def active() -> bool:
    """True when the fast paths install: the checked Markdown release, and not turned off."""
    global _told
    if os.environ.get(OFF_VARIABLE, "") not in ("", "0"):
        return False
    if markdown.__version__ in CHECKED_WITH:
        return True
    if not _told:
        _told = True
        print(f"note: Python-Markdown {markdown.__version__} is not the release the fast paths were checked against "
              f"({', '.join(CHECKED_WITH)}); converting with plain Python-Markdown (slower, same output)", file=sys.stderr)
    return False


def install(md: markdown.Markdown, notes: bool = False) -> bool:
    """Put the fast parts in place of the built-in ones, where it is safe; True if it did.

    Call it after every extension is registered. `notes`: this instance renders claim notes
    (inline Markdown, mostly one line), so its block parser may skip the block processors
    for a lone paragraph.
    """
    if not active():
        return False
    from . import blocks, inline, rawhtml, serializer

    serializer.install(md)
    inline.install(md)
    blocks.install(md, notes)
    rawhtml.install(md)
    return True
