"""Links between pages: checked once, and a page that could not be read is not reported again through its links."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli


def test_a_link_to_a_page_that_could_not_be_read_adds_no_error(site: Path):
    page = site / "content" / "first.md"
    page.write_text(page.read_text().replace('title: "Contract soldiers say they could not quit"', 'title: "Contract soldiers say they could not quit', 1))
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    assert errors == [f"{site}/content/first.md:5: error: invalid YAML: did not find expected key; "
                      f"the quoted value that starts on line 2 may be missing its closing quote"], result.err


def test_a_link_to_a_draft_is_still_reported(site: Path):
    (site / "content" / "first.md").write_text((site / "content" / "first.md").read_text().replace("draft: false", "draft: true"))
    result = run_cli("build", "--site", str(site))
    assert "link to 'first.md': content/first.md is a draft, left out without --drafts" in result.err


def test_a_note_s_link_to_a_claim_works_wherever_the_note_is_shown(site: Path):
    page = site / "content" / "second.md"
    page.write_text(page.read_text().replace("note: Ukraine's figure, reported as theirs.",
                                             'note: "Ukraine\'s figure; compare [the first claim](first.md#claim-sent-against-will)."'))
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    out = site / "public"
    target = "contract-soldiers/#claim-sent-against-will"
    assert f'href="../{target}"' in (out / "second" / "index.html").read_text()  # the explainer itself, with its preview
    assert f'<a href="../{target}">the first claim</a>' in (out / "claims" / "index.html").read_text()
    assert f'<a href="../../../{target}">the first claim</a>' in (out / "second" / "claims" / "casualties" / "index.html").read_text()
    exported = json.loads((out / "claims.json").read_text())
    note = next(c["note"]["html"] for c in exported["claims"] if c["id"] == "casualties")
    assert note == f'Ukraine&rsquo;s figure; compare <a href="https://example.org/explainers/{target}">the first claim</a>.'
