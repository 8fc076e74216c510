"""Phase 6: write the files into a temporary folder, then swap it in for the output folder.

A failed or interrupted build never touches the output folder; a good one replaces it whole,
so no file of an earlier build survives that this build did not write.

An incremental build (`update`) instead changes the existing folder file by file: each
file is replaced atomically, unchanged files are not touched, files this build did not
make are removed. Swapping a whole new folder would mean creating and deleting a folder
per page (pretty URLs), which on some file systems costs seconds for a one-page edit.
A build that fails on content errors still never gets here.
"""
from __future__ import annotations

import os
import shutil
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


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link an unchanged file of the last output; copy it where the file system cannot link."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write(files: dict[str, bytes | Path], out: Path) -> None:
    """Write every file into a fresh folder and swap it in for `out`.

    A value that is a Path is a file of the current output that is still right: it is
    hard-linked (or copied) into the new folder instead of being written again.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        made: set[Path] = set()
        for rel, data in sorted(files.items()):
            target = tmp / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if isinstance(data, Path):
                link_or_copy(data, target)
            else:
                target.write_bytes(data)
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_file(target: Path, data: bytes | Path) -> bool:
    """Put data at target atomically unless it is already there; True when the file changed."""
    if isinstance(data, Path):
        if data == target:
            return False
        data = data.read_bytes()
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def update(files: dict[str, bytes | Path], out: Path) -> set[str]:
    """Bring an existing output folder to exactly `files`, touching only what differs; return the changed paths."""
    out = out.resolve()
    clear_leftovers(out)
    changed = {rel for rel, data in sorted(files.items()) if replace_file(out / rel, data)}
    for folder, dirs, names in os.walk(out, topdown=False):
        base = Path(folder)
        for name in names:
            if (base / name).relative_to(out).as_posix() not in files:
                (base / name).unlink()
        if base != out and not any(base.iterdir()):
            base.rmdir()
    return changed
