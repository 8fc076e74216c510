"""A note's text and links read with a regex (claims_md.text_and_links) are what html.parser reads.

NoteRenderer.render used two html.parser passes, strip_tags and _links, on each note's HTML.
It now reads the serializer's simple tags with a regex and leaves anything else to
html.parser. Here both readings must agree: on every note we ship or use as a fixture,
on hypothesis's notes made of what Markdown and HTML escaping care about, and on
hypothesis's HTML fragments, well-formed or not.
"""
from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from explainers import rawhtml
from explainers.claims_md import SAFE_SCHEMES, NoteRenderer, _links, strip_tags, text_and_links

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

NOTES = NoteRenderer()


def parser_render(note: str) -> tuple[str, str, list[str]]:
    """NoteRenderer.render as it was, reading the HTML with html.parser twice."""
    NOTES.md.reset()
    out = NOTES.md.convert(note).strip()
    problems = []
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    elif out:
        problems.append("a note may hold inline Markdown only (no lists, headings or paragraphs)")
    for href in _links(out):
        if rawhtml.url_scheme(href) not in SAFE_SCHEMES:
            problems.append(f"the note links to '{href}'; only http:, https: and mailto: links are allowed")
    return out, " ".join(strip_tags(out).split()), problems


def same(note: str) -> None:
    assert NOTES.render(note) == parser_render(note), note


def test_every_shipped_and_fixture_note_reads_the_same():
    notes = []
    for path in sorted(ROOT.glob("content/**/*.md")) + sorted((ROOT / "tests" / "fixtures").glob("**/*.md")):
        notes += [line.split("note:", 1)[1].strip().strip('"') for line in path.read_text(encoding="utf-8").splitlines() if "note:" in line]
    assert len(notes) > 10
    for note in notes:
        same(note)


def test_tricky_fragments_read_the_same():
    for fragment in ['&am<em>p;</em> x', 'a &amp b &notit; &#106;', '<a href="&#106;avascript:x">j</a>',
                     '<img alt="a" src="data:x">', '<a href="x" title="1 &lt; 2">y</a>', '<script>&amp;</script>',
                     '<!-- <a href="x"> -->', 'a < b', '<a href=x>y</a>', '<A HREF="x">y</A>', '<br />', '<em>x</em',
                     '<code>&lt;b&gt;</code>', 'end &amp', 'end &']:
        assert text_and_links(fragment) == (strip_tags(fragment), _links(fragment)), fragment


# Notes made of what inline Markdown, smarty and escaping care about, links of every scheme included.
PIECES = ["*", "**", "_", "`", "\\", "[", "]", "(", ")", "![", "<", ">", "&", "&amp;", "&#38;", "&#106;", "&copy", "'", '"',
          "--", "...", " ", "  \n", "\n", "a", "word", "é", "[x](https://x.org/?a=1&b=2 \"t<i>t\")", "[j](javascript:x)",
          "[r](&#106;avascript:x)", "![i](data:x)", "<https://x.org/>", "<a@b.org>", "<b>", "<!-- c -->", "# ", "- ", "1. "]


@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_random_notes_read_the_same(pieces):
    same("".join(pieces))


TAG_PIECES = ['<a href="', '<a title="', '<img alt="" src="', '<em>', '</em>', '<code>', '</a>', '<br>', '<script>', '<p>',
              '"', '">', ">", "<", "/", "=", " ", "\n", "&", "&amp;", "&#106;", "&quot;", ";", "x", "javascript:", "é"]


@given(st.lists(st.sampled_from(TAG_PIECES), max_size=30))
def test_random_fragments_read_the_same(pieces):
    fragment = "".join(pieces)
    assert text_and_links(fragment) == (strip_tags(fragment), _links(fragment)), fragment


def test_a_note_of_simple_tags_is_read_without_html_parser(monkeypatch):
    import explainers.claims_md as claims_md

    monkeypatch.setattr(claims_md, "strip_tags", None)  # a call would fail
    monkeypatch.setattr(claims_md, "_links", None)
    html, text, problems = NOTES.render("Told *Meduza* &amp; `x<y`: [it](https://x.org/?a=1&b=2) and [j](javascript:x)")
    assert text == "Told Meduza & x<y: it and j"
    assert problems == ["the note links to 'javascript:x'; only http:, https: and mailto: links are allowed"]
