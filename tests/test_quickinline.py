"""The quick inline pass gives exactly what Python-Markdown's own inline pass gives.

Each text is converted twice, by the same configuration with the quick pass and with the
built-in one put back, and the two results must be equal: on every page we ship or use as
a fixture, on generated benchmark pages, and on hypothesis's texts made of the characters
the patterns care about.
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown import treeprocessors
from markdown.inlinepatterns import InlineProcessor

from conftest import at_depth
from explainers import quickinline
from explainers.claims_md import NoteRenderer
from explainers.quickinline import QuickInlineProcessor

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = ["footnotes", "tables", "toc", "smarty", "sane_lists"]

settings.register_profile("ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def builtin(md: markdown.Markdown) -> markdown.Markdown:
    """Put Python-Markdown's own inline passes back in place of the quick ones."""
    for name, priority in quickinline.PRIORITIES.items():
        if name in md.treeprocessors:
            plain = treeprocessors.InlineProcessor(md)
            plain.inlinePatterns = md.treeprocessors[name].inlinePatterns
            md.treeprocessors.register(plain, name, priority)
    md.treeprocessors.register(treeprocessors.UnescapeTreeprocessor(md), "unescape", quickinline.UNESCAPE_PRIORITY)
    return md


def pair(extensions=EXTENSIONS):
    quick = markdown.Markdown(extensions=extensions, output_format="html")
    quickinline.install(quick)
    slow = builtin(markdown.Markdown(extensions=extensions, output_format="html"))
    return quick, slow


QUICK, SLOW = pair()


def same(text: str, quick=QUICK, slow=SLOW) -> None:
    quick.reset()
    slow.reset()
    assert quick.convert(text) == slow.convert(text), text


def markdown_bodies():
    for path in sorted(ROOT.glob("content/**/*.md")) + sorted((ROOT / "tests" / "fixtures").glob("**/*.md")):
        yield path, path.read_text(encoding="utf-8")


def test_install_replaces_both_inline_passes_and_unescape():
    assert isinstance(QUICK.treeprocessors["inline"], QuickInlineProcessor)
    assert isinstance(QUICK.treeprocessors["smarty"], QuickInlineProcessor)
    assert isinstance(QUICK.treeprocessors["unescape"], quickinline.QuickUnescapeTreeprocessor)
    assert not isinstance(SLOW.treeprocessors["inline"], QuickInlineProcessor)
    assert not isinstance(SLOW.treeprocessors["unescape"], quickinline.QuickUnescapeTreeprocessor)
    assert [p.name for p in QUICK.treeprocessors._priority] == [p.name for p in SLOW.treeprocessors._priority]


def test_every_shipped_and_fixture_page_converts_the_same():
    bodies = list(markdown_bodies())
    assert len(bodies) > 20
    for path, text in bodies:
        same(text)


