"""The ledger filtered by status and by source on static pages (explainers/claims/filters.py):
every claim of a site reached without JavaScript, page by page, from the ledger's first view."""
from __future__ import annotations

import json
import posixpath
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import make_site, run_cli, snapshot
from .test_ledger_scale import generate, vary

from explainers.claims.filters import STATUS, counts_in, paginate, source_slugs, split_rows
from explainers.claims.ledger import ONE_PAGE_MAX

PAGES = 80  # 20 claims each: 1,600 claims, about 320 a status, so every filter has two pages or more
ROW = re.compile(r'<tr data-status="[^"]*" data-page="[^"]*">.*?</tr>', re.S)
CLAIM_LINK = re.compile(r'<td class="ledger-page"><a href="(?:\.\./)+([^"]+)">')


@pytest.fixture(scope="module")
def paged(tmp_path_factory) -> Path:
    """A generated site of 1,600 claims, built once with its cache; the site folder."""
    site = generate(tmp_path_factory.mktemp("paged") / "site", PAGES)
    vary(site)
    result = run_cli("build", "--site", str(site), timeout=600)
    assert result.code == 0, result.err
    return site


def rows(html: str) -> list[str]:
    return ROW.findall(html)


def claim_of(row: str) -> str:
    """A row's claim, as the path and anchor of its endnote from the site root."""
    return CLAIM_LINK.search(row).group(1)


def filter_pages(out: Path, path: str) -> list[Path]:
    """The files of a filter, page 1 first."""
    first = out / path / "index.html"
    more = sorted((out / path / "page").glob("*/index.html"), key=lambda p: int(p.parent.name)) if (out / path / "page").is_dir() else []
    return [first, *more]


def expected_claims(out: Path, keep) -> list[str]:
    """Every claim `keep(claim)` chooses, in the ledger's order, from the explainers' own claims.json."""
    index = json.loads((out / "claims.json").read_text())
    found = []
    for entry in index["explainers"]:
        for claim in json.loads((out / entry["path"] / "claims.json").read_text())["claims"]:
            if keep(claim):
                found.append(f"{entry['path']}#claim-{claim['id']}")
    return found


# units


def test_source_folders_are_their_keys():
    slugs = source_slugs({"Meduza": "meduza", "Wire service": "Wire", "Another wire": "wire", "Медуза": "meduza-ru"})
    assert slugs["Meduza"] == "meduza" and slugs["Медуза"] == "meduza-ru"
    # two names, one key (as folders on a file system that ignores case): each gets a digest of its name
    assert re.fullmatch(r"wire-[0-9a-f]{8}", slugs["Wire service"]) and re.fullmatch(r"wire-[0-9a-f]{8}", slugs["Another wire"])
    assert slugs["Wire service"] != slugs["Another wire"]


def test_pagination_cuts_explainers_across_pages():
    pages = [SimpleNamespace(name=n, facts=SimpleNamespace(tally={"x": c}, cited={})) for n, c in (("a", 3), ("b", 0), ("c", 4), ("d", 2))]
    counts = counts_in(pages)[STATUS, "x"]
    assert [(p.name, n) for p, n in counts] == [("a", 3), ("c", 4), ("d", 2)]
    chunks = paginate(counts, 4)
    assert [[(p.name, a, b) for p, a, b in chunk] for chunk in chunks] == [[("a", 0, 3), ("c", 0, 1)], [("c", 1, 4), ("d", 0, 1)], [("d", 1, 2)]]
    assert paginate(counts[:1], 3) == [[(pages[0], 0, 3)]]
    assert paginate([], 3) == [[]]


# a site of many claims


