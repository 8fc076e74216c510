"""Phase 6: write the files into a temporary folder, then swap it in for the output folder.

A failed or interrupted build never touches the output folder; a good one replaces it whole,
so no file of an earlier build survives that this build did not write. An incremental
build goes the same way: files that are still right are hard-linked from the last output
into the new folder rather than written again. On this machine's disk a folder costs
about 250 us to make and to remove, so for 1,000 pages the linking runs on a thread while
the build loads and renders (Prelink), and the old folder is removed on a thread while
the cache is saved. The preview's private folder is instead updated file by file (update).
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
    """Remove temporary folders that a killed build left beside the output folder (not those of a running one)."""
    for stale in out.parent.glob(f".{out.name}.tmp-*"):
        if not owner_running(stale):
            shutil.rmtree(stale, ignore_errors=True)
    for stale in sorted(out.parent.glob(f".{out.name}.old-*")):
        if owner_running(stale):
            continue
        if not out.exists():  # killed between the two renames of a swap: put the old site back
            os.rename(stale, out)
        else:
            shutil.rmtree(stale, ignore_errors=True)


def owner_running(folder: Path) -> bool:
    """True when another process that is still running made this temporary folder (its name ends in that process's id).

    A preview and a `build` of the same site, or two builds, may run at once; each must
    leave the other's folders alone. A dead build's id taken by a new process only delays
    the clean-up until that process ends.
    """
    try:
        pid = int(folder.name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


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


def temp_folder(out: Path) -> Path:
    """The folder this process builds into before swapping it in for `out` (made by start)."""
    out = out.resolve()
    return out.parent / f".{out.name}.tmp-{os.getpid()}"


def start(out: Path) -> Path:
    """Make the empty temp_folder(out), after removing what killed builds left beside `out`.

    Callers name the folder with temp_folder() before calling this inside their `try`, so an
    interrupt that lands just after the folder appears still finds it named for removal.
    """
    tmp = temp_folder(out)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(out.resolve())
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    return tmp


def make_parent(target: Path, made: set[Path]) -> None:
    """Make the folder a file goes in, once per folder (`made` remembers them)."""
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)


def remove_files(folder: Path, names: set[str]) -> None:
    """Remove these files of a folder, and the folders they leave empty."""
    for rel in sorted(names, reverse=True):
        path = folder / rel
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: other files still live there
            while path.parent != folder:
                path = path.parent
                path.rmdir()


def discard(tmp: Path) -> None:
    """Remove a build's folder that will not be swapped in (the build failed)."""
    shutil.rmtree(tmp, ignore_errors=True)


class Prelink:
    """Hard-links the last output into the new folder on a thread, while the build reads and renders.

    Making a folder costs about 250 us on this machine's disk, so relinking a 1,000-page
    output took 0.3 s of a one-page edit; started before the pages are loaded, it is done
    by the time they are rendered. fill() then replaces what changed and drops what went.
    """

    def __init__(self, out: Path, tmp: Path, names: list[str]):
        self.out, self.tmp, self.names = out, tmp, names
        self.linked: set[str] = set()
        self.stopping = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self.run, name="prelink", daemon=True)

    def start(self) -> "Prelink":
        """Start linking. Apart from __init__ so that the caller holds the object before the
        thread runs: an interrupt in between must still find it to stop (see stop)."""
        self.thread.start()
        return self

    def run(self) -> None:
        made: set[Path] = {self.tmp}
        try:
            for rel in self.names:
                if self.stopping.is_set():
                    return
                target = self.tmp / rel
                make_parent(target, made)
                with contextlib.suppress(FileNotFoundError):  # gone since the last build: render makes it anew
                    link_or_copy(self.out / rel, target)
                    self.linked.add(rel)
        except BaseException as exc:  # reported by wait(), in the build's own thread
            self.failure = exc

    def wait(self) -> set[str]:
        """The names linked, once the thread is done."""
        self.thread.join()
        if self.failure is not None:
            raise self.failure
        return self.linked

    def stop(self) -> None:
        """Stop early (the build failed) and wait, so the folder can be removed."""
        self.stopping.set()
        if self.thread.is_alive() or self.thread.ident is not None:
            self.thread.join()


def fill(files: dict[str, bytes | Path], tmp: Path, out: Path | None = None, prelinked: set[str] = frozenset()) -> None:
    """Write every file into the new folder; a Path is linked (or copied) unless it is already there.

    `prelinked` names files a Prelink put there from `out`: kept when they are still right,
    replaced (by a new file, never written through the shared link) when not, removed when gone.
    """
    made: set[Path] = {tmp}
    for rel, data in sorted(files.items()):
        target = tmp / rel
        if isinstance(data, Path) and (data == target or (rel in prelinked and data == out / rel)):
            continue  # rendered straight into the folder by a worker, or linked there already
        make_parent(target, made)
        if rel in prelinked:
            target.unlink()  # the link is the last output's file too: write a new one, not through it
        if isinstance(data, Path):
            link_or_copy(data, target)
        else:
            target.write_bytes(data)
    remove_files(tmp, prelinked - set(files))


def write(files: dict[str, bytes | Path], out: Path, tmp: Path | None = None, prelink: Prelink | None = None):
    """Write every file into a fresh folder (`tmp`, from start(), or a new one) and swap it in for `out`.

    A value that is a Path is a file of the current output that is still right: it is
    hard-linked (or copied) into the new folder instead of being written again. Returns a
    function that waits for the old folder's removal, which runs on a thread meanwhile.
    """
    out = out.resolve()
    tmp = tmp or temp_folder(out)
    try:
        if not tmp.is_dir():
            start(out)
        fill(files, tmp, out, prelink.wait() if prelink else frozenset())
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        with signals_held():  # Ctrl-C between the two renames would leave no output folder
            if out.exists():
                os.rename(out, old)
            os.rename(tmp, out)
    except BaseException:
        if prelink:
            prelink.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    remover = threading.Thread(target=shutil.rmtree, args=(old,), kwargs={"ignore_errors": True}, name="remove-old", daemon=True)
    remover.start()
    return remover.join


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
            make_parent(target, made)
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
    remove_files(out, before - set(files))
