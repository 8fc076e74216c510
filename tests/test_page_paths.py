"""load.page_paths lists content/ with os.scandir: the same files, order and problems as rglob, whatever the tree holds."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from explainers import load
from explainers.model import Problems, Site


def reference(site: Site, problems: Problems) -> list[Path]:
    """page_paths as it was: rglob, then a stat or two per file."""
    content = site.root / "content"
    root = site.root.resolve()
    paths = []
    for path in sorted(content.rglob("*.md")):
        shown = site.shown(path.relative_to(site.root).as_posix())
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            problems.error(shown, 1, "this file is a link to a file outside the site folder; copy the file in instead")
            continue
        if path.is_symlink() and not path.exists():
            problems.error(shown, 1, f"this file is a link to '{os.readlink(path)}', which does not exist")
            continue
        if path.is_file():
            paths.append(path)
    return paths


NAMES = st.sampled_from(["a.md", "b.md", "A.md", ".hidden.md", "x.md.txt", "md", "a b.md", "é.md", "sub", "x.md", "Z", "_.md"])
KINDS = st.sampled_from(["file", "dir", "link-in", "link-out", "link-dangling", "link-dir"])
TREES = st.lists(st.tuples(st.lists(NAMES, min_size=1, max_size=3), KINDS), max_size=14)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=TREES)
def test_the_same_files_order_and_problems_as_rglob(tmp_path_factory, tree):
    root = tmp_path_factory.mktemp("site")
    content = root / "content"
    content.mkdir()
    outside = root.parent / f"{root.name}-outside.md"
    outside.write_text("x")
    for parts, kind in tree:
        path = content.joinpath(*parts)
        if path.exists() or path.is_symlink():
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            continue
        if kind == "file":
            path.write_text("x")
        elif kind == "dir":
            (path / "inner.md").parent.mkdir(parents=True, exist_ok=True)
            (path / "inner.md").write_text("x")
        elif kind == "link-in":
            (content / "target.txt").write_text("t")
            path.symlink_to(content / "target.txt")
        elif kind == "link-out":
            path.symlink_to(outside)
        elif kind == "link-dangling":
            path.symlink_to(content / "nowhere")
        else:
            (root / "linked-dir").mkdir(exist_ok=True)
            (root / "linked-dir" / "deep.md").write_text("x")
            path.symlink_to(root / "linked-dir")
    site = Site(root=root, display_root="", title="t", base_url="https://example.org/", language="en",
                output_dir="public", stale_after_days=365, statuses={}, sources={})
    want_problems, got_problems = Problems(), Problems()
    assert load.page_paths(site, got_problems) == reference(site, want_problems)
    assert got_problems == want_problems
    shutil.rmtree(root)
