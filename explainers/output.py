"""The recipe's last phase: write the files into a temporary folder (Stage), then swap it in for, or commit it into, the output folder.

A failed or interrupted build never touches the output folder, and a good one leaves no
file of an earlier build that it did not write. A build with nothing to go on (the first,
or --no-cache) writes a whole new folder and swaps it in (write); the old folder is
removed on a thread while the cache is saved. An incremental build, whose last output is
known, stages only the files that changed and renames them into place (update, commit),
undoing every step if one fails: making and removing a folder per page would make a
one-page edit's cost grow with the site.

Its length (about 510 lines, over the ~400 guideline) is earned: every way the output folder is written (a swap, a commit, kept groups
of claim files, the folder-making thread, the site lock, leftovers of a killed build) keeps
the one promise above, and they are checked against each other here rather than across
modules.
"""
from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import shutil
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

MARKER = "404.html"  # every build writes it, so a folder holding it is one of ours
PAGE_FILE = "index.html"  # a page's file in its folder
GONE = itertools.count()  # numbers remove_later's folders apart within one process


@dataclass(frozen=True)
class Group:
    """A group of files as one entry of a build's files, under their folder ("PAGE/claims/"): Kept or Written."""

    files: str  # the files, relative to the output folder, one a line (cache.GroupRecord.files)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.files.split("\n")) if self.files else ()

    def __len__(self) -> int:
        return self.files.count("\n") + 1 if self.files else 0


class Same:
    """A file of the last output that is still right, left where it is: what a lookup of the last build's record finds.

    One object (SAME) stands for all of them, where a Path each, made, compared and turned
    back into text, grew a one-page edit's cost with the site's thousands of reused files.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "SAME"


SAME = Same()


class Kept(Group):
    """A group of files of the last output left where they are.

    A page's 40 claim pages and embeds are one entry, not 40 Paths: a one-page edit then
    neither makes, compares nor records a Path per claim file of the site.
    """


class Written(Group):
    """A group of files a render worker wrote into the new folder (the stage), each at its own name there.

    A full build of 10,000 explainers writes 400,000 claim pages and embeds: a Path for
    each, kept until the output was committed, was 130 MiB of the build's process.
    """


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


@contextlib.contextmanager
def site_lock(root: Path):
    """Hold the site's build lock meanwhile: two builds of one site (a preview and `build`, say) take turns.

    Each removes what killed builds left beside its output folder (clear_leftovers) and
    rewrites the cache's shared files; a build still running elsewhere must not look
    killed, which a process id alone cannot tell (another PID namespace, another host).
    The lock is flock(2) on the site folder itself, so nothing is written into the site:
    a `--no-cache` or failed build leaves it as it was, and a read-only site still builds.
    The system releases it when the process ends, however it ends. Where the folder
    cannot be opened or locked, the build goes on without it.
    """
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        fd = -1
    try:
        if fd >= 0:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:  # a file system without flock
                pass
        yield
    finally:
        if fd >= 0:
            with contextlib.suppress(OSError):  # forked workers share the descriptor: unlock it for them too
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def clear_leftovers(out: Path) -> None:
    """Remove temporary folders that a killed build left beside the output folder (not those of a running one)."""
    for stale in out.parent.glob(f".{out.name}.tmp-*"):
        if not owner_running(stale):
            shutil.rmtree(stale, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.gone-*"):  # remove_later's, of an ended process (this one's may be at it now)
        if not owner_running(stale) and not stale.name.endswith(f"-{os.getpid()}"):
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

    Builds of one site take turns (site_lock); this guards the folders of a build of
    another site into the same place. A dead build's id taken by a new process only delays
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


class Stage:
    """A build's temporary folder beside the output folder, for a `with` block: removed on leaving unless swapped or committed in (done)."""

    def __init__(self, out: Path):
        self.out = out
        self.tmp = temp_folder(out)  # named before it is made, so an interrupt just after still finds it
        self.folders: Folders | None = None
        self.done = False

    def __enter__(self) -> "Stage":
        try:
            start(self.out)
        except BaseException:
            discard(self.tmp)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if not self.done:
            if self.folders is not None:
                self.folders.stop()
            discard(self.tmp)

    def make_folders(self, urls) -> None:
        """Make the pages' folders in the new output folder while their pages are read (Folders)."""
        self.folders = Folders(self.tmp, sorted({url.rstrip("/") for url in urls if url}))
        self.folders.start()


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


