"""The quick toc pass (claims_md.QuickTocTreeprocessor) gives exactly what the built-in one gives.

Each text is converted by the page's extensions twice, with QuickTocExtension and with
Python-Markdown's toc, and the HTML and the table of contents must be equal: on every page
we ship or use as a fixture, on generated benchmark pages, and on hypothesis's texts that
put the marker in paragraphs, headings, lists, quotes, code, tables and emphasis.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import markdown
from hypothesis import HealthCheck, given, settings, strategies as st

from explainers.claims_md import QuickTocExtension, QuickTocTreeprocessor, make_markdown

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

OTHERS = ["footnotes", "tables", "smarty", "sane_lists"]
QUICK = markdown.Markdown(extensions=[QuickTocExtension(), *OTHERS], output_format="html")
SLOW = markdown.Markdown(extensions=["toc", *OTHERS], output_format="html")


def same(text: str) -> None:
    results = []
    for md in (QUICK, SLOW):
        md.reset()
        results.append((md.convert(text), md.toc, md.toc_tokens))
    assert results[0] == results[1], text


def test_the_page_markdown_uses_the_quick_toc_pass_where_the_built_in_one_was():
    md, _ = make_markdown()
    assert isinstance(md.treeprocessors["toc"], QuickTocTreeprocessor)
    assert [p.name for p in QUICK.treeprocessors._priority] == [p.name for p in SLOW.treeprocessors._priority]
    assert [p.priority for p in QUICK.treeprocessors._priority] == [p.priority for p in SLOW.treeprocessors._priority]


def test_the_marker_is_still_replaced():
    QUICK.reset()
    html = QUICK.convert("## One\n\n[TOC]\n\n## Two\n")
    assert '<div class="toc">' in html and "[TOC]" not in html
    same("## One\n\n[TOC]\n\n## Two\n")


def test_markers_below_the_top_level_convert_the_same():
    for text in ["## A\n\n- [TOC]\n- b\n", "> [TOC]\n", "> - x\n>     - [TOC]\n", "| a |\n|---|\n| [TOC] |\n",
                 "*[TOC]*\n", "# [TOC]\n", "    [TOC]\n", "1. x\n\n    [TOC]\n", "[TOC]\n\n[TOC]\n", "text [TOC]\n"]:
        same(text)


def test_shipped_fixture_and_generated_pages_convert_the_same(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    site = generate(tmp_path / "site", 6, 7)
    paths = sorted(ROOT.glob("content/**/*.md")) + sorted((ROOT / "tests" / "fixtures").glob("**/*.md"))
    paths += sorted((site / "content").glob("*.md"))
    assert len(paths) > 20
    for path in paths:
        same(path.read_text(encoding="utf-8"))


PIECES = ["[TOC]", "[TOC]", " [TOC] ", "[TOC]x", "## ", "# ", "\n", "\n\n", "- ", "1. ", "> ", "    ", "```", "`", "*",
          "**", "_", "word", " ", "| a | b |\n|---|---|\n| ", " |", "<div>", "</div>", "[^1]", "[^1]: n\n", "  \n", "{#x}"]


@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_random_texts_with_markers_convert_the_same(pieces):
    same("".join(pieces))


def outcome(md: markdown.Markdown, text: str):
    md.reset()
    try:
        return md.convert(text)
    except RecursionError:
        return RecursionError


def test_trees_nested_hundreds_of_levels_still_take_the_built_in_walk():
    # The built-in walk recurses per level; the page's RecursionError is what Converter.parse reports.
    for text in ["*" * 3000 + "x" + "*" * 3000 + "\n", "*" * 300 + "x" + "*" * 300 + "\n", "> " * 60 + "x\n"]:
        assert outcome(QUICK, text) == outcome(SLOW, text)
    assert outcome(QUICK, "*" * 3000 + "x" + "*" * 3000 + "\n") is RecursionError


def test_deeper_than_counts_levels_below_the_root():
    import xml.etree.ElementTree as etree

    from explainers.claims_md import deeper_than

    root = leaf = etree.Element("div")
    for _ in range(5):
        leaf = etree.SubElement(leaf, "span")
    etree.SubElement(root, "p")
    assert [deeper_than(root, n) for n in range(7)] == [True, True, True, True, True, False, False]


def chain(depth: int):
    """A div with spans nested `depth` levels below it, and a word at the bottom."""
    import xml.etree.ElementTree as etree

    root = leaf = etree.Element("div")
    for _ in range(depth):
        leaf = etree.SubElement(leaf, "span")
    leaf.text = "x"
    return root


def walked(toc, depth: int):
    """What replace_marker does with a chain: None, or RecursionError."""
    import xml.etree.ElementTree as etree

    try:
        return toc.replace_marker(chain(depth), etree.Element("div"))
    except RecursionError:
        return RecursionError


def test_the_walk_raises_at_the_same_depth_as_the_built_in_one():
    quick, slow = QUICK.treeprocessors["toc"], SLOW.treeprocessors["toc"]
    low, high = 1, 3000  # the built-in walk succeeds at low and raises at high
    assert walked(slow, low) is None and walked(slow, high) is RecursionError
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if walked(slow, middle) is None else (low, middle)
    for depth in range(low - 2, high + 2):
        assert walked(quick, depth) == walked(slow, depth), depth
