"""The hand-written JSON of claims.json lines and ClaimReview JSON-LD equals json.dumps of the reference dicts.

ledger.export_lines and ledger.claim_reviews write their JSON directly instead of building
dicts for json.dumps; here hypothesis makes claims, pages and sites of hostile strings
(quotes, backslashes, control characters, </script>, U+2028, astral characters) and odd
shapes (no sources, unknown history statuses, missing dates) and compares the two.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import given, settings, strategies as st

from explainers import ledger
from explainers.model import Claim, HistoryEntry, Page, Site, Source, Status

HOSTILE = ['"', "\\", "</script>", "<!--", "&amp;", "\u2028", "\u2029", "\x00", "\x1f", "\x7f", "é", "😀", "\ufeff", "'", "\n", "\t"]
texts = st.one_of(st.text(max_size=12), st.lists(st.sampled_from(HOSTILE) | st.text(max_size=3), max_size=6).map("".join))
maybe = lambda strategy: st.none() | strategy  # noqa: E731
dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)


@st.composite
def sites(draw) -> Site:
    """A site with a few statuses and a publisher that may be missing or partial."""
    keys = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    statuses = {k: Status(k, draw(texts), draw(texts)) for k in keys}
    publisher = draw(st.dictionaries(st.sampled_from(["name", "url"]), texts, max_size=2))
    return Site(Path("."), "", draw(texts), draw(st.sampled_from(["https://example.org/", "https://e.org/a b/", "/"])),
                "en", "public", 100, statuses, {}, description=draw(texts), publisher=publisher)


@st.composite
def page_with_entries(draw, site: Site) -> tuple[Page, list[ledger.Entry]]:
    """A page and its entries, claims made of hostile text with any mix of optional fields."""
    page = Page(Path("p.md"), "content/p.md", "p.md", draw(slugs | st.just("")), draw(texts), draw(dates), "", 1, summary=draw(texts))
    statuses = list(site.statuses) + ["unknown-key"]
    entries = []
    for number in range(1, draw(st.integers(0, 4)) + 1):
        sources = tuple(Source(draw(slugs), draw(texts), draw(maybe(texts)), draw(maybe(texts))) for _ in range(draw(st.integers(0, 3))))
        history = tuple(HistoryEntry(draw(dates), draw(st.sampled_from(statuses)), draw(maybe(texts))) for _ in range(draw(st.integers(0, 2))))
        claim = Claim(draw(slugs), draw(st.sampled_from(statuses)), tuple(s.key for s in sources), note=draw(maybe(texts)),
                      url=draw(maybe(texts)), archive=draw(maybe(texts)), checked=draw(maybe(dates)), history=history,
                      note_html=draw(texts), note_text=draw(texts))
        status = ledger.status_of(site, claim.status)
        entries.append(ledger.Entry(page, claim, number, draw(texts), status, sources, ledger.changes_of(site, claim)))
    return page, entries


@st.composite
def cases(draw) -> tuple[Site, list[ledger.Entry]]:
    site = draw(sites())
    return site, draw(page_with_entries(site))[1]


def export_lines_reference(site: Site, entries: list[ledger.Entry]) -> str:
    """claims.json lines as they were made: json.dumps of export_entry()."""
    return ",\n".join(json.dumps(ledger.export_entry(site, e), ensure_ascii=False) for e in entries)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_export_lines_equal_json_dumps(case):
    site, entries = case
    assert ledger.export_lines(site, entries) == export_lines_reference(site, entries)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_claim_reviews_equal_json_dumps(case):
    site, entries = case
    fast = ledger.claim_reviews(site, entries)
    assert fast == ledger.claim_reviews_reference(site, entries)
    assert type(fast) is type(ledger.claim_reviews_reference(site, entries))


@given(st.one_of(st.none(), st.booleans(), st.integers(), texts, st.floats(allow_nan=False)))
def test_json_text_is_json_dumps_for_any_scalar(value):
    assert ledger.json_text(value) == json.dumps(value, ensure_ascii=False)
    assert ledger.json_text(value, True) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_the_examples_reach_every_branch():
    """A claim with everything set, and one with nothing: both shapes are compared, whatever hypothesis draws."""
    site = Site(Path("."), "", 'T "</script>', "https://example.org/", "en", "public", 100,
                {"ok": Status("ok", "OK\u2028", "fine & <b>")}, {}, publisher={"name": "P"})
    page = Page(Path("p.md"), "content/p.md", "p.md", "p", "Title\\", dt.date(2020, 1, 2), "", 1)
    full = Claim("a", "ok", ("s", "t"), note="n", url="https://u/", archive="https://a/", checked=dt.date(2021, 1, 1),
                 history=(HistoryEntry(dt.date(2020, 6, 1), "gone", "was <wrong>"),), note_html="<p>n</p>", note_text="n")
    bare = Claim("b", "ok", ())
    sources = (Source("s", "S", "https://s/"), Source("t", "T", None))
    entries = [ledger.Entry(page, full, 1, "text", site.statuses["ok"], sources, ledger.changes_of(site, full)),
               ledger.Entry(page, bare, 2, "", site.statuses["ok"], (), ())]
    assert ledger.export_lines(site, entries) == export_lines_reference(site, entries)
    assert ledger.claim_reviews(site, entries) == ledger.claim_reviews_reference(site, entries)
    assert '"dateModified"' in ledger.claim_reviews(site, entries) and '"appearance"' in ledger.claim_reviews(site, entries)
