"""The fast paths change nothing: every page converts to the same result with fastmd and without.

One converter has fastmd installed, the other is plain Python-Markdown with the same
extensions. Everything a conversion returns (body HTML, references, links, anchors,
footnotes, problems, each note's HTML and text) must be equal: on every page we ship or use
as a fixture, on generated benchmark pages, on hypothesis's pages and notes made of what
the replaced passes care about, and on pages nested to the recursion limit, whatever the
depth of the stack the conversion starts at.
"""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from hypothesis import given, strategies as st

from conftest import FIXTURES, at_depth, examples, make_site, markdown_pages, notes_in
from explainers import load
from explainers.claims.notes import NoteRenderer
from explainers.convert import Converter, slug_table, static_files
from explainers.model import Claim, Page, Problems, Site, Source, Status

FAST, PLAIN = Converter(), Converter(fast=False)
FAST_NOTES, PLAIN_NOTES = NoteRenderer(), NoteRenderer(fast=False)

SITE = Site(
    root=Path("."), display_root="", title="T", base_url="https://example.org/", language="en",
    output_dir="public", stale_after_days=365,
    statuses={"verified": Status("verified", "Verified", "d"), "unverified": Status("unverified", "Unverified", "d")},
    sources={"nw": Source("nw", "News & <Co>", "https://example.org/?a=1&b=2"), "rel": Source("rel", "Relatives")},
)


def result(converter: Converter, site: Site, page: Page, slugs: dict, files: frozenset) -> tuple:
    """Everything converting a copy of the page gives, comparable with ==."""
    page = copy.deepcopy(page)
    parsed = converter.parse(site, page, slugs, files)
    doc = page.doc
    notes = [(c.id, c.note_html, c.note_text) for c in page.claims.values()]
    return (doc.html, doc.references, doc.links, sorted(doc.anchors), doc.footnotes, notes,
            list(parsed.note_problems), list(parsed.convert_problems), parsed.slug_deps, parsed.all_slugs)


def same(site: Site, page: Page, slugs: dict | None = None, files: frozenset = frozenset({"img/x.png"})) -> None:
    slugs = slugs if slugs is not None else {"page.md": "page/", "other.md": "other/"}
    assert result(FAST, site, page, slugs, files) == result(PLAIN, site, page, slugs, files), page.body


def page_of(body: str, notes: tuple[str | None, str | None] = ("a *note* & <b>x</b>", None)) -> Page:
    """A page of SITE with two claims, `a` and `b`, and this body."""
    claims = {
        "a": Claim("a", "verified", ("nw",), note=notes[0], checked=dt.date(2026, 11, 27)),
        "b": Claim("b", "unverified", ("nw", "rel"), note=notes[1], url="https://e.org/\"q\""),
    }
    return Page(Path("content/page.md"), "content/page.md", "page.md", "page", "T", dt.date(2026, 1, 1), body, 5,
                sources=SITE.sources, claims=claims)


def same_site(folder: Path) -> int:
    """Compare every readable page of a site folder; how many there were."""
    problems = Problems()
    site = load.load_site(folder, "", problems)
    pages = [load.read_page(site, path, problems) for path in load.page_paths(site, problems)]
    pages = [page for page in pages if page is not None]
    slugs, files = slug_table(pages), static_files(site)
    for page in pages:
        same(site, page, slugs, files)
    return len(pages)


def test_every_shipped_fixture_and_generated_page_converts_the_same(tmp_path):
    count = same_site(Path(__file__).resolve().parents[2])
    for folder in sorted(FIXTURES.glob("*/site.yaml")):
        count += same_site(folder.parent)
    for folder in sorted((FIXTURES / "mistakes").iterdir()):
        count += same_site(make_site(tmp_path / folder.name, content_from=folder))
    markdown_pages(tmp_path, 12)
    count += same_site(tmp_path / "generated")
    assert count >= 30


def test_realistic_benchmark_pages_convert_the_same(tmp_path):
    """bench/realistic.py's pages: the inline syntax of real prose, links between pages and to their claims."""
    import realistic  # bench/ is on the path once markdown_pages() has made generated pages

    markdown_pages(tmp_path, 1)
    assert same_site(realistic.generate(tmp_path / "realistic", 24, 3)) == 26


