"""`serve`: build, serve the output on loopback, rebuild on every save, reload the open pages.

Built on tornado with our own handlers, not on the livereload package (itself a thin layer
over tornado), because `livereload.Server` cannot do what a writer needs here:
it injects an inline <script>, which the pages' Content-Security-Policy blocks; it polls
every 800 ms and ignores any change within 3 s of the last reload; it runs the build on
the thread that serves requests, so pages stall while building; its client speaks only
`reload` and `alert`, so it has no way to show errors in the page; and its state lives in
class attributes. Here a watcher thread notices changes, waits for a burst of saves to
settle, calls `builder.build()` into a temporary folder outside the site (never the
published output folder), and tells each open page over a WebSocket either to reload,
because the file it shows changed, or to show the build's errors in an overlay while the
last good build keeps being served. The reload script and the overlay's stylesheet are
files of `serve_assets/`, added to HTML responses as they are sent.

Watching, rebuilding, serving, the reload socket and the overlay are one feature, whose
parts share the preview's state (the Preview, its warm build memory, the open sockets, the
search index due when the writer pauses); they are kept together here in sections, which
is why this module is about 600 lines, over the ~400 guideline: split, each part would
reach into the others' state.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import hashlib
import html
import ipaddress
import json
import mimetypes
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tornado import httpserver, netutil, web, websocket
from tornado.ioloop import IOLoop

from .builder import BuildResult, build, display_root
from .incremental import Warm
from .model import Problems

ASSETS = Path(__file__).resolve().parent / "serve_assets"
ASSET_NAMES = ("preview.js", "preview.css")
PREFIX = "/__preview__/"  # cannot clash with a page: slugs have no underscores
WATCHED = ("content", "layouts", "static", "locales", "site.yaml")  # locales: the interface catalogs (i18n.py)
POLL_SECONDS = 0.025  # how often the watched files are looked at
SETTLE_SECONDS = 0.025  # a burst of saves closer together than this makes one rebuild
INDEX_PAUSE_SECONDS = 1.0  # no save for this long is a pause, when the search index is made (seconds of work on a big site)
DEFAULT_PORT = 8000
PORTS_TO_TRY = 20  # with no --port, the next free one of 8000..8019


# ---------------------------------------------------------------- watching


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every watched file of the site with its modification time and size."""
    seen: dict[str, tuple[int, int]] = {}
    for name in WATCHED:
        path = root / name
        try:
            if path.is_dir():
                add_folder(str(path), name, seen)
            else:
                info = path.stat()
                seen[name] = (info.st_mtime_ns, info.st_size)
        except OSError:
            pass  # not there (yet): a file that appears later is a change
    return seen


def add_folder(folder: str, rel: str, seen: dict[str, tuple[int, int]]) -> None:
    """Add every file under `folder` to `seen`; one stat per file, so polling 1,000 pages is cheap."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # removed while we looked: the next poll sees it gone
    for entry in entries:
        try:
            if entry.is_dir():
                add_folder(entry.path, f"{rel}/{entry.name}", seen)
            elif rel.startswith("content") and not entry.name.endswith(".md"):
                continue  # an editor's swap or backup file: the builder reads only .md here
            else:
                info = entry.stat()
                seen[f"{rel}/{entry.name}"] = (info.st_mtime_ns, info.st_size)
        except OSError:
            pass


def changed_files(before: dict, after: dict) -> list[str]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def full_rebuild(changed: list[str]) -> bool:
    """Whether a change touches every page (a layout, a static file, site.yaml) or only some."""
    return any(not name.startswith("content/") for name in changed)


# ---------------------------------------------------------------- building


def safe_build(site: str, out: Path, base_url: str, drafts: bool, use_cache: bool = True, warm: Warm | None = None,
               search: bool = True, search_later: bool = False, stop_search: Callable[[], bool] | None = None) -> BuildResult:
    """Build, turning a crash (say, a Jinja error in a layout) into an error at its line."""
    try:
        return build(site, out=out, base_url=base_url, drafts=drafts, use_cache=use_cache, warm=warm, search=search,
                     search_later=search_later, stop_search=stop_search)
    except Exception as exc:  # the preview must outlive any mistake a writer can make
        problems = Problems()
        problems.error(*crash_location(exc, Path(site), display_root(site)), crash_message(exc))
        return BuildResult(problems)


def crash_location(exc: Exception, root: Path, shown_root: str) -> tuple[str, int]:
    """The site file and line an exception came from: a layout's line when there is one."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not filename:
        layouts = str((root / "layouts").resolve())
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(layouts)]
        if not frames:  # not a writer's mistake but the builder's: its developers need the traceback
            traceback.print_exception(exc, file=sys.stderr)
        filename, line = (frames[-1].filename, frames[-1].lineno) if frames else ("site.yaml", 1)
    path = Path(filename)
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = filename
    return (f"{shown_root}/{rel}" if shown_root else rel), line or 1


