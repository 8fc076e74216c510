"""Claims as data: the claims/ ledger, claims.json against its schema, claim history, check and new."""
from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, make_site, run_cli, texts_by_id

SCHEMA = json.loads((REPO / "schema/claims.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


class Rows(HTMLParser):
    """The ledger's body rows: attributes, the link of the page cell, the text of each cell."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[dict] = []
        self.in_body = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append({"attrs": attrs, "cells": [], "links": [], "sources": []})
        elif tag in ("td", "th") and self.in_body:
            self.cell = []
            self.rows[-1]["cells"].append(self.cell)
            self.rows[-1].setdefault("header_scope", attrs.get("scope")) if tag == "th" else None
        elif tag == "a" and self.in_body:
            self.rows[-1]["links"].append(attrs["href"])
        elif tag == "li" and self.in_body and "data-source" in attrs:
            self.rows[-1]["sources"].append(attrs["data-source"])

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        if self.cell is not None and self.in_body:
            self.cell.append(data)


def ledger_rows(html: str) -> list[dict]:
    parser = Rows()
    parser.feed(html)
    for row in parser.rows:
        row["text"] = [" ".join("".join(c).split()) for c in row["cells"]]
    return parser.rows


def endnotes(html: str) -> list[tuple[str, str]]:
    """(status, claim id) of every endnote of a page, in order."""
    return re.findall(r'<li data-status="([^"]+)" id="claim-([^"]+)">', html)


@pytest.fixture(scope="module")
def history_site(tmp_path_factory) -> Path:
    """The history fixture, built once."""
    site = make_site(tmp_path_factory.mktemp("history"), "history")
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    return site


# the ledger


def test_bundled_ledger_lists_every_claim_of_the_explainer(bundled_site: Path):
    page = (bundled_site / "contract-soldiers/index.html").read_text()
    notes = endnotes(page)
    assert len(notes) == 38
    ledger = (bundled_site / "claims/index.html").read_text()
    rows = ledger_rows(ledger)
    assert [r["links"][0] for r in rows] == [f"../contract-soldiers/#claim-{cid}" for _, cid in notes]
    assert [r["attrs"]["data-status"] for r in rows] == [status for status, _ in notes]
    texts = texts_by_id(page)
    for row, (_, cid) in zip(rows, notes):
        claim, where, status, sources, checked = row["text"]
        assert claim.strip("“”") and claim.strip("“”") in texts[f"claim-{cid}"]  # the endnote quotes the same text
        assert where.startswith("Relatives say Russian contract soldiers who tried to quit were threatened with prosecution, claim ")
        assert status.split()[0] in {"Verified", "Unverified", "Attributed", "Disputed", "Refuted"}
        assert row["sources"] and all(name in sources for name in row["sources"])
        assert checked == "7 December 2026"


def test_ledger_is_an_accessible_table_complete_without_javascript(bundled_site: Path):
    html = (bundled_site / "claims/index.html").read_text()
    assert "<caption" in html and html.count('<th scope="col">') == 5
    assert all(r.get("header_scope") == "row" for r in ledger_rows(html))
    assert re.search(r'<form class="ledger-filters" id="ledger-filters" aria-label="Filter claims" hidden>', html)
    for control in ("filter-status", "filter-source"):
        assert f'<label for="{control}">' in html and f'id="{control}"' in html
    assert 'id="ledger-count" class="ledger-count" role="status"' in html
    assert "38 claims." in html  # the count without JavaScript
    # only the ledger loads its script and styles; explainers do not
    assert re.search(r'<script src="\.\./js/ledger\.[0-9a-f]{10}\.js" defer>', html)
    assert re.search(r'<link rel="stylesheet" href="\.\./css/ledger\.[0-9a-f]{10}\.css">', html)
    assert "ledger." not in (bundled_site / "contract-soldiers/index.html").read_text().split("</head>")[0]
    assert '<link rel="canonical" href="https://example.org/explainers/claims/">' in html  # through partials/meta.html
    assert "<style" not in html and not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html)


def test_every_explainer_summary_links_to_its_claims_in_the_ledger(bundled_site: Path):
    html = (bundled_site / "contract-soldiers/index.html").read_text()
    summary = html[html.index('<aside class="status-summary"'):html.index("</aside>")]
    assert 'href="../claims/in/contract-soldiers/"' in summary  # its own ledger page, there on every site


def test_history_shows_in_panel_ledger_and_corrections(history_site: Path):
    out = history_site / "public"
    page = (out / "corrected/index.html").read_text()
    texts = texts_by_id(page)
    assert "Updated 2 March 2024: was Disputed" in texts["panel-casualties-1"]
    assert "Updated 2 March 2024: was Disputed" in texts["claim-casualties"]
    assert "Updated" not in texts["panel-steady-1"]
    corrections = texts["corrections-heading"], page[page.index('<section class="corrections"'):]
    assert corrections[0] == "Corrections"
    items = re.findall(r'<li class="correction" data-claim="([^"]+)">\s*<time datetime="([^"]+)">', corrections[1])
    assert items == [("casualties", "2024-03-02"), ("convoy", "2023-06-01"), ("casualties", "2023-01-10")]
    first = " ".join(re.sub(r"<[^>]+>", "", corrections[1].split("</li>")[0]).split())
    assert first.endswith("2 March 2024: claim 1 (“1,000 soldiers were lost”) changed from Disputed to Refuted. Satellite images contradict the figure.")
    assert 'href="../claims/in/corrected/"' in corrections[1]
    rows = {r["links"][0]: r for r in ledger_rows((out / "claims/index.html").read_text())}
    status = rows["../corrected/#claim-casualties"]["text"][2]
    assert status == "Refuted Satellite images contradict the figure. Updated 2 March 2024: was Disputed Updated 10 January 2023: was Unverified"
    assert rows["../corrected/#claim-steady"]["text"][2] == "Unverified"
    assert "Archived copy" in rows["../corrected/#claim-casualties"]["text"][3]
    assert (out / "hostile/index.html").read_text().count('class="corrections"') == 0


def test_ledger_escapes_front_matter(history_site: Path):
    html = (history_site / "public/claims/index.html").read_text()
    assert "<script>alert(1)" not in html
    assert 'data-source="Evil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co &lt;!--"' in html
    assert "Breaking &lt;/script&gt;&lt;!-- out" in html


# claims.json


def test_bundled_claims_json_validates_and_matches_the_ledger(bundled_site: Path):
    data = json.loads((bundled_site / "claims.json").read_text())
    VALIDATOR.validate(data)
    ledger = ledger_rows((bundled_site / "claims/index.html").read_text())
    assert len(data["claims"]) == len(ledger) == 38
    for claim, row in zip(data["claims"], ledger):
        assert claim["url"] == f"https://example.org/explainers/contract-soldiers/#claim-{claim['id']}"
        assert row["links"][0] == f"../{claim['page']['path']}#claim-{claim['id']}"
        assert row["text"][0] == f"“{claim['text']}”"
        assert claim["status"]["key"] == row["attrs"]["data-status"]
        assert [s["name"] for s in claim["sources"]] == row["sources"]
        assert claim["note"]["text"] and "<" not in claim["note"]["text"]
    assert [c["number"] for c in data["claims"]] == list(range(1, 39))
    assert [s["key"] for s in data["statuses"]] == ["verified", "unverified", "attributed", "disputed", "refuted"]


def test_bundled_russian_claims_json_validates_and_is_in_russian(bundled_site: Path):
    """The Russian edition's claims.json and its explainer's file follow the same schema, with their language."""
    for rel in ("ru/claims.json", "ru/contract-soldiers/claims.json"):
        data = json.loads((bundled_site / rel).read_text())
        VALIDATOR.validate(data)
        assert data["site"]["inLanguage"] == "ru"
        assert len(data["claims"]) == 38
        assert {c["status"]["label"] for c in data["claims"]} == {"Не подтверждено", "Заявление стороны"}
        assert all(c["url"].startswith("https://example.org/explainers/ru/contract-soldiers/") for c in data["claims"])


def test_claims_json_carries_every_field(history_site: Path):
    data = json.loads((history_site / "public/claims.json").read_text())
    VALIDATOR.validate(data)
    assert data["site"] == {"title": "History fixture", "url": "https://example.org/sub/site/"}
    claims = {(c["page"]["path"], c["id"]): c for c in data["claims"]}
    assert [c["page"]["path"] for c in data["claims"]] == ["corrected/"] * 3 + ["hostile/"]  # newest page first
    assert claims["corrected/", "casualties"] == {
        "id": "casualties",
        "url": "https://example.org/sub/site/corrected/#claim-casualties",
        "page": {"title": "A story that was corrected", "path": "corrected/", "url": "https://example.org/sub/site/corrected/"},
        "number": 1,
        "text": "1,000 soldiers were lost",
        "status": {"key": "refuted", "label": "Refuted"},
        "sources": [
            {"key": "ministry", "name": "Ministry of Defence", "url": None},
            {"key": "wire", "name": "Wire Agency", "url": "https://wire.example.com/story"},
        ],
        "note": {"text": "Satellite images contradict the figure.", "html": "Satellite images <em>contradict</em> the figure."},
        "evidence_url": "https://evidence.example.com/images",
        "archive_url": "https://archive.example.org/evidence.example.com/images",
        "checked": "2024-03-02",
        "history": [
            {"date": "2022-05-19", "status": {"key": "unverified", "label": "Unverified"}, "note": "Only the ministry said so."},
            {"date": "2023-01-10", "status": {"key": "disputed", "label": "Disputed"}, "note": "The wire agency questioned the figure."},
        ],
        "claim_page": "https://example.org/sub/site/corrected/claims/casualties/",
    }
    steady = claims["corrected/", "steady"]
    assert (steady["note"], steady["checked"], steady["history"], steady["evidence_url"]) == (None, None, [], None)
    assert steady["text"] == "The ministry also said the weather was fine."
    assert claims["hostile/", "escape"]["sources"][0]["name"] == "Evil </script><script>alert(1)</script> & Co <!--"


@pytest.mark.parametrize("breakage", [
    lambda d: d["claims"][0]["status"].pop("label"),
    lambda d: d["claims"][0].update(checked="2 March 2024"),
    lambda d: d["claims"][0]["history"][0].update(status="unverified"),
    lambda d: d["claims"][0].update(evidence_url="javascript:alert(1)"),
    lambda d: d["claims"][0].update(extra=1),
    lambda d: d["claims"][0]["note"].pop("html"),
    lambda d: d.update(version=1),
    lambda d: d.pop("explainers"),
    lambda d: d["explainers"][0].pop("claims_file"),
    lambda d: d["explainers"][0]["status_counts"].update(refuted=0),
])
def test_schema_refuses_a_malformed_export(history_site: Path, breakage):
    data = json.loads((history_site / "public/claims.json").read_text())
    broken = copy.deepcopy(data)
    breakage(broken)
    assert not VALIDATOR.is_valid(broken)


# validation of history


HISTORY_MISTAKES = """---
title: Mistakes
date: 2022-01-01
sources:
  wire: {name: Wire}
claims:
  out-of-order:
    status: verified
    source: wire
    checked: 2024-01-01
    history:
      - {date: 2023-01-01, status: unverified}
      - {date: 2022-01-01, status: disputed}
  unknown-status:
    status: verified
    source: wire
    checked: 2024-01-01
    history:
      - {date: 2023-01-01, status: maybe}
  after-checked:
    status: verified
    source: wire
    checked: 2023-01-01
    history:
      - {date: 2022-06-01, status: unverified}
      - {date: 2023-02-01, status: disputed}
  no-checked:
    status: verified
    source: wire
    history:
      - {date: 2022-06-01, status: unverified}
  not-a-list:
    status: verified
    source: wire
    checked: 2023-01-01
    history: {date: 2022-06-01, status: unverified}
  no-date:
    status: verified
    source: wire
    checked: 2023-01-01
    history:
      - status: unverified
        note: "Forgot the date"
  bad-date:
    status: verified
    source: wire
    checked: 2023-01-01
    history:
      - {date: 2022-13-01, status: unverified}
---

[a][^out-of-order] [b][^unknown-status] [c][^after-checked] [d][^no-checked] [e][^not-a-list] [f][^no-date] [g][^bad-date]
"""


def test_every_history_mistake_is_reported_at_its_line(site: Path):
    (site / "content/mistakes.md").write_text(HISTORY_MISTAKES)
    before = sorted(p.name for p in site.iterdir())
    result = run_cli("build", "--site", str(site))
    assert result.code == 1 and "Traceback" not in result.err
    errors = [line.split(f"{site}/content/mistakes.md:", 1)[1] for line in result.err.splitlines() if "mistakes.md" in line and ": error: " in line]
    assert errors == [
        "13: error: claim 'out-of-order': history entries must be oldest first (2022-01-01 is listed after 2023-01-01)",
        "19: error: claim 'unknown-status': history status 'maybe' is unknown (site.yaml has: verified, unverified, attributed, disputed, refuted)",
        "26: error: claim 'after-checked': history entry dated 2023-02-01 is after 'checked: 2023-01-01'; the current status must be the newest",
        "30: error: claim 'no-checked' has a history but no 'checked' date: add 'checked:', the date of its current status",
        "36: error: claim 'not-a-list': 'history' must be a list of earlier verdicts, each '- {date: YYYY-MM-DD, status: KEY, note: \"...\"}'",
        "42: error: a history entry of claim 'no-date' is missing 'date'",
        "49: error: 'date' must be a date written YYYY-MM-DD, not '2022-13-01'",
    ]
    assert sorted(p.name for p in site.iterdir()) == before  # nothing built


def test_history_on_the_day_of_checked_is_fine(site: Path):
    (site / "content/same-day.md").write_text(
        "---\ntitle: Same day\ndate: 2022-01-01\nclaims:\n  c:\n    status: verified\n    source: newsweek\n    note: n\n"
        "    checked: 2023-01-01\n    history:\n      - {date: 2022-01-01, status: unverified}\n      - {date: 2022-01-01, status: disputed}\n"
        "      - {date: 2023-01-01, status: unverified}\n---\n\n[x][^c]\n"
    )
    result = run_cli("check", "--site", str(site))
    assert result.code == 0, result.err


# check and new


def test_check_json_lists_errors_and_warnings_and_fails_only_on_errors(site: Path):
    page = site / "content/second.md"
    clean = run_cli("check", "--site", str(site), "--format", "json")
    assert clean.code == 0 and json.loads(clean.out)["ok"] is True
    page.write_text(page.read_text().replace("claims:\n", "claims:\n  quiet: {status: verified, source: newsweek, checked: 2001-01-01}\n", 1) + "\nA quiet claim.[^quiet]\n")
    warned = run_cli("check", "--site", str(site), "--format", "json")
    assert warned.code == 0, warned.out
    data = json.loads(warned.out)
    assert data["ok"] is True and data["errors"] == 0 and data["warnings"] == len(data["problems"]) == 9
    # the fixture's pages already have claims without a note, evidence or a checked date
    first = [p["message"] for p in data["problems"] if p["path"] == f"{site}/content/first.md"]
    assert len(first) == 4 and "'asked-mod' has no note" in first[0] and "is verified but has neither 'url' nor 'archive'" in first[2]
    quiet = [p for p in data["problems"] if p["message"].startswith("claim 'quiet' ")]
    messages = [p["message"] for p in quiet]  # in the order of the rules
    assert [m.split(" ", 3)[2] for m in messages] == ["was", "has", "is"], messages
    assert messages[0].startswith("claim 'quiet' was last checked on 2001-01-01") and messages[1].startswith("claim 'quiet' has no note")
    # and the page is now dated after its claim was checked
    assert any(p["message"].startswith("'date' 2022-06-01 is after claim 'quiet' was checked on 2001-01-01") for p in data["problems"])
    assert all(p == {"path": f"{site}/content/second.md", "line": 5, "level": "warning", "message": p["message"]} for p in quiet)
    assert warned.err == ""  # JSON goes to stdout alone
    page.write_text(page.read_text().replace("#claim-sent-against-will", "#claim-nothing"))
    failed = run_cli("check", "--site", str(site), "--format", "json")
    data = json.loads(failed.out)
    assert failed.code == 1 and data["ok"] is False and data["errors"] == 1 and data["warnings"] == 9
    assert [p["level"] for p in data["problems"]].count("error") == 1
    assert not (site / "public").exists()


def test_new_page_joins_the_ledger_and_export(site: Path):
    assert run_cli("new", "fresh", "--title", "Fresh </script> page", "--site", str(site)).code == 0
    check = run_cli("check", "--site", str(site))
    assert check.code == 0 and "fresh.md" not in check.err, check.err
    assert run_cli("build", "--site", str(site)).code == 0
    data = json.loads((site / "public/claims.json").read_text())
    VALIDATOR.validate(data)
    fresh = [c for c in data["claims"] if c["page"]["path"] == "fresh/"]
    assert [(c["id"], c["text"], c["status"]["key"]) for c in fresh] == [("example-claim", "the highlighted text of a claim", "unverified")]
    assert 'href="../fresh/#claim-example-claim"' in (site / "public/claims/index.html").read_text()


# in a real browser


def visible_rows(page) -> list[dict]:
    """Status, page and source names of the rows a reader can see."""
    return page.eval_on_selector_all(
        "#ledger-table tbody tr",
        "rows => rows.filter(r => r.offsetParent !== null).map(r => ({status: r.dataset.status, page: r.dataset.page,"
        " sources: [...r.querySelectorAll('[data-source]')].map(e => e.dataset.source)}))",
    )


def shown_counts(page) -> dict[str, int]:
    return {li.get_attribute("data-status-count"): int(li.locator(".ledger-number").inner_text()) for li in page.locator("[data-status-count]").all()}


def test_filters_follow_status_and_source_and_reset(browser, bundled_site: Path):
    from browser import serve_folder
    from playwright.sync_api import expect

    data = json.loads((bundled_site / "claims.json").read_text())["claims"]
    with serve_folder(bundled_site, "/explainers/") as base:
        page = browser.new_page()
        page.goto(base + "claims/")
        live = page.locator("#ledger-count")
        assert page.locator("#ledger-filters").is_visible()
        assert live.inner_text() == "Showing all 38 claims." and len(visible_rows(page)) == 38

        # the bundled explainer has no Verified claim (nothing in it is confirmed outside its chain of sources)
        page.select_option("#filter-status", "unverified")
        chosen = [c for c in data if c["status"]["key"] == "unverified"]
        rows = visible_rows(page)
        assert 0 < len(rows) == len(chosen) < 38 and {r["status"] for r in rows} == {"unverified"}
        assert live.inner_text() == f"Showing {len(chosen)} of 38 claims (status Unverified)."
        assert shown_counts(page) == {key: (len(chosen) if key == "unverified" else 0) for key in shown_counts(page)}
        assert page.evaluate("location.search") == "?status=unverified"

        page.select_option("#filter-source", "Meduza")
        both = [c for c in chosen if "Meduza" in [s["name"] for s in c["sources"]]]
        rows = visible_rows(page)
        assert 0 < len(rows) == len(both) < len(chosen)
        assert all(r["status"] == "unverified" and "Meduza" in r["sources"] for r in rows)
        assert live.inner_text() == f"Showing {len(both)} of 38 claims (status Unverified, source Meduza)."
        assert page.evaluate("location.search") == "?status=unverified&source=Meduza"

        page.select_option("#filter-status", "attributed")  # another status, the same source: none of Meduza's claims is Attributed
        assert visible_rows(page) == [] and page.locator("#ledger-empty").is_visible()
        page.select_option("#filter-status", "")  # source alone
        meduza = [c for c in data if "Meduza" in [s["name"] for s in c["sources"]]]
        assert len(visible_rows(page)) == len(meduza) >= len(both)
        assert sum(shown_counts(page).values()) == len(meduza)

        page.locator("#ledger-filters button[type=reset]").click()
        expect(page.locator("#ledger-table tbody tr:not([hidden])")).to_have_count(38)  # reset applies after the form clears
        assert live.inner_text() == "Showing all 38 claims."
        assert page.input_value("#filter-source") == "" and page.evaluate("location.search") == ""
        assert sum(shown_counts(page).values()) == 38
        page.close()


def test_no_match_says_so_and_the_filters_come_from_the_address(browser, history_site: Path):
    from browser import serve_folder
    from playwright.sync_api import expect

    with serve_folder(history_site / "public", "/sub/site/") as base:
        page = browser.new_page()
        page.goto(base + "claims/?page=corrected&source=nobody")
        assert page.input_value("#filter-page") == "corrected" and page.input_value("#filter-source") == ""
        rows = visible_rows(page)
        assert [r["page"] for r in rows] == ["corrected"] * 3
        page.select_option("#filter-status", "disputed")  # the hostile page's only claim is disputed
        assert visible_rows(page) == []
        assert page.locator("#ledger-empty").is_visible()
        assert page.locator("#ledger-count").inner_text() == "No claim matches status Disputed, explainer A story that was corrected."
        page.locator("#ledger-empty button").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#ledger-table tbody tr:not([hidden])")).to_have_count(4)
        assert not page.locator("#ledger-empty").is_visible()
        assert page.evaluate("document.activeElement.id") == "filter-status"  # focus is not lost with the hidden button
        page.close()


def test_without_javascript_the_table_is_whole_and_no_dead_controls_show(browser, bundled_site: Path):
    from browser import serve_folder

    with serve_folder(bundled_site, "/explainers/") as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "claims/?status=verified")
        assert not page.locator("#ledger-filters").is_visible()
        assert len(visible_rows(page)) == 38
        assert page.locator("#ledger-count").inner_text() == "38 claims."
        context.close()


def test_ledger_has_no_axe_violations(browser, bundled_site: Path):
    from browser import describe, run_axe, serve_folder

    with serve_folder(bundled_site, "/explainers/") as base:
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(base + "claims/")
        assert (violations := run_axe(page)) == [], describe(violations)
        page.select_option("#filter-status", "attributed")
        assert (violations := run_axe(page)) == [], describe(violations)
        page.emulate_media(color_scheme="dark")
        assert (violations := run_axe(page)) == [], describe(violations)
        page.set_viewport_size({"width": 320, "height": 640})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320  # the table scrolls in its own region
        assert all(url.startswith(base) for url in requests)
        page.close()


def test_corrections_have_no_axe_violations(browser, history_site: Path):
    from browser import describe, run_axe, serve_folder

    with serve_folder(history_site / "public", "/sub/site/") as base:
        page = browser.new_page()
        page.goto(base + "corrected/")
        assert page.locator("#corrections-heading").is_visible()
        assert (violations := run_axe(page, "section.corrections")) == [], describe(violations)
        page.close()
