"""The recipe's search phase: a Pagefind index of the explainers and their claim pages, made in the stage.

Pagefind (the `pagefind[bin]` package: a Rust binary) reads built HTML and writes a static
index that the search page (layouts/search.html, static/js/search.js) queries in the
browser; it splits the index by each page's `<html lang>`, so every language gets its own.
It runs on a folder of its own beside the output, holding only the files to index (linked
from where they are, written where they are only bytes yet), and writes into the stage,
so the index is swapped in or committed with the pages it describes, or not at all.

Its CLI, not its Python API: the API answers one message per tenth of a second, and feeding
it 20,000 claim pages one by one would take minutes.

Indexing costs about half a millisecond of CPU per page however small the page (measured
with Pagefind 1.5.2), so an index is made only when an indexed page changed: the stamp
(STAMP) names what it was made from, and while every indexed page is the last output's,
the last output's index is kept.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from . import output
from .model import Page, Problems

INDEX = "pagefind"  # the index's folder in the output; the search page loads INDEX/pagefind.js
STAMP = f"{INDEX}/sources.sha256"  # a digest of what the index was made from (see stamp)
PIN = "pagefind[bin]==1.5.2"  # as requirements.txt pins it
TAKEN = {"search", INDEX}  # top-level folders of the output that are the search's, not a page's
# Markup of the converted body that repeats a claim page: claim panels and the endnotes (the
# pages' own templates mark the rest with data-pagefind-body and data-pagefind-ignore).
EXCLUDE = ".claim-panel, .endnotes"
# Pagefind's ready-made interfaces, unused: the search page has its own (static/js/search.js).
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
VERSION = "1"  # of this module's choice of files and options: a change re-indexes
STOP_POLL = 0.05  # seconds between asking `stop` while Pagefind runs
STOP_EVERY = 100  # files gathered between asking `stop`


class Stopped(Exception):
    """`stop` said to give up the index: the preview's writer saved again."""


def index(pages: list[Page], files: dict, stage: output.Stage, problems: Problems, enabled: bool = True, later: bool = False,
          stop: Callable[[], bool] | None = None) -> str:
    """Add the search index to the build's files: "made" anew, "kept" (the last output's), "later", "stopped"; "" if that failed (an error is recorded).

    `later` (the preview's edits): an index that must be made again is not made now; the last
    output's stays, without its stamp, so that the next build asked for an index makes it.
    `stop` (the preview's index, made when the writer pauses) is asked now and then while the
    files are gathered and Pagefind runs: True gives the index up ("stopped"; Pagefind is
    killed), so that a save is not kept waiting seconds for an index of the pages before it.
    """
    taken = [p for p in pages if p.slug in TAKEN]
    for page in taken:
        problems.error(page.path, 1, f"the slug '{page.slug}' is taken by the site's search ({page.slug}/); choose another")
    if taken:
        return ""
    if not enabled:
        return "none"
    sources = indexed(pages, files)
    stamp = stamp_of(sources)
    if kept(sources, stamp, files, stage.out, stage.tmp):
        return "kept"
    if later and (stage.out / INDEX / ENTRY).is_file():  # the stale index answers meanwhile
        for rel in sorted(output.files_in(stage.out / INDEX)):
            if f"{INDEX}/{rel}" != STAMP:
                files[f"{INDEX}/{rel}"] = stage.out / INDEX / rel
        return "later"
    if not sources:  # nothing to search: no index, and the search page says so
        files[STAMP] = stamp
        return "made"
    binary = executable()
    if binary is None:
        problems.error("pagefind", 1, f"the search index needs Pagefind, which is not installed: pip install '{PIN}' (or build with --no-search)")
        return ""
    folder = output.temp_folder(stage.out).with_name(f".{stage.out.name}.tmp-search-{os.getpid()}")
    try:
        gather(sources, files, stage.out, folder, stage.tmp, stop)
        failure = run(binary, folder, stage.tmp / INDEX, stop) or settled(stage.tmp / INDEX)
    except Stopped:  # thousands of links, and Pagefind's files if it had begun writing: seconds here, not the save's to wait for
        output.remove_later(folder, stage.out)
        output.remove_later(stage.tmp / INDEX, stage.out)
        return "stopped"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if failure:
        problems.error("pagefind", 1, f"the search index could not be made: {failure} (build with --no-search to go without)")
        return ""
    add_index(files, stage.tmp, stamp)
    return "made"


