"""fastmd installs on the Markdown release it was checked against, and steps aside on any other or when told."""
from __future__ import annotations

import markdown
import pytest
from markdown import blockprocessors, serializers, treeprocessors
from markdown.postprocessors import RawHtmlPostprocessor

from explainers import fastmd
from explainers.claims.notes import NoteRenderer
from explainers.claims.syntax import make_markdown
from explainers.fastmd import blocks, inline, rawhtml, serializer


@pytest.fixture(autouse=True)
def untold(monkeypatch):
    """Each test starts as a fresh process would: nothing said yet, not turned off."""
    monkeypatch.setattr(fastmd, "_told", False)
    monkeypatch.delenv(fastmd.OFF_VARIABLE, raising=False)


def fast_parts(md: markdown.Markdown) -> dict[str, bool]:
    """Which of the replaced parts are fastmd's."""
    return {
        "serializer": md.serializer is serializer.to_html_string,
        "inline": isinstance(md.treeprocessors["inline"], inline.QuickInlineProcessor),
        "unescape": isinstance(md.treeprocessors["unescape"], inline.QuickUnescapeTreeprocessor),
        "blocks": isinstance(md.parser.blockprocessors["quote"], blocks.QuickQuoteProcessor),
        "raw_html": isinstance(md.postprocessors["raw_html"], rawhtml.QuickRawHtmlPostprocessor),
    }


def test_the_checked_release_gets_every_fast_part(capsys):
    assert markdown.__version__ in fastmd.CHECKED_WITH  # the pinned release is the checked one
    md, _ = make_markdown()
    assert all(fast_parts(md).values())
    assert isinstance(md.treeprocessors["smarty"], inline.QuickInlineProcessor)
    notes = NoteRenderer().md
    assert isinstance(notes.parser, blocks.OneParagraphParser)
    assert capsys.readouterr().err == ""


def test_another_release_gets_plain_markdown_and_one_notice(monkeypatch, capsys):
    monkeypatch.setattr(markdown, "__version__", "9.9.9")
    md, _ = make_markdown()
    notes = NoteRenderer()
    assert not any(fast_parts(md).values())
    assert md.serializer is serializers.to_html_string
    assert type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor
    assert type(md.parser.blockprocessors["quote"]) is blockprocessors.BlockQuoteProcessor
    assert type(md.postprocessors["raw_html"]) is RawHtmlPostprocessor
    assert isinstance(notes.md.parser, blockprocessors.BlockParser)
    err = capsys.readouterr().err
    assert err.count("Python-Markdown 9.9.9 is not the release the fast paths were checked against") == 1
    assert "plain Python-Markdown" in err


def test_the_environment_variable_turns_it_off_quietly(monkeypatch, capsys):
    monkeypatch.setenv(fastmd.OFF_VARIABLE, "1")
    assert fastmd.install(markdown.Markdown()) is False
    assert not any(fast_parts(make_markdown()[0]).values())
    assert capsys.readouterr().err == ""
    monkeypatch.setenv(fastmd.OFF_VARIABLE, "0")
    assert all(fast_parts(make_markdown()[0]).values())


def test_the_trigger_table_names_exactly_the_patterns_that_exist():
    # A pattern missing from TRIGGERS is always tried (correct, only slower); a name that no
    # longer exists means Python-Markdown changed under the table.
    md, _ = make_markdown(fast=False)
    names = set(md.inlinePatterns._data) | set(md.treeprocessors["smarty"].inlinePatterns._data)
    assert set(inline.TRIGGERS) == names


def test_the_bracket_first_expression_replaces_the_lookbehind_one():
    fast, _ = make_markdown()
    plain, _ = make_markdown(fast=False)
    names = [name for name in fast.inlinePatterns._data if fast.inlinePatterns[name].compiled_re.pattern == inline.BRACKET_NOIMG]
    assert names == ["reference", "link", "short_reference"]
    assert all(plain.inlinePatterns[name].compiled_re.pattern == inline.NOIMG_BRACKET for name in names)
    for registry in ("treeprocessors", "postprocessors", "preprocessors"):
        assert ordered(getattr(fast, registry)) == ordered(getattr(plain, registry)), registry
    assert ordered(fast.parser.blockprocessors) == ordered(plain.parser.blockprocessors)


def ordered(registry) -> list[tuple[str, float]]:
    """A registry's names and priorities in the order it runs them."""
    return [(item.name, item.priority) for item in sorted(registry._priority, key=lambda item: item.priority, reverse=True)]
