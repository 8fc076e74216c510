"""What a command-line build knows of its output folder without listing it: each folder's stamp, kept in the build record.

An in-place build must take away every file of the output that it does not write, its
own earlier files and any a person or tool put there. Listing the whole folder for that
(output.files_in) made a one-page edit's cost grow with the site: a scandir per folder and
an object per file, 40,000 of them at 10,000 pages. The last build's record already names
its files; what it cannot name is a file added since. Adding or removing a file changes its
folder's time, so the record keeps each folder's (mtime, inode) as the build left it, and
the next build lists only the folders whose stamp moved (and any folder new under them).
Trusted as far as the file system's clock: as a page's own file is trusted by its stat.
"""
from __future__ import annotations

import os

from .cache import BuildRecord


def stamp(path: str) -> tuple:
    """A folder's (mtime, inode), or () if it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_ino)


def parent(rel: str) -> str:
    """The folder a path is in, as the record names folders: "" for the top, else "a/b/"."""
    cut = rel.rstrip("/").rfind("/")
    return rel[: cut + 1] if cut >= 0 else ""


def with_ancestors(folders: set[str]) -> set[str]:
    """These folders and every folder above them."""
    found = set()
    for folder in folders:
        while folder not in found:
            found.add(folder)
            if not folder:
                break
            folder = parent(folder)
    return found


def files_since(out: str, record: BuildRecord) -> tuple[set[str], set[str]] | None:
    """What the last build wrote into `out`, plus any file added since; and the folders whose stamp moved.

    None when that cannot be told (no stamps recorded, or a folder became a file): the
    caller then lists the whole folder.
    """
    from .output import files_in  # output's listing of a folder

    if not record.folders:
        return None
    before, moved = set(record.files) | set(record.groups), set()
    for folder, was in record.folders.items():
        if stamp(f"{out}/{folder}") == was:
            continue
        moved.add(folder)
        try:
            with os.scandir(f"{out}/{folder}") as entries:
                for entry in entries:
                    name = folder + entry.name
                    if not entry.is_dir(follow_symlinks=False):
                        before.add(name)
                    elif name + "/" not in record.folders and name + "/" not in record.groups:
                        before.update(name + "/" + rel for rel in files_in(entry.path))
        except FileNotFoundError:  # gone with its files: nothing there to take away
            continue
        except OSError:
            return None
    return before, moved


def stamps(out: str, last: BuildRecord | None, in_place: bool, files: dict, groups: dict, moved: set[str]) -> dict[str, tuple]:
    """Each folder's stamp for the record (see the module's docstring): `files` and `groups` are the new record's.

    After an in-place update, a folder's last stamp stands unless something in it was
    written, taken away or found moved (`moved`); after a swap, every folder is new.
    """
    wanted = with_ancestors({parent(rel) for rel in files} | {parent(name) for name in groups})
    if not (in_place and last is not None and last.out == out and last.folders):
        return {folder: stamp(f"{out}/{folder}") for folder in sorted(wanted)}
    old_files, old_groups = last.files, last.groups
    touched = {parent(rel) for rel, record in files.items() if old_files.get(rel) is not record}
    touched |= {parent(name) for name, record in groups.items() if old_groups.get(name) is not record}
    touched |= {parent(rel) for rel in old_files.keys() - files.keys()} | {parent(name) for name in old_groups.keys() - groups.keys()}
    touched = with_ancestors(touched | moved)
    return {folder: last.folders[folder] if folder not in touched and folder in last.folders else stamp(f"{out}/{folder}")
            for folder in wanted}
