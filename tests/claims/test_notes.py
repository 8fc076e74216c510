"""A claim's note: inline Markdown, rendered together per page yet as each alone, its text and links read back."""
from __future__ import annotations

from conftest import markdown_pages, notes_in
from explainers.claims import checks, notes as notes_module
from explainers.claims.notes import BATCHED_NOTE_RE, NoteRenderer, _links, text_and_links
from explainers.claims.text import strip_tags
from explainers.convert import Converter
from explainers.fields import SAFE_SCHEMES
from explainers.rawhtml import url_scheme
from explainers.model import Claim, Problems
from hypothesis import given, strategies as st
from pathlib import Path
from types import SimpleNamespace
import pytest

ROOT = Path(__file__).resolve().parents[2]


# --- A page's one-line notes share one conversion (NoteRenderer.render_many) and render as each does alone.


QUICK = NoteRenderer()
SLOW = NoteRenderer(fast=False)  # plain Python-Markdown, one note at a time


def same(notes: list[str]) -> None:
    assert QUICK.render_many(notes) == [SLOW.render(note) for note in notes], notes


def test_shipped_fixture_and_generated_notes_render_as_alone(tmp_path):
    notes = [note for path in markdown_pages(tmp_path, 6) for note in notes_in(path.read_text(encoding="utf-8"))]
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
    monkeypatch.setattr(notes_module.NoteRenderer, "render", lambda self, note: ("alone:" + note, "", []))
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


# --- A note's text and links read with a regex (notes.text_and_links) are what html.parser reads.



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
        if url_scheme(href) not in SAFE_SCHEMES:
            problems.append(checks.say("unsafe-note-link", href=href))
    return out, " ".join(strip_tags(out).split()), problems


def reads_the_same(note: str) -> None:
    assert NOTES.render(note) == parser_render(note), note


def test_every_shipped_and_fixture_note_reads_the_same():
    notes = []
    for path in sorted(ROOT.glob("content/**/*.md")) + sorted((ROOT / "tests" / "fixtures").glob("**/*.md")):
        notes += [line.split("note:", 1)[1].strip().strip('"') for line in path.read_text(encoding="utf-8").splitlines() if "note:" in line]
    assert len(notes) > 10
    for note in notes:
        reads_the_same(note)


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
    reads_the_same("".join(pieces))


TAG_PIECES = ['<a href="', '<a title="', '<img alt="" src="', '<em>', '</em>', '<code>', '</a>', '<br>', '<script>', '<p>',
              '"', '">', ">", "<", "/", "=", " ", "\n", "&", "&amp;", "&#106;", "&quot;", ";", "x", "javascript:", "é"]


@given(st.lists(st.sampled_from(TAG_PIECES), max_size=30))
def test_random_fragments_read_the_same(pieces):
    fragment = "".join(pieces)
    assert text_and_links(fragment) == (strip_tags(fragment), _links(fragment)), fragment


def test_a_note_of_simple_tags_is_read_without_html_parser(monkeypatch):

    monkeypatch.setattr(notes_module, "strip_tags", None)  # a call would fail
    monkeypatch.setattr(notes_module, "_links", None)
    html, text, problems = NOTES.render("Told *Meduza* &amp; `x<y`: [it](https://x.org/?a=1&b=2) and [j](javascript:x)")
    assert text == "Told Meduza & x<y: it and j"
    assert problems == ["the note links to 'javascript:x'; a note may link to http:, https: and mailto: addresses and to this site's pages and claims (other.md, other.md#claim-id, #claim-id)"]