def crash_message(exc: Exception) -> str:
    """What went wrong, in one line."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"the build stopped with {type(exc).__name__}: {' '.join(str(message).split())}"


# ---------------------------------------------------------------- answering requests


@dataclass
class Reply:
    """One HTTP answer, before the reload script goes into it."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    location: str | None = None

    @property
    def digest(self) -> str:
        """What the page shows, for telling whether it is out of date after a build."""
        return hashlib.sha1(str(self.status).encode() + self.body).hexdigest()[:16]

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


def clean_parts(url_path: str) -> list[str] | None:
    """The decoded segments of a URL path, or None when one could climb out of the folder."""
    parts = urllib.parse.unquote(url_path, errors="strict").split("/")
    if any(part in (".", "..") or "\\" in part or "\x00" in part for part in parts):
        return None
    return [part for part in parts if part]


def find_file(out: Path, url_path: str) -> tuple[int, Path | None]:
    """Map a URL path to a file inside `out`: (200, file), (301, dir), (403, None) or (404, None)."""
    try:
        parts = clean_parts(url_path)
    except UnicodeDecodeError:
        return 404, None
    if parts is None:
        return 403, None
    try:
        return locate(out.resolve(), parts, url_path)
    except OSError:  # e.g. a segment longer than the file system allows
        return 404, None


def locate(root: Path, parts: list[str], url_path: str) -> tuple[int, Path | None]:
    """find_file's answer for clean path segments under the resolved output folder."""
    target = root.joinpath(*parts).resolve()  # follows symlinks, so one pointing out is caught
    if not target.is_relative_to(root):
        return 403, None
    if target.is_dir():
        if not url_path.endswith("/"):
            return 301, target
        target = (target / "index.html").resolve()
        if not target.is_relative_to(root):
            return 403, None
    return (200, target) if target.is_file() else (404, None)


def file_reply(out: Path, url_path: str) -> Reply:
    """The answer for a path of the built site: its file, a redirect, or the site's 404 page."""
    status, path = find_file(out, url_path)
    if status == 301:
        tidy = "/" + "/".join(clean_parts(url_path) or []) + "/"  # never //host: no open redirect
        return Reply(301, location=urllib.parse.quote(tidy))
    if status == 403:
        return Reply(403, b"403: outside the site\n")
    if status == 404:
        page = out / "404.html"
        if page.is_file():
            return Reply(404, page.read_bytes(), "text/html; charset=utf-8")
        return Reply(404, b"404: not found\n")
    return Reply(200, path.read_bytes(), content_type_of(path))


def content_type_of(path: Path) -> str:
    """The Content-Type header for a file, by its extension."""
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/javascript", "application/json", "application/xml"):
        return f"{guessed}; charset=utf-8"
    return guessed


def error_page(errors: list[str]) -> Reply:
    """What every page shows while there has never been a good build."""
    items = "\n".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors)
    body = (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>The site does not build yet</title>\n</head>\n<body>\n"
        f"<h1>The site does not build yet</h1>\n<p>Fix these and the page appears by itself:</p>\n<ul>\n{items}\n</ul>\n"
        "</body>\n</html>\n"
    )
    return Reply(503, body.encode("utf-8"), "text/html; charset=utf-8")


def host_allowed(header: str, bound: str) -> bool:
    """Whether a request's Host names this machine: on loopback, refuse other names, so a web
    page whose domain is re-pointed at 127.0.0.1 (DNS rebinding) cannot read the preview."""
    if not is_loopback(bound):
        return True  # --host was given: the writer chose to be reachable under other names
    name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
    return is_loopback(name.strip("[]").lower())


