"""Publishing (SPEC 6): the output folder works served under any path, feeds and sitemap
list exactly the published pages, builds are reproducible, the CSP holds, `check` finds
broken links."""
from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as etree
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from browser import serve_folder
from conftest import FIXTURES, REPO, make_site, run_cli, snapshot

PREFIX = "/deep/sub/path/"
BASE_URL = "https://example.org" + PREFIX
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HASHED = re.compile(r"\.[0-9a-f]{10}\.(css|js)$")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
# The published pages of tests/fixtures/publish-site (secret.md is a draft).
NOT_LOADED = {"canonical", "alternate"}  # <link rel> values that name a URL without fetching it
PUBLISHED = {"": "index.md", "older/": "older.md", "newer/": "newer.md", "about/": "about.md"}


@dataclass
class Parsed:
    """What a crawler needs from one HTML document."""

    refs: list[tuple[str, str, str, int]] = field(default_factory=list)  # (tag, attribute, value, line)
    loads: list[tuple[str, int]] = field(default_factory=list)  # (URL, line) the browser fetches to show the page
    ids: set[str] = field(default_factory=set)
    inline: list[str] = field(default_factory=list)  # inline script, style or event handler found
    meta: dict[str, str] = field(default_factory=dict)  # meta name/property/http-equiv -> content
    canonical: str | None = None


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.doc = Parsed()
        self.in_script: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.doc.ids.add(a["id"])
        for name in ("href", "src", "action"):  # a form's action: the header's search box leads to the search page
            if a.get(name) is not None:
                self.doc.refs.append((tag, name, a[name], self.getpos()[0]))
                if tag not in ("a", "form") and not (tag == "link" and a.get("rel") in NOT_LOADED):
                    self.doc.loads.append((a[name], self.getpos()[0]))
        if tag == "link" and a.get("rel") == "canonical":
            self.doc.canonical = a.get("href")
        if tag == "meta" and a.get("content") is not None:
            key = a.get("name") or a.get("property") or a.get("http-equiv")
            if key:
                self.doc.meta[key] = a["content"]
        if tag == "style" or "style" in a or any(name.startswith("on") for name in a):
            self.doc.inline.append(f"line {self.getpos()[0]}: <{tag} {a}>")
        if tag == "script" and not a.get("src") and a.get("type") != "application/ld+json":
            self.doc.inline.append(f"line {self.getpos()[0]}: inline <script>")


def parse_html(text: str) -> Parsed:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.doc


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of a GET, 404 pages included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


@dataclass
class Crawl:
    pages: dict[str, Parsed] = field(default_factory=dict)  # URL without fragment -> parsed HTML
    fetched: dict[str, int] = field(default_factory=dict)  # URL -> status
    external: set[str] = field(default_factory=set)  # links (a href) to other hosts
    problems: list[str] = field(default_factory=list)


def crawl(base: str, seeds: dict[str, int]) -> Crawl:
    """Follow every same-host href and src (and CSS url()) from the seeds; record what breaks.

    `seeds` maps start URLs to the status they must answer with (404 for a miss)."""
    origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(base))
    result = Crawl()
    queue = deque((url, status, "seed") for url, status in seeds.items())
    anchors: list[tuple[str, str, str]] = []  # (page URL, fragment, where the link is)
    while queue:
        url, expected, where = queue.popleft()
        if url in result.fetched:
            continue
        status, ctype, body = fetch(url)
        result.fetched[url] = status
        if status != expected:
            result.problems.append(f"{where}: {url} answered {status}, not {expected}")
            continue
        if not url.startswith(base):
            result.problems.append(f"{where}: {url} is outside the site's path {base}")
        targets: list[tuple[str, str]] = []  # (absolute URL, where)
        if ctype == "text/html":
            doc = result.pages[url] = parse_html(body.decode("utf-8"))
            for tag, attr, value, line in doc.refs:
                targets.append((urllib.parse.urljoin(url, value), f"{url} line {line} <{tag} {attr}={value!r}>"))
            for value, line in doc.loads:
                if not urllib.parse.urljoin(url, value).startswith(origin):
                    result.problems.append(f"{url} line {line}: loads from another host: {value}")
        elif ctype == "text/css":
            for match in CSS_URL.finditer(body.decode("utf-8")):
                value = match.group(1) or match.group(2)
                if not value.startswith("data:"):
                    targets.append((urllib.parse.urljoin(url, value), f"{url} url({value})"))
        for target, at in targets:
            if not target.startswith(origin):
                result.external.add(target)
                continue
            page, _, fragment = target.partition("#")
            if urllib.parse.urlsplit(page).path.endswith((".css", ".js")) and not HASHED.search(urllib.parse.urlsplit(page).path):
                result.problems.append(f"{at}: asset without a content hash")
            if fragment:
                anchors.append((page, fragment, at))
            queue.append((page, 200, at))
    for page, fragment, at in anchors:
        if page in result.pages and fragment not in result.pages[page].ids:
            result.problems.append(f"{at}: no element with id {fragment!r}")
    return result


