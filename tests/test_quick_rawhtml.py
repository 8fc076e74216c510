"""The quick raw_html postprocessor restores stashed HTML exactly as Python-Markdown's own does.

Both run over the same text and stash: whole pages (shipped, fixture and generated bodies,
converted with the claims extension) and hypothesis's texts made of placeholders, `<p>`
and `</p>` around them, block-level and inline HTML, and stashed pieces that hold further
placeholders.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import markdown
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown import util
from markdown.postprocessors import RawHtmlPostprocessor

from explainers import rawhtml
from explainers.claims_md import NoteRenderer, make_markdown
from explainers.rawhtml import QuickRawHtmlPostprocessor

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def both(md: markdown.Markdown, text: str) -> tuple[str, str]:
    """(quick, built-in) restoration of text with md's current stash."""
    return QuickRawHtmlPostprocessor(md).run(text), RawHtmlPostprocessor(md).run(text)


def placeholder(key: int) -> str:
    return util.HTML_PLACEHOLDER % key


# Pieces of text and of stashed HTML; "@N" stands for the placeholder of stash entry N.
PIECES = ["<p>", "</p>", "<p>", "</p>", "@0", "@1", "@2", "@3", "@4", "@5", "@9", "<div>", "</div>", "<em>", "x",
          "\n", " ", "<!-- c -->", "<hr>", "<?php ?>", "<", "p>", "</", "\x02", "\x03", "wzxhzdk:", "7", "&amp;"]


def expand(pieces: list[str], below: int) -> str:
    """Join pieces, placeholders for entries at or beyond `below` kept only in text (no cycles in the stash)."""
    out = []
    for piece in pieces:
        if piece.startswith("@"):
            key = int(piece[1:])
            out.append(placeholder(key) if key < below or below < 0 else "y")
        else:
            out.append(piece)
    return "".join(out)


soup = st.lists(st.sampled_from(PIECES), max_size=30)


@given(st.lists(soup, max_size=6), soup)
def test_random_stash_and_text_restore_the_same(entries, text):
    md = markdown.Markdown()
    for index, entry in enumerate(entries):
        md.htmlStash.store(expand(entry, index))  # entry N may hold placeholders of entries before it
    quick, slow = both(md, expand(text, -1))  # the text may name entries that do not exist
    assert quick == slow


def test_placeholders_wrapped_in_paragraphs():
    md = markdown.Markdown()
    md.htmlStash.store("<div>block</div>")
    md.htmlStash.store("inline " + placeholder(0))
    md.htmlStash.store("<p>" + placeholder(1) + "</p>")
    cases = [f"<p>{placeholder(0)}</p>", f"<p>{placeholder(1)}</p>", f"<p>{placeholder(2)}</p>\n<p>{placeholder(7)}</p>",
             f"<p><p>{placeholder(0)}</p></p>", f"{placeholder(1)}</p>", f"<p>{placeholder(1)}", ""]
    for text in cases:
        quick, slow = both(md, text)
        assert quick == slow, text
    assert both(md, f"<p>{placeholder(0)}</p>")[0] == "<div>block</div>"
    assert both(md, f"<p>{placeholder(1)}</p>")[0] == "<p>inline <div>block</div></p>"


def bodies(tmp: Path):
    """Every shipped and fixture page, and generated benchmark pages."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    site = generate(tmp / "site", 12, 7)
    paths = sorted(ROOT.glob("content/**/*.md")) + sorted((ROOT / "tests" / "fixtures").glob("**/*.md"))
    for path in paths + sorted((site / "content").glob("*.md")):
        yield path.read_text(encoding="utf-8")


def test_whole_pages_restore_the_same(monkeypatch, tmp_path):
    """Every body, converted with the page extensions: the page and toc's heading fragments."""
    md = markdown.Markdown(extensions=["footnotes", "tables", "toc", "smarty", "sane_lists"], output_format="html")
    rawhtml.install_postprocessor(md)
    seen = []
    original = QuickRawHtmlPostprocessor.run

    def checked(self, text):
        quick, slow = original(self, text), RawHtmlPostprocessor.run(self, text)
        assert quick == slow
        seen.append(text)
        return quick

    monkeypatch.setattr(QuickRawHtmlPostprocessor, "run", checked)
    count = 0
    for body in bodies(tmp_path):
        md.reset()
        md.convert(body)
        count += 1
    assert count > 20 and any(util.STX in text for text in seen)


def test_page_and_note_markdown_use_the_quick_postprocessor():
    md, _ = make_markdown()
    assert isinstance(md.postprocessors["raw_html"], QuickRawHtmlPostprocessor)
    assert isinstance(NoteRenderer().md.postprocessors["raw_html"], QuickRawHtmlPostprocessor)
