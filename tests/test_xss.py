"""Front-matter strings are data: the usual XSS payloads in every field reach the reader as text.

Two sites are built from the same template: one with a payload in every front-matter and
site.yaml string, one with plain words in their place. Chromium opens every page of both
with the Content-Security-Policy stripped (so an escaping bug would run instead of being
blocked), clicks every claim, and records dialogs. The oracle: no dialog, and the two
sites have the same elements with the same attribute names, page by page; a payload that
made an element or an attribute shows up as a difference. JSON-LD, claims.json and the
XML feeds are checked for what each context needs, whenever the build writes them.
"""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import make_site, run_cli

# "N" becomes a number naming the page and field, so a dialog says where it came from.
PAYLOADS = [
    "<script>alert(N)</script>",
    '"><img src=x onerror=alert(N)>',
    "'><svg onload=alert(N)>",
    "</script><script>alert(N)</script>",
    "<!--<img src=x onerror=alert(N)>-->",
    "x <!-- y",
    '" onmouseover="alert(N)" data-x="',
    "' onfocus='alert(N)' autofocus data-x='",
    "javascript:alert(N)",
    "</title><script>alert(N)</script>",
    '<iframe srcdoc="<script>alert(N)</script>"></iframe>',
    "]]><img src=x onerror=alert(N)>",
    "&lt;img src=x onerror=alert(N)&gt;",
    '<a href="javascript:alert(N)">click N</a>',
    "\u2028\u2029</script><script>alert(N)</script>",
    "\uff1cscript\uff1ealert(N)\uff1c/script\uff1e \u202etxt.exe",
    '"; alert(N); "',
    "\\u003cscript\\u003ealert(N)\\u003c/script\\u003e",
    "{{ N * 7 }}{% raw %}",
    "<style>*{display:none}</style><b>N</b>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(N)>',
]
PAGE_FIELDS = ["title", "summary", "alt", "caption", "credit", "name", "about", "note", "url"]
CSP_RE = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')
JSONLD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def payload(i: int, field: str) -> str:
    return PAYLOADS[i].replace("N", str(i * 100 + PAGE_FIELDS.index(field) if field in PAGE_FIELDS else 9000 + i))


def plain(i: int, field: str) -> str:
    return f"Plain {field} {i}"


def url_of(text: str) -> str:
    """A valid http URL that carries the text in its query (spaces and controls cannot be in a URL)."""
    return "https://example.org/?q=" + "".join(c for c in text if not c.isspace() and c >= " ")


def q(text: str) -> str:
    """A YAML double-quoted string (JSON's escapes are YAML's)."""
    return json.dumps(text)


def write_site(dest: Path, text) -> Path:
    """The test site, every string made by text(i, field)."""
    site = make_site(dest)
    shutil.rmtree(site / "content")
    (site / "content").mkdir()
    (site / "site.yaml").write_text(
        f"title: {q(text(1, 'site title'))}\n"
        f"description: {q(text(2, 'site description'))}\n"
        "base_url: https://example.org/explainers/\nlanguage: en\noutput_dir: public\n"
        f"publisher: {{name: {q(text(3, 'publisher'))}, url: \"https://example.org/\"}}\n"
        "statuses:\n"
        f"  verified: {{label: {q(text(4, 'status label'))}, description: {q(text(5, 'status description'))}}}\n"
        "  refuted: {label: Refuted, description: Wrong.}\n"
        "sources:\n"
        f"  shared: {{name: {q(text(6, 'shared source'))}, url: {q(url_of(text(7, 'shared url')))}, about: {q(text(8, 'shared about'))}}}\n",
        encoding="utf-8",
    )
    for i in range(len(PAYLOADS)):
        t = lambda field: q(text(i, field))
        (site / "content" / f"p{i}.md").write_text(
            f"---\ntitle: {t('title')}\ndate: 2022-01-{i + 1:02d}\nsummary: {t('summary')}\nslug: p{i}\n"
            f"image: {{src: images/parade.gif, alt: {t('alt')}, caption: {t('caption')}, credit: {t('credit')}}}\n"
            f"sources:\n  s{i}: {{name: {t('name')}, url: {q(url_of(text(i, 'url')))}, about: {t('about')}}}\n"
            f"claims:\n  c{i}:\n    status: verified\n    sources: [s{i}, shared]\n    note: {t('note')}\n"
            f"    url: {q(url_of(text(i, 'url')))}\n    checked: 2026-11-27\n"
            f"  r{i}: {{status: refuted, source: shared}}\n"
            f"---\nThe body quotes &lt;img src=x onerror=alert(77)&gt; as text.[^c{i}] And [a &lt;b onclick=alert(78)&gt; highlighted claim][^r{i}].\n",
            encoding="utf-8",
        )
    (site / "content/about.md").write_text(f"---\ntitle: {q(text(0, 'title'))}\ndate: 2022-01-01\nlayout: page\nsummary: {q(text(1, 'summary'))}\n---\nAbout.\n", encoding="utf-8")
    return site


