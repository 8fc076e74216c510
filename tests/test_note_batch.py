"""A page's one-line notes share one conversion (NoteRenderer.render_many) and render as each does alone.

render_many(notes) must equal [render(note) for note in notes] from a renderer with
Python-Markdown's own block parser: html, text and problems, note by note, over every note
we ship or use as a fixture, generated benchmark notes, and hypothesis's lists of notes made
of inline Markdown, raw HTML, unsafe links and what keeps a note out of the shared
conversion (line ends, tabs, STX and ETX, a leading non-letter).
"""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, strategies as st

from explainers import claims_md
from explainers.claims_md import BATCHED_NOTE_RE, NoteRenderer
from explainers.pipeline import Converter
from explainers.model import Claim, Problems
from test_note_paragraph import notes_in

ROOT = Path(__file__).resolve().parent.parent

# hypothesis's "ci" and "deep" profiles are the ones test_note_paragraph registers and loads on import
QUICK = NoteRenderer()
SLOW = NoteRenderer()
SLOW.md.parser = SLOW.md.parser.parser  # Python-Markdown's own block parser, one note at a time


def same(notes: list[str]) -> None:
    assert QUICK.render_many(notes) == [SLOW.render(note) for note in notes], notes


def test_shipped_fixture_and_generated_notes_render_as_alone(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    site = generate(tmp_path / "site", 6, 7)
    paths = sorted(ROOT.glob("content/**/*.md")) + sorted((ROOT / "tests" / "fixtures").glob("**/*.md"))
    notes = [note for path in paths + sorted((site / "content").glob("*.md")) for note in notes_in(path.read_text(encoding="utf-8"))]
    assert sum(bool(BATCHED_NOTE_RE.fullmatch(note)) for note in notes) > 40
    same(notes)
    for start in range(0, len(notes), 7):  # and in page-sized groups
        same(notes[start:start + 7])


def test_one_line_notes_share_one_conversion(monkeypatch):
    calls = []
    original = QUICK.md.convert
    monkeypatch.setattr(QUICK.md, "convert", lambda text: calls.append(text) or original(text))
    notes = [f"Note {n} with *emphasis* and [a link](https://example.org/{n})." for n in range(20)]
    assert [html for html, _, _ in QUICK.render_many(notes)] == [
        f'Note {n} with <em>emphasis</em> and <a href="https://example.org/{n}">a link</a>.' for n in range(20)]
    assert len(calls) == 1
    calls.clear()
    QUICK.render_many(["One line.", "# A heading", "Two\nlines.", "Three."])
    assert len(calls) == 3  # the two one-line notes together; the others alone


def test_a_page_renders_its_notes_together(monkeypatch):
    seen = []
    converter = Converter()
    monkeypatch.setattr(converter.notes, "render_many", lambda notes: seen.append(notes) or [(f"h{n}", f"t{n}", [f"bad {n}"]) for n in range(len(notes))])
    claims = {f"c{n}": Claim(id=f"c{n}", status="verified", sources=(), line=10 + n, note=f"Note {n}." if n != 2 else None) for n in range(4)}
    page = SimpleNamespace(claims=claims, rel="content/p.md")
    problems = Problems()
    converter.render_notes(page, problems)
    assert seen == [["Note 0.", "Note 1.", "Note 3."]]
    assert [(c.note_html, c.note_text) for c in claims.values()] == [("h0", "t0"), ("h1", "t1"), ("", ""), ("h2", "t2")]
    assert [(p.line, p.message) for p in problems] == [(10, "claim 'c0': bad 0"), (11, "claim 'c1': bad 1"), (13, "claim 'c3': bad 2")]


def test_a_note_that_does_not_split_back_is_rendered_alone(monkeypatch):
    # were a paragraph's HTML to hold the separator, the shared result would not split into
    # one part per note: every note is then rendered alone, and still right
    monkeypatch.setattr(claims_md.NoteRenderer, "render", lambda self, note: ("alone:" + note, "", []))
    renderer = NoteRenderer()
    original = renderer.md.convert
    monkeypatch.setattr(renderer.md, "convert", lambda text: original(text).replace("</p>\n<p>", " ", 1))
    assert renderer.render_many(["First.", "Second.", "Third."]) == [("alone:First.", "", []), ("alone:Second.", "", []), ("alone:Third.", "", [])]


INLINE = ["a", "Word", "é", " ", "  ", "*", "**", "_", "__", "`", "``", "'", '"', "--", "---", "...", "&", "&amp;", "&#42;",
          "\\", "\\*", "\\`", "[a](https://x.org/)", "[a](javascript:alert(1))", "[a](mailto:x@y.org)", "[a][b]", "[b]",
          "![i](https://x.org/i.png)", "<https://x.org>", "<x@y.org>", "<b>", "</b>", "<div>", "<!-- c -->", "<p>", "</p>",
          "[", "]", "(", ")", "<", ">", "1. ", "- ", "# ", ":", "|", "~", "\u00a0", "\u2014"]
OUTSIDE = ["\n", "\n\n", "\t", "\r", "\r\n", "\x02", "\x03", "1", "#", " lead", "> q", "    code"]


@st.composite
def notes(draw) -> str:
    first = draw(st.sampled_from(["A", "z", "x y", "É"] + OUTSIDE + [""]))
    return first + "".join(draw(st.lists(st.sampled_from(INLINE + OUTSIDE[:6]), max_size=14)))


@given(st.lists(notes(), max_size=12))
def test_random_notes_render_as_alone(batch):
    same(batch)


@given(st.lists(st.text(alphabet="Ab *_`'\"-.&\\[]()<>!:/@#\u00a0é", min_size=1, max_size=30).map(lambda s: "N" + s), max_size=10))
def test_random_text_notes_render_as_alone(batch):
    same(batch)


@pytest.mark.parametrize("note", ["x\n", "x\r", "x\ty", "x\x02y", "x\x03y", "1 x", " x", ""])
def test_what_the_preprocessor_changes_keeps_a_note_out(note):
    assert not BATCHED_NOTE_RE.fullmatch(note)
