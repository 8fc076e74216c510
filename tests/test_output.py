"""output.py on its own: the swap of a whole folder (write) and the in-place commit of what changed (update)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from explainers import output


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_write_swaps_in_a_whole_new_folder_and_links_unchanged_files(tmp_path: Path):
    out = tmp_path / "public"
    output.write({"404.html": b"x", "a/index.html": b"a", "b/index.html": b"b"}, out)
    kept = out / "a" / "index.html"
    removed = output.write({"404.html": b"x", "a/index.html": kept, "c/index.html": b"c"}, out)
    removed()  # the old folder goes on a thread; this waits for it
    assert tree(out) == {"404.html": b"x", "a/index.html": b"a", "c/index.html": b"c"}
    assert (out / "a" / "index.html").stat().st_nlink == 1  # the old folder, the link's other name, is gone
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_same_stands_for_the_last_outputs_file_in_a_swap_and_in_place(tmp_path: Path, monkeypatch):
    out = tmp_path / "public"
    output.write({"404.html": b"x", "a/index.html": b"a", "b/index.html": b"b"}, out)()
    output.write({"404.html": b"x", "a/index.html": output.SAME, "c/index.html": b"c"}, out)()
    assert tree(out) == {"404.html": b"x", "a/index.html": b"a", "c/index.html": b"c"}
    staged = []
    real = output.commit
    monkeypatch.setattr(output, "commit", lambda out, tmp, names, gone: staged.extend(names) or real(out, tmp, names, gone))
    inode = (out / "a" / "index.html").stat().st_ino
    output.update({"404.html": output.SAME, "a/index.html": output.SAME, "d/index.html": b"d"}, out)
    assert tree(out) == {"404.html": b"x", "a/index.html": b"a", "d/index.html": b"d"}
    assert staged == ["d/index.html"] and (out / "a" / "index.html").stat().st_ino == inode


def test_write_keeps_what_a_worker_already_put_in_the_new_folder(tmp_path: Path):
    out = tmp_path / "public"
    tmp = output.temp_folder(out)
    output.start(out)
    (tmp / "w").mkdir()
    (tmp / "w" / "index.html").write_bytes(b"from a worker")
    output.write({"404.html": b"x", "w/index.html": tmp / "w" / "index.html"}, out, tmp)
    assert tree(out) == {"404.html": b"x", "w/index.html": b"from a worker"}
    assert not tmp.exists()


def test_update_commits_only_what_changed_and_drops_strays(tmp_path: Path):
    out = tmp_path / "public"
    output.write({"404.html": b"x", "a/index.html": b"a", "b/index.html": b"b", "gone/deep/index.html": b"g"}, out)()
    before = {rel: (out / rel).stat().st_ino for rel in ("a/index.html", "b/index.html")}
    (out / "stray.html").write_bytes(b"not ours")
    output.update({"404.html": b"x", "a/index.html": out.resolve() / "a" / "index.html", "b/index.html": b"new b", "n/e/w.html": b"w"}, out)
    assert tree(out) == {"404.html": b"x", "a/index.html": b"a", "b/index.html": b"new b", "n/e/w.html": b"w"}
    assert (out / "a" / "index.html").stat().st_ino == before["a/index.html"]  # left alone
    assert (out / "b" / "index.html").stat().st_ino != before["b/index.html"]  # renamed in, not written through
    assert not (out / "gone").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_update_stages_nothing_for_a_file_given_as_itself(tmp_path: Path, monkeypatch):
    out = tmp_path / "public"
    output.write({"a/index.html": b"a", "b/index.html": b"b"}, out)()
    staged = []
    real = output.commit
    monkeypatch.setattr(output, "commit", lambda out, tmp, names, gone: staged.extend(names) or real(out, tmp, names, gone))
    output.update({"a/index.html": out.resolve() / "a" / "index.html", "b/index.html": b"new b"}, out)
    assert staged == ["b/index.html"]  # the unchanged page is not linked and renamed over itself


def test_an_update_that_fails_part_way_puts_everything_back(tmp_path: Path):
    out = tmp_path / "public"
    output.write({"404.html": b"x", "a/index.html": b"a", "gone.html": b"g"}, out)()
    (out / "z").mkdir()  # a folder where the update puts a file: the last rename fails
    (out / "z" / "keep.txt").write_bytes(b"k")
    before = tree(out)
    with pytest.raises(OSError):
        output.update({"404.html": b"new", "a/index.html": b"new a", "new/deep/index.html": b"n", "z": b"file"}, out)
    assert tree(out) == before
    assert not (out / "new").exists()  # the folders made for new files go again
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_a_failed_write_leaves_the_old_folder_and_no_temporary_one(tmp_path: Path):
    out = tmp_path / "public"
    output.write({"404.html": b"old"}, out)
    with pytest.raises(FileNotFoundError):
        output.write({"404.html": b"new", "gone/index.html": tmp_path / "no-such-file"}, out)
    assert tree(out) == {"404.html": b"old"}
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


@pytest.mark.parametrize("known", [True, False], ids=["last build known", "folder scanned"])
def test_update_writes_changes_moves_worker_files_and_removes_what_is_gone(tmp_path: Path, known: bool):
    out = tmp_path / "preview"
    first = {"404.html": b"x", "a/index.html": b"a", "b/index.html": b"b", "deep/er/index.html": b"d"}
    output.update(first, out)
    unchanged = (out / "a" / "index.html").stat()
    tmp = output.temp_folder(out)
    output.start(out)
    (tmp / "c").mkdir()
    (tmp / "c" / "index.html").write_bytes(b"rendered by a worker")
    second = {"404.html": b"y", "a/index.html": out / "a" / "index.html", "c/index.html": tmp / "c" / "index.html"}
    output.update(second, out, tmp, set(first) if known else None)
    assert tree(out) == {"404.html": b"y", "a/index.html": b"a", "c/index.html": b"rendered by a worker"}
    assert (out / "a" / "index.html").stat().st_ino == unchanged.st_ino  # left alone, not rewritten
    assert not (out / "b").exists() and not (out / "deep").exists()  # emptied folders go too
    assert not tmp.exists()
    assert not [name for _, _, names in os.walk(out) for name in names if ".tmp-" in name]


def test_leftovers_of_a_running_build_are_left_alone_and_a_dead_ones_removed(tmp_path: Path):
    import subprocess
    import sys

    out = tmp_path / "public"
    output.write({"404.html": b"x"}, out)()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        for pid in (running.pid, dead.pid):
            (tmp_path / f".public.tmp-{pid}").mkdir()
            (tmp_path / f".public.old-{pid}").mkdir()
            (tmp_path / f".public.gone-0-{pid}").mkdir()
        (tmp_path / f".public.gone-1-{os.getpid()}").mkdir()  # this process's remove_later may be removing it now
        output.write({"404.html": b"y"}, out)()
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == sorted(["public", f".public.tmp-{running.pid}", f".public.old-{running.pid}",
                                f".public.gone-0-{running.pid}", f".public.gone-1-{os.getpid()}"])
    finally:
        running.kill()
        running.wait()


def test_remove_later_moves_a_folder_out_of_the_way_at_once_and_removes_it_on_a_thread(tmp_path: Path):
    out = tmp_path / "public"
    folder = tmp_path / ".public.tmp-search-1"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "index.html").write_bytes(b"x")
    output.remove_later(folder, out)
    assert not folder.exists(), "its name is free for the next build at once"
    for thread in [t for t in threading.enumerate() if t.name == "remove-later"]:
        thread.join(timeout=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    output.remove_later(folder, out)  # not there: nothing to do, no error


def test_update_leaves_a_file_that_already_holds_the_bytes(tmp_path: Path):
    out = tmp_path / "public"
    output.write({"404.html": b"x", "same.html": b"same", "other.html": b"old"}, out)()
    before = {name: (out / name).stat().st_ino for name in ("same.html", "other.html")}
    output.update({"404.html": b"x", "same.html": b"same", "other.html": b"new"}, out)
    assert tree(out) == {"404.html": b"x", "same.html": b"same", "other.html": b"new"}
    assert (out / "same.html").stat().st_ino == before["same.html"]
    assert (out / "other.html").stat().st_ino != before["other.html"]
