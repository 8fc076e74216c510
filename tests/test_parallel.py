"""Worker processes change nothing but speed: pooled and single-process builds give the same bytes.

A 40-page generated site is enough to cross every threshold of parallel.py once they are
lowered; the same site built with every threshold out of reach runs in one process.
"""
from __future__ import annotations

import filecmp
import os
import shutil
import sys
from pathlib import Path

import jinja2
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
    assert calls == ["_work_task", "_render_task"]  # pages read and converted in one pool, rendered in another
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


def test_render_workers_inherit_the_templates_compiled(site: Path, tmp_path: Path, monkeypatch):
    pooled(monkeypatch)
    log = tmp_path / "compiled"
    real = jinja2.Environment.compile

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        with open(log, "a") as out:  # a file: a worker's list would stay in the worker
            out.write(f"{os.getpid()} {name}\n")
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    assert builder.build(str(site), out=tmp_path / "out", use_cache=False).written
    compiled = [line.split() for line in log.read_text().splitlines()]
    assert {name for _, name in compiled} >= {"explainer.html", "base.html", "partials/ledger-rows.html"}
    assert {int(pid) for pid, _ in compiled} == {os.getpid()}  # none compiled again in a worker
    assert len(compiled) == len({name for _, name in compiled})


def test_a_broken_layout_no_page_uses_is_still_no_error(site: Path, tmp_path: Path, monkeypatch):
    pooled(monkeypatch)
    work = tmp_path / "site"
    shutil.copytree(site, work)
    (work / "layouts" / "unused.html").write_text("{% if %}")
    result = builder.build(str(work), use_cache=False)
    assert result.written, [str(p) for p in result.problems]


@pytest.mark.parametrize("count", [0, 1, 7, 8, 9, 40, 1000, 1001, 10000])
def test_batches_cover_every_index_once_largest_first(count: int):
    found = parallel.batches(count, 2)
    assert [i for batch in found for i in batch] == list(range(count))
    sizes = [len(batch) for batch in found]
    assert all(size > 0 for size in sizes) and sizes == sorted(sizes, reverse=True)
    if count >= 1000:
        assert sizes[0] >= 100 and sizes[-1] <= parallel.MIN_BATCH and len(found) < 40 + count // parallel.MAX_BATCH  # few packs; a short last batch
    assert max(sizes, default=0) <= parallel.MAX_BATCH  # a worker holds no more entries at once than that, however large the site


def build_both(work: Path, tmp_path: Path, monkeypatch) -> tuple:
    """A pooled and a single-process clean build of the site, and the pages the pooled one converted a second time."""
    pooled(monkeypatch)
    calls, again = [], []
    real, real_parse = parallel._map, parallel.parse_pages
    monkeypatch.setattr(parallel, "_map", lambda pool, task, items, workers, chunk=None: calls.append(task.__name__) or real(pool, task, items, workers, chunk))
    monkeypatch.setattr(parallel, "parse_pages", lambda site, pages, *rest: again.extend(p.name for p in pages) or real_parse(site, pages, *rest))
    got = builder.build(str(work), out=tmp_path / "pooled", use_cache=False)
    assert calls[0] == "_work_task"
    converted_again = list(again)
    single(monkeypatch)
    want = builder.build(str(work), out=tmp_path / "single", use_cache=False)
    assert [str(p) for p in got.problems] == [str(p) for p in want.problems]
    return got, want, converted_again


def test_slugs_guessed_wrong_while_reading_are_put_right(site: Path, tmp_path: Path, monkeypatch):
    """Workers convert pages as they read them, against slugs guessed from a glance at each file; where the
    front matter says otherwise (here an escaped slug), the pages that link there are converted again, and
    the output is that of a single-process build."""
    work = tmp_path / "site"
    shutil.copytree(site, work)
    three, five = work / "content" / "explainer-00003.md", work / "content" / "explainer-00005.md"
    three.write_text(three.read_text().replace("---\n", '---\nslug: "renamed-\\x74hree"\n', 1))
    five.write_text(five.read_text() + "\nSee [the third](explainer-00003.md).\n")
    got, want, again = build_both(work, tmp_path, monkeypatch)
    assert got.written and want.written
    assert "explainer-00005.md" in again and len(again) < 20, again
    assert any(b'href="../renamed-three/"' in data for data in tree(tmp_path / "single").values())
    assert tree(tmp_path / "pooled") == tree(tmp_path / "single")
    # the folder made ahead for the guessed slug went again, unused
    folders = lambda root: sorted(p.relative_to(root) for p in root.rglob("*") if p.is_dir())  # noqa: E731
    assert folders(tmp_path / "pooled") == folders(tmp_path / "single")
    assert not (tmp_path / "pooled" / "explainer-00003").exists()


def test_a_draft_the_glance_missed_is_reported_as_one(site: Path, tmp_path: Path, monkeypatch):
    work = tmp_path / "site"
    shutil.copytree(site, work)
    four = work / "content" / "explainer-00004.md"
    four.write_text(four.read_text().replace("---\n", "---\ndraft: true  # not yet\n", 1))
    got, want, again = build_both(work, tmp_path, monkeypatch)
    assert not got.written and any("is a draft" in p.message for p in want.problems)
    assert again  # the pages linking to it, converted again now that it is known to be a draft
