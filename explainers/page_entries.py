"""Every content file's entry (cache.PageEntry) for one build: taken from the last build, or read and converted anew.

An entry comes from the preview's memory, else the cache's site index (its page a stub,
model.PageStub, loading the rest only if the page is rendered), else the cache's packs;
a file whose bytes changed is read again, and a page whose links looked up a slug that
changed is converted again. Many pages to read go to worker processes, which convert
them against a slug table guessed from the files and write their entries in packs
(read_and_convert). The Memory of incremental.py is what calls in here.
"""
from __future__ import annotations

import functools
import os
import re
from copy import deepcopy
from pathlib import Path
from typing import TYPE_CHECKING

from . import parallel
from .cache import ALL_SLUGS, Cache, PageEntry, Packs, digest, paused_gc
from .languages import split_name
from .load import read_page
from .model import Page, PageStub, Problems, Site
from .convert import Converter, Parsed, slug_dep, slug_table, static_files

if TYPE_CHECKING:
    from .incremental import Inputs, Warm

# A glance at a page's front matter (guessed_slugs): its slug and draft lines, matched only
# where str.find puts them, so the glance costs little beside reading the page itself.
SLUG_LINE_RE = re.compile(rb"slug:[ \t]*[\"']?([a-z0-9-]+)[\"']?[ \t]*\r?$", re.M)
DRAFT_LINE_RE = re.compile(rb"draft:[ \t]*[\"']?(?:true|yes|on)[\"']?[ \t]*\r?$", re.M | re.I)


def content_name(site: Site, path: Path) -> str:
    """A content file's name relative to content/ ("a/b.md"); by string, as Path.relative_to is slow on a big site."""
    prefix = content_prefix(site.root)
    text = str(path)
    return (text[len(prefix):] if text.startswith(prefix) else os.path.relpath(text, prefix)).replace(os.sep, "/")



@functools.lru_cache(maxsize=8)
def content_prefix(root: Path) -> str:
    """The text every content file's path starts with: made via Path, as the paths were (no "./" for a site given as ".")."""
    return os.path.join(root / "content", "")


def is_fresh(entry: PageEntry, found, all_slugs: str) -> bool:
    """True when a cached page's HTML was made with the slugs it would look up now (found(name): convert.slug_dep's answer)."""
    if not entry.parsed:
        return False
    return all(all_slugs == value if key == ALL_SLUGS else found(key) == value for key, value in entry.slug_deps.items())



