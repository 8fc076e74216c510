"""The build cache in SITE/.cache/: what each page became, and what the last output holds.

Nothing here is trusted blindly. Every entry carries the digest of the inputs it was made
from; the whole cache carries the digest of the builder's own code. A file that cannot be
read, unpickled, or that has another version or code digest is ignored (and later
overwritten), so a corrupt or stale cache costs time, never correctness.

    packs/*.pack               one PageEntry per content file (front matter, problems, what
                               PyYAML made of the front matter), pickled without the body's
                               HTML, which follows it as UTF-8, many to a file (see Packs);
                               places.pickle says where each one is
    build.pickle               the last build: output folder, run digest and problems, for a
                               rebuild where nothing changed; build-files, build-groups and
                               build-folders.pickle (layered) each output file's render key and
                               stat, each group's, each folder's stamp (RECORD_LAYERS)
    sources.pickle             each content file's stat and digest, and when that build began
                               to read them: a file whose stat is as it was is not read again
    yaml.pickle                what PyYAML made of site.yaml (yamlfile.Memo), so a build whose
                               site.yaml is unchanged does not import PyYAML
    parts.pickle               each page's pieces of the site-wide files (pieces.Parts): their
                               key and digests; pieces.pickle says where their bytes are, in
                               pieces/*.pack (Packs.append), read only when a site-wide file
                               must be joined again
    index.pickle               every page's entry with a model.PageStub for its page: what
                               an edit reads of the pages it does not convert or render
    *-changes.pickle           what changed in a layered file (parts, pieces, index, places, the
                               build record's three) since that
                               file was written (see Cache.layered): an edit writes its few
                               pages' worth, not every page's pieces again
    jinja/                     compiled layouts (pieces.DiskTemplates)

The module is the whole on-disk format, each reader beside its writer (record headers,
layered files, packs), so that neither side of a file changes without the other: that
is what its length (about 650 lines, over the ~400 guideline) buys. Split by file, a
reader would sit in one module and its writer's record format in another.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import operator
import os
import pickle
import secrets
import sys
from typing import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .model import Page, PageStub, Problem

VERSION = 9
FOLDER = ".cache"


def digest(*parts: bytes | str) -> str:
    """A short hex digest of several byte or text parts, each length-prefixed so they cannot run together.

    SHA-256, cut to 128 bits: processors hash it in hardware, faster than BLAKE2, and a
    full build digests every page file and every piece.
    """
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


def code_digest() -> str:
    """The digest of the builder's code: every .py of the package, the pinned libraries, Python; any change invalidates the cache."""
    import jinja2
    import markdown

    folder = Path(__file__).resolve().parent
    # the libraries' versions as pinned (requirements.txt beside the package) and as running
    # (Markdown's and Jinja2's, imported anyway): converted pages and layouts come from them
    pinned = folder.parent / "requirements.txt"
    parts: list[bytes | str] = [str(VERSION), sys.version, markdown.__version__, jinja2.__version__,
                                pinned.read_bytes() if pinned.is_file() else b""]
    for path in sorted(folder.rglob("*.py")):
        parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def tree_digest(folder: Path, contents: bool) -> str:
    """The digest of a folder's file names (and their bytes when `contents`)."""
    parts: list[bytes | str] = []
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                parts.append(path.relative_to(folder).as_posix())
                if contents:
                    parts.append(path.read_bytes())
    return digest(*parts)


@dataclass
class PageEntry:
    """What one content file became, and the inputs it was made from."""

    source: str  # digest of the file's bytes
    read_problems: list[Problem]
    page: Page | None  # None when the file could not be used at all
    parsed: bool = False  # page.doc and the notes are filled in
    note_problems: list[Problem] = field(default_factory=list)
    convert_problems: list[Problem] = field(default_factory=list)
    # what the body looked up while converting: content path -> convert.slug_dep();
    # the key ALL_SLUGS (with the digest of the table) when it read the whole table
    slug_deps: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""  # digest of everything the converted page was made from (page_entries.fingerprint), once made
    # what PyYAML made of the front matter, when the line reader gave up on it (yamlfile.Memo.packed):
    # a body edit then reads the same front matter without importing PyYAML. Only the whole
    # entry (Cache.entry) keeps it, which a changed file's reading loads anyway; not the site index.
    front: bytes | None = None

    def stubbed(self) -> PageEntry:
        """This entry of a converted page with its page as a stub (model.PageStub), as the site index keeps it."""
        if isinstance(self.page, PageStub):
            return self
        return replace(self, page=PageStub.of(self.page), front=None)