class Folders:
    """Makes the pages' folders, each with an empty index.html, in a new output folder on a thread while workers read and convert the pages.

    Making a folder or a file is mostly waiting on the disk; made by the render workers,
    they would hold up rendering. The names come from a guess
    (page_entries.guessed_slugs): tidy() removes what no page filled.
    """

    def __init__(self, tmp: Path, names: list[str]):
        self.tmp, self.names = tmp, names
        self.made: list[str] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="folders", daemon=True)

    def start(self) -> "Folders":
        """Start making folders. Apart from __init__ so that the caller holds the object before the
        thread runs: an interrupt in between must still find it to stop (see stop)."""
        self.thread.start()
        return self

    def run(self) -> None:
        for name in self.names:
            if self.stopping.is_set():
                return
            with contextlib.suppress(OSError):  # whoever writes there makes it after all
                os.mkdir(self.tmp / name)
                self.made.append(name)
                os.close(os.open(self.tmp / name / PAGE_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))

    def stop(self) -> None:
        """Stop early and wait, so the folder can be removed (the build failed) or filled."""
        self.stopping.set()
        if self.thread.ident is not None:
            self.thread.join()

    def tidy(self, files: dict) -> None:
        """Wait for the thread, then remove the folders made that no file of `files` is in."""
        if self.thread.ident is not None:
            self.thread.join()
        used = {rel.rsplit("/", 1)[0] for rel in files if "/" in rel}
        for name in self.made:
            if f"{name}/{PAGE_FILE}" not in files:
                (self.tmp / name / PAGE_FILE).unlink(missing_ok=True)
            if name not in used:
                with contextlib.suppress(OSError):  # not empty: something went there after all
                    (self.tmp / name).rmdir()


def discard(tmp: Path) -> None:
    """Remove a build's folder that will not be swapped in (the build failed)."""
    shutil.rmtree(tmp, ignore_errors=True)


def remove_later(folder: Path, out: Path) -> None:
    """Remove a temporary folder beside `out` on a thread, renamed first (.OUT.gone-N-PID) out of the next build's way.

    The next build neither makes a folder of the same name into it nor clears it as a
    leftover; if this process ends first, a later build's clear_leftovers removes it.
    """
    aside = temp_folder(out).with_name(f".{out.resolve().name}.gone-{next(GONE)}-{os.getpid()}")
    try:
        os.rename(folder, aside)
    except OSError:
        return  # not there, or not movable: the caller's own removal takes it
    threading.Thread(target=shutil.rmtree, args=(aside,), kwargs={"ignore_errors": True}, name="remove-later", daemon=True).start()


def fill(files: dict[str, bytes | Path | Group | Same], tmp: Path, out: Path | None = None) -> None:
    """Write every file into the new folder; a Path is linked (or copied) unless it is already there, SAME and a Kept group's files from `out`."""
    made: set[Path] = {tmp}
    folder = str(tmp)
    for rel, data in sorted(files.items()):
        if data is SAME:
            make_parent(tmp / rel, made)
            link_or_copy(out / rel, tmp / rel)
            continue
        if isinstance(data, Kept):
            for name in data.names:
                make_parent(tmp / name, made)
                link_or_copy(out / name, tmp / name)
            continue
        if isinstance(data, Written):  # there already
            continue
        # compared as text, before making a Path: most of a full build's files are a worker's, already there
        if isinstance(data, Path) and str(data) == f"{folder}/{rel}":
            continue  # rendered straight into the folder by a worker
        target = tmp / rel
        if isinstance(data, Path) and data == target:
            continue
        make_parent(target, made)
        if isinstance(data, Path):
            link_or_copy(data, target)
        else:
            target.write_bytes(data)


def write(files: dict[str, bytes | Path], out: Path, tmp: Path | None = None):
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
        fill(files, tmp, out)
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        with signals_held():  # Ctrl-C between the two renames would leave no output folder
            if out.exists():
                os.rename(out, old)
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    remover = threading.Thread(target=shutil.rmtree, args=(old,), kwargs={"ignore_errors": True}, name="remove-old", daemon=True)
    remover.start()
    return remover.join


