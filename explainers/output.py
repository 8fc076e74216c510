"""Phase 6: write the files into a temporary folder, then swap it in for the output folder.

A failed or interrupted build never touches the output folder; a good one replaces it whole,
so no file of an earlier build survives that this build did not write. An incremental
build goes the same way: files that are still right are hard-linked from the last output
into the new folder (about 60 ms for 1,000 pages here) rather than written again, so the
guarantee costs little even for a one-page edit.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from pathlib import Path

MARKER = "404.html"  # every build writes it, so a folder holding it is one of ours


def unsafe_output(out: Path, site_root: Path) -> str | None:
    """Why writing to `out` would destroy something, or None when it is safe."""
    out, root = out.resolve(), site_root.resolve()
    if out == root or root.is_relative_to(out):
        return f"the output folder {out} contains the site itself"
    for protected in ("content", "layouts", "static", "tests"):
        if out.is_relative_to(root / protected):
            return f"the output folder {out} is inside the site's {protected}/ folder"
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        return f"{out} exists and was not made by this builder; refusing to replace it (choose another --out or empty it)"
    return None


def clear_leftovers(out: Path) -> None:
    """Remove temporary folders that a killed build left beside the output folder."""
    for stale in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in sorted(out.parent.glob(f".{out.name}.old-*")):
        if not out.exists():  # killed between the two renames of a swap: put the old site back
            os.rename(stale, out)
        else:
            shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def signals_held():
    """Defer SIGINT and SIGTERM for a few system calls (only the main thread receives them)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link an unchanged file of the last output; copy it where the file system cannot link."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def start(out: Path) -> Path:
    """Make the empty folder a build writes into, beside `out`, after removing what killed builds left there."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    return tmp


def discard(tmp: Path) -> None:
    """Remove a build's folder that will not be swapped in (the build failed)."""
    shutil.rmtree(tmp, ignore_errors=True)


def fill(files: dict[str, bytes | Path], tmp: Path) -> None:
    """Write every file into the new folder; a Path is linked (or copied) unless it is already there."""
    made: set[Path] = {tmp}
    for rel, data in sorted(files.items()):
        target = tmp / rel
        if isinstance(data, Path) and data == target:
            continue  # rendered straight into the folder by a worker
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if isinstance(data, Path):
            link_or_copy(data, target)
        else:
            target.write_bytes(data)


def write(files: dict[str, bytes | Path], out: Path, tmp: Path | None = None) -> None:
    """Write every file into a fresh folder (`tmp`, from start(), or a new one) and swap it in for `out`.

    A value that is a Path is a file of the current output that is still right: it is
    hard-linked (or copied) into the new folder instead of being written again.
    """
    out = out.resolve()
    tmp = tmp or start(out)
    try:
        fill(files, tmp)
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        with signals_held():  # Ctrl-C between the two renames would leave no output folder
            if out.exists():
                os.rename(out, old)
            os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def update(files: dict[str, bytes | Path], out: Path, before: set[str] | None = None, tmp: Path | None = None) -> None:
    """Bring a private folder (the preview's) up to date file by file: each write is atomic, the whole is not.

    A Path value is the file already in place, or one a worker rendered into `tmp`, which is
    moved in; other files are written beside their target and renamed over it. Files of the
    folder that are not in `files` are removed: those of `before` (what the last build
    wrote), or, when that is not known, any found there.
    """
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    made: set[Path] = set()
    try:
        for rel, data in sorted(files.items()):
            target = out / rel
            if isinstance(data, Path) and data == target:
                continue
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if isinstance(data, Path):
                if tmp is not None and data.is_relative_to(tmp):
                    os.replace(data, target)
                else:
                    shutil.copy2(data, target)
                continue
            part = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            part.write_bytes(data)
            os.replace(part, target)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if before is None:
        before = {os.path.relpath(os.path.join(folder, name), out).replace(os.sep, "/") for folder, _, names in os.walk(out) for name in names}
    for rel in sorted(before - set(files), reverse=True):
        path = out / rel
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: other files still live there
            while path.parent != out:
                path = path.parent
                path.rmdir()