@pytest.mark.parametrize("kind", ["status", "source"])
def test_each_filter_lists_all_its_claims_page_by_page(paged: Path, kind: str):
    out = paged / "public"
    index = json.loads((out / "claims.json").read_text())
    if kind == "status":
        filters = {s["key"]: (s["label"], lambda c, k=s["key"]: c["status"]["key"] == k) for s in index["statuses"]}
    else:
        keys = {"Wire service": "wire", "Ministry of Defence": "ministry", "Witnesses": "witnesses", "Public archive": "archive"}  # bench/generate.py's
        filters = {key: (name, lambda c, n=name: n in {s["name"] for s in c["sources"]}) for name, key in keys.items()}
    assert len(filters) >= 4
    for slug, (label, keep) in filters.items():
        files = filter_pages(out, f"claims/{kind}/{slug}/")
        wanted = expected_claims(out, keep)
        assert len(files) == -(-len(wanted) // ONE_PAGE_MAX) >= 2
        shown = []
        for number, file in enumerate(files, 1):
            html = file.read_text()
            found = rows(html)
            assert len(found) == (ONE_PAGE_MAX if number < len(files) else len(wanted) - ONE_PAGE_MAX * (len(files) - 1))
            shown += [claim_of(r) for r in found]
            what = f"Claims marked {label}" if kind == "status" else f"Claims citing {label}"
            assert f"<title>{what}, page {number} of {len(files)} · Claims ledger · " in html
            assert f"<h1>{what}<span class=\"ledger-where\">, page {number} of {len(files)}</span></h1>" in html
            assert len(html.encode()) < 400_000  # a few hundred KB at most
            # the pages link to one another, the current one marked
            here = f"claims/{kind}/{slug}/" + (f"page/{number}/" if number > 1 else "")
            root = "../" * here.count("/")
            assert f'<a href="{root}{here}" aria-current="page">{number}</a>' in html
            prev = f"claims/{kind}/{slug}/" + (f"page/{number - 1}/" if number > 2 else "")
            assert (f'<link rel="prev" href="{root}{prev}">' in html) == (number > 1)
            assert (f'<link rel="next" href="{root}claims/{kind}/{slug}/page/{number + 1}/">' in html) == (number < len(files))
            # and the filter itself is marked in the list of filters
            assert f'<a href="{root}claims/{kind}/{slug}/" aria-current="{"page" if number == 1 else "true"}">' in html
        assert shown == wanted


def test_filter_rows_are_the_explainers_ledger_rows_moved(paged: Path):
    """Rows are taken from each explainer's own ledger page (never rendered again); two folders deeper, their links get two more '../'."""
    out = paged / "public"
    own = {}
    for file in (out / "claims/in").glob("*/index.html"):
        for row in rows(file.read_text()):
            own[claim_of(row)] = row
    checked = 0
    for file in [*filter_pages(out, "claims/status/refuted/"), *filter_pages(out, "claims/source/archive/")]:
        depth = file.relative_to(out).as_posix().count("/")
        for row in rows(file.read_text()):
            assert row == own[claim_of(row)].replace('href="../../../', 'href="' + "../" * depth)
            checked += 1
    assert checked > 2 * ONE_PAGE_MAX


def test_an_explainers_rows_split_where_the_template_begins_them(paged: Path):
    """The filter pages take rows from the piece as split_rows() cuts it (rendering them one by one is only the fallback)."""
    html = (paged / "public/claims/in/explainer-00003/index.html").read_text()
    piece = html[html.index("<tbody>") + len("<tbody>"):html.index("</tbody>")]
    found = split_rows(piece.encode())
    assert [r.html.decode() for r in found] == rows(piece) and len(found) == 20
    assert [r.status for r in found] == re.findall(r'<tr data-status="([^"]+)"', piece)


def test_every_filter_page_is_reached_by_links_from_the_first_view(paged: Path):
    out = paged / "public"
    seen, todo = set(), ["claims/index.html"]
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        for href in re.findall(r'href="([^"#]+)"', (out / rel).read_text()):
            if href.startswith(("http:", "https:", "mailto:")) or not href.endswith("/"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href)) + "/index.html"
            assert (out / target).is_file(), f"{rel}: {href}"
            if target.startswith(("claims/status/", "claims/source/")):
                todo.append(target)
    made = {p.relative_to(out).as_posix() for folder in ("status", "source") for p in (out / "claims" / folder).rglob("index.html")}
    assert made <= seen and len(made) == 20  # 5 statuses and 4 sources of two pages each, and the two indexes
    first = (out / "claims/index.html").read_text()
    assert 'href="status/refuted/"' not in first  # links go through the root, as the rest of the ledger's
    assert '<a href="../claims/status/refuted/">Refuted</a>' in first and '<a href="../claims/source/archive/">Public archive</a>' in first
    assert '<a href="../claims/" aria-current="page">All claims</a>' in first


