"""Worker processes change nothing but speed: pooled and single-process builds give the same bytes.

A 40-page generated site is enough to cross every threshold of parallel.py once they are
lowered; the same site built with every threshold out of reach runs in one process.
"""
from __future__ import annotations

import filecmp
import shutil
import sys
from pathlib import Path

import pytest

from explainers import builder, parallel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def pooled(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "MIN_READS", 2)
    monkeypatch.setattr(parallel, "MIN_PARSES", 2)
    monkeypatch.setattr(parallel, "MIN_RENDERS", 2)
    monkeypatch.setattr(parallel, "cores", lambda: 2)


def single(monkeypatch) -> None:
    for name in ("MIN_READS", "MIN_PARSES", "MIN_RENDERS"):
        monkeypatch.setattr(parallel, name, 10**9)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "site", 40, 3)


def test_pooled_and_single_process_builds_are_byte_identical(site: Path, tmp_path: Path, monkeypatch):
    pooled(monkeypatch)
    calls = []
    real = parallel._map
    monkeypatch.setattr(parallel, "_map", lambda pool, task, items, workers, chunk=None: calls.append(task.__name__) or real(pool, task, items, workers, chunk))
    result = builder.build(str(site), out=tmp_path / "pooled", use_cache=False)
    assert result.written, [str(p) for p in result.problems]
    assert calls == ["_read_task", "_parse_batch", "_render_task"]  # every phase went through the pool
    single(monkeypatch)
    calls.clear()
    assert builder.build(str(site), out=tmp_path / "single", use_cache=False).written
    assert calls == []
    assert tree(tmp_path / "pooled") == tree(tmp_path / "single")


def test_pooled_incremental_builds_match_clean_ones(site: Path, tmp_path: Path, monkeypatch):
    pooled(monkeypatch)
    work = tmp_path / "site"
    shutil.copytree(site, work)
    assert builder.build(str(work)).written
    # the workers wrote the pages' entries a batch to a file, eight batches each
    packs = list((work / ".cache" / "packs").glob("*.pack"))
    assert 2 <= len(packs) <= 2 * 8 + 1, packs
    layout = work / "layouts" / "explainer.html"
    layout.write_text(layout.read_text().replace('<article class="explainer">', '<article class="explainer" data-edit="1">'))
    page = work / "content" / "explainer-00003.md"
    page.write_text(page.read_text() + "\nOne more sentence.\n")
    result = builder.build(str(work))
    assert result.written and result.rendered == 41  # a layout changed: every page again (40 explainers, about), in the pool
    builder.build(str(work), out=tmp_path / "clean", use_cache=False)
    match, mismatch, errors = filecmp.cmpfiles(work / "public", tmp_path / "clean", list(tree(tmp_path / "clean")), shallow=False)
    assert not mismatch and not errors
    assert set(tree(work / "public")) == set(tree(tmp_path / "clean"))


def test_a_template_error_in_a_worker_is_reported_and_nothing_is_written(site: Path, tmp_path: Path, monkeypatch):
    pooled(monkeypatch)
    work = tmp_path / "site"
    shutil.copytree(site, work)
    assert builder.build(str(work), use_cache=False).written
    before = tree(work / "public")
    layout = work / "layouts" / "explainer.html"
    layout.write_text(layout.read_text().replace("{{ page.title }}", "{{ page.title.no_such_field.upper() }}", 1))
    result = builder.build(str(work), use_cache=False)
    assert not result.written
    [error] = result.problems.errors  # raised in a worker, reported like one raised here
    assert error.path.endswith("layouts") and "no_such_field" in error.message
    assert tree(work / "public") == before
    assert not list(work.glob(".public.tmp-*")) and not list(work.glob(".public.old-*"))