def build(site: Path, out: Path, *extra: str, cwd: Path | None = None) -> Path:
    result = run_cli("build", "--site", str(site), "--out", str(out), *extra, cwd=cwd)
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("publish"), "publish-site")


@pytest.fixture(scope="module")
def published(fixture_site: Path) -> Path:
    """The publishing fixture built for https://example.org/deep/sub/path/."""
    return build(fixture_site, fixture_site.parent / "out", "--base-url", BASE_URL)


@pytest.fixture(scope="module")
def bundled_deep(tmp_path_factory) -> Path:
    """The repository's own site built for a deep sub-path."""
    return build(REPO, tmp_path_factory.mktemp("bundled-deep") / "public", "--base-url", BASE_URL)


# --- served under a deep sub-path, every link and asset resolves --------------------------

@pytest.mark.parametrize("which", ["published", "bundled_deep"])
def test_every_link_and_asset_resolves_under_a_deep_sub_path(which: str, request):
    out = request.getfixturevalue(which)
    with serve_folder(out, PREFIX) as base:
        missing = base + "no/such/deep/page/"
        result = crawl(base, {base: 200, missing: 404, base + "feed.xml": 200, base + "sitemap.xml": 200})
    assert result.problems == []
    assert missing in result.pages  # 404.html was served at depth and its links were followed
    assert parse_html((out / "404.html").read_text()).refs  # and it has links to follow
    reached = {urllib.parse.urlsplit(u).path[len(PREFIX):] for u, s in result.fetched.items() if s == 200}
    html_files = {p.relative_to(out).as_posix() for p in out.rglob("*.html")} - {"404.html"}
    pages = {f[: -len("index.html")] for f in html_files}
    assert pages <= reached, f"never linked: {pages - reached}"
    assert {"feed.xml", "sitemap.xml"} <= reached


def test_the_404_page_links_from_base_urls_path(published: Path):
    doc = parse_html((published / "404.html").read_text())
    local = [v for tag, attr, v, line in doc.refs if not v.startswith(("http:", "https:", "mailto:", "#"))]
    assert local and all(v.startswith(PREFIX) for v in local), local
    assert doc.canonical is None and doc.meta.get("robots") == "noindex"


def test_css_and_js_are_fingerprinted_and_only_the_hashed_names_are_written(published: Path):
    # Pagefind's own scripts (pagefind/) keep their names, so they are revalidated like pages (explainers/search.py)
    assets = [p.relative_to(published).as_posix() for p in published.rglob("*") if p.suffix in (".css", ".js") and p.parent.name != "pagefind"]
    assert assets and all(HASHED.search(a) for a in assets), assets
    for html in published.rglob("*.html"):
        for tag, attr, value, line in parse_html(html.read_text()).refs:
            if value.endswith((".css", ".js")):
                assert HASHED.search(value), f"{html}:{line}: {value}"


# --- absolute URLs: canonical, Open Graph, Twitter, sitemap, feed --------------------------

def test_canonical_and_social_meta_are_absolute_under_base_url(published: Path):
    for path, name in PUBLISHED.items():
        doc = parse_html((published / path / "index.html").read_text())
        assert doc.canonical == BASE_URL + path
        assert doc.meta["og:url"] == BASE_URL + path
        assert doc.meta["og:title"] and doc.meta["twitter:card"] in ("summary", "summary_large_image")
    older = parse_html((published / "older/index.html").read_text())
    assert older.meta["og:type"] == "article" and older.meta["twitter:card"] == "summary_large_image"
    assert older.meta["og:image"] == BASE_URL + "images/tank.gif" == older.meta["twitter:image"]
    assert older.meta["og:title"] == "Tanks & <tractors> on parade"  # escaped in HTML, intact as data
    assert older.meta["article:published_time"] == "2022-05-09" and older.meta["article:modified_time"] == "2023-01-10"
    assert parse_html((published / "about/index.html").read_text()).meta["og:type"] == "website"


