"""The whole build as one call, for the command line and the preview server alike.

With the cache (the default), a page is read and converted again only when its file, or
something it depends on, changed; a page's HTML is rendered again only when its key
changed, and otherwise left in the last output, where only changed files are committed
(output.update). Pages a one-page edit does not render are not even loaded: the cache's
site index holds a stub of each (model.PageStub). Only a successful build writes
the cache: a failed one, like `check`, leaves the site folder as it was. The output is byte for byte the
output of a clean build: `--no-cache` makes one, and tests/test_cache.py compares them.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import tempfile
import time
import urllib.parse
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import output, parallel, yamlfile
from .cache import (ALL_SLUGS, FOLDER as CACHE_FOLDER, BuildRecord, Cache, PageEntry, Packs, code_digest, digest, load_sources,
                    load_yaml_memo, output_intact, paused_gc, stat_record, store_sources, store_yaml_memo, tree_digest, unchanged)
from .model import Page, PageStub, Problems, Site
from .convert import Converter, Parsed, slug_dep, slug_table, static_files
from .fields import is_safe_url
from .load import load_site, page_paths, read_page
from .sitecheck import check_site as check
from .render import DiskTemplates, MemoryTemplates, Parts, Reuse, render


@dataclass
class BuildResult:
    problems: Problems
    site: Site | None = None
    pages: list[Page] = field(default_factory=list)
    out: Path | None = None
    written: bool = False
    seconds: float = 0.0
    page_count: int = 0
    rendered: int = 0  # pages rendered in this run (the rest were reused from the last output)
    up_to_date: bool = False  # nothing changed since the last build: the output was left as it was


@dataclass
class Warm:
    """What a long-running preview keeps from its last good build, so an edit reloads nothing from disk.

    The disk cache holds the same (page entries are still saved); this only saves reading
    and unpickling a thousand entries and every page's pieces on each save.
    """

    parse_env: str = ""  # the entries below were read and converted under this
    entries: dict[str, PageEntry] = field(default_factory=dict)
    parts: dict = field(default_factory=dict)  # render.Parts.made: each page's pieces' key and digests
    pieces: dict = field(default_factory=dict)  # their bytes, as cache.pieces() gives them
    record: BuildRecord | None = None
    templates: MemoryTemplates = field(default_factory=MemoryTemplates)
    sources: dict = field(default_factory=dict)  # content file -> (stat, digest), for gather_inputs


@dataclass
class Inputs:
    """Digests of everything a build reads besides the pages' own bytes, and those bytes' digests."""

    code: str
    parse_env: str  # what reading and converting a page depends on besides its own file
    render_env: str  # and what rendering it depends on: templates, static files
    paths: list[Path]
    sources: dict[str, str]  # content path -> digest of the file's bytes, in the order of `paths`
    known: dict = field(default_factory=dict)  # content file (str) -> (stat, digest), for the next build (see source_digest)
    texts: dict = field(default_factory=dict)  # content file -> its bytes, where they were read for the digest
    started_ns: int = 0  # when the files began to be read (see SETTLED_NS)


def display_root(site_arg: str) -> str:
    """How the site folder prefixes paths in messages: nothing for the current folder."""
    cleaned = str(site_arg).rstrip("/") or "/"
    return "" if cleaned in (".", "") else cleaned


def open_site(site_arg: str, problems: Problems, base_url: str | None, memo: yamlfile.Memo | None = None) -> Site | None:
    """Read site.yaml, applying a --base-url override (`memo`: see yamlfile.Memo)."""
    site = load_site(Path(site_arg), display_root(site_arg), problems, memo)
    if site is not None and base_url is not None:
        if not is_safe_url(base_url) or base_url.lower().startswith("mailto:"):
            problems.error("--base-url", 1, f"'{base_url}' is not an http: or https: address")
        else:
            site.base_url = base_url if base_url.endswith("/") else base_url + "/"
    return site


def gather_inputs(site: Site, problems: Problems, known: dict | None = None, remembered: bool = False, code: str | None = None) -> Inputs:
    """List the content files and digest every input, for cache keys.

    `known`: see source_digest; with `remembered`, the digests the last build recorded in
    the cache whose stat can be trusted (settled_sources).
    """
    started_ns = time.time_ns()
    code = code or code_digest()
    try:
        config = (site.root / "site.yaml").read_bytes()
    except OSError:
        config = b""
    # Converting a page reads only the path of base_url (to check links that start with '/'),
    # so the preview, whose base_url is its own address, shares converted pages with `build`
    # when the site lives at a domain's root; rendering puts whole URLs in feeds and JSON-LD.
    base_path = urllib.parse.urlsplit(site.base_url).path
    parse_env = digest(code, config, str(site.root), site.display_root, base_path,
                       tree_digest(site.root / "layouts", contents=False), tree_digest(site.root / "static", contents=False))
    render_env = digest(parse_env, site.base_url, tree_digest(site.root / "layouts", contents=True), tree_digest(site.root / "static", contents=True))
    paths = page_paths(site, problems)
    if known is None:
        known = settled_sources(site.root, code) if remembered else {}
    sources, texts = {}, {}
    for path in paths:
        sources[content_name(site, path)] = source_digest(path, known, texts)
    return Inputs(code, parse_env, render_env, paths, sources, known={str(path): known[str(path)] for path in paths if str(path) in known},
                  texts=texts, started_ns=started_ns)


def source_digest(path: Path, known: dict | None, texts: dict | None = None) -> str:
    """The digest of a content file's bytes; "" if it cannot be read (read_page reports why).

    With `known` (str(path) -> (stat, digest): the preview's, or settled_sources()), a file whose
    size, times and inode are as they were is not read again; the preview's watcher goes by
    the same stat. With `texts`, the bytes read are kept there (for guessed_slugs).
    """
    try:
        st = os.stat(path)
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        key = str(path)  # str keys: a thousand Path objects made and hashed cost 10 ms an edit
        if known is not None and key in known and known[key][0] == stamp:
            return known[key][1]
        data = path.read_bytes()
        value = digest(data)
    except OSError:
        return ""
    if texts is not None:
        texts[path] = data
    if known is not None:
        known[key] = (stamp, value)
    return value


# A glance at a page's front matter (guessed_slugs): its slug and draft lines, matched where
# str.find puts them (a regex scanning the whole block took 0.1 ms a page).
SLUG_LINE_RE = re.compile(rb"slug:[ \t]*[\"']?([a-z0-9-]+)[\"']?[ \t]*\r?$", re.M)
DRAFT_LINE_RE = re.compile(rb"draft:[ \t]*[\"']?(?:true|yes|on)[\"']?[ \t]*\r?$", re.M | re.I)

# A content file's digest is taken on trust from its stat only if its last change (ctime)
# came this long before the build that read it: a change within the same tick of a coarse
# file system clock (FAT's is 2 s) could leave the stat as it was. As git's "racy" rule.
SETTLED_NS = 2_000_000_000


def settled_sources(root: Path, code: str) -> dict:
    """The content files' digests the last build recorded (cache.load_sources), those whose stat can be trusted."""
    found = load_sources(root, code)
    if not found:
        return {}
    started, known = found
    return {path: (stamp, value) for path, (stamp, value) in known.items() if stamp[2] < started - SETTLED_NS}


def content_name(site: Site, path: Path) -> str:
    """A content file's name relative to content/ ("a/b.md"); by string, as Path.relative_to is slow on a big site."""
    prefix = os.path.join(site.root, "content", "")
    text = str(path)
    return (text[len(prefix):] if text.startswith(prefix) else os.path.relpath(text, prefix)).replace(os.sep, "/")


def is_fresh(site: Site, entry: PageEntry, slugs: dict[str, str], all_slugs: str) -> bool:
    """True when a cached page's HTML was made with the slugs it would look up now."""
    if not entry.parsed:
        return False
    return all(all_slugs == value if key == ALL_SLUGS else slug_dep(site, slugs, key) == value for key, value in entry.slug_deps.items())


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
    with paused_gc():
        # the preview's memory, else the cache's site index: pages there are stubs (model.PageStub)
        kept = warm.entries if warm and cache and warm.parse_env == inputs.parse_env else cache.index() if cache else {}
        for name in names:
            entry = kept.get(name)
            if entry is None or entry.source != inputs.sources[name]:
                entry = cache.page(name, inputs.sources[name]) if cache else None
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
        for path, (page, read_problems) in zip(unread, parallel.read_pages(site, unread)):
            name = content_name(site, path)
            entries[name] = PageEntry(inputs.sources[name], list(read_problems), page)
            changed.add(name)
    for name in names:
        problems.extend(entries[name].read_problems)
    pages = [entries[n].page for n in names if entries[n].page is not None and (drafts or not entries[n].page.draft)]
    slugs = slug_table(pages)
    all_slugs = digest(repr(sorted(slugs.items())))
    for path, name in zip(inputs.paths, names):
        page = entries[name].page
        if isinstance(page, PageStub) and "claims" not in page.__dict__:
            fetch = functools.partial(packs.read, places[name], False) if name in places else functools.partial(cached_entry, cache, name, entries[name].source)
            page.load = functools.partial(load_whole, site, fetch, name, path, slugs, files)
    stale = [page.whole() for page in pages if not is_fresh(site, entries[page.name], slugs, all_slugs)]

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
        try:
            text = inputs.texts.pop(path, None) or path.read_bytes()
        except OSError:
            continue
        end = text.find(b"\n---", 3) if text.startswith(b"---") else -1
        head = text[:end] if end > 0 else b""
        if not drafts and line_of(head, b"\ndraft:", DRAFT_LINE_RE):
            continue
        slug = line_of(head, b"\nslug:", SLUG_LINE_RE)
        slug = slug.group(1).decode() if slug else path.stem
        guess[name] = "" if name == "index.md" else f"{slug}/"
    return guess


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
            page, read_problems = parallel.read_one(site, path)
            entry = PageEntry(inputs.sources[name], list(read_problems), page)
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


def load(site_arg: str, drafts: bool, strict: bool, base_url: str | None = None, use_cache: bool = True) -> BuildResult:
    """Load, read, parse and check the whole site, collecting every problem."""
    problems = Problems()
    site = open_site(site_arg, problems, base_url)
    if site is None:
        return BuildResult(problems)
    inputs = gather_inputs(site, problems, remembered=use_cache)
    cache = Cache(site.root, inputs.code, inputs.parse_env) if use_cache else None
    pages, _, _, _ = read_and_parse(site, problems, drafts, inputs, cache)
    check(site, pages, problems, strict=strict)
    return BuildResult(problems, site, pages, page_count=len(pages))


def run_digest(inputs: Inputs, drafts: bool, out: Path) -> str:
    """Everything a build's output and messages depend on, today's date included (stale claims)."""
    return digest(inputs.render_env, repr(sorted(inputs.sources.items())), str(drafts), str(out), dt.date.today().isoformat())


def template_problem(site: Site, exc: jinja2.TemplateError) -> tuple[str, int, str]:
    """(path, line, message) for a template that is missing or has a mistake."""
    if isinstance(exc, jinja2.TemplateNotFound):
        return site.shown(f"layouts/{exc.name}"), 1, f"template layouts/{exc.name} not found; the build needs it"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return site.shown(f"layouts/{exc.name}"), exc.lineno, f"template syntax: {exc.message}"
    return site.shown("layouts"), 1, f"a template failed: {exc.message}"


@dataclass
class Run:
    """One build under way: what build() found out before reading the pages, for the steps after it."""

    site: Site
    result: BuildResult
    inputs: Inputs
    cache: Cache | None
    record: BuildRecord | None  # the last build's, from the cache or the preview's memory
    key: str  # run_digest() of this build
    target: Path  # the output folder, resolved
    drafts: bool
    warm: Warm | None
    started: float
    packs: Packs | None = None  # where workers write the entries they finish (make_packs)
    folders: output.Folders | None = None  # the pages' folders being made in a new output folder
    memo: yamlfile.Memo | None = None  # what PyYAML made of site.yaml, to keep if the build succeeds

    @property
    def problems(self) -> Problems:
        return self.result.problems


def build(site_arg: str, out: str | Path | None = None, base_url: str | None = None, drafts: bool = False, use_cache: bool = True,
          warm: Warm | None = None) -> BuildResult:
    """Check everything, then render and swap in the output folder; write nothing on any error.

    `warm` (the preview's) carries the last good build's pages and pieces in memory; a good
    build updates it, and updates the output folder in place, file by file, instead of
    swapping in a whole new one (the preview's folder is its own, never published).
    """
    started = time.perf_counter()
    problems = Problems()
    code = code_digest()
    memo = yamlfile.Memo(load_yaml_memo(Path(site_arg), code)) if use_cache else None
    site = open_site(site_arg, problems, base_url, memo)
    result = BuildResult(problems, site)
    if site is None:
        return finish(result, started)
    result.out = Path(out) if out else site.root / site.output_dir
    target = result.out.resolve()
    reason = output.unsafe_output(result.out, site.root)
    if reason:
        problems.error("--out" if out else site.shown("site.yaml"), 1, reason)
    inputs = gather_inputs(site, problems, warm.sources if warm else None, remembered=use_cache, code=code)
    cache = Cache(site.root, inputs.code, inputs.parse_env) if use_cache else None
    record = (warm.record if warm and warm.record else cache.build_record()) if cache else None
    key = run_digest(inputs, drafts, target)
    if record and not problems.errors and record.inputs == key and record.out == str(target) and output_intact(target, record):
        if memo is not None and memo.changed:
            store_yaml_memo(site.root, code, memo.used)
        result.problems[:] = record.problems
        result.written = result.up_to_date = True
        result.page_count = record.page_count
        return finish(result, started)
    run = Run(site, result, inputs, cache, record, key, target, drafts, warm, started, memo=memo)
    made_cache = cache is not None and not cache.folder.exists()
    try:
        # the preview keeps whole pages in memory (Warm); a build that ends keeps them only in the cache
        run.packs = None if warm else make_packs(cache, inputs)
        return build_pages(run)
    finally:
        if run.packs is not None and cache is None:
            shutil.rmtree(run.packs.folder, ignore_errors=True)
        if made_cache and not result.written:  # only a successful build writes the cache
            shutil.rmtree(cache.folder, ignore_errors=True)


def convert_again(site: Site, page: Page, pages: list[Page]) -> str:
    """A page's HTML made anew, when the cache's copy turned out damaged or replaced after its entry was read."""
    copy = deepcopy(page.whole())
    Converter().parse(site, copy, slug_table(pages), static_files(site))
    return copy.doc.html


def make_packs(cache: Cache | None, inputs: Inputs) -> Packs | None:
    """Where workers write the entries they finish (cache.Packs): the cache's, or a temporary folder; None if neither can be made."""
    try:
        if cache is not None:
            cache.packs.folder.mkdir(parents=True, exist_ok=True)
            return cache.packs
        return Packs(Path(tempfile.mkdtemp(prefix="explainers-packs-")), inputs.code, inputs.parse_env)
    except OSError:  # a read-only site: the pages keep their HTML in memory instead
        return None


def build_pages(run: Run) -> BuildResult:
    """The part of build() after the shortcut for an unchanged site: read, check, render, write, remember.

    The build's temporary folder is made first; whatever happens short of a successful
    swap or commit, it is removed.
    """
    tmp = output.temp_folder(run.target)
    try:
        output.start(run.target)
        return render_and_write(run, tmp)
    finally:
        if not run.result.written:
            if run.folders is not None:
                run.folders.stop()
            output.discard(tmp)


def render_and_write(run: Run, tmp: Path) -> BuildResult:
    """Read and check the pages; if all is well, render them into `tmp`, swap or commit it in, and remember the build."""
    site, result, inputs, cache, record, warm = run.site, run.result, run.inputs, run.cache, run.record, run.warm
    in_place = bool(warm) or bool(record and record.out == str(run.target) and run.target.is_dir())

    def prepare(urls) -> None:
        """Make the pages' folders in the new output folder meanwhile (output.Folders)."""
        run.folders = output.Folders(tmp, sorted({url.rstrip("/") for url in urls if url}))
        run.folders.start()

    pages, entries, changed, places = read_and_parse(site, run.problems, run.drafts, inputs, cache, warm, run.packs,
                                                     None if in_place else prepare)

    def html_of(page: Page) -> str:
        """A page's body HTML: in memory, in a worker's pack, or in the cache."""
        if page.doc.html is not None:
            return page.doc.html
        if page.name in places:
            html = run.packs.html(places[page.name], entries[page.name].source)
        else:
            html = cache.html(page.name, entries[page.name].source) if cache else None
        return html if html is not None else convert_again(site, page, pages)

    check(site, pages, run.problems, strict=False)
    result.pages, result.page_count = pages, len(pages)
    if run.problems.errors:
        return finish(result, run.started)
    reuse = Reuse(
        fingerprints={p.name: fingerprint(entries[p.name], inputs.parse_env) for p in pages},
        env_key=inputs.render_env,
        previous=previous_output(record, run.target),
        templates=(warm.templates if warm else DiskTemplates(site.root / CACHE_FOLDER / "jinja")) if cache else None,
        layout_names=dict(record.layout_names) if record else {},
        layout_names_key=record.layout_names_key if record else "",
        html=html_of,
    )
    if warm and warm.parts:
        previous_parts, stored = warm.parts, lambda: warm.pieces or cache.pieces()
    else:
        previous_parts, stored = (cache.parts(), cache.pieces) if cache else ({}, dict)
    # keys are compared, never shown: two digests side by side do, without hashing them again
    parts = Parts(keys={name: f"{inputs.render_env}:{fp}" for name, fp in reuse.fingerprints.items()}, previous=previous_parts, stored=stored)
    try:
        files = render(site, pages, reuse, parts, into=tmp)
    except jinja2.TemplateError as exc:  # a layout with a mistake is the site's problem, not a crash
        run.problems.error(*template_problem(site, exc))
        return finish(result, run.started)
    removed = lambda: None  # noqa: E731
    if warm:  # the preview's own folder: what the last build wrote is known, and no one else writes there
        output.update(files, run.target, tmp, set(record.files) if record and record.out == str(run.target) else None)
    elif in_place:  # the files there are looked for afresh
        output.update(files, run.target, tmp)
    else:
        if run.folders is not None:
            run.folders.tidy(files)
        removed = output.write(files, run.target, tmp)
    result.written, result.rendered = True, reuse.rendered
    if cache:
        remember(run, entries, changed, html_of, reuse, parts, files, len(pages), places)
    removed()  # the last output's folder, removed on a thread meanwhile
    return finish(result, run.started)


def remember(run: Run, entries: dict[str, PageEntry], changed: set[str], html_of, reuse: Reuse, parts: Parts,
             files: dict, page_count: int, places: dict[str, tuple]) -> None:
    """Save what this successful build made: page entries, and the record and pieces (in memory for the preview)."""
    save_pages(run.cache, entries, changed, html_of, places)
    records = output_records(run, files, reuse.keys)
    record = BuildRecord(str(run.target), records, run.key, list(run.problems), page_count, reuse.layout_names, reuse.layout_names_key)
    if run.warm:  # the preview's own folder: its record and pieces stay in memory, not on disk
        run.warm.parse_env, run.warm.entries, run.warm.parts, run.warm.record = run.inputs.parse_env, entries, parts.made, record
        keep_pieces(run.warm, parts)
    else:
        run.cache.store_parts(parts.made, parts.fresh, parts.bytes_to_keep)
        store_sources(run.site.root, run.inputs.code, run.inputs.started_ns, run.inputs.known)
        run.cache.store_index(entries)
        run.cache.store_build_record(record)
    if run.memo is not None and run.memo.changed:
        store_yaml_memo(run.site.root, run.inputs.code, run.memo.used)


def output_records(run: Run, files: dict, keys: dict[str, str]) -> dict:
    """Each output file's render key and stat, for the next build: a file reused as it was keeps its record, unread."""
    old = run.record.files if run.record and run.record.out == str(run.target) else {}
    folder = str(run.target)
    records = {}
    for rel, data in files.items():
        key, kept = keys.get(rel, ""), old.get(rel)
        # a Path into the output is a file previous_output() found as that record says
        if kept is not None and kept.key == key and isinstance(data, Path) and str(data) == f"{folder}/{rel}":
            records[rel] = kept
        else:
            records[rel] = stat_record(run.target / rel, key)
    return records


def keep_pieces(warm: Warm, parts: Parts) -> None:
    """Keep the bytes of the pieces in the preview's memory: those made now, over those it had or loaded."""
    pieces = parts.bulk if parts.bulk is not None else warm.pieces
    for name in parts.fresh:
        value = parts.bytes_to_keep(name)
        if value is None:
            pieces.pop(name, None)
        else:
            pieces[name] = value
    for name in set(pieces) - set(parts.made):
        del pieces[name]
    warm.pieces = pieces


def previous_output(record: BuildRecord | None, out: Path):
    """A lookup (output path, render key) -> file of the last output to reuse, or None."""

    folder = str(out)

    def lookup(rel: str, key: str) -> Path | None:
        if record is None or record.out != folder:
            return None
        entry = record.files.get(rel)
        # a plain string path: a Path per page cost 60 ms of a 1,000-page edit
        if entry is None or not entry.key or entry.key != key or not unchanged(f"{folder}/{rel}", entry):
            return None
        return out / rel

    return lookup


def finish(result: BuildResult, started: float) -> BuildResult:
    result.seconds = time.perf_counter() - started
    return result
