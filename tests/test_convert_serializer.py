"""The quick serializer and whitespace preprocessor give exactly what Python-Markdown's own give.

Random element trees (odd tags, comments, qualified names, boolean and valueless
attributes, text needing escapes) are serialized by both serializers; random sources are
normalized by both preprocessors; and whole pages (shipped, fixtures, generated, and
hypothesis's Markdown) are converted by make_markdown with the quick pieces and with the
built-in ones put back.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown import preprocessors, serializers, util

from explainers import quickinline
from explainers.claims_md import Context, NoteRenderer, make_markdown
from explainers.model import Claim, Site, Source, Status

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PIECES = ["a", " ", "&", "&amp;", "&#38;", "&#x26;", "&nbsp;", "&x", "<", ">", '"', "\n", "checked", "é", "\x02", "'"]
TEXT = st.one_of(st.sampled_from(PIECES), st.lists(st.sampled_from(PIECES), max_size=6).map("".join))
TAGS = ["p", "div", "span", "a", "br", "img", "hr", "script", "style", "STYLE", "Br", "code", "pre", "x-y"]
NAMES = ["class", "checked", "open", "href", "id", "data-x", "a", "B", "download", "hidden"]


def value(draw, name: str):
    """An attribute value: text, None (valueless), the name itself (boolean) or a QName."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return None
    if kind == 1:
        return name
    if kind == 2:
        return etree.QName(draw(TEXT) or "q")
    if kind == 3:
        return util.AtomicString(draw(TEXT))
    return draw(TEXT)


@st.composite
def trees(draw, depth=0):
    """An element of some tag (sometimes a comment, instruction, QName or None) with text, attributes and children."""
    kind = draw(st.integers(0, 12))
    if kind == 0:
        el = etree.Comment(draw(TEXT))
    elif kind == 1:
        el = etree.ProcessingInstruction("pi", draw(TEXT))
    elif kind == 2:
        el = etree.Element(etree.QName(draw(st.sampled_from(["p", "{urn:x}p", "{urn:x}br"]))))
    elif kind == 3:
        el = etree.Element("x")
        el.tag = None
    else:
        el = etree.Element(draw(st.sampled_from(TAGS)))
    if kind > 1:
        el.text = draw(st.one_of(st.none(), TEXT, TEXT.map(util.AtomicString)))
        for name in draw(st.lists(st.sampled_from(NAMES), max_size=4, unique=True)):
            el.set(etree.QName(name) if draw(st.integers(0, 9)) == 0 else name, value(draw, name))
    el.tail = draw(st.one_of(st.none(), TEXT))
    if depth < 4 and kind > 1:
        el.extend(draw(st.lists(trees(depth + 1), max_size=3)))
    return el


def both(tree):
    """(built-in, quick) serializations, or the exception type each raised."""
    results = []
    for fn in (serializers.to_html_string, quickinline.to_html_string):
        try:
            results.append(fn(tree))
        except Exception as e:  # noqa: BLE001 - both must fail alike
            results.append(type(e))
    return results


@settings(max_examples=max(300, settings().max_examples))
@given(trees())
def test_random_trees_serialize_the_same(tree):
    slow, quick = both(tree)
    assert quick == slow


def test_odd_roots_and_values_serialize_the_same():
    root = etree.Element("p", {"class": "c"})
    root.text = "a"
    child = etree.SubElement(root, "span")
    child.text = 5  # neither serializer can write it; both say so
    assert both(root) == [TypeError, TypeError]
    odd = etree.Element("p")
    odd.set("x", 5)
    assert both(odd) == [TypeError, TypeError]
    with pytest.raises(AssertionError):
        quickinline.to_html_string(None)


def test_deep_trees_serialize_the_same():
    root = el = etree.Element("div")
    for i in range(5000):  # far deeper than any recursion limit: both walk with a stack
        el = etree.SubElement(el, "blockquote" if i % 2 else "span", {"i": str(i)})
        el.text, el.tail = "a&b", "<"
    slow, quick = both(root)
    assert quick == slow


SOURCE = st.lists(st.sampled_from([" ", "  ", "\n", "\r", "\r\n", "\t", "\x02", "\x03", "a", "\n \n", "\n\n"]), max_size=20).map("".join)