def inject(body: bytes, digest: str) -> bytes:
    """Add the preview's script to an HTML page, before </head> (or at the end without one)."""
    tag = f'<script src="{PREFIX}preview.js" data-digest="{digest}" defer></script>'.encode()
    at = body.lower().find(b"</head>")
    return body[:at] + tag + b"\n" + body[at:] if at >= 0 else body + tag


# ---------------------------------------------------------------- the preview's state


@dataclass(eq=False)
class Preview:
    """What the server knows: where the last good build is, the current errors, the open pages."""

    site: str
    out: Path
    base_url: str
    drafts: bool
    host: str = "127.0.0.1"  # the address listened on, for checking Host headers
    use_cache: bool = True
    search: bool = True  # make the search index on every build (--no-search: not)
    built: bool = False  # has any build succeeded yet?
    errors: list[str] = field(default_factory=list)
    sockets: set = field(default_factory=set)
    warm: Warm = field(default_factory=Warm)  # the last good build's pages and pieces, kept for the next

    def check_host(self, handler: web.RequestHandler) -> None:
        """Refuse a request whose Host header does not name this machine (see host_allowed)."""
        if not host_allowed(handler.request.host or "", self.host):
            raise web.HTTPError(403)

    def reply(self, url_path: str) -> Reply:
        """The answer for a request path, from the last good build."""
        if not self.built:
            return error_page(self.errors)
        return file_reply(self.out, url_path)

    def take(self, result: BuildResult) -> None:
        """Remember the outcome of a build."""
        self.errors = [str(p) for p in result.problems.errors]
        self.built = self.built or result.written

    def announce(self, result: BuildResult) -> int:
        """After a build: reload the open pages whose file changed, show errors on all; return reloads."""
        self.take(result)
        reloaded = 0
        for sock in list(self.sockets):
            if result.written:
                reloaded += sock.reload_if_changed()
            sock.send({"type": "problems", "errors": self.errors})
        return reloaded


class FileHandler(web.RequestHandler):
    """Serves the last good build, with the preview's script added to HTML pages."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def prepare(self) -> None:
        self.preview.check_host(self)

    async def get(self) -> None:
        await self.answer(include_body=True)

    async def head(self) -> None:
        await self.answer(include_body=False)

    async def answer(self, include_body: bool) -> None:
        """Send the reply for the requested path."""
        # the preview's folder is updated file by file (incremental.Warm), never swapped, so it is always there
        reply = self.preview.reply(self.request.path)
        self.set_status(reply.status)
        self.set_header("Content-Type", reply.content_type)
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")
        if reply.location:
            self.set_header("Location", reply.location)
        body = inject(reply.body, reply.digest) if reply.is_html else reply.body
        if include_body:
            self.write(body)
        else:
            self.set_header("Content-Length", str(len(body)))


class AssetHandler(web.RequestHandler):
    """Serves the preview's own script and stylesheet, which are never part of the site."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def prepare(self) -> None:
        self.preview.check_host(self)

    def get(self, name: str) -> None:
        if name not in ASSET_NAMES:
            raise web.HTTPError(404)
        self.set_header("Content-Type", content_type_of(Path(name)))
        self.set_header("Cache-Control", "no-cache")
        self.write((ASSETS / name).read_bytes())


class ReloadSocket(websocket.WebSocketHandler):
    """One open page: told to reload when its file changes, and told the current errors."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview
        self.path = "/"
        self.digest = ""

    def prepare(self) -> None:
        self.preview.check_host(self)

    def open(self) -> None:
        self.path = self.get_query_argument("path", "/")
        self.digest = self.get_query_argument("digest", "")
        self.preview.sockets.add(self)
        if not self.reload_if_changed():  # a build may have finished while the page loaded
            self.send({"type": "problems", "errors": self.preview.errors})

    def on_close(self) -> None:
        self.preview.sockets.discard(self)

    def reload_if_changed(self) -> bool:
        """Tell the page to reload if what it shows is no longer what the server would send."""
        digest = self.preview.reply(self.path).digest
        if digest == self.digest:
            return False
        self.digest = digest
        self.send({"type": "reload"})
        return True

    def send(self, message: dict) -> None:
        """Send a message, forgetting a page that has gone."""
        try:
            self.write_message(json.dumps(message))
        except websocket.WebSocketClosedError:
            self.preview.sockets.discard(self)


def application(preview: Preview) -> web.Application:
    """The routes: the preview's own assets and socket, then every path of the built site."""
    return web.Application(
        [
            (PREFIX + "ws", ReloadSocket, {"preview": preview}),
            (PREFIX + r"([a-z.]+)", AssetHandler, {"preview": preview}),
            (r"/.*", FileHandler, {"preview": preview}),
        ],
        log_function=lambda handler: None,  # a writer wants to see rebuilds, not every request
    )


