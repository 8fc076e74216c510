"""Shared test setup: hypothesis profiles, fixture sites copied into a temporary folder, the real command line."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles, registered once for the whole run: `ci` (the default) and `deep`
# (HYPOTHESIS_PROFILE=deep), for a long hunt before a release. A test that needs more
# examples than the profile gives asks with @examples(N).
settings.register_profile("ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def examples(at_least: int) -> settings:
    """Settings for a test that wants at least this many examples (more under a larger profile)."""
    return settings(max_examples=max(at_least, settings().max_examples))

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Result:
    code: int
    out: str
    err: str


def at_depth(extra: int, fn):
    """fn() called `extra` stack frames deeper (for tests of what happens near the recursion limit)."""
    return fn() if extra == 0 else at_depth(extra - 1, fn)


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 60) -> Result:
    """Run `python build.py ARGS` as a writer would, from any folder."""
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), *args],
        capture_output=True, text=True, cwd=cwd or REPO, timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def markdown_pages(generated_into: Path | None = None, count: int = 12) -> list[Path]:
    """Every page we ship or use as a fixture; with a folder, also `count` generated benchmark pages made there."""
    paths = sorted(REPO.glob("content/**/*.md")) + sorted(FIXTURES.glob("**/*.md"))
    if generated_into is not None:
        sys.path.insert(0, str(REPO / "bench"))
        from generate import generate

        site = generate(generated_into / "generated", count, 7)
        paths += sorted((site / "content").glob("*.md"))
    return paths


def notes_in(text: str) -> list[str]:
    """The one-line `note: "..."` values of a page's front matter (enough to gather test notes)."""
    return re.findall(r'^\s*note: "(.*)"\s*$', text, re.M)


def make_site(dest: Path, fixture: str = "good", content_from: Path | None = None) -> Path:
    """A site folder: the fixture's site.yaml and content over the repo's layouts, static and interface catalogs."""
    site = dest / "site"
    shutil.copytree(REPO / "layouts", site / "layouts")
    shutil.copytree(REPO / "static", site / "static")
    shutil.copytree(REPO / "locales", site / "locales")
    shutil.copytree(FIXTURES / fixture, site, dirs_exist_ok=True)
    if content_from is not None:
        shutil.rmtree(site / "content")
        shutil.copytree(content_from, site, dirs_exist_ok=True)
    return site


def indexed_words(out: Path) -> bytes:
    """Every word of an output's search index: its Pagefind fragments, unzipped and joined."""
    import gzip

    return b"".join(gzip.decompress(p.read_bytes()) for p in (out / "pagefind" / "fragment").iterdir())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes, to compare before and after."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


class _ElementText(HTMLParser):
    """Collects the text of every element that has an id (nested ones included)."""

    VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []
        self.texts: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.open.append((tag, dict(attrs).get("id")))
        if dict(attrs).get("id"):
            self.texts[dict(attrs)["id"]] = []

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _, ident in self.open:
            if ident:
                self.texts[ident].append(data)


def texts_by_id(html: str) -> dict[str, str]:
    """The text content of every element with an id, whitespace folded."""
    parser = _ElementText()
    parser.feed(html)
    return {k: " ".join("".join(v).split()) for k, v in parser.texts.items()}


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (see tests/browser.py)."""
    from browser import chromium_or_skip

    manager, chromium = chromium_or_skip()
    yield chromium
    chromium.close()
    manager.stop()


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory) -> Path:
    """The repository's own site, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("bundled") / "public"
    result = run_cli("build", "--out", str(out))
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="session")
def bilingual_site(tmp_path_factory) -> Path:
    """The two-language fixture site (tests/fixtures/bilingual: English and Russian), built once."""
    site = make_site(tmp_path_factory.mktemp("bilingual"), "bilingual")
    out = site.parent / "public"
    result = run_cli("build", "--site", str(site), "--out", str(out))
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="session")
def bilingual_url(bilingual_site):
    """The two-language fixture site served under a sub-path."""
    from browser import serve_folder

    with serve_folder(bilingual_site, "/explainers/") as url:
        yield url


@pytest.fixture(scope="session")
def bundled_url(bundled_site):
    """The bundled site served under a sub-path, as a host would serve it."""
    from browser import serve_folder

    with serve_folder(bundled_site, "/explainers/") as url:
        yield url
