"""What one build takes over from the last and leaves for the next: the seam the recipe calls (Memory).

With the cache (the default), a page is read and converted again only when its file, or
something it depends on, changed (page_entries.py); a page's HTML is rendered again only
when its key changed, and otherwise left in the last output, where only changed files are
committed (output.update). Pages a one-page edit does not render are not even loaded: the
cache's site index holds a stub of each (model.PageStub). A long-running preview keeps
the same in memory (Warm). Only a successful build writes the cache: a failed one, like
`check`, leaves the site folder as it was. The output is byte for byte the output of a
clean build: `--no-cache` makes one (a Memory that remembers nothing), and
tests/test_cache.py compares them.

About 410 lines, just over the ~400 guideline, and earned: Memory is the one seam between the recipe and what
carries over (cache, preview memory, packs, the last output's records), and its helpers
below are each a step of it; split, the seam would be threaded through two modules.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from . import folder_stamps, output, yamlfile
from .cache import (FOLDER as CACHE_FOLDER, BuildRecord, Cache, GroupRecord, PageEntry, Packs, code_digest, digest, group_stamp,
                    group_unchanged, load_sources, load_yaml_memo, output_intact, stat_record, store_sources, store_yaml_memo,
                    tree_digest, unchanged)
from .load import page_paths
from .model import Page, Problems, Site
from .page_entries import content_name, convert_again, fingerprint, glance, read_and_parse, save_pages
from .pieces import DiskTemplates, MemoryTemplates, Parts, Reuse

# A content file's digest is taken on trust from its stat only if its last change (ctime)
# came this long before the build that read it: a change within the same tick of a coarse
# file system clock (FAT's is 2 s) could leave the stat as it was. As git's "racy" rule.
SETTLED_NS = 2_000_000_000


@dataclass
class Warm:
    """What a long-running preview keeps from its last good build, so an edit reloads nothing from disk.

    The disk cache holds the same (page entries are still saved); this only saves reading
    and unpickling a thousand entries and every page's pieces on each save.
    """

    parse_env: str = ""  # the entries below were read and converted under this
    entries: dict[str, PageEntry] = field(default_factory=dict)
    parts: dict = field(default_factory=dict)  # pieces.Parts.made: each page's pieces' key and digests
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
    # content file -> page_entries.glance() of its bytes, where they were read for the digest: not the
    # bytes themselves, 180 MiB held through a first build's start at 10,000 realistic pages
    glances: dict = field(default_factory=dict)
    started_ns: int = 0  # when the files began to be read (see SETTLED_NS)


class Memory:
    """What this build knows of the last one, and keeps for the next: the cache, the preview's Warm, or nothing.

    The recipe (builder.build) calls take_stock, up_to_date, session, read_pages, reuse
    and remember in that order; the cache, the packs workers write and every page's
    entry stay in here. Without the cache (`--no-cache`) it remembers nothing.
    """

    def __init__(self, use_cache: bool = True, warm: Warm | None = None):
        self.code = code_digest()
        self.use_cache, self.warm = use_cache, warm
        self.inputs: Inputs | None = None
        self.cache: Cache | None = None
        self.record: BuildRecord | None = None  # the last build's, from the cache or the preview's memory
        self.key = ""  # run_digest() of this build
        self.target: Path | None = None  # the output folder, resolved
        self.packs: Packs | None = None  # where workers write the entries they finish (make_packs)
        self.yaml: yamlfile.Memo | None = None  # what PyYAML made of site.yaml, to keep if the build succeeds
        self.entries: dict[str, PageEntry] = {}
        self.changed: set[str] = set()  # the entries made anew
        self.places: dict[str, tuple] = {}  # where in `packs` workers wrote theirs
        self.pages: list[Page] = []
        self.parts: Parts | None = None
        self.root: Path | None = None  # the site folder
        self.made_cache = False  # this build made the cache folder: removed again unless it succeeds
        self.done = False  # remember() ran: the build succeeded
        self.placed = False  # the output is updated in place (in_place())
        self.moved: set[str] = set()  # folders of the output whose stamp had moved since the last build (written_before)

    def yaml_memo(self, root: Path) -> yamlfile.Memo | None:
        """What PyYAML made of the last good build's site.yaml (yamlfile.Memo), for open_site."""
        self.yaml = yamlfile.Memo(load_yaml_memo(root, self.code)) if self.use_cache else None
        return self.yaml

    def take_stock(self, site: Site, problems: Problems, drafts: bool | None = None, target: Path | None = None) -> None:
        """Digest every input, and find the last build's record (for a build, given its `target`)."""
        warm, self.root = self.warm, site.root
        self.inputs = gather_inputs(site, problems, warm.sources if warm else None, remembered=self.use_cache, code=self.code)
        self.cache = Cache(site.root, self.inputs.code, self.inputs.parse_env) if self.use_cache else None
        if target is not None:
            self.target = target
            self.record = (warm.record if warm and warm.record else self.cache.build_record()) if self.cache else None
            self.key = run_digest(self.inputs, bool(drafts), target)

    def up_to_date(self, problems: Problems) -> BuildRecord | None:
        """The last build's record if nothing changed since and its output is intact (its problems are this build's)."""
        record = self.record
        if record and not problems.errors and record.inputs == self.key and record.out == str(self.target) and output_intact(self.target, record):
            self.keep_yaml()
            return record
        return None

    def session(self) -> "Memory":
        """For a `with` block: it readies the packs workers write into and, on leaving, removes what a failed build made."""
        return self

    def __enter__(self) -> "Memory":
        self.made_cache = self.cache is not None and not self.cache.folder.exists()
        try:
            # Ctrl-C waits until the packs' folder is named here, where __exit__ finds it to remove;
            # the preview keeps whole pages in memory (Warm), a build that ends keeps them only in the cache
            with output.signals_held():
                self.packs = None if self.warm else make_packs(self.cache, self.inputs)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.cache is not None:
            self.cache.piece_packs.close()
        if self.packs is not None and self.cache is None:
            self.packs.close()  # the pieces read from it (Packs.piece)
            shutil.rmtree(self.packs.folder, ignore_errors=True)
        if self.made_cache and not self.done:  # only a successful build writes the cache
            shutil.rmtree(self.cache.folder, ignore_errors=True)

    def in_place(self) -> bool:
        """Whether the last output is updated file by file (the preview's always is) rather than replaced by a new folder."""
        self.placed = bool(self.warm) or bool(self.record and self.record.out == str(self.target) and self.target.is_dir())
        return self.placed

    def read_pages(self, site: Site, problems: Problems, drafts: bool, prepare=None) -> list[Page]:
        """Every page, taken from the last build where its inputs are unchanged, else read and converted (page_entries)."""
        self.pages, self.entries, self.changed, self.places = read_and_parse(
            site, problems, drafts, self.inputs, self.cache, self.warm, self.packs, prepare)
        return self.pages

    def html_of(self, site: Site, page: Page) -> str:
        """A page's body HTML: in memory, in a worker's pack, or in the cache."""
        if page.doc.html is not None:
            return page.doc.html
        entry = self.entries[page.name]
        if page.name in self.places:
            html = self.packs.html(self.places[page.name], entry.source)
        else:
            html = self.cache.html(page.name, entry.source) if self.cache else None
        return html if html is not None else convert_again(site, page, self.pages)

    def reuse(self, site: Site) -> tuple[Reuse, Parts]:
        """What render() may take from the last build: unchanged pages' files, compiled layouts, pages' pieces."""
        record, warm, cache, inputs = self.record, self.warm, self.cache, self.inputs
        reuse = Reuse(
            fingerprints={p.name: fingerprint(self.entries[p.name], inputs.parse_env) for p in self.pages},
            env_key=inputs.render_env,
            previous=previous_output(record, self.target),
            previous_group=previous_group(record, self.target),
            templates=(warm.templates if warm else DiskTemplates(site.root / CACHE_FOLDER / "jinja")) if cache else None,
            layout_names=dict(record.layout_names) if record else {},
            layout_names_key=record.layout_names_key if record else "",
            html=lambda page: self.html_of(site, page),
        )
        if warm and warm.parts:
            previous_parts, stored = warm.parts, lambda: warm.pieces or cache.pieces()
        else:
            previous_parts, stored = (cache.parts(), cache.pieces) if cache else ({}, dict)
        # keys are compared, never shown: two digests side by side do, without hashing them again
        keys = {name: f"{inputs.render_env}:{fp}" for name, fp in reuse.fingerprints.items()}
        readable = cache.piece_packs if cache else self.packs  # the pieces' bytes: this build's workers', the last build's
        self.parts = Parts(keys=keys, previous=previous_parts, stored=stored, packs=self.piece_packs(),
                           read=readable.piece if readable is not None else (lambda place, piece: None))
        return reuse, self.parts

    def piece_packs(self) -> Packs | None:
        """Where render workers write the pieces they make (cache.Packs.append): the cache's, or beside the entries; None for the preview."""
        if self.warm or self.packs is None:
            return None  # the preview keeps every piece in memory (Warm.pieces)
        return self.cache.piece_packs if self.cache else self.packs

    def written_before(self) -> set[str] | None:
        """The files in this output folder as the last build left it, if known; a group of files by its folder ("PAGE/claims/", see output.update).

        The preview's folder is its own: what the last build wrote is all there is. Another
        may have had files added since, found by the folders' stamps (folder_stamps.py).
        """
        record = self.record
        if not record or record.out != str(self.target):
            return None
        if self.warm:
            return set(record.files) | set(record.groups)
        found = folder_stamps.files_since(record.out, record)
        if found is None:
            return None
        before, self.moved = found
        return before

    def remember(self, site: Site, problems: Problems, reuse: Reuse, files: dict) -> None:
        """Save what this successful build made: page entries, and the record and pieces (in memory for the preview)."""
        self.done = True
        if not self.cache:
            return
        parts, inputs = self.parts, self.inputs
        save_pages(self.cache, self.entries, self.changed, lambda page: self.html_of(site, page), self.places)
        records, groups = output_records(self.record, self.target, files, reuse.keys, reuse.groups)
        record = BuildRecord(str(self.target), records, self.key, list(problems), len(self.pages), reuse.layout_names, reuse.layout_names_key,
                             groups)
        if not self.warm:  # the preview's folder is its own: nothing to look for there
            record.folders = folder_stamps.stamps(str(self.target), self.record, self.placed, records, groups, self.moved)
        if self.warm:  # the preview's own folder: its record and pieces stay in memory, not on disk
            self.warm.parse_env, self.warm.entries, self.warm.parts, self.warm.record = inputs.parse_env, self.entries, parts.made, record
            keep_pieces(self.warm, parts)
        else:
            self.cache.store_parts(parts.made, parts.placed(self.cache.piece_packs.append), parts.last_place)
            self.cache.piece_packs.close()
            store_sources(site.root, inputs.code, inputs.started_ns, inputs.known)
            self.cache.store_index(self.entries)
            self.cache.store_build_record(record)
        self.keep_yaml()

    def keep_yaml(self) -> None:
        """Store what PyYAML made of site.yaml, if it made anything new."""
        if self.yaml is not None and self.yaml.changed:
            store_yaml_memo(self.root, self.code, self.yaml.used)


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
                       tree_digest(site.root / "layouts", contents=False), tree_digest(site.root / "static", contents=False),
                       # the catalogs: a claim's panel is written in its page's language when the page is converted (i18n.py)
                       tree_digest(site.root / "locales", contents=True))
    render_env = digest(parse_env, site.base_url, tree_digest(site.root / "layouts", contents=True), tree_digest(site.root / "static", contents=True))
    paths = page_paths(site, problems)
    if known is None:
        known = settled_sources(site.root, code) if remembered else {}
    sources, glances = {}, {}
    for path in paths:
        sources[content_name(site, path)] = source_digest(path, known, glances)
    return Inputs(code, parse_env, render_env, paths, sources, known={str(path): known[str(path)] for path in paths if str(path) in known},
                  glances=glances, started_ns=started_ns)


