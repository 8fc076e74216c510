"""The rules about claims: every rule has a level in a build and in `check`, decided in one place."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import run_cli
from explainers.claims import checks
from explainers.model import Claim, ClaimFacts, HistoryEntry, Page, Problems, Site


def site(stale_after_days: int = 365) -> Site:
    return Site(Path("."), "", "T", "https://example.org/", "en", "public", stale_after_days, {}, {})


def facts(**changes) -> ClaimFacts:
    fields = dict(id="c", line=7, status="verified", referenced=True, noted=True, checked=None, evidence=True)
    return ClaimFacts(**{**fields, **changes})


@pytest.mark.parametrize("rule", sorted(checks.LEVELS))
def test_report_gives_each_rule_its_level(rule):
    for strict in (False, True):
        problems = Problems()
        checks.report(problems, "content/p.md", [checks.Finding(rule, 3, "m")], strict)
        level = checks.LEVELS[rule][1 if strict else 0]
        if level == "summary":  # one line without a place, counting them
            assert [(p.path, p.line, p.level) for p in problems] == [("", 0, "warning")] and problems[0].message.startswith("1 claim ")
            continue
        assert [(p.path, p.line, p.level, p.message) for p in problems] == ([("content/p.md", 3, level, "m")] if level else [])


def page(**changes) -> Page:
    fields = dict(path=Path("content/p.md"), rel="content/p.md", name="p.md", slug="p", title="T", date=dt.date(2026, 1, 1),
                  body="", body_line=9, date_line=3)
    return Page(**{**fields, **changes})


def test_a_claim_in_order_breaks_no_rule():
    assert checks.claim_findings(site(), page(), facts(checked=dt.date(2026, 1, 1)), dt.date(2026, 6, 1)) == []


def test_each_rule_finds_what_it_names():
    today = dt.date(2026, 6, 1)
    claim = facts(referenced=False, noted=False, evidence=False, checked=None, home_page=True, repeated_source="s")
    found = checks.claim_findings(site(100), page(), claim, today)
    assert [f.rule for f in found] == ["unused", "no-note", "no-evidence", "not-checked", "home-page-link", "repeated-source"]
    assert all(f.line == 7 for f in found)
    stale = checks.claim_findings(site(100), page(), facts(checked=dt.date(2026, 1, 1)), today)
    assert [(f.rule, f.message) for f in stale] == [("stale", "claim 'c' was last checked on 2026-01-01, more than 100 days ago")]
    # evidence matters only for a status that says evidence settled the claim
    assert checks.claim_findings(site(), page(), facts(status="unverified", evidence=False, checked=today), today) == []
    assert [f.rule for f in checks.claim_findings(site(), page(), facts(status="refuted", evidence=False, checked=today), today)] == ["no-evidence"]


def test_a_change_of_status_after_the_page_was_updated_is_found():
    changed = facts(checked=dt.date(2026, 3, 1), changed=dt.date(2026, 3, 1))
    found = checks.claim_findings(site(), page(updated=dt.date(2026, 2, 1)), changed, dt.date(2026, 3, 2))
    assert [f.rule for f in found] == ["changed-after-updated"]
    assert checks.claim_findings(site(), page(updated=dt.date(2026, 3, 1)), changed, dt.date(2026, 3, 2)) == []


def test_facts_of_a_claim_name_home_pages_and_repeated_sources():
    claim = Claim("x", "verified", ("a", "b", "c", "b"), url="https://e.example", history=(HistoryEntry(dt.date(2025, 1, 1), "unverified"),),
                  checked=dt.date(2025, 6, 1))
    made = ClaimFacts.of(claim, True)
    assert made.home_page and made.repeated_source == "b"
    assert not ClaimFacts.of(Claim("y", "verified", (), url="https://e.example/story"), True).home_page
    assert made.first_review == dt.date(2025, 1, 1) and made.changed == dt.date(2025, 6, 1)


def test_check_warns_of_a_verified_claim_without_evidence_and_build_does_not(site_folder):
    page = site_folder / "content" / "second.md"
    page.write_text(page.read_text().replace("claims:\n", "claims:\n  bare: {status: verified, source: newsweek, note: \"Read it.\"}\n", 1) + "\nA claim.[^bare]\n")
    checked = run_cli("check", "--site", str(site_folder))
    assert checked.code == 0
    assert f"{site_folder}/content/second.md:5: warning: claim 'bare' is verified but has neither 'url' nor 'archive'" in checked.err
    built = run_cli("build", "--site", str(site_folder))
    assert built.code == 0 and "'bare'" not in built.err
    page.write_text(page.read_text().replace('note: "Read it."}', 'note: "Read it.", archive: "https://web.archive.org/x"}'))
    assert "'bare' is verified" not in run_cli("check", "--site", str(site_folder)).err


@pytest.fixture
def site_folder(site: Path) -> Path:
    return site


def test_a_page_dated_after_its_claims_were_checked_is_found(site: Path):
    page_file = site / "content" / "second.md"
    text = page_file.read_text()
    date_line = text.split("\n").index(next(line for line in text.split("\n") if line.startswith("date:"))) + 1
    page_file.write_text(text.replace("claims:\n", "claims:\n  early: {status: unverified, source: newsweek, note: \"n\", checked: 2001-01-01}\n", 1) + "\nEarly.[^early]\n")
    result = run_cli("check", "--site", str(site))
    assert f"{site}/content/second.md:{date_line}: warning: 'date' " in result.err
    assert "is after claim 'early' was checked on 2001-01-01: 'date' is the day this page was first published on this site" in result.err


def test_updated_before_date_is_an_error(site: Path):
    page_file = site / "content" / "second.md"
    text = page_file.read_text()
    page_file.write_text(text.replace("\ndate: ", "\nupdated: 1999-01-01\ndate: ", 1))
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "error: 'updated' (1999-01-01) is before 'date'" in result.err


def test_stale_claims_are_one_summary_line_in_a_build_and_each_in_check():
    from explainers.model import Problems

    today = dt.date(2030, 1, 1)
    findings = [f for c in ("a", "b", "c") for f in checks.claim_findings(site(100), page(), facts(id=c, checked=dt.date(2026, 1, 1)), today)
                if f.rule == "stale"]
    build, check = Problems(), Problems()
    build.warning("content/x.md", 1, "before")
    checks.report(build, "content/p.md", findings[:2], strict=False)
    build.warning("content/x.md", 2, "between")
    checks.report(build, "content/q.md", findings[2:], strict=False)
    checks.report(check, "content/p.md", findings, strict=True)
    assert [str(p) for p in build] == ["content/x.md:1: warning: before",
                                       "warning: 3 claims last checked more than 100 days ago; `python build.py check` lists them",
                                       "content/x.md:2: warning: between"]
    assert [p.message for p in check] == [f"claim '{c}' was last checked on 2026-01-01, more than 100 days ago" for c in "abc"]


def test_a_build_finds_what_claim_findings_finds_and_counts_the_stale_claims():
    """build_findings reads the site index's Facts: each unused claim as claim_findings says it, the page's stale claims counted in one."""
    checked = {"a": None, "b": None, "c": dt.date(2020, 1, 1), "d": dt.date(2029, 12, 31), "e": dt.date(2029, 9, 22), "f": dt.date(2029, 9, 23)}
    referenced = {"a": True, "b": False, "c": True, "d": False, "e": False, "f": True}
    claims = {cid: Claim(cid, "verified", ("s",), line=3 + i, checked=checked[cid]) for i, cid in enumerate(checked)}
    subject = page(claims=claims)
    subject.doc.references = [type("Ref", (), {"claim": cid})() for cid, used in referenced.items() if used]
    today = dt.date(2030, 1, 1)
    rules = [f for cid, claim in claims.items() for f in checks.claim_findings(site(100), subject, ClaimFacts.of(claim, referenced[cid]), today)
             if f.rule in checks.BUILD_RULES]
    found = checks.page_findings(site(100), subject, today, strict=False)
    assert [f for f in found if f.rule == "unused"] == [f for f in rules if f.rule == "unused"]
    assert [(f.rule, f.count, f.days) for f in found if f.rule != "unused"] == [("stale", 2, 100)]
    assert sum(f.rule == "stale" for f in rules) == 2  # c and e: more than 100 days before
    problems = Problems()
    checks.report(problems, "content/p.md", found, strict=False)
    assert problems[-1].message.startswith("2 claims last checked more than 100 days ago")
    assert checks.LEVELS["stale"][0] == "summary"  # what a build can say of stale claims: it keeps only their count