# ---------------------------------------------------------------- the watch loop


def watch(preview: Preview, before: dict, loop, stop: threading.Event) -> None:
    """Rebuild whenever the watched files differ from `before`, until `stop` is set; runs on its own thread."""
    root = Path(preview.site)
    interval, index_due, last_rebuild = POLL_SECONDS, False, 0.0
    while not stop.wait(interval):
        looked = time.perf_counter()
        after = snapshot(root)
        # a big site takes a while to look at: keep polling under a fifth of the time
        interval = max(POLL_SECONDS, 4 * (time.perf_counter() - looked))
        if after == before:
            if index_due and looked - last_rebuild >= INDEX_PAUSE_SECONDS:  # the writer paused: now the search index
                started = time.perf_counter()
                # seconds on a big site: the next save (or Ctrl-C) stops it, and it is made at the next pause
                result = safe_build(preview.site, preview.out, preview.base_url, preview.drafts, preview.use_cache, preview.warm, True,
                                    stop_search=saved_since(root, before, stop))
                index_due = result.search_later
                log_index(result, time.perf_counter() - started)
                if index_due:  # stopped by a save: rebuild for it at once
                    interval = 0
            continue
        while not stop.wait(SETTLE_SECONDS):  # let a burst of saves finish
            latest = snapshot(root)
            if latest == after:
                break
            after = latest
        changed, before = changed_files(before, after), after
        started = time.perf_counter()
        # the page first; the search index, which costs a millisecond a page, when the writer pauses
        result = safe_build(preview.site, preview.out, preview.base_url, preview.drafts, preview.use_cache, preview.warm,
                            preview.search, search_later=preview.search)
        reloaded = run_on_loop(loop, stop, preview.announce, result)
        log_rebuild(changed, result, time.perf_counter() - started, reloaded)
        index_due, last_rebuild = index_due or result.search_later, time.perf_counter()


def saved_since(root: Path, before: dict, stop: threading.Event) -> Callable[[], bool]:
    """A build's stop_search: True once Ctrl-C is pressed or a watched file differs from `before`.

    It looks at the files at most a fifth of the time, as the watch loop does: a 10,000-page
    site takes tens of milliseconds to look at, and Pagefind needs the cores meanwhile.
    """
    next_look = 0.0

    def saved() -> bool:
        nonlocal next_look
        if stop.is_set():
            return True
        looked = time.perf_counter()
        if looked < next_look:
            return False
        differs = snapshot(root) != before
        next_look = looked + 5 * (time.perf_counter() - looked)
        return differs
    return saved


def run_on_loop(loop, stop: threading.Event, fn, *args):
    """Run fn on the server's thread and wait for it, so the next build cannot race its reads."""
    done: concurrent.futures.Future = concurrent.futures.Future()

    def call() -> None:
        try:
            done.set_result(fn(*args))
        except Exception as exc:
            done.set_exception(exc)

    loop.add_callback(call)
    while not stop.is_set():
        try:
            return done.result(timeout=0.1)
        except concurrent.futures.TimeoutError:
            continue
    return None


def log_rebuild(changed: list[str], result: BuildResult, seconds: float, reloaded: int | None) -> None:
    """Tell the writer in the terminal what changed and how the rebuild went."""
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    scope = "a layout, static file or site.yaml" if full_rebuild(changed) else "pages"
    for problem in result.problems:
        print(problem, file=sys.stderr, flush=True)
    if result.written:
        print(f"{shown} changed ({scope}): rebuilt in {seconds * 1000:.0f} ms, reloaded {reloaded or 0} open page(s)", flush=True)
    else:
        print(f"{shown} changed: build failed with {len(result.problems.errors)} error(s); still serving the last good build", file=sys.stderr, flush=True)


