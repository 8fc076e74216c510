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


def test_a_body_edit_reads_the_front_matter_without_pyyaml(tmp_path: Path, monkeypatch):
    """What PyYAML made of a front matter is kept with the page's entry: a body edit takes it, an edit of the front matter parses again."""
    from explainers import yamlstrict

    site = make_site(tmp_path)
    page = site / "content" / "first.md"
    assert "{name: Meduza" in page.read_text()  # a flow mapping: beyond the line reader, so PyYAML's
    assert build(str(site)).written
    parsed = []
    real = yamlstrict.load
    monkeypatch.setattr(yamlstrict, "load", lambda text, offset=0: parsed.append(offset) or real(text, offset))
    page.write_text(page.read_text() + "\nA sentence added to the body.\n")
    assert build(str(site)).written and parsed == []
    assert "A sentence added to the body." in (site / "public" / "contract-soldiers" / "index.html").read_text()
    page.write_text(page.read_text().replace("\ntitle: ", "\ntitle: Retitled ", 1))
    assert build(str(site)).written and parsed == [1]
    assert "Retitled " in (site / "public" / "contract-soldiers" / "index.html").read_text()
    page.write_text(page.read_text() + "\nAnother sentence.\n")  # the new front matter was kept in turn
    assert build(str(site)).written and parsed == [1]
    assert snapshot_of(site) == snapshot_of(clean_copy(site, tmp_path))


def snapshot_of(site: Path) -> dict[str, bytes]:
    from conftest import snapshot

    return snapshot(site / "public")


def clean_copy(site: Path, tmp_path: Path) -> Path:
    """The same content built from nothing: what an incremental build must equal."""
    import shutil

    copy = tmp_path / "clean"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("public", ".cache"))
    assert build(str(copy)).written
    return copy