def read_and_parse(site: Site, problems: Problems, drafts: bool, inputs: Inputs, cache: Cache | None, warm: Warm | None = None,
                   packs: Packs | None = None, prepare=None) -> tuple[list[Page], dict[str, PageEntry], set[str], dict[str, tuple]]:
    """Read and convert every page, taking unchanged ones from the preview's memory or the cache; problems in phase order.

    Returns the pages, every content file's entry, the names of the entries made anew, and
    where in `packs` workers wrote theirs: with `packs`, a worker writes each batch of pages'
    finished entries in one pack and sends the pages back without their HTML (cache.Packs).
    `prepare(urls)` is told the pages' URL paths as guessed before many pages are read.
    """
    names = list(inputs.sources)  # each path's content name, in order (gather_inputs made them)
    entries: dict[str, PageEntry] = {}
    fronts: dict[str, bytes | None] = {}  # what PyYAML made of a changed file's front matter as it was (PageEntry.front)
    with paused_gc():
        # the preview's memory, else the cache's site index: pages there are stubs (model.PageStub)
        kept = warm.entries if warm and cache and warm.parse_env == inputs.parse_env else cache.index() if cache else {}
        for name in names:
            entry = kept.get(name)
            if entry is None or entry.source != inputs.sources[name]:
                entry = cache.entry(name) if cache else None  # the whole entry, whatever bytes it was made from
                if entry is not None and entry.source != inputs.sources[name]:
                    fronts[name], entry = entry.front, None
            if entry is not None:
                entries[name] = entry
    unread = [path for name, path in zip(names, inputs.paths) if name not in entries]
    changed, places, files = set(), {}, static_files(site)
    if packs is not None and parallel.pooled(len(unread), parallel.MIN_PARSES):
        # Many pages to read: workers read and convert them in one go, against a slug table
        # guessed from the files; a page that looked up a slug guessed wrong is converted
        # again below, as a cached one would be. The pages come back as stubs.
        guess = {name: entry.page.url for name, entry in entries.items() if entry.page is not None and (drafts or not entry.page.draft)}
        guess.update(guessed_slugs(site, unread, drafts, inputs))
        if prepare is not None:
            prepare(guess.values())
        for name, entry, place in read_and_convert(site, unread, guess, files, drafts, inputs, packs):
            entries[name] = entry
            changed.add(name)
            if place is not None:
                places[name] = place
    else:
        unread_names = [content_name(site, path) for path in unread]
        for name, (page, read_problems, front) in zip(unread_names, parallel.read_pages(site, unread, [fronts.get(n) for n in unread_names])):
            entries[name] = PageEntry(inputs.sources[name], list(read_problems), page, front=front)
            changed.add(name)
    for name in names:
        problems.extend(entries[name].read_problems)
    pages = [entries[n].page for n in names if entries[n].page is not None and (drafts or not entries[n].page.draft)]
    slugs = slug_table(pages, [name for name in names if entries[name].page is None])
    all_slugs = digest(repr(sorted(slugs.items())))
    for path, name in zip(inputs.paths, names):
        page = entries[name].page
        if isinstance(page, PageStub) and "claims" not in page.__dict__:
            fetch = functools.partial(packs.read, places[name], False) if name in places else functools.partial(cached_entry, cache, name, entries[name].source)
            page.load = functools.partial(load_whole, site, fetch, name, path, slugs, files)
    # each lookup's answer once a build: a thousand pages that link one page not built asked the disk a thousand times
    found = functools.lru_cache(maxsize=None)(functools.partial(slug_dep, site, slugs))
    stale = [page.whole() for page in pages if not is_fresh(entries[page.name], found, all_slugs)]

    def keep(done: list[tuple[Page, Parsed]]) -> list[tuple | None]:
        """In a worker: write a batch's finished entries in one pack; the pages then travel back without their HTML."""
        where = pack_entries(packs, [(page.name, converted(entries[page.name], page, parsed, all_slugs)) for page, parsed in done])
        return [where.get(page.name) for page, _ in done]

    for page, parsed, place in parallel.parse_pages(site, stale, slugs, files, keep if packs else None):
        converted(entries[page.name], page, parsed, all_slugs)
        changed.add(page.name)
        if place is not None:
            places[page.name] = place
    pages = [entries[page.name].page for page in pages]
    for page in pages:
        problems.extend(entries[page.name].note_problems)
    for page in pages:
        problems.extend(entries[page.name].convert_problems)
    return pages, entries, changed, places



def guessed_slugs(site: Site, paths: list[Path], drafts: bool, inputs: Inputs) -> dict[str, str]:
    """Each page's URL path as its front matter's `slug:` and `draft:` lines or its file name make it, by a glance at the text.

    Only a guess, for converting pages while they are read (read_and_convert): what the
    front matter really says is checked afterwards.
    """
    guess = {}
    for path in paths:
        name = content_name(site, path)
        seen = inputs.glances.pop(path, None)
        if seen is None:
            try:
                seen = glance(path.read_bytes())
            except OSError:
                continue
        draft, slug = seen
        if draft and not drafts:
            continue
        original, lang = split_name(site, name)  # a translation's URL is its original's, under its language's folder
        slug = slug or (Path(original).stem if lang else path.stem)
        guess[name] = "" if original == "index.md" else f"{slug}/"
    return guess


def glance(text: bytes) -> tuple[bool, str | None]:
    """What guessed_slugs needs of a content file's bytes: whether its front matter says `draft: true`, and its `slug:` line's slug."""
    end = text.find(b"\n---", 3) if text.startswith(b"---") else -1
    head = text[:end] if end > 0 else b""
    slug = line_of(head, b"\nslug:", SLUG_LINE_RE)
    return line_of(head, b"\ndraft:", DRAFT_LINE_RE) is not None, slug.group(1).decode() if slug else None


def line_of(head: bytes, start: bytes, pattern: re.Pattern):
    """The match of `pattern` on the first front matter line that begins with `start`, or None."""
    at = head.find(start)
    return pattern.match(head, at + 1) if at >= 0 else None