def built(tmp_path_factory, name: str, text) -> Path:
    site = write_site(tmp_path_factory.mktemp(name), text)
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return site / "public"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    """(payload output, plain output)."""
    return built(tmp_path_factory, "xss", payload), built(tmp_path_factory, "plain", plain)


def html_pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))


def without_csp(out: Path, dest: Path) -> Path:
    """A copy of the output whose pages carry no Content-Security-Policy: escaping alone must hold."""
    shutil.copytree(out, dest)
    for page in dest.rglob("*.html"):
        page.write_text(CSP_RE.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


SHAPE_JS = """() => Array.from(document.querySelectorAll('*')).map(
    e => e.tagName + '[' + Array.from(e.attributes).map(a => a.name).sort().join(' ') + ']')"""


def shapes(browser, folder: Path, pages: list[str], dialogs: list[str]) -> dict[str, list[str]]:
    """Every page's elements and attribute names, after clicking each claim trigger."""
    from browser import serve_folder

    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    result = {}
    try:
        with serve_folder(folder) as base:
            for rel in pages:
                page.goto(base + rel.removesuffix("index.html"))
                if page.locator("#search").count():  # the search page: once its script has the index's filters (or says it has none)
                    page.wait_for_function("() => !document.querySelector('.search-filters').hidden"
                                           " || document.querySelector('.search-status').textContent")
                for trigger in page.locator("button.claim-trigger").all():
                    trigger.click()
                page.keyboard.press("Escape")
                page.wait_for_timeout(50)
                result[rel] = page.evaluate(SHAPE_JS)
    finally:
        context.close()
    return result


def test_payloads_make_no_element_and_run_nothing_in_chromium(browser, sites, tmp_path: Path):
    xss, control = sites
    pages = html_pages(xss)
    assert pages == html_pages(control) and len(pages) >= len(PAYLOADS) + 3
    dialogs: list[str] = []
    seen = shapes(browser, without_csp(xss, tmp_path / "xss"), pages, dialogs)
    expected = shapes(browser, without_csp(control, tmp_path / "control"), pages, [])
    assert dialogs == []
    for rel in pages:
        extra = sorted(set(seen[rel]) - set(expected[rel]))
        assert seen[rel] == expected[rel], f"{rel}: elements differ; new shapes: {extra}"


class _Parts(HTMLParser):
    """The text of <title> and <h1>, and the alt of every <img>, as a browser decodes them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside: str | None = None
        self.text = {"title": "", "h1": ""}
        self.alts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.text:
            self.inside = tag
        if tag == "img":
            self.alts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag):
        if tag == self.inside:
            self.inside = None

    def handle_data(self, data):
        if self.inside:
            self.text[self.inside] += data


def test_payloads_reach_the_reader_as_text(sites):
    """Escaped, not dropped: the reader sees exactly what the writer typed, and no template ran."""
    xss, _ = sites
    for i in range(len(PAYLOADS)):
        parts = _Parts()
        parts.feed((xss / f"p{i}/index.html").read_text(encoding="utf-8"))
        assert parts.text["h1"] == payload(i, "title")
        assert parts.text["title"].startswith(payload(i, "title"))
        assert payload(i, "alt") in parts.alts
    assert "{{ 1800 * 7 }}" in (xss / "p18/index.html").read_text(encoding="utf-8")
    assert "12600" not in (xss / "p18/index.html").read_text(encoding="utf-8")


def test_claim_ids_with_payloads_are_refused(tmp_path: Path):
    site = make_site(tmp_path)
    claims = "".join(f"  {q(p.replace('N', str(i)))}: {{status: verified, source: newsweek}}\n" for i, p in enumerate(PAYLOADS))
    (site / "content/ids.md").write_text(f"---\ntitle: T\ndate: 2022-01-01\nclaims:\n{claims}---\nBody.\n", encoding="utf-8")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1 and "Traceback" not in result.err
    refused = [l for l in result.err.splitlines() if "content/ids.md" in l and "may use only letters, digits" in l]
    assert len(refused) == len(PAYLOADS), result.err
    assert not (site / "public").exists()


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in _strings(k) + _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def test_json_ld_blocks_cannot_be_closed_early_and_keep_the_data(sites):
    """`</script>` or `<!--` inside a JSON-LD block would end it or change how it is parsed."""
    xss, _ = sites
    blocks = {rel: JSONLD_RE.findall((xss / rel).read_text(encoding="utf-8")) for rel in html_pages(xss)}
    if not any(blocks.values()):
        pytest.skip("no JSON-LD in the output yet (claims-as-data issue); re-run after it is merged")
    for rel, found in blocks.items():
        for raw in found:
            assert not re.search(r"</script|<!--|<script", raw, re.I), f"{rel}: {raw[:200]}"
            json.loads(raw)
    for i in range(len(PAYLOADS)):
        strings = [s for raw in blocks[f"p{i}/index.html"] for s in _strings(json.loads(raw))]
        if strings:
            wanted = {payload(i, f) for f in ("title", "name", "summary")}
            assert any(w in s for s in strings for w in wanted), f"p{i}: payload lost in JSON-LD"


def test_claims_json_is_valid_and_keeps_the_data(sites):
    xss, _ = sites
    path = xss / "claims.json"
    if not path.exists():
        pytest.skip("no claims.json yet (claims-as-data issue); re-run after it is merged")
    data = json.loads(path.read_text(encoding="utf-8"))
    strings = _strings(data)
    for i in range(len(PAYLOADS)):
        wanted = {payload(i, f) for f in ("title", "name")}
        assert any(w in s for s in strings for w in wanted), f"payload {i} lost in claims.json"


@pytest.mark.parametrize("name", ["feed.xml", "sitemap.xml"])
def test_xml_files_stay_well_formed(sites, name: str):
    xss, _ = sites
    path = xss / name
    if not path.exists():
        pytest.skip(f"no {name} yet (publishing issue); re-run after it is merged")
    root = ET.fromstring(path.read_bytes())
    if name == "feed.xml":
        texts = {el.text for el in root.iter() if el.text}
        assert any(payload(i, "title") in texts for i in range(len(PAYLOADS)))


def test_claim_pages_carry_one_claim_review_that_keeps_the_payloads(sites):
    """Each claim page's one ClaimReview parses, cannot be closed early, and carries the writer's text as data."""
    xss, _ = sites
    for i in range(len(PAYLOADS)):
        html = (xss / f"p{i}/claims/c{i}/index.html").read_text(encoding="utf-8")
        found = JSONLD_RE.findall(html)
        assert len(found) == 1 and not re.search(r"</script|<!--|<script", found[0], re.I)
        review = json.loads(found[0])
        assert review["@type"] == "ClaimReview" and review["url"].endswith(f"/p{i}/claims/c{i}/")
        assert review["itemReviewed"]["author"][0]["name"] == payload(i, "name")
        assert JSONLD_RE.findall((xss / f"p{i}/claims/c{i}/embed/index.html").read_text(encoding="utf-8")) == []
