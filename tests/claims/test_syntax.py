"""The claim syntax: `[^id]` and `[text][^id]` become triggers and panels, with every reference found."""
from __future__ import annotations

from explainers.claims.notes import NoteRenderer
from explainers.claims.syntax import CODE_SPAN_RE, FENCE_RE, FOOTNOTE_DEF_RE, REF_RE, Context, ScanPreprocessor, make_markdown
from explainers.model import Claim, Site, Source, Status
from hypothesis import given, strategies as st
from markdown.test_tools import TestCase
from pathlib import Path
import datetime as dt
import re


# --- The claims extension on its own, with Python-Markdown's test tools.

SITE = Site(
    root=Path("."), display_root="", title="T", base_url="https://example.org/", language="en",
    output_dir="public", stale_after_days=365,
    statuses={"verified": Status("verified", "Verified", "d"), "unverified": Status("unverified", "Unverified", "d")},
    sources={"nw": Source("nw", "Newsweek", "https://www.newsweek.com/"), "rel": Source("rel", "Relatives")},
)


def convert(body, claims=None, slugs=None):
    claims = claims or {
        "a": Claim("a", "verified", ("nw",), note="n", checked=dt.date(2026, 11, 27)),
        "b": Claim("b", "unverified", ("nw", "rel")),
    }
    md, ext = make_markdown()
    slugs = slugs or {"page.md": "page/", "other.md": "other/"}
    context = Context(SITE, "page.md", "../", claims, SITE.sources, slugs, frozenset({"img/x.png"}))
    return ext.convert(context, body)


def test_a_panel_says_what_its_status_means_and_links_the_methods_page():
    site_with_methods = {"page.md": "page/", "other.md": "other/", "methods.md": "methods/"}
    doc, errors = convert("Text.[^a] More.[^b]", slugs=site_with_methods)
    assert errors == []
    panel = doc.html.split('id="panel-a-1"')[1]
    assert '</span> <span class="status-meaning">d <a class="methods-ref" href="../methods/">How we check claims</a></span>' in panel.split('class="claim-note"')[0]
    doc, errors = convert("Text.[^a]")
    assert '<span class="status-meaning">d</span>' in doc.html, "no methods page, no link"
    assert "methods-ref" not in doc.html
    endnotes = doc.html.split('class="endnotes"')[1]
    assert "status-meaning" not in endnotes, "the endnotes sit under the legend; their badges stay short"


class TestClaimSyntax(TestCase):
    def test_bare_marker_becomes_a_button_and_panel(self):
        doc, errors = convert("Text.[^a]")
        assert errors == []
        assert '<button class="claim-trigger claim-trigger--marker" data-claim="a" data-status="verified" id="ref-a-1" popovertarget="panel-a-1" type="button">' in doc.html
        assert '<span aria-label="Claim 1" class="claim-panel" data-status="verified" id="panel-a-1" popover="auto" role="group">' in doc.html
        assert '<span class="visually-hidden">Claim 1, Verified</span></button>' in doc.html
        assert '<span class="badge" data-status="verified">Verified</span>' in doc.html
        assert 'Source: <a href="https://www.newsweek.com/">Newsweek</a>' in doc.html
        assert 'Checked <time datetime="2026-11-27">27 November 2026</time>' in doc.html

    def test_labelled_claim_keeps_inline_formatting(self):
        doc, errors = convert("Say [that *this* happened][^b] today.")
        assert errors == []
        # the passage is the button's <label> (a button cannot wrap like text), and names it
        # (its text in an aria-hidden span the button's name points to: read once, as that name)
        assert '<label class="claim-label" for="ref-b-1"><span aria-hidden="true" id="label-b-1">that <em>this</em> happened</span></label>' in doc.html
        assert '<label aria-hidden' not in doc.html
        assert '<button aria-labelledby="label-b-1 ref-b-1" class="claim-trigger claim-trigger--text"' in doc.html
        assert 'type="button"><sup aria-hidden="true" class="claim-mark">1</sup><span class="visually-hidden"> (claim 1, Unverified)</span></button>' in doc.html
        assert "Sources: <a href=\"https://www.newsweek.com/\">Newsweek</a>; <span class=\"source-name\">Relatives</span>" in doc.html
        assert doc.references[0].label == "that this happened"

    def test_claim_text_of_a_code_span_is_plain_text(self):
        doc, errors = convert("Say [the `<b>` & `a&b` tags][^b] today.")
        assert errors == []
        assert doc.references[0].label == "the <b> & a&b tags"

    def test_repeated_references_get_their_own_panels_and_one_endnote(self):
        doc, _ = convert("One.[^a] Two.[^a]")
        assert 'id="panel-a-1"' in doc.html and 'id="panel-a-2"' in doc.html
        assert doc.html.count('id="claim-a"') == 1
        assert '<li data-status="verified" id="claim-a">' in doc.html

    def test_endnote_passage_is_not_wrapped_in_extra_quote_marks(self):
        doc, _ = convert("> “It was a lot of pressure. we \\[their parents\\] were in shock”[^a]\n\nShe said [“no”][^b].")
        assert '<p class="claim-text">“…we [their parents] were in shock”</p>' in doc.html
        assert '<p class="claim-text">“no”</p>' in doc.html
        assert "””" not in doc.html and "““" not in doc.html

    def test_numbers_follow_reading_order_even_in_lists(self):
        doc, _ = convert("- item[^b]\n\nafter[^a]")
        assert doc.html.index('data-claim="b"') < doc.html.index('data-claim="a"')
        assert '<sup aria-hidden="true" class="claim-mark">1</sup>' in doc.html.split('data-claim="b"')[1][:400]

    def test_code_stays_literal(self):
        doc, errors = convert("`[^a]` and\n\n```\n[^b]\n```\n")
        assert errors == []
        assert "data-claim" not in doc.html
        assert "<code>[^a]</code>" in doc.html

    def test_plain_footnotes_still_work(self):
        doc, errors = convert("Text.[^1] Claim.[^a]\n\n[^1]: A note.")
        assert errors == []
        assert 'class="footnote-ref"' in doc.html and 'data-claim="a"' in doc.html

    def test_undefined_reference_is_an_error_at_its_line(self):
        _, errors = convert("Line one.\n\nLine [three][^nope].")
        assert errors == [(3, "reference to undefined claim 'nope': add it under 'claims:' in the front matter")]

    def test_link_inside_the_highlighted_text_is_an_error(self):
        _, errors = convert("x\n[a [link](https://x.org/) b][^a]")
        assert errors and errors[0][0] == 2 and "contains a link" in errors[0][1]

    def test_claim_inside_a_link_is_an_error(self):
        _, errors = convert("[see [^a]](https://x.org/)")
        assert any("inside a link" in m for _, m in errors)

    def test_nested_claims_are_an_error(self):
        _, errors = convert("[outer [^a] text][^b]")
        assert any("claims cannot nest" in m for _, m in errors)

    def test_id_defined_both_ways_is_an_error_at_the_footnote(self):
        _, errors = convert("Text.[^a]\n\n[^a]: footnote")
        assert (3, "'a' is defined both as a claim in the front matter and as a footnote '[^a]:' in the body; rename one") in errors

    def test_page_links_become_urls_and_unsafe_schemes_are_refused(self):
        doc, errors = convert("[o](other.md#claim-x) [s](#claim-a) [i](img/x.png)\n\n[bad](javascript:alert(1))")
        assert 'href="../other/#claim-x"' in doc.html and 'href="../img/x.png"' in doc.html
        assert [link.target for link in doc.links] == ["other.md", "page.md"]
        assert errors and errors[0][0] == 3 and "javascript" in errors[0][1]

    def test_state_is_reset_between_pages(self):
        md, ext = make_markdown()
        claims = {"a": Claim("a", "verified", ("nw",))}
        context = Context(SITE, "p.md", "", claims, SITE.sources, {}, frozenset())
        first, _ = ext.convert(context, "x[^a]")
        second, errors = ext.convert(context, "no claims")
        assert len(first.references) == 1 and second.references == [] and errors == []