ALL_SLUGS = "*"


class OutputRecord(tuple):
    """One file of the last output: the key of what it was rendered from, and its stat then; made as OutputRecord((key, size, mtime_ns, inode)).

    The build record holds one for each file not in a group, and every edit loads and stores
    it whole: as a tuple (pickled and unpickled in C), not a dataclass (an object built in
    Python each), a record of 3,000 files loads in a third of the time (bench/README).
    """

    __slots__ = ()
    key: str = property(operator.itemgetter(0))
    size: int = property(operator.itemgetter(1))
    mtime_ns: int = property(operator.itemgetter(2))
    inode: int = property(operator.itemgetter(3))


class GroupRecord(tuple):
    """Files of the last output kept or replaced together (a page's claim pages and embeds), under one folder; GroupRecord((key, files, stamp)).

    Their reuse is decided once, by the key they were rendered under and one stamp of the
    folder and its first file (group_stamp), not a stat per file: a one-page edit must not
    cost a stat for each of the site's 40,000 claim files. A tuple, as OutputRecord is.
    """

    __slots__ = ()
    key: str = property(operator.itemgetter(0))
    # the files, relative to the output folder, one a line: one string, not 40,000, to pickle and load on every edit
    files: str = property(operator.itemgetter(1))
    stamp: tuple = property(operator.itemgetter(2))  # group_stamp() when they were written

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.files.split("\n")) if self.files else ()


# The build record's dicts of an entry per file, group or folder of the output, each layered
# (Cache.layered): a one-page edit changes a handful of entries, and storing the whole record
# again (2.3 MB at 1,000 pages) cost more than anything else the edit stored.
RECORD_LAYERS = ("files", "groups", "folders")


@dataclass
class BuildRecord:
    """The last successful build, so an unchanged rebuild can stop early."""

    out: str
    files: dict[str, OutputRecord]  # every file not in a group
    inputs: str  # digest of every input of that run (see incremental.run_digest)
    problems: list[Problem]
    page_count: int
    layout_names: dict = field(default_factory=dict)  # pieces.Reuse.layout_names, found under layout_names_key
    layout_names_key: str = ""
    groups: dict[str, GroupRecord] = field(default_factory=dict)  # by the folder they are in ("PAGE/claims/")
    folders: dict[str, tuple] = field(default_factory=dict)  # each folder's stamp, but those in groups (folder_stamps.py)


def load_file(path: Path | str, code: str, env: str, kind: type, rest: bool = False):
    """A pickled object of the given type, or None when missing, corrupt or stale; with `rest`, also the bytes after it.

    The file is a small header (format version, code and input digests, length and digest
    of the bytes after the object), the object, then those bytes. A stale header is
    refused before the object is unpickled, so a cache made by other code costs little.
    """
    try:
        with open(path, "rb") as f:
            payload, after = read_record(f, os.fstat(f.fileno()).st_size, code, env, kind, rest)
    except OSError:
        payload, after = None, b""
    return (payload, after) if rest else payload


def read_record(f, end: int, code: str, env: str, kind: type, rest: bool) -> tuple[object | None, bytes]:
    """The object of the record at f's position, ending at `end`, and with `rest` the bytes after it (see load_file)."""
    try:
        version, made_by, made_in, size, check, _ = pickle.load(f)
        if version != VERSION or made_by != code or made_in != env:
            return None, b""
        payload = pickle.load(f)
        # a file cut short (a full disk, a killed copy) loses its tail: the sizes tell
        whole = end - f.tell() == size
        after = f.read(size) if rest else b""
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError, pickle.UnpicklingError, MemoryError):
        return None, b""
    if not isinstance(payload, kind) or not whole or (rest and digest(after) != check):
        return None, b""
    return payload, after


def read_after(f, end: int, code: str, env: str, tag: str) -> bytes | None:
    """Only the bytes after the object of the record at f's position, ending at `end`, if its header has this tag.

    The object is not unpickled: a render worker wants a page's HTML, not its whole entry.
    """
    try:
        version, made_by, made_in, size, check, made_for = pickle.load(f)
        if version != VERSION or made_by != code or made_in != env or made_for != tag or size > end - f.tell():
            return None
        f.seek(end - size)
        after = f.read(size)
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError, pickle.UnpicklingError, MemoryError):
        return None
    return after if len(after) == size and digest(after) == check else None