def test_indexes_of_filters_count_the_claims(paged: Path):
    out = paged / "public"
    index = json.loads((out / "claims.json").read_text())
    totals = {s["key"]: sum(e["status_counts"].get(s["key"], 0) for e in index["explainers"]) for s in index["statuses"]}
    html = (out / "claims/status/index.html").read_text()
    assert "<h1>Claims by status</h1>" in html
    for key, total in totals.items():
        assert re.search(rf'<a href="\.\./\.\./claims/status/{key}/">[^<]+</a> <span class="ledger-number">{total} claims</span>', html)
    assert "<h1>Claims by source</h1>" in (out / "claims/source/index.html").read_text()


def modified(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for folder in ("status", "source") for p in (out / "claims" / folder).rglob("*.html")}


def test_an_edit_remakes_only_the_filter_pages_its_claims_are_on(paged: Path, tmp_path: Path):
    out = paged / "public"
    page = paged / "content/explainer-00040.md"
    before, times = snapshot(out / "claims"), modified(out)
    holding = {rel for rel in times if "explainer-00040/#claim-" in before[rel[len("claims/"):]].decode()}
    assert 8 <= len(holding) < len(times) / 2

    # a sentence more in the body: no row changes, no filter page is made again
    page.write_text(page.read_text() + "\nAn added sentence.\n")
    assert run_cli("build", "--site", str(paged), timeout=300).code == 0
    assert modified(out) == times

    # a claim's note changes: only pages holding that explainer's rows may change
    page.write_text(page.read_text().replace('note: "', 'note: "Edited. ', 1))
    assert run_cli("build", "--site", str(paged), timeout=300).code == 0
    after = snapshot(out / "claims")
    changed = {rel for rel, when in modified(out).items() if when != times[rel]}
    assert {f"claims/{rel}" for rel in after if after[rel] != before.get(rel) and rel.startswith(("status/", "source/"))} == changed
    assert changed and changed <= holding

    # and the incremental output is the clean build's
    assert run_cli("build", "--site", str(paged), "--no-cache", "--out", str(tmp_path / "clean"), timeout=600).code == 0
    assert snapshot(tmp_path / "clean/claims") == after


def test_the_first_view_and_the_index_are_made_again_only_when_the_front_matter_they_show_changes(paged: Path, tmp_path: Path):
    out = paged / "public"
    page = paged / "content/explainer-00041.md"
    watched = [out / "claims/index.html", out / "claims.json"]
    times = [p.stat().st_mtime_ns for p in watched]

    page.write_text(page.read_text() + "\nAnother added sentence.\n")  # the body alone: neither shows it
    assert run_cli("build", "--site", str(paged), timeout=300).code == 0
    assert [p.stat().st_mtime_ns for p in watched] == times

    page.write_text(page.read_text().replace('title: "', 'title: "Retitled: ', 1))  # both list the title
    assert run_cli("build", "--site", str(paged), timeout=300).code == 0
    assert all("Retitled: " in p.read_text() for p in watched)
    assert run_cli("build", "--site", str(paged), "--no-cache", "--out", str(tmp_path / "clean"), timeout=600).code == 0
    assert [(tmp_path / "clean" / p.relative_to(out)).read_bytes() for p in watched] == [p.read_bytes() for p in watched]


# a small site, and names that are not plain