def read_and_convert(site: Site, paths: list[Path], slugs: dict[str, str], files: frozenset[str], drafts: bool,
                     inputs: Inputs, packs: Packs) -> list[tuple[str, PageEntry, tuple | None]]:
    """Read and convert many pages in worker processes: (content file, entry, place in `packs`), in order.

    A worker writes each batch's entries, HTML included, in one pack, and sends back each
    converted page as a stub (model.PageStub), which loads the rest from the pack when a
    render worker asks: the build's own process never unpickles a thousand whole pages.
    """
    all_slugs = digest(repr(sorted(slugs.items())))

    def work(indexes: list[int]) -> list[tuple[str, PageEntry, tuple | None]]:
        """In a worker: read, convert and pack one batch; what was packed travels back as a stub."""
        made = []
        for index in indexes:
            path = paths[index]
            name = content_name(site, path)
            page, read_problems, front = parallel.read_one(site, path)
            entry = PageEntry(inputs.sources[name], list(read_problems), page, front=front)
            if page is not None and (drafts or not page.draft):
                converted(entry, page, parallel.converter().parse(site, page, slugs, files), all_slugs)
                fingerprint(entry, inputs.parse_env)
            made.append((name, entry))
        where = pack_entries(packs, [(name, entry) for name, entry in made if entry.parsed])
        return [(name, entry.stubbed() if name in where else entry, where.get(name)) for name, entry in made]

    return parallel.map_batches(len(paths), work)


def pack_entries(packs: Packs, made: list[tuple[str, PageEntry]]) -> dict[str, tuple]:
    """Write converted pages' entries in one pack, each page's HTML after its entry; where each went.

    A page written there loses its HTML (it need not travel); where the pack could not be
    written, the pages keep theirs.
    """
    texts = {}
    for name, entry in made:
        texts[name], entry.page.doc.html = entry.page.doc.html, None
    where = packs.write([(name, entry, texts[name]) for name, entry in made])
    for name, entry in made:
        if name not in where:
            entry.page.doc.html = texts[name]
    return where


def cached_entry(cache: Cache | None, name: str, source: str) -> tuple[PageEntry | None, bytes]:
    """A content file's entry in the cache, as Packs.read gives one."""
    return (cache.page(name, source) if cache else None), b""


def load_whole(site: Site, fetch, name: str, path: Path, slugs: dict[str, str], files: frozenset[str]) -> Page:
    """The whole of a page given as a stub: its entry (fetch()), or, if that went meanwhile, the file converted again."""
    entry = fetch()[0]
    if entry is not None and entry.parsed and entry.page is not None:
        return entry.page
    page = read_page(site, path, Problems())
    if page is None:
        raise RuntimeError(f"{site.shown('content/' + name)} changed, and the cache with it, while the build ran; build again")
    Converter().parse(site, page, slugs, files)
    return page



def fingerprint(entry: PageEntry, parse_env: str) -> str:
    """The digest of everything a converted page was made from: the page's bytes, what it looked up, the rest of the inputs."""
    if not entry.fingerprint:  # made once per version of the entry (converted() clears it), kept in the cache
        entry.fingerprint = digest(parse_env, entry.source, repr(sorted(entry.slug_deps.items())))
    return entry.fingerprint


def converted(entry: PageEntry, page: Page, parsed: Parsed, all_slugs: str) -> PageEntry:
    """The entry of a page just converted: the page and what converting it found."""
    page.__dict__.pop("facts", None)  # made from the page as it was before
    entry.page, entry.parsed, entry.fingerprint = page, True, ""
    entry.note_problems, entry.convert_problems = list(parsed.note_problems), list(parsed.convert_problems)
    entry.slug_deps = {ALL_SLUGS: all_slugs} if parsed.all_slugs else parsed.slug_deps
    return entry



def save_pages(cache: Cache, entries: dict[str, PageEntry], changed: set[str], html_of, places: dict[str, tuple]) -> None:
    """Store what changed and forget files that are gone; only a successful build writes the cache.

    Entries workers wrote in the cache's packs are in place already (`places`); the others
    go in one pack here, each page without its HTML (from html_of), which is stored after it.
    """
    records = []
    for name in sorted(changed - set(places)):
        entry = entries[name]
        page = entry.page
        if page is None or not entry.parsed:
            records.append((name, entry, None))
            continue
        html, page.doc.html = html_of(page), None
        records.append((name, entry, html))
    written = cache.packs.write(records) if records else {}
    cache.store_places({**places, **written}, set(entries))


def convert_again(site: Site, page: Page, pages: list[Page]) -> str:
    """A page's HTML made anew, when the cache's copy turned out damaged or replaced after its entry was read."""
    copy = deepcopy(page.whole())
    Converter().parse(site, copy, slug_table(pages), static_files(site))
    return copy.doc.html

