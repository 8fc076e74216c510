"""A strict YAML reader for site.yaml and front matter.

PyYAML's safe loader is too forgiving for writers' data: it silently keeps the last of two
duplicate keys, turns keys such as ``no`` or ``2024`` into booleans and numbers, raises on
a malformed date instead of saying where it is, and expands aliases (the "billion laughs").
This loader keeps every scalar as a string (only an empty value becomes None), records the
line of every mapping key, reports duplicate keys, and refuses anchors and aliases.

Front matter is mostly 'key: value' lines, so those are read by a line reader
(_quick_load) that gives up on anything else; then PyYAML's nodes are turned into data in
one pass (_build), which gives up on anything unusual; then the constructor and the shape
check have the last word. All three give the same data, lines and problems.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

try:  # the C parser is several times faster; the Python one behaves the same
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader


class Mapping(dict):
    """A dict that remembers the 1-based line of each key, relative to the YAML text."""

    lines: dict[str, int]
    line: int

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class YamlError:
    line: int  # 1-based, relative to the YAML text
    message: str


class _StrictLoader(_BaseLoader):
    # Only "null" stays implicit: booleans, numbers and dates are read by the code that
    # knows what each field means, so a key like `no` is never False.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream, offset: int = 0):
        super().__init__(stream)
        self.problems: list[YamlError] = []
        self.offset = offset  # lines before the YAML text in its file, for messages that name a line

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        result = Mapping()
        result.lines = {}
        result.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(YamlError(key_node.start_mark.line + 1, "a key must be a plain word"))
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in result:
                self.problems.append(
                    YamlError(line, f"duplicate key '{key}' (first given on line {result.lines[key] + self.offset})")
                )
                continue
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = line
        return result


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_mapping)

MAX_DEPTH = 20  # front matter needs 4 levels; hundreds would exhaust the constructor's recursion

_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
# the one implicit resolver left (the same regex object under each first character)
(_NULL_RE,) = {regexp for resolvers in _StrictLoader.yaml_implicit_resolvers.values() for _, regexp in resolvers}


class _QuickLoader(_StrictLoader):
    """_StrictLoader with the resolver cut down to what it does for our tables.

    PyYAML's generic resolver (called from C for every node) walks per-first-character
    tables and path resolvers; ours has no path resolvers and one implicit tag, null,
    so the answer is one regex match. The tags it gives are exactly the generic ones.
    """

    def resolve(self, kind, value, implicit):
        """The tag the generic resolver would give this untagged node."""
        if kind is yaml.ScalarNode:
            return _NULL_TAG if implicit[0] and _NULL_RE.match(value) else _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node, current_index):
        """Nothing to track: only path resolvers need the path."""

    def ascend_resolver(self):
        """Nothing to track: only path resolvers need the path."""


class _Unusual(Exception):
    """A document the quick builder leaves to PyYAML's constructor and the shape check."""


def _build(node, depth: int):
    """The data of a node with only plain tags, no repeated or non-scalar keys, and shallow nesting.

    Gives exactly what _StrictLoader's constructor gives for such a node, in one pass;
    raises _Unusual for anything else, so the general path decides (and words any problem).
    """
    tag = node.tag
    if tag == _STR_TAG and type(node) is yaml.ScalarNode:
        return node.value
    if depth >= MAX_DEPTH:
        raise _Unusual
    if tag == _MAP_TAG and type(node) is yaml.MappingNode:
        result = Mapping()
        lines = result.lines = {}
        result.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _Unusual
            key = key_node.value
            if key in result:
                raise _Unusual
            result[key] = _build(value_node, depth + 1)
            lines[key] = key_node.start_mark.line + 1
        return result
    if tag == _SEQ_TAG and type(node) is yaml.SequenceNode:
        return [_build(child, depth + 1) for child in node.value]
    if tag == _NULL_TAG and type(node) is yaml.ScalarNode:
        return None
    raise _Unusual


# The common shape of front matter, read without PyYAML: block mappings of 'key: value'
# lines, each value a one-line quoted string, a plain word run, a flow list of words, or
# nothing (a nested mapping may follow). Any line outside this (a '- item', a '{...}', a
# tab, a comment after a value, a continued scalar, an anchor, odd indentation, a
# duplicate key) sends the whole text to PyYAML, so its answers and messages stay the
# only ones. The characters allowed are those libyaml reads as printable and not as a
# line break (no tab, controls, NEL, U+2028/9 or BOM), so line numbers agree too. They are
# written as the complement (_OUT): the same set, which compiles in a tenth of the time
# (the positive ranges took 10 ms of every run's start-up); tests/test_yaml_equivalence.py
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


def _shape_problem(root) -> YamlError | None:
    """A node reachable twice (what an alias makes) or nested too deep, as a problem; else None."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return YamlError(node.start_mark.line + 1, "YAML anchors and aliases (& and *) are not allowed here")
        if depth > MAX_DEPTH:
            return YamlError(node.start_mark.line + 1, f"YAML nested more than {MAX_DEPTH} levels deep; front matter needs only a few")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend(((k, depth + 1), (v, depth + 1)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return None


def load(text: str, offset: int = 0) -> tuple[object, list[YamlError]]:
    """Parse one YAML document; return its data and every problem found (data None if unusable).

    Lines in the result are relative to the text; `offset` (the lines before it in its file)
    only shifts line numbers written inside messages.
    """
    quick = _quick_load(text)
    if quick is not None:
        return quick, []
    loader = _QuickLoader(text, offset)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        if "&" not in text:  # without an anchor no node can be reached twice
            try:
                return _build(node, 1), []
            except _Unusual:
                pass
        problem = _shape_problem(node)
        if problem is not None:
            return None, [problem]
        data = loader.construct_document(node)
        return data, loader.problems
    except yaml.MarkedYAMLError as exc:
        return None, [_explain(exc, text)]
    except yaml.YAMLError as exc:
        return None, [YamlError(1, f"invalid YAML: {exc}")]
    except RecursionError:  # the pure-Python parser composes nested nodes recursively
        return None, [YamlError(1, f"YAML nested more than {MAX_DEPTH} levels deep; front matter needs only a few")]
    finally:
        loader.dispose()


def _explain(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    """A syntax error in a writer's words, at the line where the mistake most likely is."""
    mark = exc.problem_mark or exc.context_mark
    reason = exc.problem or exc.context or "not valid YAML"
    if exc.context_mark and exc.problem_mark and exc.problem_mark.index >= len(text.rstrip()):
        # the parser only noticed at the end of the text: point at what was left open
        mark = exc.context_mark
        reason = f"{exc.context} that is never closed ({reason})"
    lines = text.splitlines()
    if mark and mark.line < len(lines) and "\t" in lines[mark.line]:
        reason = "a tab character is not allowed in YAML indentation; use spaces"
    elif isinstance(exc, yaml.constructor.ConstructorError) and "tag" in reason:
        tag = (exc.problem_mark and text[exc.problem_mark.index :].split()[0]) or "!tag"
        reason = f"YAML tags such as '{tag}' are not allowed; write plain text (in quotes if it starts with '!')"
    return YamlError(mark.line + 1 if mark else 1, f"invalid YAML: {reason}")