def test_sitemap_lists_exactly_the_published_pages(published: Path):
    root = etree.fromstring((published / "sitemap.xml").read_bytes())
    assert root.tag == SITEMAP + "urlset"
    entries = {u.findtext(SITEMAP + "loc"): u.findtext(SITEMAP + "lastmod") for u in root}
    assert set(entries) == {BASE_URL + path for path in PUBLISHED}
    assert entries[BASE_URL + "older/"] == "2023-01-10"  # updated wins over date
    assert entries[BASE_URL + "newer/"] == "2023-03-01"
    assert entries[BASE_URL] == "2023-03-01"  # the home page changes with its newest page
    for loc in entries:
        assert (published / loc[len(BASE_URL):] / "index.html").is_file()


def test_feed_is_atom_with_the_explainers_newest_first(published: Path, fixture_site: Path):
    feed = etree.fromstring((published / "feed.xml").read_bytes())
    assert feed.tag == ATOM + "feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(ATOM + required) is not None, required
    assert feed.findtext(ATOM + "title") == "Publishing & <fixture>"
    assert feed.findtext(ATOM + "updated") == "2023-03-01T00:00:00Z"
    links = {link.get("rel"): link.get("href") for link in feed.findall(ATOM + "link")}
    assert links == {"alternate": BASE_URL, "self": BASE_URL + "feed.xml"}
    entries = feed.findall(ATOM + "entry")
    assert [e.findtext(ATOM + "id") for e in entries] == [BASE_URL + "newer/", BASE_URL + "older/"]
    older = entries[1]
    assert older.findtext(ATOM + "title") == "Tanks & <tractors> on parade"
    assert older.findtext(ATOM + "summary") == 'What the "parade" showed, & what it did not.'
    assert older.findtext(ATOM + "published") == "2022-05-09T00:00:00Z"
    assert older.findtext(ATOM + "updated") == "2023-01-10T00:00:00Z"
    assert older.find(ATOM + "link").get("href") == BASE_URL + "older/"
    assert all(e.findtext(ATOM + "id").startswith(BASE_URL) for e in entries)


def test_a_drafts_preview_still_announces_no_draft(fixture_site: Path, tmp_path: Path):
    out = build(fixture_site, tmp_path / "drafts", "--drafts", "--base-url", BASE_URL)
    assert (out / "secret/index.html").is_file()
    assert b"secret" not in (out / "sitemap.xml").read_bytes() + (out / "feed.xml").read_bytes()


def test_base_url_comes_from_site_yaml_unless_overridden(fixture_site: Path, tmp_path: Path):
    out = build(fixture_site, tmp_path / "default")
    assert b"<loc>https://example.org/explainers/older/</loc>" in (out / "sitemap.xml").read_bytes()
    assert 'href="/explainers/' in (out / "404.html").read_text()
    out = build(fixture_site, tmp_path / "root", "--base-url", "https://news.example.com")
    assert b"<loc>https://news.example.com/older/</loc>" in (out / "sitemap.xml").read_bytes()
    assert 'href="/css/site.' in (out / "404.html").read_text()
    # the base URL changes only the absolute URLs, never a page's relative links
    assert _strip_absolute(out / "older/index.html") == _strip_absolute(tmp_path / "default/older/index.html")


def _strip_absolute(path: Path) -> str:
    return re.sub(r"https://(example\.org/explainers|news\.example\.com)/", "BASE/", path.read_text())


# --- reproducible ---------------------------------------------------------------------------

def test_builds_are_byte_identical_across_runs_folders_and_working_directories(fixture_site: Path, tmp_path: Path):
    first = snapshot(build(fixture_site, tmp_path / "a", "--base-url", BASE_URL))
    again = snapshot(build(fixture_site, tmp_path / "b", "--base-url", BASE_URL))
    assert first == again
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(fixture_site, moved, ignore=shutil.ignore_patterns("public"))
    os.utime(moved / "content/older.md", (0, 0))  # modification times must not matter either
    (tmp_path / "cwd").mkdir()
    relative = os.path.relpath(moved, tmp_path / "cwd")
    elsewhere = snapshot(build(Path(relative), tmp_path / "c", "--base-url", BASE_URL, cwd=tmp_path / "cwd"))
    assert elsewhere == first
    leaks = [name for name, data in first.items() if str(fixture_site).encode() in data or str(tmp_path).encode() in data]
    assert leaks == []


# --- Content-Security-Policy ----------------------------------------------------------------

def test_no_page_has_inline_script_style_or_handlers(published: Path, bundled_deep: Path):
    for out in (published, bundled_deep):
        for html in sorted(out.rglob("*.html")):
            doc = parse_html(html.read_text())
            assert doc.inline == [], f"{html}: {doc.inline}"
            assert "default-src 'self'" in doc.meta["Content-Security-Policy"], html