def write_record(f, code: str, env: str, payload, after: bytes, tag: str = "") -> None:
    """Write a record: the header (with a tag saying what the bytes after are of), the object, the bytes after it (see load_file)."""
    pickle.dump((VERSION, code, env, len(after), digest(after), tag), f, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
    f.write(after)


def store_file(path: Path | str, code: str, env: str, payload, after: bytes = b"") -> None:
    """Write atomically (temp file, then rename), so a killed build leaves no half file; ignore a read-only site."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            write_record(f, code, env, payload, after)
        os.replace(tmp, path)
    except OSError:
        pass


def load_sources(root: Path, code: str) -> tuple[int, dict] | None:
    """What the last successful build recorded of the content files: (when it began reading, {path: (stat, digest)})."""
    found = load_file(root / FOLDER / "sources.pickle", code, "", tuple)
    return found if found is not None and len(found) == 2 else None


def store_sources(root: Path, code: str, started_ns: int, known: dict) -> None:
    """Record the content files' stats and digests, for the next build's gather_inputs."""
    store_file(root / FOLDER / "sources.pickle", code, "", (started_ns, dict(known)))


def load_yaml_memo(root: Path, code: str) -> dict:
    """What PyYAML made of texts in the last successful build (yamlfile.Memo's), or {}."""
    return load_file(root / FOLDER / "yaml.pickle", code, "", dict) or {}


def store_yaml_memo(root: Path, code: str, used: dict) -> None:
    """Keep what PyYAML made of this build's texts, for the next (see yamlfile.Memo)."""
    store_file(root / FOLDER / "yaml.pickle", code, "", used)


def store_base(path: Path, code: str, env: str, token: str, data: dict) -> None:
    """Write a layered file's base atomically: the header, (token, size), then the dict, so the head reads alone."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            pickle.dump((VERSION, code, env, 0, digest(b""), ""), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump((token, len(data)), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


def load_base(path: Path, code: str, env: str, head_only: bool) -> tuple[str, int, dict | None] | None:
    """A layered file's base: (token, size, the dict or None with `head_only`); None when missing, corrupt or stale."""
    try:
        with open(path, "rb") as f:
            version, made_by, made_in, _, _, _ = pickle.load(f)
            if version != VERSION or made_by != code or made_in != env:
                return None
            token, size = pickle.load(f)
            if head_only:
                return token, size, None
            data = pickle.load(f)
            whole = f.read(1) == b""
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError, pickle.UnpicklingError, MemoryError):
        return None
    if not isinstance(token, str) or not isinstance(data, dict) or not whole:
        return None
    return token, size, data


class Cache:
    """The cache folder of one site, checked against the builder's code digest."""

    def __init__(self, root: Path, code: str, env: str):
        self.folder = root / FOLDER
        self.code = code
        self.env = env  # digest of everything besides the page itself that reading or parsing a page depends on
        self.bases: dict[str, tuple[str, dict, int]] = {}  # layered file -> (its base's token, the changes read, size)
        self.given: dict[str, dict] = {}  # layered file -> the dict layered() returned, to tell what changed
        self.packs = Packs(self.folder / "packs", code, env)
        self.piece_packs = Packs(self.folder / "pieces", code, env)  # the pieces' bytes (Packs.append)
        self.where: dict | None = None  # places(), once read

    def _load(self, path: Path | str, kind: type, rest: bool = False):
        """A pickled object of the given type, or None when missing, corrupt or stale; with `rest`, also the bytes after it."""
        return load_file(path, self.code, self.env, kind, rest)

    def _store(self, path: Path | str, payload, after: bytes = b"") -> None:
        """Write atomically (temp file, then rename), so a killed build leaves no half file; ignore a read-only site."""
        store_file(path, self.code, self.env, payload, after)

    def places(self) -> dict[str, tuple[str, int, int]]:
        """Where each content file's entry is: {name: (pack, offset, length)} (read once)."""
        if self.where is None:
            self.where = self.layered("places")
        return self.where

    def page(self, name: str, source: str) -> PageEntry | None:
        """The cached entry of a content file, if it was made from exactly these bytes; its page's doc.html is None (see html)."""
        entry = self.entry(name)
        return entry if entry is not None and entry.source == source else None

    def entry(self, name: str) -> PageEntry | None:
        """The cached entry of a content file, whatever bytes it was made from (its page's doc.html None, as page() gives it)."""
        place = self.places().get(name)
        return self.packs.read(place, rest=False)[0] if place else None

    def html(self, name: str, source: str) -> str | None:
        """The body HTML stored with a content file's entry, if the entry is still the one for these bytes."""
        place = self.places().get(name)
        return self.packs.html(place, source) if place and source else None

    def store_places(self, new: dict[str, tuple[str, int, int]], names: set[str]) -> None:
        """Record where the entries written in this build are (`new`), forget files not in `names`, and remove packs no entry is in."""
        known = self.places()
        changes = {**new, **dict.fromkeys(set(known) - names)}
        self.where = {name: place for name, place in {**known, **new}.items() if name in names}
        self.store_layered("places", changes, lambda: self.where)
        self.packs.prune({place[0] for place in self.where.values()})

    def layered(self, stem: str, head_only: bool = False) -> dict:
        """A dict kept as a base file and a file of the changes made since (see store_layered); {} if none.

        With `head_only`, only what store_layered needs to add changes is read, not the dict.
        """
        base = load_base(self.folder / f"{stem}.pickle", self.code, self.env, head_only)
        if base is None:
            return {}
        token, size, data = base
        changes = self._load(self.folder / f"{stem}-changes.pickle", tuple)
        if changes is None or len(changes) != 2 or changes[0] != token:  # made on another base: not ours
            changes = (token, {})
        self.bases[stem] = (token, changes[1], size)
        if head_only:
            return {}
        for key, value in changes[1].items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        self.given[stem] = dict(data)
        return data

    def store_layered(self, stem: str, changes: dict, whole: Callable[[], dict]) -> None:
        """Store what changed (a value None: the key went) beside the base read by layered(), or all of `whole()` afresh.

        Once the changes add up to an eighth of the whole, the base is written again.
        """
        token, earlier, size = self.bases.get(stem, ("", {}, 0))
        if token:
            merged = {**earlier, **changes}
            if len(merged) <= max(16, size // 8):
                self._store(self.folder / f"{stem}-changes.pickle", (token, merged))
                self.bases[stem] = (token, merged, size)
                return
        data = whole()
        token = secrets.token_hex(8)
        store_base(self.folder / f"{stem}.pickle", self.code, self.env, token, data)
        with contextlib.suppress(OSError):  # made on the old base: ignored if left (its token is not this one)
            os.unlink(self.folder / f"{stem}-changes.pickle")
        self.bases[stem] = (token, {}, len(data))

    def index(self) -> dict:
        """The last build's entries with stubs for pages (model.PageStub), by content file: {name: PageEntry}."""
        return self.layered("index")

    def store_index(self, entries: dict[str, PageEntry]) -> None:
        """Store every content file's entry, pages as stubs: those not as index() gave them; an entry of a page not converted is left out."""
        given = self.given.get("index", {})
        changed = {name for name, entry in entries.items() if given.get(name) is not entry} | (set(given) - set(entries))
        stubs = {name: entry.stubbed() for name, entry in entries.items() if entry is not None and entry.page is not None and entry.parsed}
        self.store_layered("index", {name: stubs.get(name) for name in changed}, lambda: stubs)

    def build_record(self) -> BuildRecord | None:
        """The last build's record: its few fields in build.pickle, its three large dicts layered (RECORD_LAYERS)."""
        record = self._load(self.folder / "build.pickle", BuildRecord)
        if record is not None:
            for part in RECORD_LAYERS:
                setattr(record, part, self.layered(f"build-{part}"))
        return record

    def store_build_record(self, record: BuildRecord) -> None:
        """Store a build's record: what changed in its large dicts since build_record() (the entries that are not the same objects), then the rest.

        Every decision taken from the record is checked against the output's own stats, so a
        build killed between these writes leaves files that are rendered again, never trusted.
        """
        for part in RECORD_LAYERS:
            new, old = getattr(record, part), self.given.get(f"build-{part}", {})
            changes = {name: value for name, value in new.items() if old.get(name) is not value}
            changes.update(dict.fromkeys(old.keys() - new.keys()))
            self.store_layered(f"build-{part}", changes, lambda new=new: new)
        self._store(self.folder / "build.pickle", replace(record, **{part: {} for part in RECORD_LAYERS}))

    def parts(self) -> dict:
        """The last build's pieces of site-wide files, by page: {name: (key, {piece: digest})}; their bytes are where pieces() says."""
        return self.layered("parts")

    def pieces(self) -> dict:
        """Where the bytes of the last build's pieces are, by page: {name: (key, place in piece_packs)} (Packs.append)."""
        return self.layered("pieces")

    def store_parts(self, made: dict, kept: dict, last: Callable[[str], tuple | None]) -> None:
        """Store every page's pieces (pieces.Parts.made): digests not as parts() gave them, and where the bytes are.

        `kept` gives (key, place) or None for the pages whose pieces were made in this build,
        `last(name)` that of the others, as the last build left it. Packs no page's pieces
        are in are removed when the whole of pieces.pickle is written again (not on every edit).
        """
        given = self.given.get("parts", {})
        changed = {name for name, value in made.items() if name not in given or given[name][0] != value[0] or given[name][1] != value[1]}
        gone = set(given) - set(made)
        self.store_layered("parts", {name: made.get(name) for name in changed | gone}, lambda: made)
        if "pieces" not in self.bases:
            self.layered("pieces", head_only=True)

        def whole() -> dict:
            found = {name: value for name in made if (value := kept[name] if name in kept else last(name)) is not None}
            self.piece_packs.prune({value[1][0] for value in found.values()})
            return found
        self.store_layered("pieces", {**kept, **dict.fromkeys(gone)}, whole)


class Packs:
    """Page entries, each with its body's HTML after it, written many to a file (a pack).

    A worker that converts a batch of pages writes their entries in one pack and sends the
    pages back without their HTML (parallel.parse_pages); the render workers read it from
    there. Making a file costs about as much as reading a page's front matter, so a
    batch of pages makes one pack, not a file a page.
    Where each entry is, (pack, offset, length), is the caller's to keep (Cache.places).
    Packs of a failed build are referenced by nothing and removed by a later one (prune).
    The pieces of site-wide files go the same way, into packs of their own (append, piece).
    """

    def __init__(self, folder: Path, code: str, env: str):
        self.folder, self.code, self.env = folder, code, env
        self.open: tuple | None = None  # (pid, pack, file, [its size]) this process appends to (append)
        self.readers: dict[str, int] = {}  # pack -> a descriptor open for reading pieces (piece)

    def write(self, records: list[tuple[str, PageEntry, str | None]]) -> dict[str, tuple[str, int, int]]:
        """Write (content file, entry, HTML) records into one new pack; where each is, or {} if it cannot be written."""
        buffer, places = io.BytesIO(), {}
        name = f"{secrets.token_hex(6)}-{os.getpid()}.pack"  # the writer's id: prune leaves a running build's packs
        for page_name, entry, html in records:
            start = buffer.tell()
            # the tag lets html() check a record is that of the page's bytes without unpickling the entry
            write_record(buffer, self.code, self.env, entry, (html or "").encode("utf-8"), entry.source if entry.parsed else "")
            places[page_name] = (name, start, buffer.tell() - start)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{name}"
            tmp.write_bytes(buffer.getbuffer())
            os.replace(tmp, self.folder / name)
        except OSError:
            return {}
        return places

    def read(self, place: tuple[str, int, int], rest: bool) -> tuple[PageEntry | None, bytes]:
        """The entry at a place, and with `rest` its HTML as bytes; (None, b"") if missing or damaged."""
        pack, start, length = place
        try:
            with open(self.folder / pack, "rb") as f:
                f.seek(start)
                return read_record(f, start + length, self.code, self.env, PageEntry, rest)
        except (OSError, ValueError):
            return None, b""

    def html(self, place: tuple[str, int, int], source: str) -> str | None:
        """The HTML stored at a place, if its entry is that of a converted page of these bytes (`source`)."""
        pack, start, length = place
        try:
            with open(self.folder / pack, "rb") as f:
                f.seek(start)
                data = read_after(f, start + length, self.code, self.env, source)
        except (OSError, ValueError):
            return None
        return data.decode("utf-8") if data is not None else None

    def append(self, pieces: dict[str, bytes]) -> tuple | None:
        """Add a page's pieces to this process's own pack, as they are; where: (pack, offset, ((piece, length), ...)), or None.

        A render worker writes the pieces of every page it renders into one pack this way,
        and sends back only where they are (pieces.Parts.pack): the build's process then
        holds no page's pieces but those it joins, one file at a time. The digests the
        pieces are kept under (pieces.Parts.made) tell a damaged or replaced pack.
        """
        if not pieces:
            return None
        names = tuple(pieces)
        data = b"".join(pieces[name] for name in names)
        try:
            if self.open is None or self.open[0] != os.getpid():  # a forked worker opens its own
                self.folder.mkdir(parents=True, exist_ok=True)
                name = f"{secrets.token_hex(6)}-{os.getpid()}.pack"
                self.open = (os.getpid(), name, open(self.folder / name, "ab", buffering=0), [0])
            _, name, f, size = self.open
            start = size[0]
            f.write(data)  # unbuffered: in the file before the parent is told where
            size[0] += len(data)
        except OSError:
            return None
        return name, start, tuple((piece, len(pieces[piece])) for piece in names)

    def piece(self, place: tuple, piece: str) -> bytes | None:
        """One piece's bytes at a place Packs.append gave, or None (not there, or the pack is gone or short)."""
        pack, start, lengths = place
        for name, length in lengths:
            if name == piece:
                break
            start += length
        else:
            return None
        try:
            fd = self.readers.get(pack)
            if fd is None:
                fd = self.readers[pack] = os.open(self.folder / pack, os.O_RDONLY)
            data = os.pread(fd, length, start)
        except (OSError, ValueError):
            return None
        return data if len(data) == length else None

    def close(self) -> None:
        """Close the pack this process appends to and those it reads; the next append starts a new pack."""
        if self.open is not None and self.open[0] == os.getpid():
            self.open[2].close()
        self.open = None
        for fd in self.readers.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self.readers = {}

    def prune(self, live: set[str]) -> None:
        """Remove the packs no entry is in, except those a running build is writing."""
        from .output import owner_running  # output's rule for a running build's folders
        for path in self.folder.glob("*.pack") if self.folder.is_dir() else []:
            if path.name not in live and not owner_running(path.with_suffix("")):
                path.unlink(missing_ok=True)


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while loading many objects that hold no cycles.

    Unpickling a thousand entries allocates a million objects, and each few hundred
    allocations set off a collection that walks them all again, for nothing. What was
    loaded lives on, so it is frozen (gc.freeze) before collection resumes: else the first
    allocation after it walks them all once more (builder.finish thaws them).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def stat_record(path: Path, key: str) -> OutputRecord:
    st = path.stat()
    return OutputRecord((key, st.st_size, st.st_mtime_ns, st.st_ino))


def unchanged(path: Path | str, record: OutputRecord) -> bool:
    """True when a file of the last output is still exactly as that build left it."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns, st.st_ino) == record[1:]


def group_stamp(out: str, folder: str, files: str) -> tuple:
    """What tells a group of output files is as it was written: its folder's and its first file's stat.

    A file added to or removed from the folder changes its time; a file rewritten in place
    is caught only if it is the first. Trusted that far, as a page's own file is trusted
    by its stat without being read.
    """
    try:
        top = os.stat(f"{out}/{folder}")
        first = os.stat(f"{out}/{files.split(chr(10), 1)[0]}") if files else top
    except OSError:
        return ()
    return (top.st_mtime_ns, top.st_ino, first.st_size, first.st_mtime_ns, first.st_ino)


def group_unchanged(out: str, folder: str, record: GroupRecord) -> bool:
    """True when a group of the last output is still as that build left it (as far as group_stamp tells)."""
    return bool(record.stamp) and group_stamp(out, folder, record.files) == record.stamp


def output_intact(out: Path, record: BuildRecord) -> bool:
    """True when the output folder holds exactly the files of the last build, each untouched (each group, as group_stamp tells).

    With the folders' stamps (folder_stamps.py), a stat of each folder tells that no file
    was added or taken away, where listing them all cost a scandir a folder and an object a file.
    """
    from .folder_stamps import stamp
    from .output import files_in  # output's listing of a folder

    folder = str(out)
    if record.folders:
        return (all(stamp(f"{folder}/{name}") == was for name, was in record.folders.items())
                and all(unchanged(f"{folder}/{rel}", entry) for rel, entry in record.files.items())
                and all(group_unchanged(folder, name, group) for name, group in record.groups.items()))
    try:
        found = files_in(out, skip=set(record.groups))
    except OSError:
        return False
    return (len(found) == len(record.files) and all(rel in record.files and unchanged(f"{folder}/{rel}", record.files[rel]) for rel in found)
            and all(group_unchanged(folder, name, group) for name, group in record.groups.items()))
