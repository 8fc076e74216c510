"""The raw-HTML check's regex reading of simple HTML (check_simple) finds what html.parser finds.

check_fragment reads HTML made of a note's tags with a regex, and anything else with
html.parser (check_parsed). Both must give the same findings, at the same lines: on
hypothesis's fragments of simple and not-so-simple tags, attributes with character
references (`&#106;avascript:`, `&lt;`), event handlers, styles and newlines; on every
note of the shipped, fixture and generated pages, rendered as the build renders them.
"""
from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, strategies as st

from conftest import examples
from explainers import load, rawhtml
from explainers.claims.notes import NoteRenderer
from explainers.model import Problems

ROOT = Path(__file__).resolve().parent.parent


VALUES = ["x", "", "https://e.org/", "javascript:alert(1)", "&#106;avascript:1", "java&#x09;script:x", " data:x", "&lt;script&gt;",
          "&lt;!--", "a&amp;b", "mailto:a@b", "vbscript:x", "x.png 1x, javascript:y 2x", "&quot;", "\n", "//e.org"]
NAMES = ["href", "src", "title", "alt", "onclick", "onerror", "style", "class", "srcset", "data", "formaction", "x-y"]
TAGS = ["a", "em", "strong", "code", "img", "br", "span", "script", "style", "textarea", "title", "p", "iframe"]
TEXTS = ["a", " ", "\n", "&amp;", "&lt;", ">", "<", "&", "x\ny", "<!--", "-->", "</", "<!-- c -->", "<a", "<?x?>", "<![CDATA[x]]>"]


@st.composite
def tag(draw):
    """A start or end tag, usually as the serializer writes one, sometimes not."""
    name = draw(st.sampled_from(TAGS))
    if draw(st.integers(0, 4)) == 0:
        return f"</{name}>"
    attrs = "".join(f' {n}="{v}"' for n, v in draw(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)), max_size=3)))
    if draw(st.integers(0, 9)) == 0:  # not the serializer's form
        attrs += draw(st.sampled_from([" x", " a='b'", "/", " on=x", " HREF=\"javascript:x\""]))
    return f"<{name}{attrs}>"


FRAGMENTS = st.lists(st.one_of(tag(), st.sampled_from(TEXTS)), max_size=12).map("".join)


@examples(400)
@given(FRAGMENTS)
def test_random_fragments_give_the_same_findings(fragment):
    assert rawhtml.check_fragment(fragment) == rawhtml.check_parsed(fragment)


SIMPLE_PIECES = st.one_of(
    st.sampled_from(["a", "\n", "x\ny", "&amp;", ">", "</a>", "</em>", "<em>", "<br>", "<code>"]),
    st.tuples(st.sampled_from(["a", "img"]), st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)), max_size=3)).map(
        lambda t: f"<{t[0]}" + "".join(f' {n}="{v}"' for n, v in t[1]) + ">"),
)


@examples(400)
@given(st.lists(SIMPLE_PIECES, max_size=12).map("".join))
def test_random_simple_fragments_give_the_same_findings(fragment):
    assert rawhtml.check_fragment(fragment) == rawhtml.check_parsed(fragment)


def test_findings_on_later_lines():
    fragment = 'a\n<em>b</em>\n\nx <a href="javascript:x" title="&lt;i&gt;">c</a>\n<img src="&#106;avascript:1" onerror="x">'
    assert rawhtml.check_fragment('a\n<em>b</em>\n\n<a href="javascript:x">c</a>\n<img onerror="x">') == rawhtml.check_parsed('a\n<em>b</em>\n\n<a href="javascript:x">c</a>\n<img onerror="x">')
    assert [f.line for f in rawhtml.check_fragment(fragment)] == [f.line for f in rawhtml.check_parsed(fragment)]


def test_the_regex_reading_covers_notes_and_refuses_other_html():
    assert rawhtml.check_simple('a <em>b</em> <a href="https://e.org/">c</a>') == []
    assert rawhtml.check_simple('<a href="javascript:x">c</a>') == rawhtml.check_parsed('<a href="javascript:x">c</a>') != []
    for other in ["<script>x</script>", "a < b", "<!-- x -->", "<a href='x'>", '<a href="&lt;b&gt;">', "<span>x</span>", "<br/>"]:
        assert rawhtml.check_simple(other) is None, other


def notes():
    """Every claim note of the shipped, fixture and generated pages."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate
    import tempfile

    folders = [ROOT] + sorted(p.parent for p in (ROOT / "tests" / "fixtures").glob("*/site.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        folders.append(generate(Path(tmp) / "site", 12, 7))
        for folder in folders:
            problems = Problems()
            site = load.load_site(folder, "", problems)
            if site is None:
                continue
            for path in load.page_paths(site, problems):
                page = load.read_page(site, path, problems)
                if page is not None:
                    yield from (claim.note for claim in page.claims.values() if claim.note)


def test_every_note_gives_the_same_findings():
    renderer, count = NoteRenderer(), 0
    for note in notes():
        note_html = renderer.render(note)[0]
        assert rawhtml.check_fragment(note_html) == rawhtml.check_parsed(note_html), note
        count += rawhtml.check_simple(note_html) is not None
    assert count > 50  # the regex reading is what most notes take