def test_headers_file_repeats_the_page_policy_and_caches_hashed_assets_for_ever(published: Path):
    text = (published / "_headers").read_text()
    policy = parse_html((published / "index.html").read_text()).meta["Content-Security-Policy"]
    rules: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("/"):
            current = rules.setdefault(line, {})
        elif line.startswith("  ! ") and current is not None:
            current["!" + line[4:]] = ""  # Cloudflare Pages: drop this header of an earlier rule
        elif line.startswith("  ") and current is not None:
            name, value = line.strip().split(": ", 1)
            current[name] = value
    assert rules["/*"]["Content-Security-Policy"].startswith(policy + ";")
    assert rules["/*"]["Content-Security-Policy"].endswith("; frame-ancestors 'none'")  # no site may frame a page...
    embed = rules["/*/embed/"]  # ...but a claim's embed card, which runs no script
    assert "!Content-Security-Policy" in embed and embed["Content-Security-Policy"] == policy + "; script-src 'none'; frame-ancestors *"
    assert "Cache-Control" not in rules["/*"]  # hosts would merge it into the assets' header
    hashed = sorted("/" + p.relative_to(published).as_posix() for p in published.rglob("*") if HASHED.search(p.name))
    assert hashed and sorted(k for k in rules if k not in ("/*", "/*/embed/", "/search/", "/*/search/")) == hashed
    assert all("immutable" in rules[path]["Cache-Control"] for path in hashed)


