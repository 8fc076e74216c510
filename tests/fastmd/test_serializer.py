"""fastmd's serializer writes what Python-Markdown's writes, for any tree, or fails alike.

Pages make only some shapes of tree; here hypothesis makes the rest (comments, processing
instructions, QNames, valueless and boolean attributes, raw-text tags, odd values).
"""
from __future__ import annotations

import xml.etree.ElementTree as etree

import pytest
from hypothesis import given, strategies as st
from markdown import serializers, util

from conftest import examples
from explainers.fastmd import serializer

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
    for fn in (serializers.to_html_string, serializer.to_html_string):
        try:
            results.append(fn(tree))
        except Exception as e:  # noqa: BLE001 - both must fail alike
            results.append(type(e))
    return results


@examples(300)
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
        serializer.to_html_string(None)


def test_deep_trees_serialize_the_same():
    root = el = etree.Element("div")
    for i in range(5000):  # far deeper than any recursion limit: both walk with a stack
        el = etree.SubElement(el, "blockquote" if i % 2 else "span", {"i": str(i)})
        el.text, el.tail = "a&b", "<"
    slow, quick = both(root)
    assert quick == slow