def as_asked(out: Path, enabled: bool) -> bool:
    """Whether the output folder has a search index exactly when one is asked for (else an unchanged site is built again)."""
    return (out / STAMP).is_file() == enabled


def indexed(pages: list[Page], files: dict) -> list[str]:
    """The files to index, sorted: every published explainer and its claim pages (not their embeds)."""
    claim_pages: dict[str, list[str]] = {}  # "PAGE/claims/" -> its claim pages, from one pass over the files
    for rel in files:
        if rel.endswith("/index.html") and not rel.endswith("/embed/index.html") and "claims/" in rel:
            claim_pages.setdefault(claims_folder(rel), []).append(rel)
    names = []
    for page in pages:
        if not (page.slug and page.is_explainer and not page.draft):
            continue
        url = f"{page.lang}/{page.url}" if page.lang else page.url  # a translation is under its language's prefix
        folder = f"{url}claims/"
        group = files.get(folder)
        names.append(f"{url}index.html")
        names += [rel for rel in group.names if not rel.endswith("/embed/index.html")] if isinstance(group, output.Group) else claim_pages.get(folder, [])
    return sorted(names)


def stamp_of(sources: list[str]) -> bytes:
    """What an index is made from, as the digest kept beside it: the files indexed (their contents are compared apart), the options, the tool."""
    text = "\n".join([VERSION, PIN, EXCLUDE, *sources])
    return hashlib.sha256(text.encode("utf-8")).hexdigest().encode("ascii") + b"\n"


def kept(sources: list[str], stamp: bytes, files: dict, out: Path, tmp: Path) -> bool:
    """Keep the last output's index when it was made from these files and none of them changed; whether it was kept."""
    if not output.holds(out / STAMP, stamp) or not all(unchanged(file_of(files, rel, tmp), out / rel) for rel in sources):
        return False
    for rel in sorted(output.files_in(out / INDEX)):
        files[f"{INDEX}/{rel}"] = out / INDEX / rel
    return True


def unchanged(data, old: Path) -> bool:
    """Whether a file of this build is the last output's file, byte for byte (None: one of a Kept group, which is)."""
    if data is None or data is output.SAME or (isinstance(data, Path) and data == old):
        return True
    if isinstance(data, bytes):
        return output.holds(old, data)
    try:
        return os.stat(data).st_size == os.stat(old).st_size and data.read_bytes() == old.read_bytes()
    except OSError:
        return False


def executable() -> Path | None:
    """The Pagefind binary that the pinned package installed, or None."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    found = get_executable()
    return found if found is not None and os.access(found, os.X_OK) else None


def file_of(files: dict, rel: str, tmp: Path) -> bytes | Path | None:
    """A file of this build: its bytes or Path, that in the stage of one of an output.Written group, None for one of a Kept group."""
    data = files.get(rel)
    if data is None and isinstance(files.get(claims_folder(rel)), output.Written):  # a claim page in its page's group
        return tmp / rel
    return data


def claims_folder(rel: str) -> str:
    """The folder of a claim page's group, PAGE/claims/, from its path PAGE/claims/ID/index.html."""
    return rel[:-len("/index.html")].rpartition("/")[0] + "/"


def gather(sources: list[str], files: dict, out: Path, folder: Path, tmp: Path, stop: Callable[[], bool] | None = None) -> None:
    """Put the files to index into a folder of their own, linked where they are files, written where they are bytes."""
    folder.mkdir()
    made: set[Path] = {folder}
    for number, rel in enumerate(sources, 1):
        if stop is not None and number % STOP_EVERY == 0 and stop():
            raise Stopped
        data = file_of(files, rel, tmp)
        target = folder / rel
        output.make_parent(target, made)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            output.link_or_copy(data if isinstance(data, Path) else out / rel, target)


def run(binary: Path, folder: Path, into: Path, stop: Callable[[], bool] | None = None) -> str | None:
    """Index a folder into another with Pagefind's CLI; what went wrong, or None. Raises Stopped, Pagefind killed, when `stop()` says so."""
    import subprocess  # here, not at the top: a build that indexes nothing (an edit with --no-search) spares its import

    command = [str(binary), "--site", str(folder), "--output-path", str(into), "--exclude-selectors", EXCLUDE, "--silent"]
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                text=True, errors="replace")
    except OSError as exc:
        return f"{binary} did not run ({exc.strerror or exc})"
    with proc:  # which waits for it on leaving
        try:
            while True:
                try:  # asked again after a timeout, communicate() loses none of the output
                    said, complaint = proc.communicate(timeout=None if stop is None else STOP_POLL)
                    break
                except subprocess.TimeoutExpired:
                    if stop():
                        raise Stopped from None
        except BaseException:  # stopped, or Ctrl-C: Pagefind goes too, as with subprocess.run
            proc.kill()
            raise
    if proc.returncode != 0:
        said = " ".join((complaint or said).split())[-300:] or "no message"
        return f"Pagefind stopped with exit code {proc.returncode}: {said}"
    return None