def test_a_headers_file_in_static_wins(fixture_site: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(fixture_site, site, ignore=shutil.ignore_patterns("public"))
    (site / "static/_headers").write_text("/*\n  X-Custom: yes\n")
    out = build(site, tmp_path / "out")
    assert (out / "_headers").read_text() == "/*\n  X-Custom: yes\n"


CSP_LISTENER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def open_with_watch(browser, url: str):
    """A page loaded with CSP violations, console errors and every request recorded."""
    page = browser.new_page()
    seen = {"console": [], "requests": []}
    page.add_init_script(CSP_LISTENER)
    page.on("console", lambda m: seen["console"].append(m.text) if m.type in ("error", "warning") else None)
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, seen


@pytest.mark.parametrize("which", ["published", "bundled_deep"])
def test_pages_satisfy_the_csp_and_load_nothing_from_other_hosts(browser, which: str, request):
    out = request.getfixturevalue(which)
    paths = sorted({p.relative_to(out).parent.as_posix() + "/" for p in out.rglob("index.html")} - {"./"}) + [""]
    with serve_folder(out, PREFIX) as base:
        origin = base[: -len(PREFIX)]
        for path in paths + ["no/such/deep/page/"]:
            page, seen = open_with_watch(browser, base + path)
            triggers = page.locator("button.claim-trigger")
            for i in range(min(triggers.count(), 3)):  # exercise the script: open, hover, close panels
                triggers.nth(i).click()
                page.keyboard.press("Escape")
                triggers.nth(i).hover()
            page.mouse.move(0, 0)
            page.wait_for_timeout(50)
            assert page.evaluate("window.__violations") == [], path
            assert [m for m in seen["console"] if "Content Security Policy" in m or "Content-Security-Policy" in m] == [], path
            assert [u for u in seen["requests"] if not u.startswith(origin + "/")] == [], path
            page.close()


def test_the_csp_listener_does_see_a_violation(browser, published: Path):
    """The check above can fail: an inline style is refused and reported."""
    with serve_folder(published, PREFIX) as base:
        page, seen = open_with_watch(browser, base + "older/")
        page.evaluate("document.head.append(Object.assign(document.createElement('style'), {textContent: 'body{color:red}'}))")
        page.wait_for_timeout(100)
        assert any(v.startswith("style-src") for v in page.evaluate("window.__violations"))
        page.close()


# --- check: broken links, anchors and assets, with their lines -------------------------------

def test_check_reports_broken_links_anchors_and_assets_at_their_lines(tmp_path: Path):
    site = make_site(tmp_path, content_from=FIXTURES / "publish-broken")
    result = run_cli("check", "--site", str(site))
    assert result.code == 1 and "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    for expected in (FIXTURES / "publish-broken/expected").read_text().splitlines():
        where, message = expected.split(": error: ")
        assert any(e.startswith(f"{site}/{where}: error: {message}") for e in errors), f"{expected!r} not in:\n{result.err}"
    assert len(errors) == len((FIXTURES / "publish-broken/expected").read_text().splitlines())
    assert "/shop/" not in result.err and "#claim-a'" not in result.err and "other.md'" not in result.err
    assert not (site / "public").exists()


def test_build_refuses_broken_links_and_assets_and_names_drafts(tmp_path: Path):
    site = make_site(tmp_path, content_from=FIXTURES / "publish-broken")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert f"{site}/content/page.md:9: error: link to 'images/missing.png'" in result.err
    assert f"{site}/content/page.md:12: error: link to 'draft.md': content/draft.md is a draft" in result.err


def test_links_to_generated_files_and_home_are_allowed_and_made_relative(site: Path):
    page = site / "content/about.md"
    page.write_text(page.read_text() + "\n[Ledger](claims/), [data](claims.json), [feed](feed.xml), [map](sitemap.xml), [home](./), [image](images/parade.gif)\n")
    assert run_cli("check", "--site", str(site)).code == 0
    assert run_cli("build", "--site", str(site)).code == 0
    html = (site / "public/about/index.html").read_text()
    for href in ("../claims/", "../claims.json", "../feed.xml", "../sitemap.xml", "../", "../images/parade.gif"):
        assert f'href="{href}"' in html, href
    page.write_text(page.read_text() + "\n[escape](../../etc/passwd)\n")
    result = run_cli("check", "--site", str(site))
    assert result.code == 1 and "points outside the site" in result.err


# --- the GitHub Pages workflow --------------------------------------------------------------

def test_pages_workflow_builds_with_the_pages_url_and_deploys_the_output():
    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert {"actions/checkout", "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "--base-url" in runs and "steps.pages.outputs.base_url" in yaml.safe_dump(workflow)
    output_dir = yaml.safe_load((REPO / "site.yaml").read_text())["output_dir"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == output_dir
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


# --- the README's nginx example, served for real when nginx is installed --------------------

def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_readme_nginx_example_serves_the_site_with_404_and_cache_headers(tmp_path: Path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx not installed")
    block = re.search(r"```nginx\n(.*?)```", (REPO / "README.md").read_text(), re.S).group(1)
    www, port = tmp_path / "www", free_port()
    base = f"http://127.0.0.1:{port}/explainers/"
    out = build(REPO, www / "explainers", "--base-url", base)
    conf = tmp_path / "nginx.conf"
    temp = f"{tmp_path}/temp"
    # workers must be able to read the pytest temp folder, which only its owner may enter
    user = f"{pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name}"
    conf.write_text(
        f"user {user}; daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; client_body_temp_path {temp}; proxy_temp_path {temp};"
        f" fastcgi_temp_path {temp}; uwsgi_temp_path {temp}; scgi_temp_path {temp};\n"
        f"server {{ listen 127.0.0.1:{port};\n{block.replace('/var/www', str(www))}\n}} }}\n"
    )
    server = subprocess.Popen([nginx, "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(base, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        result = crawl(base, {base: 200, base + "no/such/deep/page/": 404})
        assert result.problems == []
        css = next(u for u in result.fetched if u.endswith(".css"))
        with urllib.request.urlopen(css) as response:
            assert "immutable" in response.headers["Cache-Control"]
        with urllib.request.urlopen(base) as response:
            assert response.headers["Cache-Control"] == "no-cache"
            policy = parse_html(response.read().decode()).meta["Content-Security-Policy"]
            assert response.headers["Content-Security-Policy"].startswith(policy)
            assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
        with urllib.request.urlopen(base + "contract-soldiers/claims/asked-mod/embed/") as response:
            assert response.headers["Content-Security-Policy"].endswith("script-src 'none'; frame-ancestors *")
            assert response.headers["Cache-Control"] == "no-cache" and response.headers["X-Content-Type-Options"] == "nosniff"
        with urllib.request.urlopen(base + "contract-soldiers/claims/asked-mod/") as response:
            assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
        assert (out / "404.html").is_file()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_generated_page_that_names_its_path_gets_a_canonical_link(fixture_site: Path):
    from explainers.load import load_site
    from explainers.model import Problems
    from explainers.render import fingerprint_static, make_environment

    site = load_site(fixture_site, "", Problems())
    env = make_environment(site, fingerprint_static(site)[1])
    common = dict(page=None, root="../", nav=[], explainers=[], home=None)
    named = parse_html(env.get_template("partials/meta.html").render(url_path="claims/", meta_title="All claims", **common))
    assert named.canonical == "https://example.org/explainers/claims/" and named.meta["og:title"] == "All claims"
    unnamed = parse_html(env.get_template("partials/meta.html").render(**common))
    assert unnamed.canonical is None and "robots" not in unnamed.meta  # only the 404 page is noindex
