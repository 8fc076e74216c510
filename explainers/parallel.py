"""Spreading page work over every core: a process pool for large batches, this process for small ones.

Work that can go to workers: reading front matter, converting bodies, both at once for a
large build (map_batches, with page_entries.read_and_convert), and rendering pages.
Workers are forked, so the site, the slug table, the pages and the render closure reach
them without being pickled (tasks are indexes); each keeps one Converter (one Markdown and
one note renderer) for all the pages it is given. Results come back pickled, in the order
of the tasks; converted pages come back without their HTML, which page_entries' hook has
written on disk, one pack per batch of pages (cache.Packs), and a rendered page is written
by its worker, which writes the page's pieces of the site-wide files in a pack of its own and
sends back only where they are. Workers ignore Ctrl-C: the parent stops the pool.
"""
from __future__ import annotations

import gc
import os
import signal
from pathlib import Path
from typing import Callable

from . import load, output, yamlfile
from .model import Doc, Page, Problems, Site
from .convert import Converter, Parsed

# Below these many pages, forking workers costs more than it saves: starting a worker and
# pickling its results costs more than converting a page, and many times more than reading
# a page's front matter or rendering it, hence the three thresholds. Rough ones, not tuned;
# small sites and one-page edits stay in this process either way.
MIN_READS = 64
MIN_PARSES = 16
MIN_RENDERS = 32
RENDER_CHUNK = 16  # pages a render worker takes at a time
MIN_BATCH = 8  # pages in the smallest batch a worker reads and converts (batches)
MAX_BATCH = 200  # and in the largest: a worker holds a batch's entries, HTML included, until it packs them

# What a worker process was started with. A pool worker can only receive per-process
# objects through its initializer, which has nowhere to put them but a module variable.
_worker: dict = {}


def cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _start_worker(**state) -> None:
    """A forked worker's own state, and its garbage collector readied for it."""
    gc.freeze()  # what the parent had is never garbage here: do not walk it on every full collection
    gc.enable()  # the parent may have paused collection; a worker converting pages makes garbage cycles
    _worker.update(state)


def read_one(site: Site, path: Path, front: bytes | None = None) -> tuple[Page | None, Problems, bytes | None]:
    """Read and check one page's front matter, with its own list of problems, and what PyYAML made of it (cache.PageEntry.front).

    `front`: what PyYAML made of the page's front matter last time, which an unchanged front
    matter takes instead of importing PyYAML again.
    """
    problems, memo = Problems(), yamlfile.Memo.unpacked(front)
    page = load.read_page(site, path, problems, memo)
    return page, problems, memo.packed()


def converted_into(page: Page, doc: Doc, notes: list[tuple[str, str]]) -> None:
    """Put what a worker's conversion made (the doc and each claim's rendered note) into the parent's copy of the page."""
    page.doc = doc
    for claim, (note_html, note_text) in zip(page.claims.values(), notes):
        claim.note_html, claim.note_text = note_html, note_text


def converter() -> Converter:
    """This process's Converter, made on first use (one Markdown instance per process)."""
    if _worker.get("converter") is None:
        _worker["converter"] = Converter()
    return _worker["converter"]


def _init_work(work) -> None:
    _start_worker(work=work, converter=None)


def _work_task(indexes: list[int]) -> list:
    return _worker["work"](indexes)


def pooled(count: int, minimum: int) -> bool:
    """Whether `count` tasks go to a pool: enough of them, more than one core, and fork to start workers with."""
    if count < minimum or cores() < 2:
        return False
    import multiprocessing  # here, not at the top: a one-page edit never starts a pool, so need not pay for the import

    return "fork" in multiprocessing.get_all_start_methods()


def map_batches(count: int, work: Callable[[list[int]], list]) -> list:
    """work(batch) over consecutive batches of 0..count-1 in a pool; the results of all batches, in order.

    Workers are forked, so `work` and everything it closes over reach them unpickled.
    """
    pool = _pool(count, _init_work, work)
    if pool is None:
        return work(list(range(count)))
    return [one for batch in _map(pool, _work_task, batches(count, cores()), cores(), chunk=1) for one in batch]


def _render_task(index: int) -> tuple[str, None, object]:
    page = _worker["pages"][index]
    was = dict(page.__dict__)
    rel, data, pieces = _worker["render"](page)
    # a stub (model.PageStub) loads its whole page to be rendered: put it back as it was, or a
    # worker would keep every page it rendered (half of a 10,000-page site each)
    page.__dict__.clear()
    page.__dict__.update(was)
    target = _worker["into"] / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    keep = _worker["keep"]
    return rel, None, keep(page, pieces) if keep is not None else pieces


def _init_render(render_one, pages: list[Page], into: Path, keep) -> None:
    _start_worker(render=render_one, pages=pages, into=into, keep=keep)