def test_a_small_site_has_its_filter_pages_too(bundled_site: Path):
    first = (bundled_site / "claims/index.html").read_text()
    assert '<nav class="ledger-views" aria-labelledby="ledger-views-heading">' in first
    html = (bundled_site / "claims/status/unverified/index.html").read_text()
    assert "<h1>Claims marked Unverified</h1>" in html and "page 1" not in html and "ledger-pages" not in html
    assert "<title>Claims marked Unverified · Claims ledger · " in html
    whole = {claim_of(r): r for r in rows(first)}
    shown = rows(html)
    assert shown and all('data-status="unverified"' in r for r in shown)
    assert [claim_of(r) for r in shown] == [c for c, r in whole.items() if 'data-status="unverified"' in r]
    meduza = rows((bundled_site / "claims/source/meduza/index.html").read_text())
    assert [claim_of(r) for r in meduza] == [c for c, r in whole.items() if '<li data-source="Meduza">' in r]


def test_hostile_source_names_are_escaped_on_their_page(tmp_path: Path):
    site = make_site(tmp_path, "history")
    assert run_cli("build", "--site", str(site)).code == 0
    out = site / "public"
    html = (out / "claims/source/evil/index.html").read_text()  # its key, not its name
    assert "<script>alert(1)" not in html
    assert "<h1>Claims citing Evil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co &lt;!--</h1>" in html
    assert len(rows(html)) == 1


# the Nu checker and a real browser


def test_filter_pages_are_valid_html(paged: Path):
    from tests.test_markup_valid import FROM_DISK, checker_or_skip, shown

    out = paged / "public"
    files = [out / "claims/index.html", out / "claims/status/refuted/index.html", out / "claims/status/refuted/page/2/index.html",
             out / "claims/source/wire/page/2/index.html", out / "claims/status/index.html", out / "claims/source/index.html"]
    proc = subprocess.run(checker_or_skip() + [str(f) for f in files], capture_output=True, text=True, timeout=300)
    messages = json.loads(proc.stdout)["messages"]
    bad = [shown(m) for m in messages if m["type"] == "error" or (m.get("subType") == "warning" and not m["message"].startswith(FROM_DISK))]
    assert bad == []


def test_without_javascript_the_status_links_lead_to_every_claim(browser, paged: Path):
    from browser import serve_folder

    with serve_folder(paged / "public", "/bench/") as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "claims/")
        assert not page.locator("#ledger-filters").is_visible()
        page.locator(".ledger-views a", has_text="Disputed").click()
        page.wait_for_url("**/claims/status/disputed/")
        assert page.locator("h1").inner_text() == "Claims marked Disputed, page 1 of 2"
        assert page.title().startswith("Claims marked Disputed, page 1 of 2")
        statuses = page.eval_on_selector_all(".ledger-table tbody tr", "rows => rows.map(r => r.dataset.status)")
        assert len(statuses) == ONE_PAGE_MAX and set(statuses) == {"disputed"}
        page.locator(".ledger-pages a[rel=next]").click()
        page.wait_for_url("**/claims/status/disputed/page/2/")
        assert page.locator("h1").inner_text() == "Claims marked Disputed, page 2 of 2"
        # the rows' links, two folders deeper, still lead to the claims
        page.locator(".ledger-table tbody tr .ledger-page a").first.click()
        page.wait_for_url("**/explainer-*/#claim-*")
        page.go_back()
        page.locator(".ledger-views a", has_text="Witnesses").click()
        page.wait_for_url("**/claims/source/witnesses/")
        assert page.locator(".ledger-views a[aria-current=page]").inner_text() == "Witnesses"
        context.close()


@pytest.mark.parametrize("path", ["claims/status/disputed/", "claims/source/witnesses/page/2/", "claims/source/"])
def test_filter_pages_have_no_axe_violations(browser, paged: Path, path: str):
    from browser import describe, run_axe, serve_folder

    with serve_folder(paged / "public", "/bench/") as base:
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(base + path)
            assert (violations := run_axe(page)) == [], f"{scheme}: {describe(violations)}"
            page.set_viewport_size({"width": 320, "height": 640})
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            assert all(url.startswith(base) for url in requests)
            context.close()
