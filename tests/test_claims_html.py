"""Claim panels and endnotes stashed as HTML give exactly the page the element tree gave.

The claims extension writes each panel's and endnote's content as HTML text
(`claim_details_html`, `backrefs_html`) instead of elements, which every later pass would
walk. Each page here is converted twice, once as shipped and once with the stash turned
off so the element builders (`fill_claim_details`, `fill_endnote`) run, and everything the
conversion returns must be equal: on every page we ship or use as a fixture, on generated
benchmark pages, and on hypothesis's claims made of the characters escaping cares about.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from explainers import load
from explainers.claims_md import Context, NoteRenderer, make_markdown
from conftest import make_site as make_site_folder
from explainers.model import Claim, HistoryEntry, Problems, Site, Source, Status

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

STASHED = make_markdown()[1]
ELEMENTS = make_markdown()[1]
ELEMENTS.stash_built = lambda html_text: None  # every panel and endnote takes the element path
NOTES = NoteRenderer()


def results(ext, context: Context, body: str):
    """Everything a conversion returns, comparable with ==."""
    doc, errors = ext.convert(context, body)
    return doc.html, doc.references, doc.links, sorted(doc.anchors), doc.footnotes, list(errors)


def same(context: Context, body: str) -> str:
    for claim in context.claims.values():
        if claim.note:
            claim.note_html, claim.note_text, _ = NOTES.render(claim.note)
    stashed, elements = results(STASHED, context, body), results(ELEMENTS, context, body)
    assert stashed == elements, body
    return stashed[0]


def site_pages(folder: Path):
    """The site and its readable pages."""
    problems = Problems()
    site = load.load_site(folder, "", problems)
    pages = [load.read_page(site, path, problems) for path in load.page_paths(site, problems)]
    return site, [page for page in pages if page is not None]


def same_site(folder: Path) -> int:
    site, pages = site_pages(folder)
    slugs = {page.name: page.url for page in pages}
    for page in pages:
        context = Context(site, page.name, "../" * page.url.count("/"), page.claims, page.sources, slugs, frozenset())
        same(context, page.body)
    return len(pages)


def test_panels_and_endnotes_are_stashed_by_default():
    site = make_site({"ok": Status("ok", "Fine", "d")}, {"w": Source("w", "Wire", "https://x.org/")})
    claims = {"a": Claim("a", "ok", ("w",), note="*n*", checked=dt.date(2026, 1, 2))}
    same(context_for(site, claims), "One.[^a] [Two][^a]")
    assert len(STASHED.state.built_html) == 3 and not ELEMENTS.state.built_html


def test_every_shipped_and_fixture_page_gives_the_same_page(tmp_path):
    count = same_site(ROOT)
    for folder in sorted((ROOT / "tests" / "fixtures").glob("*/site.yaml")):
        count += same_site(folder.parent)
    for folder in sorted((ROOT / "tests" / "fixtures" / "mistakes").iterdir()):
        count += same_site(make_site_folder(tmp_path / folder.name, content_from=folder))
    assert count >= 20


def test_generated_benchmark_pages_give_the_same_page(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    assert same_site(generate(tmp_path / "site", 12, 7)) == 14


def test_the_toc_marker_in_claim_data_keeps_the_element_tree():
    # toc replaces an element whose whole text is its marker: a source named [TOC] turns
    # into a table of contents. Odd, but the stashed page must be the same page.
    site = make_site({"ok": Status("ok", "Fine", "d")}, {"toc": Source("toc", "[TOC]", "https://x.org/")})
    claims = {"a": Claim("a", "ok", ("toc",), checked=dt.date(2026, 1, 2))}
    html = same(context_for(site, claims), "## [TOC]\n\n[[TOC]][^a] and [^a]\n\n[TOC]\n")
    assert '<div class="toc">' in html


def make_site(statuses: dict[str, Status], sources: dict[str, Source]) -> Site:
    return Site(root=Path("."), display_root="", title="T", base_url="https://example.org/", language="en",
                output_dir="public", stale_after_days=365, statuses=statuses, sources=sources)


def context_for(site: Site, claims: dict[str, Claim]) -> Context:
    return Context(site, "page.md", "../", claims, site.sources, {"page.md": "page/"}, frozenset())


# Texts made of what HTML escaping, entities, Markdown and the toc marker care about.
PIECES = ["&", "&amp;", "&#38;", "&#x26;", "&copy", "<", ">", "<b>", '"', "'", "*", "_", "`", "[", "]", "[TOC]",
          " ", "  ", "\n", "a", "Word", "·", "é", "\u00a0", ";", "--", "...", "[x](https://x.org/)", "\\"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)
urls = st.one_of(st.none(), st.lists(st.sampled_from(["x", "?a=1", "&b=2", "&amp;", "#f", "%22", '"', "<>", "é", "[TOC]"]),
                                     max_size=5).map(lambda parts: "https://x.org/" + "".join(parts)))
dates = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))


@st.composite
def pages(draw):
    """A site, a page's claims and a body referencing them, all from hypothesis's pieces."""
    statuses = {f"s{i}": Status(f"s{i}", draw(texts), "d") for i in range(draw(st.integers(1, 3)))}
    sources = {f"src{i}": Source(f"src{i}", draw(texts), draw(urls)) for i in range(draw(st.integers(1, 3)))}
    keys = list(sources) + ["unknown"]
    claims = {}
    for i in range(draw(st.integers(1, 4))):
        history = tuple(HistoryEntry(draw(st.dates(dt.date(1990, 1, 1))), draw(st.sampled_from(list(statuses) + ["gone"])))
                        for _ in range(draw(st.integers(0, 2))))
        claims[f"c{i}"] = Claim(
            id=f"c{i}", status=draw(st.sampled_from(list(statuses) + ["nope"])),
            sources=tuple(draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3))),
            note=draw(st.one_of(st.none(), texts)), url=draw(urls), archive=draw(urls), checked=draw(dates), history=history,
        )
    refs = [f"[{draw(texts)}][^{cid}]" if draw(st.booleans()) else f"{draw(texts)}[^{cid}]"
            for cid in draw(st.lists(st.sampled_from(list(claims)), max_size=6))]
    body = draw(st.sampled_from([" ", "\n\n", ". "])).join(refs)
    return make_site(statuses, sources), claims, body


@given(pages())
def test_random_claims_give_the_same_page(page):
    site, claims, body = page
    same(context_for(site, claims), body)