def test_generated_benchmark_pages_convert_the_same(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    site = generate(tmp_path / "site", 12, 7)
    for path in sorted((site / "content").glob("*.md")):
        same(path.read_text(encoding="utf-8"))


def test_a_pattern_without_triggers_is_always_tried():
    class Shout(InlineProcessor):
        def handleMatch(self, m, data):
            el = etree.Element("strong")
            el.text = m.group(1)
            return el, m.start(0), m.end(0)

    quick, slow = pair(["smarty"])
    for md in (quick, slow):
        md.inlinePatterns.register(Shout(r"%%(\w+)%%", md), "shout", 65)
    quick.reset()
    assert "<strong>loud</strong>" in quick.convert("a %%loud%% word")
    same("a %%loud%% word and 'quotes' -- and *more*", quick, slow)


def test_note_renderer_uses_the_quick_pass():
    notes = NoteRenderer()
    assert isinstance(notes.md.treeprocessors["inline"], QuickInlineProcessor)
    html, text, problems = notes.render("Newsweek's \"own\" caveat -- see [Meduza](https://meduza.io/) ... `x`")
    assert html == ("Newsweek&rsquo;s &ldquo;own&rdquo; caveat &ndash; see <a href=\"https://meduza.io/\">Meduza</a> "
                    "&hellip; <code>x</code>")
    assert problems == []


# Texts made mostly of what inline patterns look for, so that matches nest and overlap.
PIECES = ["*", "**", "_", "__", "`", "``", "\\", "[", "]", "(", ")", "![", "[^1]", "<", ">", "&", "&amp;", "&#38;",
          "'", '"', "-", "--", "---", ".", "...", "  \n", "\n", "\n\n", " ", "a", "word", "http://x.org", "a@b.org",
          "<https://x.org/>", "<b>", "</b>", "<!-- c -->", ":", "|", "#", "1. ", "- ", "> ", "'90s", "[x]: http://y.org\n"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_random_inline_soup_converts_the_same(pieces):
    same("".join(pieces))


@given(st.text(alphabet=st.sampled_from(list("*_`\\[]()!<>&'\"-. \nab:1#|")), max_size=80))
def test_random_characters_convert_the_same(text):
    same(text)


def test_trigger_table_names_only_patterns_that_exist():
    md = markdown.Markdown(extensions=EXTENSIONS + ["explainers.claims_md:ClaimsExtension"], output_format="html")
    names = set(md.inlinePatterns._data) | set(md.treeprocessors["smarty"].inlinePatterns._data)
    assert set(quickinline.TRIGGERS) == names


def test_a_pass_with_no_trigger_anywhere_is_skipped(monkeypatch):
    quick, slow = pair()
    calls = []
    original = QuickInlineProcessor._InlineProcessor__handleInline
    monkeypatch.setattr(QuickInlineProcessor, "_InlineProcessor__handleInline", lambda self, data, i=0: calls.append(data) or original(self, data, i))
    same("Plain words, *emphasis* and `code` but no quote or dash.\n\n- a list\n- of words", quick, slow)
    inline_calls = len(calls)
    assert inline_calls > 0  # the inline pass ran (`*`, `` ` ``) ...
    calls.clear()
    same("Plain words only.\n\n- a list\n- of words", quick, slow)
    assert calls == []  # ... and neither pass walks a page where nothing can match
    same("Joined texts: *a-*-b and 'q'", quick, slow)


# Texts, tails and attribute values holding escape placeholders (STX digits ETX), broken ones and none.
ESCAPED = st.lists(st.sampled_from(["\x0242\x03", "\x0296\x03", "\x02", "\x03", "\x02x\x03", "4", "a", " ", "&"]), max_size=6).map("".join)


@st.composite
def trees(draw, depth=0):
    """An element (p, code, a or span) with escaped texts and attributes, and children."""
    el = etree.Element(draw(st.sampled_from(["p", "code", "a", "span"])))
    el.text = draw(st.one_of(st.none(), ESCAPED))
    el.tail = draw(st.one_of(st.none(), ESCAPED))
    for name in draw(st.lists(st.sampled_from(["href", "title", "id"]), max_size=2, unique=True)):
        el.set(name, draw(ESCAPED))
    if depth < 3:
        el.extend(draw(st.lists(trees(depth + 1), max_size=3)))
    return el


@given(trees())
def test_random_trees_unescape_the_same(tree):
    import copy

    slow, quick = copy.deepcopy(tree), copy.deepcopy(tree)
    treeprocessors.UnescapeTreeprocessor(SLOW).run(slow)
    quickinline.QuickUnescapeTreeprocessor(QUICK).run(quick)
    assert etree.tostring(quick) == etree.tostring(slow)


def test_link_patterns_get_the_bracket_first_expression():
    names = [name for name in QUICK.inlinePatterns._data if QUICK.inlinePatterns[name].compiled_re.pattern == quickinline.BRACKET_NOIMG]
    assert names == ["reference", "link", "short_reference"]
    assert all(SLOW.inlinePatterns[name].compiled_re.pattern == quickinline.NOIMG_BRACKET for name in names)


@given(st.text(alphabet=st.sampled_from(list("![]\\ a\n")), max_size=40), st.integers(0, 45))
def test_bracket_first_expression_finds_the_same_spans(text, start):
    import re

    slow, quick = re.compile(quickinline.NOIMG_BRACKET, re.DOTALL), re.compile(quickinline.BRACKET_NOIMG, re.DOTALL)
    assert [m.span() for m in quick.finditer(text, start)] == [m.span() for m in slow.finditer(text, start)]
    assert [m.span() for m in quick.finditer(text[start:])] == [m.span() for m in slow.finditer(text[start:])]


def test_quick_block_processors_take_the_built_in_places():
    for name, (quick_class, _) in quickinline.QUICK_BLOCKS.items():
        assert type(QUICK.parser.blockprocessors[name]) is quick_class
        assert type(SLOW.parser.blockprocessors[name]) is quick_class.__base__
    order = [(item.name, item.priority) for item in QUICK.parser.blockprocessors._priority]
    assert order == [(item.name, item.priority) for item in SLOW.parser.blockprocessors._priority]


# Blocks made of what starts quotes, headings, rules and setext underlines, and what nearly does.
BLOCK_PIECES = ["> ", ">", "   > ", "    > ", "#", "## ", "####### ", "# x #", "\\#", "=", "===", "-", "---", "- - -",
                "* * *", "***", "___", "_ _ _", "--", "**", "__", "\n", "\n\n", "\n=", "\n-", "  ", "a", "word", "1. ",
                "- x", "[^1]: n\n", "| a |\n|---|\n", "[x]:", "[^1]:", "http://y.org", " ", "[x]", "[^1]", "]", ":"]


@given(st.lists(st.sampled_from(BLOCK_PIECES), max_size=30))
def test_random_block_soup_converts_the_same(pieces):
    same("".join(pieces))


def test_definitions_without_a_space_convert_the_same():
    for text in ["[x]:http://y.org\n\nSee [x].", "[^1]:note\n\nText[^1].", "a\n[x]:<http://y.org>\n[x]", "[x]:\n  http://y.org\n\n[x]"]:
        same(text)


def converted(md, text):
    md.reset()
    try:
        return md.convert(text)
    except RecursionError:
        return RecursionError


def test_quotes_nested_to_the_recursion_limit_convert_the_same():
    # The quote processor stops nesting when the stack nears the limit; the quick tests
    # must not move that point, whatever the depth the conversion starts at.
    text = "> " * 400 + "x\n"
    for extra in range(8):
        assert at_depth(extra, lambda: converted(QUICK, text)) == at_depth(extra, lambda: converted(SLOW, text)), extra
