"""A strict YAML reader for site.yaml and front matter.

PyYAML's safe loader is too forgiving for writers' data: it silently keeps the last of two
duplicate keys, turns keys such as ``no`` or ``2024`` into booleans and numbers, raises on
a malformed date instead of saying where it is, and expands aliases (the "billion laughs").
This loader keeps every scalar as a string (only an empty value becomes None), records the
line of every mapping key, reports duplicate keys, and refuses anchors and aliases.

Front matter is mostly 'key: value' lines, so those are read by a line reader
(_quick_load) that gives up on anything else; then PyYAML's nodes are turned into data in
one pass (yamlstrict._build), which gives up on anything unusual; then the constructor and
the shape check have the last word. All three give the same data, lines and problems. The
line reader is here; the rest, in yamlstrict.py, imports PyYAML only when it is needed.
"""
from __future__ import annotations

import copy
import hashlib
import pickle
import re
from dataclasses import dataclass

class Mapping(dict):
    """A dict that remembers the 1-based line of each key, relative to the YAML text."""

    lines: dict[str, int]
    line: int

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class YamlError:
    """A problem found in YAML text, at its line."""

    line: int  # 1-based, relative to the YAML text
    message: str



MAX_DEPTH = 20  # front matter needs 4 levels; hundreds would exhaust the constructor's recursion

# The common shape of front matter, read without PyYAML: block mappings of 'key: value'
# lines, each value a one-line quoted string, a plain word run, a flow list of words, or
# nothing (a nested mapping may follow). Any line outside this (a '- item', a '{...}', a
# tab, a comment after a value, a continued scalar, an anchor, odd indentation, a
# duplicate key) sends the whole text to PyYAML, so its answers and messages stay the
# only ones. The characters allowed are those libyaml reads as printable and not as a
# line break (no tab, controls, NEL, U+2028/9 or BOM), so line numbers agree too. They are
# written as the complement (_OUT): the same set, which compiles much faster (every run
# compiles it at start-up); tests/test_yaml_equivalence.py
# checks every code point against the positive form.
_WIDE = "\\xa0-\\u2027\\u202a-\\ud7ff\\ue000-\\ufefe\\uff00-\\ufffd\\U00010000-\\U0010ffff"
_SAFE = "\\x20-\\x7e" + _WIDE
_OUT = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff"  # what _SAFE leaves out
_WORD = "[A-Za-z0-9_][A-Za-z0-9_.-]*"
_LINES_RE = re.compile(
    "^( *)(?:([A-Za-z0-9_][A-Za-z0-9_-]{0,99}):(?: +("
    f'"[^{_OUT}"\\\\]*"'  # a double-quoted string without escapes
    f"|'[^{_OUT}']*'"  # a single-quoted string without doubled quotes
    f"|\\[(?:{_WORD}(?:, ?{_WORD})*)?\\]"  # a flow list of plain words
    f"|[A-Za-z0-9](?:[^{_OUT}]*[^{_OUT} ])?"  # plain text, checked for ': ', ' #' below
    "))? *"  # trailing spaces: none belong to a value
    f"|#[^{_OUT}]*)?"  # or a blank or comment-only line
    "(?:\\n|\\Z)",
    re.MULTILINE,
)

_QUOTES = ("'", '"')
# What _NULL_RE matches in a value without a line break (all the quick reader sees): a set
# lookup instead of a regex call per value.
_NULLS = frozenset(("~", "null", "Null", "NULL", ""))


def _quick_load(text: str) -> Mapping | None:
    """What the strict loader makes of text in the common subset above, or None if it is not."""
    found = _LINES_RE.findall(text)
    if len(found) != text.count("\n") + 1:
        return None  # a match is one whole line (from ^ to its end), so some line is not one
    root = Mapping()
    root.lines, root.line = {}, 0
    stack = [(0, root)]  # the open mappings, innermost last, with their indentation
    opener = None  # (mapping, key, indent) of a 'key:' line that a nested mapping may follow
    for number, (spaces, key, value) in enumerate(found, 1):
        if not key:
            continue  # blank or comment
        indent = len(spaces)
        if opener is not None and indent > opener[2]:
            if len(stack) >= MAX_DEPTH // 2:
                return None
            child = Mapping()
            child.lines, child.line = {}, number
            opener[0][opener[1]] = child
            stack.append((indent, child))
        else:
            while indent < stack[-1][0]:
                stack.pop()
            if indent != stack[-1][0]:
                return None
        opener = None
        mapping = stack[-1][1]
        if key in mapping:
            return None
        first = value[:1]
        if first in _QUOTES:
            value = value[1:-1]
        elif first == "[":
            value = [None if w in _NULLS else w for w in value[1:-1].replace(" ", "").split(",")] if value != "[]" else []
        elif value:
            if ": " in value or " #" in value or value[-1] == ":":
                return None
            if value in _NULLS:
                value = None
        else:
            value, opener = None, (mapping, key, indent)
        mapping[key] = value
        mapping.lines[key] = number
        if not root.line:
            root.line = number
    return root if root.line else None


def load(text: str, offset: int = 0, memo: Memo | None = None) -> tuple[object, list[YamlError]]:
    """Parse one YAML document; return its data and every problem found (data None if unusable).

    Lines in the result are relative to the text; `offset` (the lines before it in its file)
    only shifts line numbers written inside messages. With `memo`, what PyYAML made of a
    text before is taken from there.
    """
    quick = _quick_load(text)
    if quick is not None:
        return quick, []
    if memo is not None:
        return memo.get(text, offset)
    from . import yamlstrict  # PyYAML, imported only now: importing it is a large part of a run's start-up

    return yamlstrict.load(text, offset)


class Memo:
    """What the PyYAML side made of texts the line reader gave up on, kept between builds.

    site.yaml's `{label: …}` tables are such a text, and reading it meant importing PyYAML
    on every one-page edit; the builder keeps this in its cache (builder.open_site).
    """

    def __init__(self, known: dict | None = None):
        self.known = known or {}
        self.loaded = set(self.known)
        self.used: dict = {}  # what this run read, to be kept for the next

    def packed(self) -> bytes | None:
        """What this run read, pickled, or None if nothing (cache.PageEntry.front).

        As bytes, an entry unpickled to render its page makes one object of it, not the
        many of a front matter's data: a render worker's peak grew by 70 MiB at 10,000 pages.
        """
        return pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL) if self.used else None

    @classmethod
    def unpacked(cls, data: bytes | None) -> Memo:
        """A memo that knows what packed() gave (an empty one if that cannot be read)."""
        try:
            known = pickle.loads(data) if data else None
        except Exception:  # a damaged cache entry: PyYAML reads the text again
            known = None
        return cls(known if isinstance(known, dict) else None)

    @property
    def changed(self) -> bool:
        """Whether what this run read differs from what was kept."""
        return set(self.used) != self.loaded

    def get(self, text: str, offset: int) -> tuple[object, list[YamlError]]:
        """yamlfile.load's answer for a text the line reader gave up on (a copy: callers may annotate it)."""
        # the text's digest, not the text: a page's memo is kept in its cache entry, and a read
        # worker holds a batch of entries at once
        key = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), offset)
        if key not in self.known:
            from . import yamlstrict

            self.known[key] = yamlstrict.load(text, offset)
        self.used[key] = self.known[key]
        return copy.deepcopy(self.known[key])
