"""The quick paths of front matter reading give exactly what the code before them gave.

yamlfile.load now reads the common block shape of front matter line by line, and builds
PyYAML's nodes in one pass otherwise; load.check_openers skips its per-paragraph count
when the body is small. A frozen copy of the code before these changes is at the bottom
of this file; hypothesis compares the two on generated front matter (in the common shape,
near it, and hostile: tabs, anchors, tags, control characters, odd indentation, duplicate
keys, broken quoting) and on bodies with many '[' and '<'.
"""
from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from explainers import load, yamlfile
from explainers.model import Problems

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))


def same(a, b, where="data") -> None:
    """Assert a and b are the same data: types, key order, values and every recorded line."""
    assert (type(a), type(b)) == (yamlfile.Mapping, RefMapping) or type(a) is type(b), (where, a, b)
    if isinstance(a, dict):
        assert list(a) == list(b), where
        assert a.lines == b.lines and a.line == b.line, where
        for key in a:
            same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)

UNCLOSED_HINT_RE = re.compile(r"; the quoted value that starts on line \d+ may be missing its closing quote$")


def check(text: str, offset: int = 1) -> None:
    """yamlfile.load and the frozen loader agree on text: data, problems, lines and words."""
    try:
        ref_data, ref_problems = ref_load(text, offset)
    except Exception as exc:  # e.g. a lone surrogate, which no UTF-8 file holds, fails to encode
        try:
            yamlfile.load(text, offset)
        except type(exc):
            return
        raise AssertionError(f"the frozen loader raised {exc!r}, the new one did not")
    data, problems = yamlfile.load(text, offset)
    # the frozen loader predates the hint at an unclosed quote (yamlstrict._quote_opened_before)
    assert [(p.line, UNCLOSED_HINT_RE.sub("", p.message)) for p in problems] == [(p.line, p.message) for p in ref_problems], text
    same(data, ref_data)


# Pieces a writer (or a hostile contributor) might put in front matter: the first few of
# each list are in the shape the quick reader takes, the rest mostly are not.
KEYS = ["title", "date", "claims", "a", "b", "claim-01", "x_y", "2024", "no", "null", "Null", "_k", "-a", "a b", "~", "?", "<<", "é", "k" * 120, "a:b", "a#", "a.b"]
SCALARS = [
    "verified", "null", "Null", "NULL", "nul", "1.5", "2020-01-01", "yes", "a#b", "x:y", "x :y", "a  b", "a, b", "a]", "a}",
    "http://example.org/a#b", "https://x.org/?a=1&b=2", "a\\b", "a é €", "a\U0001f600", "é ü", "€", "a \"q\" 'r'", "b:", "a: b", "a #b",
    "~", "[a, b]", "[a,b]", "[ a ]", "[]", "[a, null]", "[a, [b]]", "{a: 1}", "{}", "&x a", "*x", "!!int 5", "!!str x", "!!map {}",
    "!!seq []", "!!set {a}", "!!binary aGk=", "!x y", "!", "|", ">", "|\n  text", "'q'", "'q''r'", "\"q\"", "\"q\\\"r\"",
    "\"a\\tb\"", "\"\\0\"", "\"\\e\"", "\"\"", "''", "- a", "-", "a\tb", "a\u2028b", "a\x85b", "\ufeffa", "a\x00b",
    "a\x1bb", "a\x7fb", "a\x9fb", "a ", " a", "%x", "@x", "`x", ",x", "#x", "\"open", "'open", "[open", "\ud800", "\ufffe", "\u00a0a",
]
ODD = 12  # one choice in ODD leaves the quick reader's shape


def rare(draw, odd: int) -> bool:
    """True about one time in odd + 1 (hypothesis favours the ends of integer ranges); never if odd is 0."""
    return bool(odd) and draw(st.sampled_from([False] * odd + [True]))


def pick(draw, items: list, tame: int, odd: int = ODD):
    """Mostly one of the first `tame` items, one time in `odd` any."""
    if rare(draw, odd):
        return draw(st.sampled_from(items))
    return draw(st.sampled_from(items[:tame]))


