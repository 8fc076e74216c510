"""A one-line note skips the block parser (claims_md.OneParagraphParser) and renders the same.

Each note is rendered twice, by a NoteRenderer as shipped and by one with Python-Markdown's
own block parser put back, and html, text and problems must be equal: on every note we
ship or use as a fixture, on generated benchmark notes, and on hypothesis's notes made of
what starts a block (headings, lists, quotes, rules, code, reference definitions, setext
underlines) and of the characters the whitespace preprocessor changes.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import at_depth
from explainers.claims_md import ONE_PARAGRAPH_RE, NoteRenderer, OneParagraphParser

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

QUICK = NoteRenderer()
SLOW = NoteRenderer()
SLOW.md.parser = SLOW.md.parser.parser  # Python-Markdown's own block parser


def same(note: str) -> None:
    assert QUICK.render(note) == SLOW.render(note), repr(note)


def test_the_note_renderer_uses_the_one_paragraph_parser():
    assert isinstance(QUICK.md.parser, OneParagraphParser)
    assert not isinstance(SLOW.md.parser, OneParagraphParser)


def test_a_one_line_note_skips_the_block_processors(monkeypatch):
    calls = []
    inner = QUICK.md.parser.parser
    original = inner.parseChunk
    monkeypatch.setattr(inner, "parseChunk", lambda parent, text: calls.append(text) or original(parent, text))
    assert QUICK.render("A *plain* note -- with [a link](https://x.org/) and `code`.")[2] == []
    assert calls == []
    assert QUICK.render("# A heading")[2] == ["a note may hold inline Markdown only (no lists, headings or paragraphs)"]
    assert len(calls) == 1


def notes_in(text: str):
    yield from re.findall(r'^\s*note: "(.*)"\s*$', text, re.M)


def test_shipped_fixture_and_generated_notes_render_the_same(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    site = generate(tmp_path / "site", 6, 7)
    paths = sorted(ROOT.glob("content/**/*.md")) + sorted((ROOT / "tests" / "fixtures").glob("**/*.md"))
    notes = [note for path in paths + sorted((site / "content").glob("*.md")) for note in notes_in(path.read_text(encoding="utf-8"))]
    assert len(notes) > 40
    assert sum(bool(ONE_PARAGRAPH_RE.fullmatch(note + "\n\n")) for note in notes) > 20
    for note in notes:
        same(note)


# What starts a block, and what the whitespace preprocessor changes.
PIECES = ["a", "Word", "é", "1", "1. ", "- ", "* ", "+ ", "> ", "# ", "## x #", "---", "***", "___", "===", "=", "-",
          "[x]: http://y.org", "[x]", "[^1]: n", "    ", "\t", " ", "  ", "\n", "\n\n", "\r", "\r\n", "\x02", "\x03",
          "<div>", "<b>", "*", "_", "`", "'", '"', "--", "[a](b)", "&", ":", "|"]


@given(st.lists(st.sampled_from(PIECES), max_size=20))
def test_random_notes_render_the_same(pieces):
    same("".join(pieces))


@given(st.sampled_from(["a", "Z", "x y"]), st.lists(st.sampled_from(PIECES), max_size=20))
def test_random_notes_starting_with_a_letter_render_the_same(first, pieces):
    same(first + "".join(pieces))


def rendered(renderer: NoteRenderer, note: str):
    try:
        return renderer.render(note)
    except RecursionError:
        return RecursionError


def test_notes_nested_to_the_recursion_limit_render_the_same():
    # The quote processor stops nesting when the stack nears the limit: the one-paragraph
    # parser must not put a frame of its own under Python-Markdown's block parser.
    note = "> " * 400 + "x"
    for extra in range(8):
        assert at_depth(extra, lambda: rendered(QUICK, note)) == at_depth(extra, lambda: rendered(SLOW, note)), extra
