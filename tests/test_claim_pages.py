"""Claims on pages of their own (claims/pages.py): the claim page, its embed in another origin's iframe,
the copy button, the corrections log, in Chromium with axe; and incremental builds that touch only
the claim pages of the page that changed."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from browser import describe, run_axe, serve_folder
from conftest import make_site, run_cli, snapshot

CLAIM = "contract-soldiers/claims/named-by-initial/"  # a claim with a history


def test_claim_page_in_chromium(browser, bundled_url):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(bundled_url + CLAIM)
    assert page.locator("h1").inner_text().startswith("“")
    assert page.locator("script[type='application/ld+json']").count() == 1
    assert "Unverified" in page.locator(".claim-verdict").inner_text()
    assert page.locator("#history-heading + ol li").count() == 2  # now, and what it was
    assert page.locator(".other-claims li").count() == 37
    assert (violations := run_axe(page)) == [], describe(violations)
    assert all(u.startswith(bundled_url.split("/explainers/")[0]) for u in requests), requests
    # the passage links back to the claim in the explainer
    page.locator("#context-heading ~ p a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/contract-soldiers/#ref-named-by-initial-1")
    assert page.evaluate("document.getElementById('ref-named-by-initial-1') !== null")
    page.close()


def test_copy_button_copies_the_embed_code(browser, bundled_url):
    context = browser.new_context()
    origin = bundled_url.split("/explainers/")[0]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    page.goto(bundled_url + CLAIM)
    button = page.locator("button.copy-button")
    assert button.is_visible()
    code = page.locator("#embed-code").input_value()
    assert code.startswith('<iframe src="https://example.org/explainers/contract-soldiers/claims/named-by-initial/embed/"')
    button.click()
    page.wait_for_function("document.querySelector('.copy-status').textContent !== ''")
    assert page.locator(".copy-status").inner_text() == "Copied."
    assert page.evaluate("navigator.clipboard.readText()") == code
    context.close()


def test_without_javascript_the_embed_code_is_selectable_text(browser, bundled_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(bundled_url + CLAIM)
    assert page.locator("#embed-code").is_visible() and not page.locator("button.copy-button").is_visible()
    assert "<iframe" in page.locator("#embed-code").input_value()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [300, 600])
def test_embed_in_an_iframe_on_another_origin(browser, bundled_site, bundled_url, tmp_path: Path, scheme: str, width: int):
    host = tmp_path / "host"
    host.mkdir()
    embed = bundled_url + CLAIM + "embed/"
    (host / "index.html").write_text(
        f'<!doctype html><html lang="en"><title>Host</title><body><h1>Another site</h1>'
        f'<iframe src="{embed}" title="Fact check" width="{width}" height="240"></iframe></body></html>')
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    with serve_folder(host) as other:
        assert other.split(":")[2] != bundled_url.split(":")[2]  # two loopback ports: two origins
        page.goto(other)
        frame = page.frame_locator("iframe")
        assert frame.locator(".embed-label").inner_text() == "Unverified"
        assert "Svetlana" in frame.locator(".embed-claim").inner_text()
        inner = next(f for f in page.frames if f.url == embed)
        assert inner.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")  # no sideways scrolling
        assert inner.evaluate("document.scripts.length") == 0
        assert inner.evaluate("document.querySelectorAll('script[type=\"application/ld+json\"]').length") == 0
        bg = inner.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (bg == "rgb(255, 255, 255)") == (scheme == "light")
        assert (violations := run_axe(inner)) == [], describe(violations)
        link = inner.locator(".embed-more a")
        assert link.get_attribute("target") == "_blank"
    origins = {re.match(r"https?://[^/]+", u).group(0) for u in requests}
    assert origins == {other.rstrip("/"), bundled_url.split("/explainers/")[0]}, requests
    context.close()


def test_corrections_log_in_chromium(browser, bundled_url, bundled_site):
    page = browser.new_page()
    page.goto(bundled_url + "corrections/")
    items = page.locator(".correction-list > li")
    assert items.count() >= 2
    dates = [items.nth(i).locator("time").get_attribute("datetime") for i in range(items.count())]
    assert dates == sorted(dates, reverse=True)
    assert (violations := run_axe(page)) == [], describe(violations)
    items.first.locator("a").click()
    page.wait_for_load_state()
    assert "/claims/" in page.url and page.locator("script[type='application/ld+json']").count() == 1
    page.close()
    feed = ET.fromstring((bundled_site / "corrections.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len(dates)
    assert all(e.find(f"{atom}link").get("href").startswith("https://example.org/explainers/contract-soldiers/claims/") for e in entries)
    explainer = (bundled_site / "contract-soldiers/index.html").read_text()
    assert 'href="../corrections/"' in explainer


def test_drafts_and_the_home_page_get_no_claim_pages(tmp_path: Path):
    site = make_site(tmp_path)
    (site / "content/wip.md").write_text("---\ntitle: WIP\ndate: 2022-01-01\ndraft: true\nclaims:\n  c: {status: verified, source: newsweek}\n---\n[x][^c]\n")
    assert run_cli("build", "--site", str(site), "--drafts").code == 0
    out = site / "public"
    assert (out / "wip/index.html").is_file() and not (out / "wip/claims").exists()
    assert 'href="claims/c/"' not in (out / "wip/index.html").read_text(), "a draft's endnote links no claim page"
    assert 'href="claims/' in (out / "contract-soldiers/index.html").read_text()
    assert not any(p.name == "claims" and p.parent == out / "index" for p in out.rglob("*"))


def test_an_edit_rewrites_only_that_pages_claim_pages(tmp_path: Path):
    site = make_site(tmp_path)
    first = run_cli("build", "--site", str(site))
    assert first.code == 0, first.err
    out = site / "public"
    claim_files = sorted(p for p in out.rglob("claims/*/index.html") if p.parent.parent != out / "claims")  # not the ledger's
    claim_files += sorted(out.rglob("claims/*/embed/index.html"))
    pages = {p.relative_to(out).parts[0] for p in claim_files}
    assert len(pages) >= 2, pages
    before = {p: p.stat().st_ino for p in claim_files}
    edited = next(iter(sorted(pages)))
    source = next(p for p in (site / "content").glob("*.md") if f"slug: {edited}" in p.read_text() or p.stem == edited)
    source.write_text(source.read_text().replace("\n---\n", "\n---\n\nA new first line.\n", 1))
    assert run_cli("build", "--site", str(site)).code == 0
    # the page's claim pages came out as they were: an in-place update leaves them alone
    assert all(p.stat().st_ino == before[p] for p in claim_files)
    source.write_text(re.sub(r"(?m)^title: .*$", 'title: "A new title"', source.read_text(), count=1))
    assert run_cli("build", "--site", str(site)).code == 0
    changed = {p.relative_to(out).parts[0] for p in claim_files if p.stat().st_ino != before[p]}
    assert changed == {edited}
    incremental = snapshot(out)
    assert run_cli("build", "--site", str(site), "--no-cache", "--out", str(tmp_path / "clean")).code == 0
    assert incremental == snapshot(tmp_path / "clean")  # byte for byte a clean build


def test_a_pages_claim_files_are_kept_or_made_again_as_one_group(tmp_path: Path):
    site = make_site(tmp_path)
    assert run_cli("build", "--site", str(site)).code == 0
    out = site / "public"
    folders = sorted({p.parent.parent for p in out.rglob("claims/*/index.html") if p.parent.parent.name == "claims" and p.parent.parent != out / "claims"})
    assert len(folders) >= 2, folders
    first, other = folders[0], folders[1]
    # the group's stamp catches a claim folder taken away, or its first file rewritten; the whole group is made again
    victim = sorted(p for p in first.iterdir() if p.is_dir())[-1]
    for path in sorted(victim.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    victim.rmdir()
    tampered = sorted(other.glob("*/index.html"))  # every claim page of the group, so its first file too
    for path in tampered:
        path.write_text("tampered")
    stray = other / "stray.html"  # it changes the folder's time: the group is looked at again, file by file
    assert run_cli("build", "--site", str(site)).code == 0
    assert (victim / "index.html").is_file() and all(p.read_text() != "tampered" for p in tampered)
    stray.write_text("stray")
    assert run_cli("build", "--site", str(site)).code == 0
    assert not stray.exists()
    incremental = snapshot(out)
    assert run_cli("build", "--site", str(site), "--no-cache", "--out", str(tmp_path / "clean")).code == 0
    assert incremental == snapshot(tmp_path / "clean")


def test_a_claim_taken_out_of_a_page_takes_its_files_with_it(tmp_path: Path):
    site = make_site(tmp_path)
    assert run_cli("build", "--site", str(site)).code == 0
    out = site / "public"
    source = site / "content/first.md"
    text = source.read_text()
    assert (out / "contract-soldiers/claims/asked-mod/embed/index.html").is_file()
    source.write_text(text.replace('  asked-mod:\n    status: attributed\n    sources: [newsweek, "no"]\n', "")
                      .replace("comment.[^asked-mod]", "comment."))
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    assert not (out / "contract-soldiers/claims/asked-mod").exists()
    incremental = snapshot(out)
    assert run_cli("build", "--site", str(site), "--no-cache", "--out", str(tmp_path / "clean")).code == 0
    assert incremental == snapshot(tmp_path / "clean")
