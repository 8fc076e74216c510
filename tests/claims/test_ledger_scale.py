"""The ledger and claims.json at scale: a site of more than ONE_PAGE_MAX claims gets a ledger of
explainers and an index claims.json; every explainer has its own ledger page and claims.json."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli, snapshot
from .test_ledger import VALIDATOR, ledger_rows

from explainers.claims.ledger import ONE_PAGE_MAX

PAGES = 16  # 20 claims each: 320 claims, more than ONE_PAGE_MAX


def generate(dest: Path, pages: int) -> Path:
    """bench/generate.py's site of `pages` explainers."""
    subprocess.run([sys.executable, str(REPO / "bench/generate.py"), str(dest), "--pages", str(pages)], check=True, capture_output=True, timeout=120)
    return dest


def vary(site: Path) -> None:
    """Not every explainer alike: the first has no Refuted claim, the second cites no Public archive."""
    first = site / "content/explainer-00000.md"
    first.write_text(first.read_text().replace("status: refuted", "status: verified"))
    second = site / "content/explainer-00001.md"
    text = second.read_text().replace("source: archive", "source: wire")
    text = re.sub(r"\[archive, (\w+)\]", r"[\1]", text)
    second.write_text(re.sub(r"\[(\w+), archive\]", r"[\1]", text))


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A generated site of 320 claims, built once; its output folder."""
    site = generate(tmp_path_factory.mktemp("big") / "site", PAGES)
    vary(site)
    result = run_cli("build", "--site", str(site), "--no-cache", timeout=300)
    assert result.code == 0, result.err
    return site / "public"


def test_a_large_site_lists_explainers_not_claims(big: Path):
    html = (big / "claims/index.html").read_text()
    assert 'id="ledger-table"' not in html and 'id="ledger-explainers"' in html
    rows = ledger_rows(html)
    assert len(rows) == PAGES
    index = json.loads((big / "claims.json").read_text())
    VALIDATOR.validate(index)
    assert "claims" not in index and len(index["explainers"]) == PAGES
    statuses = [s["key"] for s in index["statuses"]]
    for row, entry in zip(rows, index["explainers"]):
        slug = entry["key"]
        assert row["attrs"]["data-page"] == slug and row["links"] == [f"in/{slug}/"]
        assert row["text"][1] == str(entry["claim_count"]) == str(sum(entry["status_counts"].values()))
        assert row["text"][2:] == [str(entry["status_counts"].get(k, 0)) for k in statuses]
        assert entry["claims_file"] == f"https://example.org/bench/{slug}/claims.json"
        assert entry["ledger"] == f"https://example.org/bench/claims/in/{slug}/"
    by_key = {e["key"]: e for e in index["explainers"]}
    assert "refuted" not in by_key["explainer-00000"]["status_counts"]
    assert "Public archive" not in by_key["explainer-00001"]["sources"]
    # the first view stays small: well under a kilobyte an explainer
    assert len(html.encode()) < 20_000 + 400 * PAGES


def test_each_explainer_has_its_own_claims_file_and_ledger_page(big: Path):
    index = json.loads((big / "claims.json").read_text())
    for entry in index["explainers"]:
        own = json.loads((big / entry["key"] / "claims.json").read_text())
        VALIDATOR.validate(own)
        assert own["explainer"] == entry and own["site"] == index["site"] and own["statuses"] == index["statuses"]
        assert len(own["claims"]) == entry["claim_count"]
        assert [c["number"] for c in own["claims"]] == list(range(1, entry["claim_count"] + 1))
        assert {c["page"]["path"] for c in own["claims"]} == {entry["path"]}
        counts: dict[str, int] = {}
        for claim in own["claims"]:
            counts[claim["status"]["key"]] = counts.get(claim["status"]["key"], 0) + 1
        assert counts == entry["status_counts"]
        assert sorted({s["name"] for c in own["claims"] for s in c["sources"]}) == entry["sources"]
        rows = ledger_rows((big / f"claims/in/{entry['key']}/index.html").read_text())
        assert [r["attrs"]["data-page"] for r in rows] == [entry["key"]] * entry["claim_count"]
        assert [r["links"][0] for r in rows] == [f"../../../{entry['path']}#claim-{c['id']}" for c in own["claims"]]


def test_schema_tells_the_two_files_apart(big: Path):
    index = json.loads((big / "claims.json").read_text())
    own = json.loads((big / "explainer-00003/claims.json").read_text())
    assert not VALIDATOR.is_valid({**own, "explainers": index["explainers"]})
    assert not VALIDATOR.is_valid({k: v for k, v in own.items() if k != "claims"})
    assert not VALIDATOR.is_valid({k: v for k, v in index.items() if k != "explainers"})


def test_a_small_site_keeps_every_claim_on_one_page_and_in_claims_json(bundled_site: Path):
    data = json.loads((bundled_site / "claims.json").read_text())
    VALIDATOR.validate(data)
    assert len(data["claims"]) <= ONE_PAGE_MAX
    assert [e["key"] for e in data["explainers"]] == ["contract-soldiers"]
    own = json.loads((bundled_site / "contract-soldiers/claims.json").read_text())
    VALIDATOR.validate(own)
    assert own["claims"] == [c for c in data["claims"] if c["page"]["path"] == "contract-soldiers/"]
    assert own["explainer"] == data["explainers"][0]
    # the explainer's own ledger page has the rows of the ledger, their links made from one folder down
    tbody = re.compile(r"<tbody>.*?</tbody>", re.S)
    whole = (bundled_site / "claims/index.html").read_text()
    mine = (bundled_site / "claims/in/contract-soldiers/index.html").read_text()
    assert tbody.search(whole).group().replace('href="../', 'href="../../../') == tbody.search(mine).group()
    assert '<a href="../../">Claims ledger</a>' in mine and 'href="../../../contract-soldiers/claims.json"' in mine
    assert '<a href="in/contract-soldiers/">' in whole  # linked from the ledger


def test_builds_are_byte_identical_and_incremental_equals_clean(tmp_path: Path):
    site = generate(tmp_path / "site", PAGES)
    assert run_cli("build", "--site", str(site), timeout=300).code == 0  # with its cache
    first = snapshot(site / "public")
    assert run_cli("build", "--site", str(site), "--no-cache", "--out", str(tmp_path / "again"), timeout=300).code == 0
    assert snapshot(tmp_path / "again") == first
    page = site / "content/explainer-00004.md"
    page.write_text(page.read_text().replace("status: disputed", "status: refuted", 1))
    result = run_cli("build", "--site", str(site), timeout=300)
    assert result.code == 0, result.err
    assert run_cli("build", "--site", str(site), "--no-cache", "--out", str(tmp_path / "clean"), timeout=300).code == 0
    after, clean = snapshot(site / "public"), snapshot(tmp_path / "clean")
    assert after == clean
    changed = {path for path in after if after[path] != first.get(path)}
    assert {"claims/index.html", "claims.json", "claims/in/explainer-00004/index.html", "explainer-00004/claims.json"} <= changed
    assert not {"claims/in/explainer-00003/index.html", "explainer-00003/claims.json"} & changed


# the Nu checker and a real browser


def test_new_ledger_pages_are_valid_html(big: Path):
    from tests.test_markup_valid import FROM_DISK, checker_or_skip, shown

    files = [big / "claims/index.html", big / "claims/in/explainer-00003/index.html"]
    proc = subprocess.run(checker_or_skip() + [str(f) for f in files], capture_output=True, text=True, timeout=300)
    messages = json.loads(proc.stdout)["messages"]
    bad = [shown(m) for m in messages if m["type"] == "error" or (m.get("subType") == "warning" and not m["message"].startswith(FROM_DISK))]
    assert bad == []


def visible_explainers(page) -> list[str]:
    return page.eval_on_selector_all("#ledger-explainers tbody tr", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.page)")


def test_filters_narrow_the_explainers_and_carry_into_their_pages(browser, big: Path):
    from browser import serve_folder

    index = json.loads((big / "claims.json").read_text())
    with serve_folder(big, "/bench/") as base:
        page = browser.new_page()
        page.goto(base + "claims/")
        live = page.locator("#ledger-count")
        assert page.locator("#ledger-filters").is_visible()
        assert live.inner_text() == f"Showing all {PAGES} explainers." and len(visible_explainers(page)) == PAGES

        page.select_option("#filter-status", "refuted")
        with_refuted = [e["key"] for e in index["explainers"] if "refuted" in e["status_counts"]]
        assert visible_explainers(page) == with_refuted and len(with_refuted) == PAGES - 1
        assert live.inner_text() == f"Showing {PAGES - 1} of {PAGES} explainers with matching claims (status Refuted)."
        counts = {li.get_attribute("data-status-count"): int(li.locator(".ledger-number").inner_text()) for li in page.locator("[data-status-count]").all()}
        assert counts["refuted"] == sum(e["status_counts"].get("refuted", 0) for e in index["explainers"])
        assert counts["verified"] == 0

        page.select_option("#filter-source", "Public archive")
        assert visible_explainers(page) == [k for k in with_refuted if k != "explainer-00001"]
        assert page.evaluate("location.search") == "?status=refuted&source=Public+archive"
        first = visible_explainers(page)[0]
        link = page.locator(f"#ledger-explainers tr[data-page='{first}'] a")
        assert link.get_attribute("href") == f"in/{first}/?status=refuted&source=Public+archive"
        link.click()
        page.wait_for_url(f"**/claims/in/{first}/?*")
        assert page.input_value("#filter-status") == "refuted" and page.input_value("#filter-source") == "Public archive"
        shown = page.eval_on_selector_all("#ledger-table tbody tr", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.status)")
        assert shown and set(shown) == {"refuted"}

        # an explainer's "see these claims in the ledger" (claims/?page=KEY) opens its own page
        page.goto(base + "claims/?page=explainer-00007&status=verified")
        page.wait_for_url("**/claims/in/explainer-00007/?status=verified")
        assert page.input_value("#filter-status") == "verified"
        page.close()


def test_without_javascript_the_explainers_are_all_there(browser, big: Path):
    from browser import serve_folder

    with serve_folder(big, "/bench/") as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "claims/?status=refuted")
        assert not page.locator("#ledger-filters").is_visible()
        assert len(visible_explainers(page)) == PAGES
        page.locator("#ledger-explainers a", has_text="Explainer 3:").click()
        page.wait_for_url("**/claims/in/explainer-00003/")
        assert page.locator("#ledger-table tbody tr").count() == 20
        context.close()


@pytest.mark.parametrize("path", ["claims/", "claims/in/explainer-00003/"])
def test_new_ledger_pages_have_no_axe_violations(browser, big: Path, path: str):
    from browser import describe, run_axe, serve_folder

    with serve_folder(big, "/bench/") as base:
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            page.goto(base + path)
            assert (violations := run_axe(page)) == [], f"{scheme}: {describe(violations)}"
            page.select_option("#filter-status", "disputed")
            assert (violations := run_axe(page)) == [], f"{scheme}, filtered: {describe(violations)}"
            page.set_viewport_size({"width": 320, "height": 640})
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            context.close()


def test_each_explainers_file_keeps_hostile_strings_as_the_sites_file_does(tmp_path: Path):
    """The history fixture's hostile page (</script>, <!--, & in names and notes): each explainer's file holds its claims exactly as claims.json does."""
    from conftest import make_site

    site = make_site(tmp_path, "history")
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    out = site / "public"
    data = json.loads((out / "claims.json").read_text())
    assert {e["key"] for e in data["explainers"]} == {"corrected", "hostile"}
    for entry in data["explainers"]:
        own = json.loads((out / entry["path"] / "claims.json").read_text())
        VALIDATOR.validate(own)
        assert own["explainer"] == entry
        assert own["claims"] == [c for c in data["claims"] if c["page"]["path"] == entry["path"]]
    hostile = json.loads((out / "hostile/claims.json").read_text())
    assert hostile["claims"][0]["sources"][0]["name"] == "Evil </script><script>alert(1)</script> & Co <!--"
    assert "Evil </script><script>alert(1)</script> & Co <!--" in hostile["explainer"]["sources"]
    page = (out / "claims/in/hostile/index.html").read_text()
    assert "<script>alert(1)" not in page and "Evil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co &lt;!--" in page
