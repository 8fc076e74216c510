"""Phase 6: write the files into a temporary folder, then swap it in for the output folder.

A failed or interrupted build never touches the output folder; a good one replaces it whole,
so no file of an earlier build survives that this build did not write.
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


def write(files: dict[str, bytes], out: Path) -> None:
    """Write every file into a fresh folder and swap it in for `out`."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        for rel, data in sorted(files.items()):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
