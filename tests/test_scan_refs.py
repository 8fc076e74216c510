"""The claims scan finds the same references as before it skipped lines and reordered REF_RE.

ScanPreprocessor records the body line of each `[^id]` outside code. It now leaves code
spans alone in a line without a backtick, searches only text holding `[^`, and REF_RE has
its lookbehind after the bracket. Here the scan must record what the old scan (written
out below) recorded, on hypothesis's lines made of brackets, carets, backslashes,
backticks, fences and footnote definitions, and REF_RE must find what the old expression
found.
"""
from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from explainers.claims_md import CODE_SPAN_RE, FENCE_RE, FOOTNOTE_DEF_RE, REF_RE, ScanPreprocessor, make_markdown

settings.register_profile("ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

OLD_REF_RE = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")


def old_scan(lines: list[str]) -> tuple[dict, dict]:
    """The scan as it was: (ref_lines, footnote_lines)."""
    refs, footnotes, fence = {}, {}, None
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
            footnotes.setdefault(d.group(1), number)
            line = line[d.end():]
        for r in OLD_REF_RE.finditer(CODE_SPAN_RE.sub("", line)):
            refs.setdefault(r.group(1), []).append(number)
    return refs, footnotes


MD, EXT = make_markdown()
SCAN = next(p for p in MD.preprocessors if isinstance(p, ScanPreprocessor))

PIECES = ["[^a]", "[^b]", "[", "]", "^", "a", " ", "\\", "`", "``", "[`x`^a]", "[^a b]", "[^]", "```", "~~~", "[^a]:",
          "   ", "\t", "x[^a]", "\\[^a]", "![^a]"]
lines = st.lists(st.lists(st.sampled_from(PIECES), max_size=10).map("".join), max_size=8)


@given(lines)
def test_random_lines_scan_the_same(body):
    MD.reset()
    SCAN.run(body)
    assert (EXT.state.ref_lines, EXT.state.footnote_lines) == old_scan(body)


def test_a_code_span_between_bracket_and_caret_still_joins_them():
    MD.reset()
    SCAN.run(["a [`x`^a] b", "`[^b]` c"])
    assert EXT.state.ref_lines == {"a": [1]} == old_scan(["a [`x`^a] b", "`[^b]` c"])[0]


@given(st.text(alphabet=st.sampled_from(list("[]^\\ a\n`")), max_size=40), st.integers(0, 45))
def test_ref_expression_finds_the_same_references(text, start):
    assert [m.span() for m in REF_RE.finditer(text, start)] == [m.span() for m in OLD_REF_RE.finditer(text, start)]