@st.composite
def scalar(draw, odd: int = ODD) -> str:
    """A value as a writer might type it after 'key: ', quoted or not."""
    raw = draw(st.text(max_size=12)) if rare(draw, odd) else pick(draw, SCALARS, 22, odd)
    style = draw(st.sampled_from(["plain", "plain", "double", "single", "list"]))
    if style == "double":
        return '"' + raw + '"'
    if style == "single":
        return "'" + raw + "'"
    if style == "list":
        words = ["a", "b-c", "_x", "1.2", "null", "NULL", "Null", "x.y"]
        return "[" + pick(draw, [", ", ",", " ,", " , "], 2, odd).join(draw(st.lists(st.sampled_from(words), max_size=3))) + "]"
    return raw


@st.composite
def block(draw, odd: int = ODD, depth: int = 0, indent: int = 0) -> list[str]:
    """Lines of a block mapping, mostly well formed, sometimes not."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        pad = " " * max(0, indent + pick(draw, [0, 1, -1, 2], 1, odd))
        if draw(st.integers(0, 8)) == 0:
            lines.append(pick(draw, ["", "  ", "# note", "  # note é", "\t", "---", "- a", "? a", "a", "#\x07", " \t"], 4, odd))
        key = pick(draw, KEYS, 12, odd) + draw(st.sampled_from(["", "", "1", "2", "-x", "_y", "z"]))
        if depth < 4 and draw(st.integers(0, 2)) == 0:
            lines.append(f"{pad}{key}:" + pick(draw, ["", " ", " # c", " &a", " !!map", "\t"], 1, odd))
            lines.extend(draw(block(odd, depth + 1, indent + pick(draw, [2, 4, 1, 0], 3, odd))))
        else:
            sep = pick(draw, [": ", ":  ", ":", " : ", ":\t"], 2, odd)
            tail = pick(draw, ["", " ", " # c", "#c", "\t"], 1, odd)
            lines.append(f"{pad}{key}{sep}{draw(scalar(odd))}{tail}")
    return lines


def doc(lines: list[str]) -> str:
    return "\n".join(lines)


@SETTINGS
@given(st.sampled_from([ODD, 200]).flatmap(block).map(doc), st.integers(0, 3))
@example("title: x\ntitle: y", 1)
@example("a:\n  b: 1\n c: 2", 1)
@example("a: b\n  c", 1)
@example("a: &x [1]\nb: *x", 1)
@example("\n# lead\na: 1\n", 1)
@example("  a: 1\n  b: 2", 1)
@example("a: null\nb: [null, Null, x]\nc: 'null'\nd: \"~\"", 1)
def test_generated_front_matter_reads_the_same(text, offset):
    check(text, offset)


@st.composite
def one_odd_line(draw) -> str:
    """Tame front matter with one line of any key, separator, value, style and tail, at its neighbour's indentation."""
    lines = draw(block(0))
    at = draw(st.integers(0, len(lines)))
    pad = re.match(" *", lines[at - 1]).group() if at else ""
    value = draw(st.sampled_from(SCALARS))
    value = pick(draw, [value, f'"{value}"', f"'{value}'", f"[{value}]", f"[a, {value}]", ""], 1, 2)
    key = pick(draw, KEYS, 12, 3)
    line = f"{pad}{key}{pick(draw, [': ', ':', ' : ', ':  '], 1, 3)}{value}{pick(draw, ['', ' ', ' # c', '#c', '  '], 1, 3)}"
    return doc(lines[:at] + [line] + lines[at:])


@SETTINGS
@given(one_odd_line())
def test_one_odd_line_in_tame_front_matter_reads_the_same(text):
    check(text)


def test_every_odd_value_in_every_style_and_place_reads_the_same():
    # Exhaustive over the pieces, so each boundary of the quick reader meets PyYAML alone.
    for raw in SCALARS + [f"{k}:" for k in KEYS]:
        for value in (raw, f'"{raw}"', f"'{raw}'", f"[{raw}]", f"[a, {raw}]", f"[{raw}, b]"):
            for tail in ("", " ", " # c", "#c"):
                check(f"title: {value}{tail}")
                check(f"title: x\nclaims:\n  a:\n    note: {value}{tail}\n    url: u\nb: c")
                check(f"a:\n  {value}{tail}\nb: c")
    for key in KEYS:
        for sep in (": ", ":", ":  ", " : ", ":\t", "::"):
            check(f"{key}{sep}x\nb: c")
            check(f"a:\n  {key}{sep}\n    c: d")