def test_notes_are_inline_markdown_with_html_escaped():
    html, text, problems = NoteRenderer().render("A *b* <script>alert(1)</script> [l](https://x.org/)")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<em>b</em>" in html and text.startswith("A b <script>")
    assert problems == []
    _, _, problems = NoteRenderer().render("[x](javascript:alert(1))")
    assert problems and "javascript" in problems[0]


# --- The claims scan finds the same references as before it skipped lines and reordered REF_RE.

OLD_REF_RE = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")


def old_scan(lines: list[str]) -> tuple[dict, dict]:
    """The scan as it was: (ref_lines, footnote_lines)."""
    refs, footnotes, fence = {}, {}, None
    for number, line in enumerate(lines, 1):
        m = FENCE_RE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        d = FOOTNOTE_DEF_RE.match(line)
        if d:
            footnotes.setdefault(d.group(1), number)
            line = line[d.end():]
        for r in OLD_REF_RE.finditer(CODE_SPAN_RE.sub("", line)):
            refs.setdefault(r.group(1), []).append(number)
    return refs, footnotes


MD, EXT = make_markdown()
SCAN = next(p for p in MD.preprocessors if isinstance(p, ScanPreprocessor))

PIECES = ["[^a]", "[^b]", "[", "]", "^", "a", " ", "\\", "`", "``", "[`x`^a]", "[^a b]", "[^]", "```", "~~~", "[^a]:",
          "   ", "\t", "x[^a]", "\\[^a]", "![^a]"]
lines = st.lists(st.lists(st.sampled_from(PIECES), max_size=10).map("".join), max_size=8)


@given(lines)
def test_random_lines_scan_the_same(body):
    MD.reset()
    SCAN.run(body)
    assert (EXT.state.ref_lines, EXT.state.footnote_lines) == old_scan(body)


def test_a_code_span_between_bracket_and_caret_still_joins_them():
    MD.reset()
    SCAN.run(["a [`x`^a] b", "`[^b]` c"])
    assert EXT.state.ref_lines == {"a": [1]} == old_scan(["a [`x`^a] b", "`[^b]` c"])[0]


@given(st.text(alphabet=st.sampled_from(list("[]^\\ a\n`")), max_size=40), st.integers(0, 45))
def test_ref_expression_finds_the_same_references(text, start):
    assert [m.span() for m in REF_RE.finditer(text, start)] == [m.span() for m in OLD_REF_RE.finditer(text, start)]