def test_every_shipped_fixture_and_generated_note_renders_the_same(tmp_path):
    notes = [note for path in markdown_pages(tmp_path, 6) for note in notes_in(path.read_text(encoding="utf-8"))]
    assert len(notes) > 40
    assert FAST_NOTES.render_many(notes) == PLAIN_NOTES.render_many(notes)
    for note in notes:
        assert FAST_NOTES.render(note) == PLAIN_NOTES.render(note), note


# Blocks of a page: claims, quotes, lists, code, raw HTML, tables, footnotes, toc, entities, smart quotes.
BLOCKS = [
    "Text [^a] and [the *claim*][^b].", "[^zz] undefined", "> quote\n> more", "- a\n    - b\n        1. c", "1. x\n2. y",
    "    code <b>", "```\nfenced & <x>\n```", "`code & <span>`", "<div class=\"x\">raw <b>html</b></div>", "<!-- c -->",
    "<script>alert(1)</script>", "| a | b |\n|---|---|\n| 1 | 2 |", "Footnote[^f].\n\n[^f]: The note.", "# Head & <i>\n", "[TOC]",
    "&amp; &copy; &#169; &bogus; & <", "a  \nbreak", "\"smart\" -- 'quotes'...", "[link](other.md#x) ![img](img/x.png)",
    "\t tabbed\n \n", "   \n", "\r\nwindows\r\n", "***", "Setext\n===", "<br/> <img src=x>", "*a **b** c*", "\\[^a] escaped",
    "<p>para</p>", "<div>\n<p>nested</p>\n</div>", "[x]: http://y.org\n\nSee [x].", "[^1]:note\n\nText[^1].", "\x02wzxhzdk:3\x03",
]
# Pieces of inline and block syntax, so that matches nest, overlap and nearly happen.
PIECES = ["*", "**", "_", "__", "`", "``", "\\", "[", "]", "(", ")", "![", "[^a]", "[^1]", "<", ">", "&", "&amp;", "&#38;",
          "'", '"', "-", "--", "---", ".", "...", "  \n", "\n", "\n\n", " ", "a", "word", "http://x.org", "a@b.org",
          "<https://x.org/>", "<b>", "</b>", "<!-- c -->", ":", "|", "#", "## ", "1. ", "- ", "> ", "   > ", "'90s",
          "[x]: http://y.org\n", "=", "===", "\n=", "\n-", "* * *", "___", "[^1]: n\n", "]:", "[TOC]", "\x02", "\x03", "\t"]


@examples(200)
@given(st.lists(st.sampled_from(BLOCKS), max_size=12), st.sampled_from(["\n\n", "\n", " "]))
def test_random_pages_convert_the_same(blocks, joiner):
    same(SITE, page_of(joiner.join(blocks)))


@examples(300)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_random_syntax_soup_converts_the_same(pieces):
    same(SITE, page_of("".join(pieces)))


@given(st.text(alphabet=st.sampled_from(list("*_`\\[]^()!<>&'\"-. \n\tab:1#|=")), max_size=100))
def test_random_characters_convert_the_same(text):
    same(SITE, page_of(text))


@examples(200)
@given(st.lists(st.sampled_from(PIECES), max_size=20), st.lists(st.sampled_from(PIECES), max_size=20))
def test_random_notes_render_the_same(first, second):
    notes = ("".join(first) or None, "N" + "".join(second))
    same(SITE, page_of("Text.[^a] More.[^b]", notes))
    for note in notes:
        if note:
            assert FAST_NOTES.render(note) == PLAIN_NOTES.render(note), note


def converted(converter: Converter, body: str):
    return result(converter, SITE, page_of(body), {"page.md": "page/"}, frozenset())


def test_pages_nested_to_the_recursion_limit_convert_the_same():
    # Python-Markdown's quote processor stops nesting when the stack nears the limit, and
    # deep emphasis raises RecursionError (which the converter reports): the fast paths
    # must not move either point, whatever the depth the conversion starts at.
    for body in ("> " * 400 + "x\n", "*" * 600 + "x" + "*" * 600, "- " * 300 + "x"):
        for extra in range(0, 8, 3):
            assert at_depth(extra, lambda: converted(FAST, body)) == at_depth(extra, lambda: converted(PLAIN, body)), (body[:10], extra)
    note = "> " * 400 + "x"
    for extra in range(0, 8, 3):
        assert at_depth(extra, lambda: rendered(FAST_NOTES, note)) == at_depth(extra, lambda: rendered(PLAIN_NOTES, note)), extra


def rendered(renderer: NoteRenderer, note: str):
    try:
        return renderer.render(note)
    except RecursionError:
        return RecursionError