def update(files: dict[str, bytes | Path | Group | Same], out: Path, tmp: Path | None = None, before: set[str] | None = None) -> None:
    """Bring an output folder up to date in place, writing only what changed: all of it, or none of it.

    SAME, or a Path value that is the file already in `out`, stays as it is. Every other file is
    first made complete in `tmp` (from start(); a worker rendered it there, or it is written there now);
    then commit() renames each over its target and moves out the files that went: those of
    `before` (what the last build wrote) not in `files`, or, when that is not known, any
    such file found in `out`. A one-page edit so renames a handful of files, where
    swapping in a whole new folder meant making every page's folder again. A Kept group
    stays as it is, and its folder is not searched; a Written group's files are in `tmp`
    already; a folder named in `before` ("PAGE/claims/") stands for the files in it, looked
    for only when it is not kept.
    """
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    tmp = tmp or start(out)
    try:
        if before is None:
            before = files_in(out, skip={rel for rel, data in files.items() if isinstance(data, Kept)})
        staged, made, folder, written = [], {tmp}, str(out), set()
        for rel, data in sorted(files.items()):
            if data is SAME or isinstance(data, Kept):
                continue
            if isinstance(data, Written):  # in the stage already
                staged += data.names
                written.update(data.names)
                continue
            # a Path compared as text: making a Path of every unchanged page would grow an edit's cost with the site
            if (str(data) == f"{folder}/{rel}") if isinstance(data, Path) else holds(out / rel, data):
                continue
            target = tmp / rel
            if not (isinstance(data, Path) and data == target):
                make_parent(target, made)
                if isinstance(data, Path):
                    link_or_copy(data, target)
                else:
                    target.write_bytes(data)
            staged.append(rel)
        gone = before - files.keys() - written
        # a folder of the last build stands for the files in it; one written again whole keeps only those it lists
        for name in [name for name in before if name.endswith("/") and (name in gone or isinstance(files.get(name), Written))]:
            gone.discard(name)
            with contextlib.suppress(FileNotFoundError):
                gone.update(rel for rel in (name + found for found in files_in(out / name)) if rel not in files and rel not in written)
        commit(out, tmp, staged, sorted(gone))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def holds(path: Path, data: bytes) -> bool:
    """True when a file holds exactly these bytes already: the ledger of a one-page body edit, unchanged static files.

    Reading and comparing a file costs less than writing and renaming it, and a file not
    rewritten keeps its time, so a host's upload tool that goes by times skips it too.
    """
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def files_in(folder: Path, skip: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Every file under a folder (a link counts as one, even to a folder), as posix paths relative to it.

    With os.scandir, whose entries know their type, where os.walk stats each one again:
    this runs on every incremental build. Folders named in `skip` ("PAGE/claims/") are not
    entered: groups of files whose state the caller knows otherwise (cache.group_stamp).
    """
    found, todo = set(), [("", str(folder))]
    while todo:
        prefix, where = todo.pop()
        with os.scandir(where) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    name = f"{prefix}{entry.name}/"
                    if name not in skip:
                        todo.append((name, entry.path))
                else:
                    found.add(prefix + entry.name)
    return found


def commit(out: Path, tmp: Path, staged: list[str], gone: list[str]) -> None:
    """Rename each staged file of `tmp` over its place in `out` and take away the files gone, undoing it all on any failure.

    Ctrl-C is held meanwhile. What is replaced or removed is kept until the end as a hard
    link in a folder beside `out`, so an error part-way (a full disk, a folder where a file
    should go) puts every file back and removes the folders made: the output is as it was.
    """
    kept = out.parent / f".{out.name}.tmp-kept-{os.getpid()}"
    undo: list[tuple[Path, Path | None]] = []  # (file in out, its old self kept, or None when it is new)
    folders: list[Path] = []  # folders made in out
    try:
        kept.mkdir()
        with signals_held():
            for number, rel in enumerate(staged):
                target, old = out / rel, kept / str(number)
                try:
                    os.link(target, old)
                except FileNotFoundError:
                    old = None
                    folders += make_folders(target.parent, out)
                undo.append((target, old))
                os.replace(tmp / rel, target)
            for number, rel in enumerate(gone, len(staged)):
                target, old = out / rel, kept / str(number)
                with contextlib.suppress(FileNotFoundError):
                    os.rename(target, old)
                    undo.append((target, old))
    except BaseException:
        with signals_held():
            for target, old in reversed(undo):
                if old is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(old, target)
            for folder in reversed(folders):
                with contextlib.suppress(OSError):
                    folder.rmdir()
        raise
    finally:
        shutil.rmtree(kept, ignore_errors=True)
    remove_files(out, set(gone))  # the files are gone already; this removes the folders they leave empty


def make_folders(folder: Path, top: Path) -> list[Path]:
    """Make a folder and the missing ones above it, up to `top`; the ones made, outermost first."""
    missing = []
    while folder != top and not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))
