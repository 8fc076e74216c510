"""What render() keeps between builds: Reuse (the last output's files, by key), the pieces of site-wide files (Parts), compiled layouts.

A piece is made once per version of its page (render.make_pieces, in the page's render
worker) and kept in the cache (cache.parts); the site-wide files (home page, ledger,
feeds) are joined from stand-ins for them (Parts.splice).
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup

from . import output
from .cache import digest as cache_digest
from .model import Page


@dataclass
class Reuse:
    """Lets render() link a page from the last output instead of rendering it again."""

    fingerprints: dict[str, str]  # page.name -> digest of everything the page was made from
    env_key: str  # digest of the code, site.yaml, templates and static files
    previous: Callable[[str, str], output.Same | None]  # (output path, key) -> output.SAME when the last output's file there is still valid
    keys: dict[str, str] = field(default_factory=dict)  # filled in: output path -> key it was made with
    # (folder, key) -> the last output's group of files in that folder made under that key (output.Kept), or None
    previous_group: Callable[[str, str], output.Kept | None] = lambda folder, key: None
    groups: dict[str, tuple[str, str]] = field(default_factory=dict)  # filled in: folder -> (key, its files one a line)
    rendered: int = 0
    # compiled templates kept between builds (jinja2 checks each against its source)
    templates: jinja2.BytecodeCache | None = None
    # layout -> the SHARED names it reads, as found under env_key; kept between builds
    layout_names: dict[str, frozenset[str]] = field(default_factory=dict)
    layout_names_key: str = ""
    # a page's HTML where a worker left it out of the page (see parallel.parse_pages)
    html: Callable[[Page], str] = lambda page: page.doc.html


class DiskTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the site's .cache/jinja/; a folder that cannot be written only costs time."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.folder = folder

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


class MemoryTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, for the preview's builds (the command line keeps them in .cache/jinja/)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


@dataclass
class Parts:
    """Pieces of the site-wide files that come from one page: its home card, ledger rows, claims.json lines, feed and sitemap entries.

    They are kept between builds (cache.parts) under a key of everything the page and the
    templates were made from, so a one-page edit makes that page's pieces again and joins
    the rest as they were, instead of rendering 20,000 ledger rows for one changed page.

    Pieces are UTF-8 bytes. A template gets a short stand-in for each (`stand_in`), and
    `splice` puts the bytes in place of the stand-ins in the rendered text: Jinja2 builds
    its output as one str, and joining and encoding a large ledger that way on every
    preview save costs many times joining bytes.

    What is kept of each page is its key and its pieces' digests (`made`); the bytes are
    kept apart (`stored`, loaded on first need). A site-wide file whose text around the
    stand-ins and whose pieces' digests are those of the last build's file is that file
    again (splice's `reuse`): a one-page edit that leaves the page's ledger rows as they
    were neither loads every page's pieces nor joins and writes the ledger and claims.json.
    """

    keys: dict[str, str] = field(default_factory=dict)  # page.name -> key of its pieces; empty: keep nothing
    previous: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # the last build's (key, {piece: digest}), by page.name
    # loads the last build's bytes: {page.name: (key, {piece: bytes})} (the preview's), or where they are,
    # {page.name: (key, place)} (the cache's, cache.Packs.append), read by read(place, piece)
    stored: Callable[[], dict] = dict
    read: Callable[[tuple, str], bytes | None] = lambda place, piece: None
    packs: object = None  # cache.Packs a render worker writes its pages' pieces into (pack), or None: they travel as bytes
    made: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # this build's
    texts: dict[str, dict[str, bytes]] = field(default_factory=dict)  # page.name -> {piece: bytes} made in this process in this build
    places: dict[str, tuple] = field(default_factory=dict)  # page.name -> where a worker put the pieces it made in this build
    fresh: set[str] = field(default_factory=set)  # pages with pieces made in this build
    held: list[tuple[Page, str, Callable[[], str]]] = field(default_factory=list)  # pieces standing in the text being rendered
    bulk: dict | None = None  # what stored() gave, once asked
    # a fresh nonce per build, so no text a writer can type matches a stand-in
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))

    def keep(self, page: Page) -> dict[str, str]:
        """The digests of a page's pieces in this build: the last build's while its key still matches (kept for the next)."""
        if page.name not in self.made:
            key = self.keys.get(page.name, "")
            old = self.previous.get(page.name)
            self.made[page.name] = (key, dict(old[1]) if key and old and old[0] == key else {})
        return self.made[page.name][1]

    def get(self, page: Page, name: str, make: Callable[[], str]) -> str:
        """The digest of the named piece of a page: the last build's if its key still matches, else made now."""
        digests = self.keep(page)
        if name not in digests:
            self.put(page.name, name, make().encode("utf-8"))
        return digests[name]

    def put(self, page_name: str, name: str, data: bytes) -> None:
        """Record a piece's bytes made in this build (by this process or a worker)."""
        self.made[page_name][1][name] = cache_digest(data)
        self.texts.setdefault(page_name, {})[name] = data
        self.fresh.add(page_name)

    def data(self, page: Page, name: str, make: Callable[[], str]) -> bytes:
        """The bytes of a piece get() gave the digest of: made in this build, or read now from where they were put.

        What is read is not kept: a build of 10,000 pages joins every page's pieces once or
        twice, and keeping them all was 540 MiB.
        """
        made = self.texts.get(page.name, {}).get(name)
        if made is not None:
            return made
        found = self.loaded(page.name, name)
        if found is None:  # gone, damaged, or the two files of the cache disagree: make it again
            self.put(page.name, name, make().encode("utf-8"))
            return self.texts[page.name][name]
        return found

    def loaded(self, page_name: str, name: str) -> bytes | None:
        """A piece of a page as a worker of this build or the last build left it, if its digest is the one recorded."""
        key, digests = self.made[page_name]
        place = self.places.get(page_name)
        found = self.read(place, name) if place is not None else None
        if found is None:
            if self.bulk is None:
                self.bulk = self.stored()
            old_key, old = self.bulk.get(page_name, ("", {}))
            if old_key != key:
                return None
            found = old.get(name) if isinstance(old, dict) else self.read(old, name)
        return found if found is not None and name in digests and cache_digest(found) == digests[name] else None

    def pack(self, page: Page, made: tuple[dict[str, str], dict[str, bytes]]) -> tuple[dict[str, str], dict[str, bytes] | tuple | None]:
        """In a render worker: the page's pieces made now written into `packs`; their digests and where they went, to send back."""
        digests, texts = made
        place = self.packs.append(texts) if texts else None
        if place is None:
            return digests, texts
        self.texts.pop(page.name, None)  # a worker renders thousands of pages: it keeps none of their pieces
        self.fresh.discard(page.name)
        return digests, place

    def arrived(self, page: Page, made: tuple[dict[str, str], dict[str, bytes] | tuple | None]) -> None:
        """What render_one gave of a page's pieces, here or from a worker: their digests, and the bytes made or where they are."""
        digests, texts = made
        self.made[page.name] = (self.keys.get(page.name, ""), digests)
        if isinstance(texts, tuple):
            self.places[page.name] = texts
            self.fresh.add(page.name)
        elif texts:
            self.texts[page.name] = texts
            self.fresh.add(page.name)

    def stand_in(self, page: Page, name: str, make: Callable[[], str]) -> Markup:
        """A stand-in for the piece, to be output as it is by the template and replaced by splice()."""
        self.get(page, name, make)
        self.held.append((page, name, make))
        return Markup(f"\x02{self.nonce}:{len(self.held) - 1}\x03")

    def splice(self, text: str, reuse: Callable[[str], object] | None = None, into: Path | None = None) -> bytes | Path | output.Same:
        """The rendered text as UTF-8, with each stand-in replaced by its piece; with `into`, written there, and that Path.

        With `reuse` (key -> the last output's file made under that key, or None), the text
        between stand-ins and the pieces' digests make the key; a file found is returned as is.
        Written piece by piece, a file holds no more than one piece in memory: the ledger of
        10,000 explainers (175 MB) joined as bytes was twice that at once.
        """
        if not self.held and into is None:
            return text.encode("utf-8")
        chunks = re.split(f"\x02{self.nonce}:(\\d+)\x03", text)
        held, self.held = self.held, []
        if reuse is not None and held:
            key = cache_digest(*(chunk if i % 2 == 0 else self.made[held[int(chunk)][0].name][1][held[int(chunk)][1]] for i, chunk in enumerate(chunks)))
            found = reuse(key)
            if found is not None:
                return found
        made = (chunk.encode("utf-8") if i % 2 == 0 else self.data(*held[int(chunk)]) for i, chunk in enumerate(chunks))
        if into is None:
            return b"".join(made)
        into.parent.mkdir(parents=True, exist_ok=True)
        with open(into, "wb") as f:
            f.writelines(made)
        return into

    def bytes_to_keep(self, page_name: str) -> tuple[str, dict[str, bytes]] | None:
        """A page's pieces as bytes, to be kept: its key and every piece (reading those not made in this process)."""
        key, digests = self.made[page_name]
        texts = dict(self.texts.get(page_name, {}))
        for name in digests:
            if name not in texts:
                found = self.loaded(page_name, name)
                if found is None:
                    return None  # cannot be made here; the next build makes it again
                texts[name] = found
        return key, texts

    def placed(self, write: Callable[[dict[str, bytes]], tuple | None]) -> dict[str, tuple | None]:
        """Where the pieces of each page made anew in this build are, for the cache: (key, place), or None if they are not.

        A worker's place holds them all, unless some were made in this process or are the
        last build's: those pages' pieces are written again, whole, by write(pieces) -> place.
        """
        found = {}
        for name in self.fresh:
            key, digests = self.made[name]
            place = self.places.get(name)
            if place is not None and name not in self.texts and {piece for piece, _ in place[2]} == set(digests):
                found[name] = (key, place)
                continue
            whole = self.bytes_to_keep(name)
            place = write(whole[1]) if whole is not None else None
            found[name] = (key, place) if place is not None else None
        return found

    def last_place(self, page_name: str) -> tuple | None:
        """Where the last build left a page's pieces, (key, place), if they are still this build's (same key, as many)."""
        if self.bulk is None:
            self.bulk = self.stored()
        old = self.bulk.get(page_name)
        made = self.made.get(page_name)
        if old is None or made is None or old[0] != made[0] or not isinstance(old[1], tuple):
            return None
        return old if {piece for piece, _ in old[1][2]} >= set(made[1]) else None