def source_digest(path: Path, known: dict | None, glances: dict | None = None) -> str:
    """The digest of a content file's bytes; "" if it cannot be read (read_page reports why).

    With `known` (str(path) -> (stat, digest): the preview's, or settled_sources()), a file whose
    size, times and inode are as they were is not read again; the preview's watcher goes by
    the same stat. With `glances`, what guessed_slugs needs of the bytes read is kept there.
    """
    try:
        st = os.stat(path)
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        key = str(path)  # str keys: making and hashing a Path per page would grow an edit's cost with the site
        if known is not None and key in known and known[key][0] == stamp:
            return known[key][1]
        data = path.read_bytes()
        value = digest(data)
    except OSError:
        return ""
    if glances is not None:
        glances[path] = glance(data)
    if known is not None:
        known[key] = (stamp, value)
    return value


def settled_sources(root: Path, code: str) -> dict:
    """The content files' digests the last build recorded (cache.load_sources), those whose stat can be trusted."""
    found = load_sources(root, code)
    if not found:
        return {}
    started, known = found
    return {path: (stamp, value) for path, (stamp, value) in known.items() if stamp[2] < started - SETTLED_NS}


def run_digest(inputs: Inputs, drafts: bool, out: Path) -> str:
    """Everything a build's output and messages depend on, today's date included (stale claims)."""
    return digest(inputs.render_env, repr(sorted(inputs.sources.items())), str(drafts), str(out), dt.date.today().isoformat())