def _quiet(init, *args) -> None:
    """A worker's start: Ctrl-C is the parent's to handle (it stops the pool), then the given initializer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    init(*args)


def _pool(count: int, init, *args):
    """A pool of forked workers, each started with init(*args) (or None where fork is unavailable).

    Ctrl-C reaches every process of the terminal's group; a worker that took it would die
    with a traceback mid-task. So signals are held while forking and workers ignore SIGINT;
    the parent alone is interrupted, and terminates the pool (_map).
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    with output.signals_held():
        return multiprocessing.get_context("fork").Pool(min(cores(), count), _quiet, (init, *args))


def batches(count: int, workers: int) -> list[list[int]]:
    """The indexes 0..count-1 in consecutive batches, each a quarter of what is left per worker, between MIN_BATCH and MAX_BATCH.

    Large first, as each costs a message and a pack file; small last, so that no worker is
    left finishing a long batch alone while the others wait (guided scheduling).
    """
    found, start = [], 0
    while start < count:
        size = min(MAX_BATCH, max(MIN_BATCH, (count - start) // (workers * 4)))
        found.append(list(range(start, min(start + size, count))))
        start += size
    return found


def _map(pool, task, items: list, workers: int, chunk: int | None = None) -> list:
    """Run task over items in the pool, in chunks (eight per worker unless given), results in order; stop the workers on any failure."""
    chunk = chunk or max(1, len(items) // (workers * 8))
    try:
        results = pool.map(task, items, chunksize=chunk)
    except BaseException:
        pool.terminate()  # before the caller removes folders the workers may still be writing into
        pool.join()
        raise
    pool.close()
    pool.join()
    return results


def read_pages(site: Site, paths: list[Path], fronts: list[bytes | None]) -> list[tuple[Page | None, Problems, bytes | None]]:
    """Read many pages (read_one, each with its `front`), in parallel when there are enough of them."""
    if not pooled(len(paths), MIN_READS):
        return [read_one(site, path, front) for path, front in zip(paths, fronts)]
    return map_batches(len(paths), lambda indexes: [read_one(site, paths[index], fronts[index]) for index in indexes])


def parse_pages(site: Site, pages: list[Page], slugs: dict[str, str], files: frozenset[str],
                keep: Callable[[list[tuple[Page, Parsed]]], list] | None = None) -> list[tuple[Page, Parsed, tuple | None]]:
    """Convert many pages (notes and body), in parallel when there are enough of them: (page, parsed, place).

    The pages are converted in place: a worker sends back only the page's doc and rendered
    notes, which are put into the page here. A worker calls keep(batch) with each batch of
    (page, parsed) before sending it back: page_entries' hook that writes the batch's cache
    entries in one pack and drops their HTML, which then need not travel; it returns where
    each entry went (the place), or None.
    """
    if not pooled(len(pages), MIN_PARSES):
        one = Converter()
        return [(page, one.parse(site, page, slugs, files), None) for page in pages]

    def work(indexes: list[int]) -> list[tuple[Doc, list[tuple[str, str]], Parsed, tuple | None]]:
        """In a worker: convert a batch; only what converting added travels back (the parent has the rest)."""
        done = [(pages[index], converter().parse(site, pages[index], slugs, files)) for index in indexes]
        places = keep(done) if keep is not None else [None] * len(done)
        return [(page.doc, [(claim.note_html, claim.note_text) for claim in page.claims.values()], parsed, place)
                for (page, parsed), place in zip(done, places)]

    results = map_batches(len(pages), work)
    for page, (doc, notes, _, _) in zip(pages, results):
        converted_into(page, doc, notes)
    return [(page, parsed, place) for page, (_, _, parsed, place) in zip(pages, results)]


def render_pages(render_one, pages: list[Page], into: Path | None, before_fork=None, keep=None) -> list[tuple[str, bytes | Path, object]]:
    """Render pages with render_one(page) -> (output path, bytes, pieces); in parallel when there are enough.

    before_fork() is called once if workers are to start, so that what it readies (the
    compiled templates) is made once and inherited, not made again by every worker.

    Workers write each page straight into `into` (the new output folder) and send back only
    its pieces, so the HTML of a thousand pages never passes through this process; their
    results give the written file's Path in place of the bytes. render_one reaches the
    workers by fork, with the Jinja2 environment and the pages it closes over. In a worker,
    keep(page, pieces) gives what is sent back of the pieces (pieces.Parts.pack: where it
    wrote them), so that neither the worker nor this process holds them all.
    """
    pool = None
    if into is not None and len(pages) >= MIN_RENDERS and cores() > 1:
        if before_fork is not None:
            before_fork()
        pool = _pool(len(pages), _init_render, render_one, pages, into, keep)
    if pool is None:
        return [render_one(page) for page in pages]
    # small chunks: the last one a worker takes is all the other may wait for
    results = _map(pool, _render_task, list(range(len(pages))), cores(), chunk=RENDER_CHUNK)
    return [(rel, into / rel, pieces) for rel, _, pieces in results]