def add_index(files: dict, tmp: Path, stamp: bytes) -> None:
    """Name the index's files (written into the stage) among the build's, less Pagefind's unused interfaces, with the stamp."""
    top = tmp / INDEX
    for rel in sorted(output.files_in(top)):
        if rel.startswith(UNUSED):
            (top / rel).unlink()
        else:
            files[f"{INDEX}/{rel}"] = top / rel
    files[STAMP] = stamp


# --- two builds, the same bytes ------------------------------------------------------------
# Pagefind 1.5.2 writes each filter's values in the order of a Rust HashMap, seeded anew by
# every run, so the filter files (and the names of them, and of the meta file naming them)
# differ between two runs over the same pages. settle() sorts the values and renames the
# files after their new bytes. The files are gzip'd CBOR after a signature; the little of
# CBOR they use (unsigned integers, text, arrays) is read and written below.

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"


def settled(top: Path) -> str | None:
    """settle(), or what went wrong: Pagefind's files are not as this module knows them (another version?)."""
    try:
        settle(top)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return f"its files in {top.name}/ are not as Pagefind 1.5.2 writes them ({type(exc).__name__}: {exc})"
    return None


def settle(top: Path) -> None:
    """Make an index folder's bytes depend on the pages only: filter values sorted, files renamed after their bytes."""
    entry = json.loads((top / ENTRY).read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_path = top / f"pagefind.{language['hash']}.pf_meta"
        meta = unpack(meta_path.read_bytes())
        prefix = language["hash"].split("_", 1)[0]
        for pair in meta[3]:  # [filter name, file hash]
            old = top / "filter" / f"{pair[1]}.pf_filter"
            name, values = unpack(old.read_bytes())
            data = pack([name, sorted(values, key=lambda value: value[0])])
            old.unlink()
            pair[1] = f"{prefix}_{hashlib.sha256(data).hexdigest()[:7]}"
            (top / "filter" / f"{pair[1]}.pf_filter").write_bytes(data)
        meta[3].sort()  # the filters too are listed in a HashMap's order
        data = pack(meta)
        meta_path.unlink()
        language["hash"] = f"{prefix}_{hashlib.sha256(data).hexdigest()[:10]}"
        (top / f"pagefind.{language['hash']}.pf_meta").write_bytes(data)
    entry["languages"] = dict(sorted(entry["languages"].items()))  # a HashMap's order too, on a site of several languages
    (top / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def unpack(blob: bytes):
    """A Pagefind file's value."""
    data = gzip.decompress(blob)
    if not data.startswith(SIGNATURE):
        raise ValueError("not a Pagefind data file")
    value, _ = cbor_read(data, len(SIGNATURE))
    return value


def pack(value) -> bytes:
    """A Pagefind file of a value, gzip'd without a time in its header."""
    return gzip.compress(SIGNATURE + cbor_write(value), mtime=0)


def cbor_read(data: bytes, at: int):
    """(value, where the next begins) of the CBOR item at `at`: unsigned integers, text and arrays only."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        number = info
    elif info <= 27:
        size = 1 << (info - 24)
        number, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError(f"CBOR item {info} is not read here")
    if major == 0:
        return number, at
    if major == 3:
        return data[at:at + number].decode("utf-8"), at + number
    if major == 4:
        items = []
        for _ in range(number):
            item, at = cbor_read(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR major type {major} is not read here")


def cbor_head(major: int, number: int) -> bytes:
    """A CBOR item's first bytes, in the shortest form (as Pagefind writes them)."""
    if number < 24:
        return bytes([major << 5 | number])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if number < 1 << (8 * size):
            return bytes([major << 5 | info]) + number.to_bytes(size, "big")
    raise ValueError("number too large for CBOR")


def cbor_write(value) -> bytes:
    """The CBOR of unsigned integers, text and lists."""
    if isinstance(value, int):
        return cbor_head(0, value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return cbor_head(3, len(data)) + data
    return cbor_head(4, len(value)) + b"".join(cbor_write(item) for item in value)
