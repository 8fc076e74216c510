"""Property-based tests: whatever a page holds, the build either succeeds or reports content errors.

Never a traceback (the command line is run in-process, so any exception fails the test
with hypothesis's smallest example), every message is `PATH:LINE: level: message` with a
line inside the file, and the output folder is either the previous one, untouched, or a
complete new build, with no temporary folder left behind.

Examples per test: 120 by default (three tests, 360 in all, about 15-25 s); set
HYPOTHESIS_PROFILE=deep for 2,000 per test.
"""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, strategies as st

from conftest import make_site, snapshot
from explainers import cli


PROBLEM_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (error|warning): \S.*$")
VALID = """---
title: "A valid page"
date: 2022-05-19
updated: 2022-06-01
summary: "A summary."
slug: valid
image: {src: images/parade.gif, alt: "A tank", caption: "A parade"}
sources:
  meduza: {name: Meduza, url: "https://meduza.io/", about: "An outlet"}
claims:
  first:
    status: unverified
    source: meduza
    note: "Relatives told *Meduza*; see [the report](https://meduza.io/)."
    url: "https://meduza.io/en/"
    checked: 2026-11-27
  second:
    status: verified
    sources: [newsweek, meduza]
---
According to a report, [soldiers were sent **to fight**][^first] against their will.
Newsweek asked for comment.[^second]

## More

- A list item repeats a claim.[^first]
- `[^first]` in code stays literal.

A plain footnote.[^1] See [the other page](second.md#claim-casualties).

[^1]: An ordinary footnote.
"""
# Pieces of syntax that matter to the builder, to splice into pages.
TOKENS = [
    "---", "\n---\n", "[^first]", "[^second]", "[^nope]", "[x][^first]", "[", "]", "[^", "`", "```\n",
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "<!--", "-->", "&#106;avascript:",
    "[a](javascript:alert(1))", "[b](nope.md)", "[c](second.md#nowhere)", "\t", "\r\n", "\ufeff", "\x00",
    ": ", "- ", "  ", "&", "*", "**", "_", "\\", "'", '"', "{", "}", "&a ", "*a", "!!python/name:os.system",
    "\n\n", "#", "> ", "1. ", "|a|b|\n|-|-|\n", "\u2028", "é", "\U0001f600", "[^1]: note\n",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The good fixture site, built once; each example replaces one page and builds again."""
    site = make_site(tmp_path_factory.mktemp("props"))
    assert run(site)[0] == 0
    return site


def run(site: Path, command: str = "build") -> tuple[int, str]:
    """The command line, in-process: (exit code, stderr). An exception propagates to hypothesis."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli.main([command, "--site", str(site)])
    return code, err.getvalue()


def check_build(site: Path, page_bytes: bytes) -> None:
    """Write the page as content/p.md, build, and check every property."""
    page = site / "content/p.md"
    page.write_bytes(page_bytes)
    before = snapshot(site / "public")
    code, err = run(site)
    assert code in (0, 1), err
    file_lines = page_bytes.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1  # lone CR ends a line too
    for line in err.splitlines():
        if line.startswith("build failed:"):
            continue
        m = PROBLEM_RE.match(line)
        assert m, f"not PATH:LINE: level: message: {line!r}"
        if m["path"].endswith("content/p.md"):
            assert 1 <= int(m["line"]) <= file_lines, line
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".public")) == []
    after = site / "public"
    if code == 1:
        assert ": error: " in err
        assert snapshot(after) == before
    else:
        assert ": error: " not in err
        assert (after / "index.html").is_file() and (after / "404.html").is_file()
        assert (after / "contract-soldiers/index.html").is_file()


yaml_scalars = st.one_of(
    st.text(max_size=30), st.dates().map(str), st.booleans(), st.integers(), st.none(),
    st.sampled_from(["verified", "unverified", "newsweek", "meduza", "no", "2024", "valid-slug", "../x", "https://e.org/", "javascript:x"]),
)
yaml_values = st.recursive(yaml_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=10)
field_names = st.sampled_from(["title", "date", "updated", "summary", "slug", "draft", "layout", "image", "sources", "claims", "other"])
front_matters = st.dictionaries(field_names, yaml_values, max_size=8)
bodies = st.lists(st.one_of(st.text(max_size=20), st.sampled_from(TOKENS)), max_size=15).map("".join)


@given(front=front_matters, body=bodies)
def test_arbitrary_front_matter_and_body(site: Path, front: dict, body: str):
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    check_build(site, text.encode("utf-8", "surrogatepass"))


@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes(site: Path, raw: bytes):
    check_build(site, b"---\n" + raw if raw[:1] != b"-" else raw)


@st.composite
def mutations(draw) -> str:
    """The valid page with a few pieces deleted, duplicated or spliced in."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate-line", "delete-line"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=5)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i:i + 1] = [lines[i], lines[i]] if kind == "duplicate-line" else []
            text = "\n".join(lines)
    return text


@given(text=mutations())
def test_mutations_of_a_valid_page(site: Path, text: str):
    check_build(site, text.encode("utf-8", "surrogatepass"))


def test_the_valid_page_is_valid(site: Path):
    """The page the mutations start from builds, so mutations explore the edge of validity."""
    check_build(site, VALID.encode())
    assert (site / "public/valid/index.html").is_file()
