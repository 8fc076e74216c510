"""The PyYAML side of yamlfile's strict reader: what the line reader (yamlfile._quick_load) leaves.

Imported by yamlfile.load on first need, so a run whose texts are all plain 'key: value'
lines (or remembered, yamlfile.Memo) never imports PyYAML.
"""
from __future__ import annotations

import operator

import yaml

from .yamlfile import MAX_DEPTH, Mapping, YamlError

try:  # the C parser is several times faster; the Python one behaves the same
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader


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
            # the null expression matches at most five characters ("NULL\n"): longer values,
            # most of them, are not tried
            return _NULL_TAG if implicit[0] and len(value) < 6 and _NULL_RE.match(value) else _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    # The composer calls these two around every node; only path resolvers need the path, so
    # they do nothing. Built-ins that take the same arguments and return at once cost less
    # than a Python method doing nothing (a built-in in a class is not bound to the instance).
    descend_resolver = staticmethod(operator.is_)  # (current_node, current_index)
    ascend_resolver = staticmethod(tuple)  # ()


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
    """yamlfile.load for a text the line reader gave up on."""
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
        return None, [_explain(exc, text, offset)]
    except yaml.YAMLError as exc:
        return None, [YamlError(1, f"invalid YAML: {exc}")]
    except RecursionError:  # the pure-Python parser composes nested nodes recursively
        return None, [YamlError(1, f"YAML nested more than {MAX_DEPTH} levels deep; front matter needs only a few")]
    finally:
        loader.dispose()


def _explain(exc: yaml.MarkedYAMLError, text: str, offset: int = 0) -> YamlError:
    """A syntax error in a writer's words, at the line where the mistake most likely is (`offset`: lines before the text)."""
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
    opened = _quote_opened_before(text, mark.line) if mark else None
    if opened is not None:
        reason += f"; the quoted value that starts on line {offset + opened + 1} may be missing its closing quote"
    return YamlError(mark.line + 1 if mark else 1, f"invalid YAML: {reason}")


def _quote_opened_before(text: str, line: int) -> int | None:
    """The line (0-based) where a quoted value opened that ran on, over line ends, to `line`, where the error is.

    An unclosed quote swallows the lines after it until the next quote of its kind, which
    the parser takes as the value's end; what follows that quote is then the error, lines
    after the writer's real mistake.
    """
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.start_mark.line < token.end_mark.line == line:
                found = token.start_mark.line
    except yaml.YAMLError:
        pass
    return found