def make_packs(cache: Cache | None, inputs: Inputs) -> Packs | None:
    """Where workers write the entries they finish (cache.Packs): the cache's, or a temporary folder; None if neither can be made."""
    try:
        if cache is not None:
            cache.packs.folder.mkdir(parents=True, exist_ok=True)
            return cache.packs
        return Packs(Path(tempfile.mkdtemp(prefix="explainers-packs-")), inputs.code, inputs.parse_env)
    except OSError:  # a read-only site: the pages keep their HTML in memory instead
        return None


def output_records(last: BuildRecord | None, target: Path, files: dict, keys: dict[str, str],
                   groups: dict[str, tuple[str, str]]) -> tuple[dict, dict]:
    """Each output file's render key and stat, and each group's (cache.GroupRecord), for the next build.

    A file reused as it was keeps its record, unread; so does a group kept whole (output.Kept).
    """
    same = last is not None and last.out == str(target)
    old, old_groups = (last.files, last.groups) if same else ({}, {})
    folder = str(target)
    grouped, group_records = set(), {}
    for name, (key, listed) in groups.items():
        kept = old_groups.get(name)
        if isinstance(files.get(name), output.Kept) and kept is not None and kept.key == key:
            group_records[name] = kept
        else:
            group_records[name] = GroupRecord((key, listed, group_stamp(folder, name, listed)))
            if not isinstance(files.get(name), output.Group):  # its files are entries of their own
                grouped.update(listed.split("\n"))
    records = {}
    for rel, data in files.items():
        if isinstance(data, output.Written) and rel not in group_records:  # not made under a key: its files one by one
            records.update((name, stat_record(target / name, "")) for name in data.names)
        if rel in grouped or isinstance(data, output.Group):
            continue
        key, kept = keys.get(rel, ""), old.get(rel)
        # SAME, or a Path into the output: a file previous_output() found as that record says
        if kept is not None and kept.key == key and (data is output.SAME or isinstance(data, Path) and str(data) == f"{folder}/{rel}"):
            records[rel] = kept
        else:
            records[rel] = stat_record(target / rel, key)
    return records, group_records


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

    def lookup(rel: str, key: str) -> output.Same | None:
        if record is None or record.out != folder:
            return None
        entry = record.files.get(rel)
        # a plain string path: a Path made per page would grow an edit's cost with the site
        if entry is None or not entry.key or entry.key != key or not unchanged(f"{folder}/{rel}", entry):
            return None
        return output.SAME

    return lookup


def previous_group(record: BuildRecord | None, out: Path):
    """A lookup (folder, render key) -> the last output's group of files there (output.Kept) to reuse, or None."""

    folder = str(out)

    def lookup(name: str, key: str) -> output.Kept | None:
        if record is None or record.out != folder:
            return None
        group = record.groups.get(name)
        if group is None or not group.key or group.key != key or not group_unchanged(folder, name, group):
            return None
        return output.Kept(group.files)

    return lookup