def test_deep_nesting_reads_the_same_at_every_depth():
    # the quick reader and the one-pass builder hand deep documents on; the limit is the frozen one's
    for depth in range(1, 26):
        check("a: " + "[" * depth + "x" + "]" * depth)
        check("a: " + "{b: " * depth + "x" + "}" * depth)
        check("\n".join(" " * i + f"k{i}:" for i in range(depth)) + " x")
        check("\n".join(" " * i + f"k{i}:" for i in range(depth)))
        check("a: &x " + "[" * depth + "]" * depth + "\nb: *x")


@SETTINGS
@given(block().map(doc), st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(list(" \t\n:#-[]{},&*!|>'\"%@`\\?~é\x00\x1b\x85\u2028\ufeff")), st.booleans()), max_size=4))
def test_mutated_front_matter_reads_the_same(text, edits):
    for where, char, insert in edits:
        at = where % (len(text) + 1)
        text = text[:at] + char + text[at + (0 if insert else 1):]
    check(text)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab1 \n\t:#-[]{},&*!|>'\"~\\") + ["é", "\x85", "\u2028", "\x00"]), max_size=60))
def test_random_text_reads_the_same(text):
    check(text)


@st.composite
def body(draw) -> str:
    """A body of paragraphs with up to a few hundred '[' and '<', some escaped."""
    paragraphs = []
    for _ in range(draw(st.integers(0, 4))):
        n = draw(st.sampled_from([0, 3, 200, 499, 500, 501, 502, 700]))
        unit = draw(st.sampled_from(["[", "<", "\\[", "a[", "[<", "\\<x"]))
        paragraphs.append(unit * (n // max(1, unit.count("[") + unit.count("<"))))
    return draw(st.sampled_from(["\n\n", "\n \t\n", "\n"])).join(paragraphs)


@SETTINGS
@given(body(), st.integers(1, 50))
def test_opener_check_is_the_same(text, body_line):
    got, ref = Problems(), Problems()
    assert load.check_openers(text, "p.md", body_line, got) == ref_check_openers(text, "p.md", body_line, ref)
    assert got == ref


def test_opener_check_agrees_past_the_page_limit():
    paragraphs = "\n\n".join(["[" * 450] * 23)
    got, ref = Problems(), Problems()
    assert load.check_openers(paragraphs, "p.md", 5, got) == ref_check_openers(paragraphs, "p.md", 5, ref) is False
    assert got == ref


# ---- The frozen code before the quick paths (explainers/yamlfile.py and load.check_openers at a80eee8) ----

from dataclasses import dataclass


try:  # the C parser is several times faster; the Python one behaves the same
    from yaml import CSafeLoader as _RefBase
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _RefBase


class RefMapping(dict):
    """A dict that remembers the 1-based line of each key, relative to the YAML text."""

    lines: dict[str, int]
    line: int

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class RefYamlError:
    line: int  # 1-based, relative to the YAML text
    message: str


class _RefLoader(_RefBase):
    # Only "null" stays implicit: booleans, numbers and dates are read by the code that
    # knows what each field means, so a key like `no` is never False.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
        for first, resolvers in _RefBase.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream, offset: int = 0):
        super().__init__(stream)
        self.problems: list[RefYamlError] = []
        self.offset = offset  # lines before the YAML text in its file, for messages that name a line

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        result = RefMapping()
        result.lines = {}
        result.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(RefYamlError(key_node.start_mark.line + 1, "a key must be a plain word"))
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in result:
                self.problems.append(
                    RefYamlError(line, f"duplicate key '{key}' (first given on line {result.lines[key] + self.offset})")
                )
                continue
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = line
        return result


_RefLoader.add_constructor("tag:yaml.org,2002:map", _RefLoader.construct_mapping)


REF_MAX_DEPTH = 20  # front matter needs 4 levels; hundreds would exhaust the constructor's recursion


def _ref_shape_problem(root) -> RefYamlError | None:
    """A node reachable twice (what an alias makes) or nested too deep, as a problem; else None."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return RefYamlError(node.start_mark.line + 1, "YAML anchors and aliases (& and *) are not allowed here")
        if depth > REF_MAX_DEPTH:
            return RefYamlError(node.start_mark.line + 1, f"YAML nested more than {REF_MAX_DEPTH} levels deep; front matter needs only a few")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend(((k, depth + 1), (v, depth + 1)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return None


def ref_load(text: str, offset: int = 0) -> tuple[object, list[RefYamlError]]:
    """Parse one YAML document; return its data and every problem found (data None if unusable).

    Lines in the result are relative to the text; `offset` (the lines before it in its file)
    only shifts line numbers written inside messages.
    """
    loader = _RefLoader(text, offset)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        problem = _ref_shape_problem(node)
        if problem is not None:
            return None, [problem]
        data = loader.construct_document(node)
        return data, loader.problems
    except yaml.MarkedYAMLError as exc:
        return None, [_ref_explain(exc, text)]
    except yaml.YAMLError as exc:
        return None, [RefYamlError(1, f"invalid YAML: {exc}")]
    except RecursionError:  # the pure-Python parser composes nested nodes recursively
        return None, [RefYamlError(1, f"YAML nested more than {REF_MAX_DEPTH} levels deep; front matter needs only a few")]
    finally:
        loader.dispose()


def _ref_explain(exc: yaml.MarkedYAMLError, text: str) -> RefYamlError:
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
    return RefYamlError(mark.line + 1 if mark else 1, f"invalid YAML: {reason}")


REF_MAX_OPENERS_PER_PARAGRAPH = 500
REF_MAX_OPENERS_PER_PAGE = 10_000


def ref_check_openers(body: str, shown: str, body_line: int, problems: Problems) -> bool:
    """False (after saying where) if the body holds so many '[' and '<' that Markdown would hang."""
    total, line = 0, body_line
    for paragraph in re.split(r"(\n[ \t]*\n)", body):
        count = len(re.findall(r"(?<!\\)[\[<]", paragraph))
        total += count
        if count > REF_MAX_OPENERS_PER_PARAGRAPH:
            problems.error(shown, line, f"this paragraph has {count} '[' and '<' characters (at most {REF_MAX_OPENERS_PER_PARAGRAPH}); Markdown would take minutes to read it: split it, or escape them as \\[ and &lt;")
            return False
        line += paragraph.count("\n")
    if total > REF_MAX_OPENERS_PER_PAGE:
        problems.error(shown, body_line, f"this page has {total} '[' and '<' characters (at most {REF_MAX_OPENERS_PER_PAGE}); Markdown would take minutes to read it: split the page")
        return False
    return True


@SETTINGS
@given(st.lists(st.sampled_from(list("~nulNUL x\t\r") + ["null", "Null", "NULL"]), max_size=4).map("".join))
def test_null_words_are_what_the_resolver_reads_as_null(value):
    # the quick reader looks values up in _NULLS; PyYAML's resolver matches _NULL_RE
    from explainers import yamlstrict

    assert (value in yamlfile._NULLS) == bool(yamlstrict._NULL_RE.match(value))


def test_the_quick_reader_s_character_classes_are_the_printable_set_written_as_its_complement():
    """_LINES_RE writes libyaml's printable, non-breaking characters as [^_OUT] (it compiles ten times faster)."""
    import re

    from explainers import yamlfile

    pairs = [
        (f"[{yamlfile._SAFE}]", f"[^{yamlfile._OUT}]"),
        (f"[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e{yamlfile._WIDE}]", f'[^{yamlfile._OUT}"\\\\]'),
        (f"[\\x20-\\x26\\x28-\\x7e{yamlfile._WIDE}]", f"[^{yamlfile._OUT}']"),
        (f"[\\x21-\\x7e{yamlfile._WIDE}]", f"[^{yamlfile._OUT} ]"),
    ]
    everything = "".join(map(chr, range(0x110000)))
    for positive, negative in pairs:
        assert re.findall(positive, everything) == re.findall(negative, everything), (positive, negative)
    assert f'"[^{yamlfile._OUT}"\\\\]*"' in yamlfile._LINES_RE.pattern and f"[^{yamlfile._OUT} ]" in yamlfile._LINES_RE.pattern