@given(SOURCE)
def test_random_sources_normalize_the_same(text):
    md = markdown.Markdown()
    lines = text.split("\n")
    assert quickinline.NormalizeWhitespace(md).run(list(lines)) == preprocessors.NormalizeWhitespace(md).run(list(lines))


def test_install_replaces_serializer_and_whitespace_pass():
    md, _ = make_markdown()
    assert md.serializer is quickinline.to_html_string
    assert type(md.preprocessors["normalize_whitespace"]) is quickinline.NormalizeWhitespace
    notes = NoteRenderer().md
    assert notes.serializer is quickinline.to_html_string
    assert type(notes.preprocessors["normalize_whitespace"]) is quickinline.NormalizeWhitespace


SITE = Site(
    root=Path("."), display_root="", title="T", base_url="https://example.org/", language="en",
    output_dir="public", stale_after_days=365,
    statuses={"verified": Status("verified", "Verified", "d"), "unverified": Status("unverified", "Unverified", "d")},
    sources={"nw": Source("nw", "News & <Co>", "https://example.org/?a=1&b=2"), "rel": Source("rel", "Relatives")},
)
CLAIMS = {
    "a": Claim("a", "verified", ("nw",), note="a *note* & <b>x</b>", checked=dt.date(2026, 11, 27), note_html="a <em>note</em> &amp; &lt;b&gt;x&lt;/b&gt;"),
    "b": Claim("b", "unverified", ("nw", "rel"), url="https://e.org/\"q\""),
}


def builtin(md: markdown.Markdown) -> markdown.Markdown:
    """Put Python-Markdown's own serializer and whitespace preprocessor back."""
    md.serializer = serializers.to_html_string
    md.preprocessors.register(preprocessors.NormalizeWhitespace(md), "normalize_whitespace", quickinline.NORMALIZE_PRIORITY)
    return md


QUICK, SLOW = make_markdown(), make_markdown()
builtin(SLOW[0])


def converted(pair, body: str):
    """(html, errors) of a body, through the claims extension."""
    md, ext = pair
    context = Context(SITE, "page.md", "../", CLAIMS, SITE.sources, {"page.md": "page/"}, frozenset({"img/x.png"}))
    try:
        doc, errors = ext.convert(context, body)
    except RecursionError:
        return RecursionError
    return doc.html, list(errors)


def same(body: str) -> None:
    assert converted(QUICK, body) == converted(SLOW, body), body


def test_every_shipped_fixture_and_generated_page_converts_the_same(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    site = generate(tmp_path / "site", 12, 7)
    paths = sorted(ROOT.glob("content/**/*.md")) + sorted((ROOT / "tests" / "fixtures").glob("**/*.md")) + sorted((site / "content").glob("*.md"))
    assert len(paths) > 30
    for path in paths:
        same(path.read_text(encoding="utf-8"))


BLOCKS = [
    "Text [^a] and [the *claim*][^b].", "[^zz] undefined", "> quote\n> more", "- a\n    - b\n        1. c", "1. x\n2. y",
    "    code <b>", "```\nfenced & <x>\n```", "`code & <span>`", "<div class=\"x\">raw <b>html</b></div>", "<!-- c -->",
    "<script>alert(1)</script>", "| a | b |\n|---|---|\n| 1 | 2 |", "Footnote[^f].\n\n[^f]: The note.", "# Head & <i>\n", "[TOC]",
    "&amp; &copy; &#169; &bogus; & <", "a  \nbreak", "\"smart\" -- 'quotes'...", "[link](other.md#x) ![img](img/x.png)",
    "\t tabbed\n \n", "   \n", "\r\nwindows\r\n", "***", "Setext\n===", "<br/> <img src=x>", "*a **b** c*", "\\[^a] escaped",
]


@given(st.lists(st.sampled_from(BLOCKS), max_size=12), st.sampled_from(["\n\n", "\n", " "]))
def test_random_pages_convert_the_same(blocks, joiner):
    same(joiner.join(blocks))


@given(st.text(alphabet=st.sampled_from(list("*_`\\[]^()!<>&'\"-. \n\tab:1#|=")), max_size=100))
def test_random_characters_convert_the_same(text):
    same(text)


def test_deeply_nested_pages_convert_the_same():
    for depth in (50, 200, 600):
        same("> " * depth + "x")
        same("*" * depth + "x" + "*" * depth)
