"""Each content file's entry for a build (page_entries.py): from the last build, or read and converted anew."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import REPO, make_site
from explainers import builder, cache, incremental, page_entries
from explainers.builder import build
from explainers.model import Problems

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A generated site, its front matter as the benchmark writes it."""
    return generate(tmp_path_factory.mktemp("gen") / "site", 40, 3)


def test_the_glance_guesses_every_slug_of_plain_front_matter(site: Path, tmp_path: Path):
    for root in (site, make_site(tmp_path)):
        for drafts in (False, True):
            result = builder.load(str(root), drafts=drafts, strict=False, use_cache=False)
            real = {page.name: page.url for page in result.pages}
            inputs = incremental.gather_inputs(result.site, Problems())
            assert page_entries.guessed_slugs(result.site, inputs.paths, drafts, inputs) == real


def test_an_edit_loads_only_the_pages_it_renders(tmp_path: Path, monkeypatch):
    site = make_site(tmp_path)
    assert build(str(site)).written
    index = cache.Cache(site, "", "").folder / "index.pickle"
    assert index.is_file()
    loaded = []
    real = page_entries.load_whole
    monkeypatch.setattr(page_entries, "load_whole", lambda site_, cache, name, *rest: loaded.append(name) or real(site_, cache, name, *rest))
    edited = site / "content" / "second.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    result = build(str(site))
    assert result.written and result.rendered == 1
    # second.md is read again; of the rest only the home page is rendered (it always is)
    assert loaded == ["index.md"]
