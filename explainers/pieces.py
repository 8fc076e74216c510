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
    previous: Callable[[str, str], Path | None]  # (output path, key) -> a still-valid file of the last output
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
    stored: Callable[[], dict] = dict  # loads the last build's bytes: {page.name: (key, {piece: bytes})}
    made: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # this build's
    texts: dict[str, dict[str, bytes]] = field(default_factory=dict)  # page.name -> {piece: bytes} made or loaded in this build
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
        """The bytes of a piece get() gave the digest of: made in this build, or the last build's, loaded now."""
        made = self.texts.get(page.name, {}).get(name)
        if made is not None:
            return made
        if self.bulk is None:
            self.bulk = self.stored()
        key, pieces = self.bulk.get(page.name, ("", {}))
        if key != self.made[page.name][0] or name not in pieces:  # the two files of the cache disagree: make it again
            self.put(page.name, name, make().encode("utf-8"))
            return self.texts[page.name][name]
        self.texts.setdefault(page.name, {})[name] = pieces[name]
        return pieces[name]

    def stand_in(self, page: Page, name: str, make: Callable[[], str]) -> Markup:
        """A stand-in for the piece, to be output as it is by the template and replaced by splice()."""
        self.get(page, name, make)
        self.held.append((page, name, make))
        return Markup(f"\x02{self.nonce}:{len(self.held) - 1}\x03")

    def splice(self, text: str, reuse: Callable[[str], Path | None] | None = None) -> bytes | Path:
        """The rendered text as UTF-8, with each stand-in replaced by its piece.

        With `reuse` (key -> the last output's file made under that key, or None), the text
        between stand-ins and the pieces' digests make the key; a file found is returned as is.
        """
        if not self.held:
            return text.encode("utf-8")
        chunks = re.split(f"\x02{self.nonce}:(\\d+)\x03", text)
        held, self.held = self.held, []
        if reuse is not None:
            key = cache_digest(*(chunk if i % 2 == 0 else self.made[held[int(chunk)][0].name][1][held[int(chunk)][1]] for i, chunk in enumerate(chunks)))
            found = reuse(key)
            if found is not None:
                return found
        return b"".join(chunk.encode("utf-8") if i % 2 == 0 else self.data(*held[int(chunk)]) for i, chunk in enumerate(chunks))

    def bytes_to_keep(self, page_name: str) -> tuple[str, dict[str, bytes]] | None:
        """A page's pieces as bytes, to be stored: its key and every piece (loading the last build's where needed)."""
        key, digests = self.made[page_name]
        texts = self.texts.get(page_name, {})
        if any(name not in texts for name in digests):
            if self.bulk is None:
                self.bulk = self.stored()
            old = self.bulk.get(page_name, ("", {}))[1]
            if any(name not in texts and name not in old for name in digests):
                return None  # cannot be made here; the next build makes it again
            texts = {**{name: old[name] for name in digests if name not in texts}, **texts}
        return key, texts
