"""The cache's site index: pages as model.PageStub, whole only when something reads them."""
from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

from conftest import make_site
from explainers import cache
from explainers.builder import build, load
from explainers.model import Page, PageStub


def pages_of(site: Path) -> list[Page]:
    result = load(str(site), drafts=True, strict=False, use_cache=False)
    assert not result.problems.errors
    return result.pages


def test_a_stub_has_its_page_facts_and_loads_the_rest_once(tmp_path: Path):
    page = next(p for p in pages_of(make_site(tmp_path)) if p.claims)
    stub = pickle.loads(pickle.dumps(PageStub.of(page)))  # as the index gives it back
    assert stub.facts == page.facts and stub.title == page.title and stub.url == page.url
    assert "claims" not in stub.__dict__ and "load" not in stub.__dict__
    calls = []
    stub.load = lambda: calls.append(1) or page
    assert stub.claims == page.claims and stub.doc == page.doc and stub.body == page.body
    assert calls == [1]
    whole = stub.whole()
    assert type(whole) is Page and whole.claims == page.claims and whole.facts == page.facts


def test_a_stub_keeps_its_path_as_text_and_gives_a_path(tmp_path: Path):
    page = next(p for p in pages_of(make_site(tmp_path)) if p.claims)
    data = pickle.dumps(PageStub.of(page))
    assert b"PosixPath" not in data and b"WindowsPath" not in data  # a Path is slow to unpickle, a thousand times over
    stub = pickle.loads(data)
    assert "load" not in stub.__dict__
    assert stub.path == page.path and isinstance(stub.path, Path)  # without loading the page
    again = pickle.loads(pickle.dumps(stub))  # a stub stored again, its path asked for or not
    assert again.path == page.path and pickle.loads(pickle.dumps(pickle.loads(data))).path == page.path
    stub.load = lambda: page
    whole = stub.whole()
    assert whole.path == page.path and "path_text" not in whole.__dict__


def test_facts_of_a_page(tmp_path: Path):
    page = next(p for p in pages_of(make_site(tmp_path)) if p.claims)
    facts = page.facts
    assert facts.claims == len(page.claims)
    assert sum(facts.tally.values()) == len(page.claims)
    assert facts.links == tuple(page.doc.links)
    assert all(facts.has_anchor(anchor) for anchor in page.doc.anchors) and page.doc.anchors
    assert not facts.has_anchor("no-such-anchor") and not facts.has_anchor("") and not facts.has_anchor("\n".join(sorted(page.doc.anchors)[:2]))
    if len(page.doc.anchors) > 1:  # no match across two lines, nor of part of one
        first = sorted(page.doc.anchors)[0]
        assert not facts.has_anchor(first[:-1]) or first[:-1] in page.doc.anchors
    used = {ref.claim for ref in page.doc.references}
    assert facts.claim_ids.split("\n") == list(page.claims)
    assert facts.unused == tuple((c.id, c.line) for c in page.claims.values() if c.id not in used)
    dates = sorted(c.checked for c in page.claims.values() if c.checked)
    assert dates, "the fixture's page has checked claims"
    for day in (dates[0], dates[-1], dates[-1] + dt.timedelta(days=1)):
        assert facts.stale_count(day.toordinal()) == sum(d < day for d in dates)


def test_check_from_the_index_reports_what_a_clean_check_does(tmp_path: Path):
    site = make_site(tmp_path)
    (site / "content" / "third.md").write_text(
        "---\ntitle: Third\ndate: 2023-01-02\nclaims:\n  used:\n    status: verified\n    source: newsweek\n"
        "  unused:\n    status: verified\n    source: newsweek\n    note: Fine.\n---\n"
        "See [ours][^used], [a missing anchor](first.md#nowhere) and [another](third.md#nor-here).\n", encoding="utf-8")
    assert build(str(site)).written
    for strict in (False, True):
        fresh = load(str(site), drafts=False, strict=strict, use_cache=False)
        cached = load(str(site), drafts=False, strict=strict)
        assert any(isinstance(p, PageStub) for p in cached.pages)
        assert [str(p) for p in cached.problems] == [str(p) for p in fresh.problems]
        assert fresh.problems.warnings


def test_stale_claims_are_reported_from_stubs_too(tmp_path: Path):
    site = make_site(tmp_path)
    assert build(str(site)).written
    later = dt.date.today() + dt.timedelta(days=10_000)
    fresh = load(str(site), drafts=False, strict=False, use_cache=False)
    cached = load(str(site), drafts=False, strict=False)
    from explainers.sitecheck import check_site as check
    from explainers.model import Problems
    got, want = Problems(), Problems()
    check(cached.site, cached.pages, got, strict=False, today=later)
    check(fresh.site, fresh.pages, want, strict=False, today=later)
    assert any("last checked" in p.message for p in want)
    assert [str(p) for p in got] == [str(p) for p in want]


def test_an_index_entry_of_other_bytes_is_not_used(tmp_path: Path):
    site = make_site(tmp_path)
    assert build(str(site)).written
    edited = site / "content" / "about.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: About", "title: About us"), encoding="utf-8")
    result = load(str(site), drafts=False, strict=False)
    about = next(p for p in result.pages if p.name == "about.md")
    assert about.title == "About us" and not isinstance(about, PageStub)


def test_a_body_edit_that_leaves_the_claims_reuses_the_ledger_without_loading_pieces(tmp_path: Path, monkeypatch):
    site = make_site(tmp_path)
    assert build(str(site)).written
    ledger = site / "public" / "claims" / "index.html"
    export = site / "public" / "claims.json"
    before = (ledger.stat().st_ino, export.stat().st_ino, ledger.read_bytes())
    loads = []
    real = cache.Cache.pieces
    monkeypatch.setattr(cache.Cache, "pieces", lambda self: loads.append(1) or real(self))
    edited = site / "content" / "second.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert build(str(site)).rendered == 1
    assert loads == []
    assert (ledger.stat().st_ino, export.stat().st_ino, ledger.read_bytes()) == before
    # a claim's status changes its ledger row: now the pieces are loaded and the ledger made again
    edited.write_text(edited.read_text(encoding="utf-8").replace("status: attributed", "status: disputed", 1), encoding="utf-8")
    assert build(str(site)).written
    assert loads == [1]
    assert ledger.read_bytes() != before[2]
