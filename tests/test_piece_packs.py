"""The pieces of site-wide files that render workers write into packs of their own (cache.Packs.append).

The build's process keeps only where each page's pieces are; whatever happens to a pack
(an edit, damage, removal, pruning), the output is that of a clean build.
"""
from __future__ import annotations

import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest

from conftest import snapshot
from explainers import builder, cache, output, parallel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


def pooled(monkeypatch) -> None:
    """Workers for every step, on any machine."""
    for name in ("MIN_READS", "MIN_PARSES", "MIN_RENDERS"):
        monkeypatch.setattr(parallel, name, 2)
    monkeypatch.setattr(parallel, "cores", lambda: 2)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "site", 40, 5)


@pytest.fixture
def site(generated: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(generated, tmp_path / "site"))


def places(site: Path) -> dict:
    """pieces.pickle's base with its changes laid over: {page: (key, (pack, offset, ((piece, length), ...)))}."""
    folder = site / ".cache"
    with open(folder / "pieces.pickle", "rb") as f:
        pickle.load(f)
        token, _ = pickle.load(f)
        found = pickle.load(f)
    if (folder / "pieces-changes.pickle").exists():
        with open(folder / "pieces-changes.pickle", "rb") as f:
            pickle.load(f)
            changes = pickle.load(f)
        if changes[0] == token:
            for name, value in changes[1].items():
                if value is None:
                    found.pop(name, None)
                else:
                    found[name] = value
    return found


def matches_clean(site: Path, tmp_path: Path) -> None:
    """Build incrementally, then without the cache into another folder: the two outputs are the same bytes."""
    result = builder.build(str(site))
    assert result.written, [str(p) for p in result.problems]
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    assert builder.build(str(site), out=clean, use_cache=False).written
    assert snapshot(site / "public") == snapshot(clean)


def edit_title(site: Path, number: int, title: str) -> None:
    """A page's title is in the home page, the feeds and the ledger: they are joined again from every page's pieces."""
    path = sorted((site / "content").glob("explainer-*.md"))[number]
    text = path.read_text(encoding="utf-8")
    start = text.index("\ntitle: ") + len("\ntitle: ")
    path.write_text(text[:start] + f'"{title}"' + text[text.index("\n", start):], encoding="utf-8")


def test_workers_write_the_pieces_and_the_cache_keeps_only_where(site: Path, tmp_path: Path, monkeypatch):
    pooled(monkeypatch)
    matches_clean(site, tmp_path)
    found = places(site)
    assert len(found) >= 40
    packs = {place[0] for _, place in found.values()}
    assert packs and all((site / ".cache" / "pieces" / pack).is_file() for pack in packs)
    # written by the workers, not by this process
    assert all(not pack.endswith(f"-{os.getpid()}.pack") for pack in packs)
    assert all(isinstance(place[2], tuple) and place[2] for _, place in found.values())


def test_pieces_survive_edits_and_a_damaged_or_lost_pack_makes_them_again(site: Path, tmp_path: Path, monkeypatch):
    pooled(monkeypatch)
    matches_clean(site, tmp_path)
    edit_title(site, 3, "A first edit")
    matches_clean(site, tmp_path)
    # every byte of every pack changed, lengths kept: only the digests tell
    for pack in (site / ".cache" / "pieces").glob("*.pack"):
        pack.write_bytes(pack.read_bytes().replace(b"<", b"("))
    edit_title(site, 5, "A second edit")
    matches_clean(site, tmp_path)
    for pack in (site / ".cache" / "pieces").glob("*.pack"):
        pack.write_bytes(pack.read_bytes()[:10])  # cut short
    edit_title(site, 7, "A third edit")
    matches_clean(site, tmp_path)
    shutil.rmtree(site / ".cache" / "pieces")
    edit_title(site, 9, "A fourth edit")
    matches_clean(site, tmp_path)
    for rel in ("index.html", "feed.xml"):
        assert "A fourth edit" in (site / "public" / rel).read_text(encoding="utf-8")


def test_a_single_process_edit_after_a_pooled_build_reads_the_workers_packs(site: Path, tmp_path: Path, monkeypatch):
    pooled(monkeypatch)
    matches_clean(site, tmp_path)
    for name in ("MIN_READS", "MIN_PARSES", "MIN_RENDERS"):
        monkeypatch.setattr(parallel, name, 10**9)
    edit_title(site, 2, "Edited in one process")
    matches_clean(site, tmp_path)
    own = [pack for pack in (site / ".cache" / "pieces").glob("*.pack") if pack.name.endswith(f"-{os.getpid()}.pack")]
    assert own  # the edited page's pieces, written by this process
    assert any(place[0] == own[0].name for _, place in places(site).values())


def test_rewriting_the_places_prunes_only_the_packs_no_page_is_in(site: Path, tmp_path: Path, monkeypatch):
    pooled(monkeypatch)
    matches_clean(site, tmp_path)
    stray = site / ".cache" / "pieces" / "0123456789ab-999999999.pack"  # a killed build's: no such process
    stray.write_bytes(b"left over")
    # a layout change makes every page's pieces again: pieces.pickle is written whole, and pruned
    layout = site / "layouts" / "partials" / "card.html"
    layout.write_text(layout.read_text(encoding="utf-8").replace('<li class="card">', '<li class="card" data-edited>'), encoding="utf-8")
    matches_clean(site, tmp_path)
    assert not stray.exists()
    live = {place[0] for _, place in places(site).values()}
    assert {pack.name for pack in (site / ".cache" / "pieces").glob("*.pack")} == live
    edit_title(site, 1, "After pruning")
    matches_clean(site, tmp_path)


def test_a_running_builds_pack_is_not_pruned(tmp_path: Path):
    packs = cache.Packs(tmp_path / "pieces", "code", "env")
    place = packs.append({"card": b"<li>one</li>", "rows": b"<tr></tr>"})
    assert packs.piece(place, "rows") == b"<tr></tr>" and packs.piece(place, "card") == b"<li>one</li>"
    assert packs.piece(place, "feed") is None
    packs.close()
    running = tmp_path / "pieces" / f"0123456789ab-{os.getppid()}.pack"  # a live process's
    running.write_bytes(b"")
    packs.prune(set())
    assert running.exists() and not (tmp_path / "pieces" / place[0]).exists()


def test_a_written_group_replaces_the_files_of_its_folder(tmp_path: Path):
    out, tmp = tmp_path / "out", tmp_path / "stage"
    (out / "page" / "claims" / "gone").mkdir(parents=True)
    (out / "page" / "claims" / "gone" / "index.html").write_text("old claim")
    (out / "page" / "claims" / "kept").mkdir()
    (out / "page" / "claims" / "kept" / "index.html").write_text("old")
    (out / output.MARKER).write_text("404")
    tmp.mkdir()
    (tmp / "page" / "claims" / "kept").mkdir(parents=True)
    (tmp / "page" / "claims" / "kept" / "index.html").write_text("new")
    files = {output.MARKER: b"404", "page/claims/": output.Written("page/claims/kept/index.html")}
    output.update(files, out, tmp, before={output.MARKER, "page/claims/"})
    assert output.files_in(out) == {output.MARKER, "page/claims/kept/index.html"}
    assert (out / "page" / "claims" / "kept" / "index.html").read_text() == "new"