def log_index(result: BuildResult, seconds: float) -> None:
    """Tell the writer that the search index caught up with the edits (or why not)."""
    for problem in result.problems.errors:
        print(problem, file=sys.stderr, flush=True)
    if result.written or result.up_to_date:
        print(f"search index updated in {seconds * 1000:.0f} ms", flush=True)


# ---------------------------------------------------------------- starting and stopping


class PortInUse(Exception):
    """No port could be had."""


def listen(host: str, port: int | None) -> list[socket.socket]:
    """Bind the listening sockets: the given port, or with none given the first free from 8000."""
    ports = [port] if port is not None else range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TO_TRY)
    for candidate in ports:
        try:
            return netutil.bind_sockets(candidate, address=host)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    raise PortInUse()


def url_of(host: str, port: int) -> str:
    """The address to open in a browser."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def is_loopback(host: str) -> bool:
    """Whether a host name or address only reaches this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(args) -> int:
    """Build, serve with live reload until Ctrl-C, then remove the preview build."""
    try:
        sockets = listen(args.host, args.port)
    except PortInUse:
        tried = f"port {args.port} is" if args.port is not None else f"ports {DEFAULT_PORT}-{DEFAULT_PORT + PORTS_TO_TRY - 1} are"
        print(f"error: {tried} already in use on {args.host}: stop the other server or choose a free one with --port", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot listen on {args.host}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    port = sockets[0].getsockname()[1]
    workdir = Path(tempfile.mkdtemp(prefix="explainers-preview-"))
    try:
        return run(args, sockets, port, workdir)
    except KeyboardInterrupt:  # Ctrl-C during the first build, before the signal handlers
        print("stopped", flush=True)
        return 0
    finally:
        for sock in sockets:
            sock.close()
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, sockets: list[socket.socket], port: int, workdir: Path) -> int:
    """The first build, then serving and watching until a signal asks to stop."""
    url = url_of(args.host, port)
    if args.port is None and port != DEFAULT_PORT:
        print(f"port {DEFAULT_PORT} is in use; using {port} instead", flush=True)
    preview = Preview(args.site, workdir / "site", url, args.drafts, args.host, use_cache=not getattr(args, "no_cache", False),
                      search=not getattr(args, "no_search", False))
    before = snapshot(Path(args.site))  # taken before the first build, so no save is missed
    result = safe_build(preview.site, preview.out, preview.base_url, preview.drafts, preview.use_cache, preview.warm, preview.search)
    preview.take(result)
    for problem in result.problems:
        print(problem, file=sys.stderr, flush=True)
    if not result.written:
        print(f"build failed with {len(result.problems.errors)} error(s); the preview shows them until they are fixed", file=sys.stderr, flush=True)
    if not is_loopback(args.host):
        print(f"warning: listening on {args.host}, so other machines on the network can see the preview", file=sys.stderr, flush=True)
    print(f"serving the preview at {url} (Ctrl-C to stop)", flush=True)
    print(f"watching content/, layouts/, static/, locales/ and site.yaml; the preview build is in {preview.out} and is removed on exit", flush=True)
    asyncio.run(serve_until_stopped(preview, before, sockets))
    print("stopped", flush=True)
    return 0


async def serve_until_stopped(preview: Preview, before: dict, sockets: list[socket.socket]) -> None:
    """Serve and watch until SIGINT or SIGTERM, then close every connection."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    server = httpserver.HTTPServer(application(preview))
    server.add_sockets(sockets)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, before, IOLoop.current(), stop), name="preview-watch", daemon=True)
    watcher.start()
    try:
        await stopping.wait()
    finally:
        loop.remove_signal_handler(signal.SIGINT)  # a second Ctrl-C quits at once
        stop.set()
        server.stop()
        for sock in list(preview.sockets):
            sock.close()
        await asyncio.to_thread(watcher.join, 0.5)
        if watcher.is_alive():
            print("stopping once the build in progress is written (Ctrl-C again to quit now)", flush=True)
            await asyncio.to_thread(watcher.join)
        await server.close_all_connections()
