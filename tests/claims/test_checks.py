"""The rules about claims: every rule has a level in a build and in `check`, decided in one place."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import run_cli
from explainers.claims import checks
from explainers.model import ClaimFacts, Problems, Site


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
        assert [(p.path, p.line, p.level, p.message) for p in problems] == ([("content/p.md", 3, level, "m")] if level else [])


def test_a_claim_in_order_breaks_no_rule():
    assert checks.claim_findings(site(), facts(checked=dt.date(2026, 1, 1)), dt.date(2026, 6, 1)) == []


def test_each_rule_finds_what_it_names():
    today = dt.date(2026, 6, 1)
    found = checks.claim_findings(site(100), facts(referenced=False, noted=False, evidence=False, checked=dt.date(2026, 1, 1)), today)
    assert [f.rule for f in found] == ["unused", "stale", "no-note", "verified-without-evidence"]
    assert all(f.line == 7 for f in found)
    assert found[1].message == "claim 'c' was last checked on 2026-01-01, more than 100 days ago"
    # evidence matters only for a verified claim
    assert checks.claim_findings(site(), facts(status="unverified", evidence=False), today) == []


def test_check_warns_of_a_verified_claim_without_evidence_and_build_does_not(site_folder):
    page = site_folder / "content" / "second.md"
    page.write_text(page.read_text().replace("claims:\n", "claims:\n  bare: {status: verified, source: newsweek, note: \"Read it.\"}\n", 1) + "\nA claim.[^bare]\n")
    checked = run_cli("check", "--site", str(site_folder))
    assert checked.code == 0
    assert f"{site_folder}/content/second.md:5: warning: claim 'bare' is verified but has neither 'url' nor 'archive'" in checked.err
    built = run_cli("build", "--site", str(site_folder))
    assert built.code == 0 and "'bare'" not in built.err
    page.write_text(page.read_text().replace('note: "Read it."}', 'note: "Read it.", archive: "https://web.archive.org/x"}'))
    assert "'bare'" not in run_cli("check", "--site", str(site_folder)).err


@pytest.fixture
def site_folder(site: Path) -> Path:
    return site
