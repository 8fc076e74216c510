"""The live preview: the real server in a subprocess, a real Chromium watching it."""
from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REPO, indexed_words
from explainers.serve import changed_files, clean_parts, file_reply, find_file, inject, saved_since, snapshot

WAIT_MS = 5000  # generous for a loaded machine; speed is measured by bench/preview_bench.py
SECRET = "secret-marker-never-served"


# ---------------------------------------------------------------- a server in a subprocess


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    out: Path
    site: Path
    lines: list[str] = field(default_factory=list)

    def stop(self) -> tuple[int, str]:
        """Press Ctrl-C (SIGINT to the whole process group, as a terminal does); return the exit code and stderr."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
        code = self.proc.wait(timeout=20)
        return code, self.proc.stderr.read()

    def rebuilds(self) -> int:
        """How many rebuilds the server has reported on stdout so far."""
        return sum(" changed" in line for line in self.lines)


def start_server(site: Path, *options: str) -> Server:
    """Start `build.py serve` and wait for it to print its URL."""
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--site", str(site), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    url = out = None
    seen: list[str] = []
    deadline = time.monotonic() + 30
    while out is None:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            proc.kill()
            pytest.fail(f"server did not start: {seen} {proc.stderr.read()}")
        seen.append(line)
        if match := re.search(r"at (http://\S+/) ", line):
            url = match.group(1)
        if match := re.search(r"the preview build is in (\S+) ", line):
            out = Path(match.group(1))
    server = Server(proc, url, out, site, seen)
    threading.Thread(target=lambda: [server.lines.append(lines.get()) for _ in iter(int, 1)], daemon=True).start()
    return server


@pytest.fixture
def preview(site: Path):
    server = start_server(site, "--port", "0")
    yield server
    server.stop()


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file, as a writer's editor saves it."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing needle."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def fetch(url: str) -> tuple[int, bytes]:
    """GET a URL; the status and body, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET a path exactly as written, with no client-side normalising of dots or escapes."""
    host, port = url.split("//")[1].rstrip("/").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def open_page(browser, url: str):
    """A browser page, with every console message and failed request kept for inspection."""
    page = browser.new_page()
    page.messages = []
    page.on("console", lambda m: page.messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.messages.append(f"pageerror: {e}"))
    page.goto(url)
    page.wait_for_function("document.querySelector('explainers-preview') !== null")
    return page


def overlay(page):
    return page.locator("#preview-errors")


# ---------------------------------------------------------------- in the browser


def test_an_edit_appears_in_the_open_page_by_itself(browser, preview):
    from playwright.sync_api import expect

    page = open_page(browser, preview.url + "contract-soldiers/")
    expect(page.locator("main")).to_contain_text("A plain footnote still works.")
    edit(preview.site / "content" / "first.md", "A plain footnote still works.", "Freshly edited sentence.")
    expect(page.locator("main")).to_contain_text("Freshly edited sentence.", timeout=WAIT_MS)
    expect(overlay(page)).to_be_hidden()
    csp = [m for m in page.messages if "Content Security Policy" in m or "WebSocket" in m]
    assert csp == [], csp
    page.close()


def test_the_home_page_that_lists_an_edited_page_reloads_too(browser, preview):
    from playwright.sync_api import expect

    home = open_page(browser, preview.url)
    edit(preview.site / "content" / "second.md", 'title: A second explainer', 'title: "A renamed explainer"')
    expect(home.locator("main")).to_contain_text("A renamed explainer", timeout=WAIT_MS)
    home.close()


def test_a_mistake_shows_every_error_over_the_last_good_page_until_fixed(browser, preview):
    from playwright.sync_api import expect

    first = preview.site / "content" / "first.md"
    good = first.read_text(encoding="utf-8")
    page = open_page(browser, preview.url + "contract-soldiers/")
    other = open_page(browser, preview.url + "about/")
    edit(first, "status: attributed", "status: rumoured")
    edit(first, "A plain footnote still works.[^1]", "Broken text.[^no-such-claim]")
    status_line = line_of(first, "status: rumoured")
    ref_line = line_of(first, "[^no-such-claim]")
    for open_tab in (page, other):  # every open page shows the errors, not only the edited one
        expect(overlay(open_tab)).to_be_visible(timeout=WAIT_MS)
        text = overlay(open_tab).inner_text()
        assert f"content/first.md:{status_line}: error:" in text, text
        assert f"content/first.md:{ref_line}: error:" in text, text
        assert "2 errors" in text
    expect(page.locator("main")).to_contain_text("A plain footnote still works.")  # the last good build
    assert "Broken text." not in page.locator("main").inner_text()
    first.write_text(good.replace("A plain footnote still works.", "Fixed and new."), encoding="utf-8")
    expect(page.locator("main")).to_contain_text("Fixed and new.", timeout=WAIT_MS)
    expect(overlay(page)).to_be_hidden(timeout=WAIT_MS)
    expect(overlay(other)).to_be_hidden(timeout=WAIT_MS)
    page.close()
    other.close()


def test_broken_yaml_points_at_its_line(browser, preview):
    from playwright.sync_api import expect

    site_yaml = preview.site / "site.yaml"
    page = open_page(browser, preview.url + "contract-soldiers/")
    edit(site_yaml, "language: en", "language: en\nlanguage: fr")
    expect(overlay(page)).to_be_visible(timeout=WAIT_MS)
    assert f"site.yaml:{line_of(site_yaml, 'language: fr')}: error:" in overlay(page).inner_text()
    expect(page.locator("h1")).to_contain_text("Contract soldiers")
    edit(site_yaml, "language: en\nlanguage: fr", "language: en")
    expect(overlay(page)).to_be_hidden(timeout=WAIT_MS)
    page.close()


def test_a_broken_layout_is_an_error_at_its_line_and_the_server_survives(browser, preview):
    from playwright.sync_api import expect

    base = preview.site / "layouts" / "base.html"
    page = open_page(browser, preview.url + "contract-soldiers/")
    edit(base, "<footer", "{% if %}<footer")
    expect(overlay(page)).to_be_visible(timeout=WAIT_MS)
    assert f"layouts/base.html:{line_of(base, '{% if %}')}: error:" in overlay(page).inner_text()
    edit(base, "{% if %}<footer", "<p>Layout edited.</p><footer")
    expect(page.locator("body")).to_contain_text("Layout edited.", timeout=WAIT_MS)
    expect(overlay(page)).to_be_hidden()
    page.close()


def test_a_deleted_page_disappears_and_a_new_one_appears(browser, preview):
    from playwright.sync_api import expect

    page = open_page(browser, preview.url + "about/")
    (preview.site / "content" / "about.md").rename(preview.site / "content" / "who-we-are.md")
    expect(page.locator("main")).not_to_contain_text("How this site works.", timeout=WAIT_MS)
    assert fetch(preview.url + "about/")[0] == 404
    status, body = fetch(preview.url + "who-we-are/")
    assert status == 200 and b"How this site works." in body
    page.close()


def test_the_first_build_may_fail_and_the_preview_still_starts(browser, site):
    from playwright.sync_api import expect

    first = site / "content" / "first.md"
    edit(first, "status: attributed", "status: rumoured")
    server = start_server(site, "--port", "0")
    try:
        page = open_page(browser, server.url + "contract-soldiers/")
        expect(overlay(page)).to_be_visible(timeout=WAIT_MS)
        assert f"content/first.md:{line_of(first, 'rumoured')}: error:" in overlay(page).inner_text()
        edit(first, "status: rumoured", "status: attributed")
        expect(page.locator("main")).to_contain_text("A plain footnote still works.", timeout=WAIT_MS)
        expect(overlay(page)).to_be_hidden()
        page.close()
    finally:
        server.stop()


def test_the_overlay_shows_front_matter_text_as_text(browser, preview):
    from playwright.sync_api import expect

    first = preview.site / "content" / "first.md"
    page = open_page(browser, preview.url + "contract-soldiers/")
    edit(first, "status: attributed", "status: <img src=x id=injected>")
    expect(overlay(page)).to_be_visible(timeout=WAIT_MS)
    assert "<img src=x id=injected>" in overlay(page).inner_text()
    assert page.locator("#injected").count() == 0
    page.close()


# ---------------------------------------------------------------- over plain HTTP


def test_the_script_is_added_when_serving_and_never_written(preview):
    status, body = fetch(preview.url + "contract-soldiers/")
    assert status == 200 and b'src="/__preview__/preview.js"' in body
    assert fetch(preview.url + "__preview__/preview.js")[0] == 200
    written = [p for p in preview.out.rglob("*") if p.is_file()]
    assert written and not [p for p in written if b"__preview__" in p.read_bytes()]
    assert not (preview.site / "public").exists()  # the published output folder is not touched


def test_a_burst_of_saves_makes_fewer_rebuilds(preview):
    first = preview.site / "content" / "first.md"
    for n in range(5):
        edit(first, "A plain footnote still works", f"A plain footnote still works {n}")
    deadline = time.monotonic() + WAIT_MS / 1000
    while b"works 4 3 2 1 0" not in fetch(preview.url + "contract-soldiers/")[1] and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert 1 <= preview.rebuilds() < 5, preview.lines


def test_an_edit_shows_at_once_and_the_search_index_catches_up_when_the_writer_pauses(preview):
    """The page is rebuilt without Pagefind (a millisecond a page); the index is made again once no save is pending."""
    first = preview.site / "content" / "first.md"
    edit(first, "A claim whose id YAML", "A zanzibar claim whose id YAML")
    deadline = time.monotonic() + 2 * WAIT_MS / 1000  # after a second's pause (serve.INDEX_PAUSE_SECONDS)
    while not any("search index updated" in line for line in preview.lines) and time.monotonic() < deadline:
        time.sleep(0.05)
    rebuilt = next(n for n, line in enumerate(preview.lines) if " changed" in line)
    indexed = next(n for n, line in enumerate(preview.lines) if "search index updated" in line)
    assert rebuilt < indexed, preview.lines
    assert b"zanzibar" in indexed_words(preview.out)


def test_a_save_while_the_search_index_is_made_shows_at_once_and_the_index_follows(site, tmp_path, monkeypatch):
    """The index made when the writer pauses takes seconds on a big site: a save meanwhile stops it (Pagefind killed), shows
    at once, and the index is made at the next pause. Here the indexer sleeps a minute while the file `slow` exists."""
    from pagefind.service import get_executable

    real, slow, started = get_executable(), tmp_path / "slow", tmp_path / "indexer.pid"
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(f'#!/bin/sh\nif [ -e "{slow}" ]; then echo $$ > "{started}"; exec sleep 60; fi\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))  # Pagefind's own way to name its binary
    server = start_server(site, "--port", "0")
    try:
        slow.touch()
        first = site / "content" / "first.md"
        edit(first, "A plain footnote still works", "A plain footnote still works, once")
        deadline = time.monotonic() + 2 * WAIT_MS / 1000
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), server.lines  # the writer paused: the index is being made
        edit(first, "works, once", "works, twice")
        deadline = time.monotonic() + WAIT_MS / 1000
        while b"works, twice" not in fetch(server.url + "contract-soldiers/")[1] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert b"works, twice" in fetch(server.url + "contract-soldiers/")[1], server.lines  # not a minute later
        with pytest.raises(ProcessLookupError):
            os.kill(int(started.read_text(encoding="utf-8")), 0)
        slow.unlink()
        deadline = time.monotonic() + 4 * WAIT_MS / 1000
        while not any("search index updated" in line for line in server.lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert b"twice" in indexed_words(server.out), server.lines
    finally:
        code, err = server.stop()
    assert code == 0 and "Traceback" not in err, err


def test_saves_closer_than_a_pause_start_no_index(site, tmp_path, monkeypatch):
    """Saves a fifth of a second apart are not pauses: no index is begun (to be stopped) between them, one is after."""
    from pagefind.service import get_executable

    from explainers.serve import INDEX_PAUSE_SECONDS

    real, slow, runs = get_executable(), tmp_path / "slow", tmp_path / "runs"
    wrapper = tmp_path / "pagefind"  # notes each run; while `slow` exists, sleeps instead of indexing
    wrapper.write_text(f'#!/bin/sh\necho run >> "{runs}"\nif [ -e "{slow}" ]; then exec sleep 60; fi\nexec "{real}" "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    server = start_server(site, "--port", "0")
    try:
        assert runs.read_text(encoding="utf-8").count("run") == 1  # the first build's index
        slow.touch()
        first = site / "content" / "first.md"
        saved = []
        for n in range(8):
            edit(first, "A plain footnote still works", f"A plain footnote still works {n}")
            saved.append(time.monotonic())
            time.sleep(0.2)
        gaps = [b - a for a, b in zip(saved, saved[1:])]
        # a test process held up longer than a pause between two saves would see an index begin, rightly
        assert runs.read_text(encoding="utf-8").count("run") == 1 or max(gaps) >= INDEX_PAUSE_SECONDS - 0.1, (gaps, server.lines)
        deadline = time.monotonic() + 4 * WAIT_MS / 1000
        while runs.read_text(encoding="utf-8").count("run") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert runs.read_text(encoding="utf-8").count("run") == 2, server.lines  # once the saves stop, it begins
    finally:
        code, err = server.stop()  # Ctrl-C stops the sleeping index too
    assert code == 0 and "Traceback" not in err, err


@pytest.mark.parametrize("path", [
    "/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/site.yaml", "/..%2fsite.yaml", "/..%2Fsite.yaml",
    "/css/../../site.yaml", "/css/..%2f..%2fsite.yaml", "/%2e%2e%2f%2e%2e%2fsite.yaml", "/..\\site.yaml",
    "/..%5csite.yaml", "/%252e%252e/site.yaml", "/%2e%2e/%2e%2e/etc/passwd", "/../../../../etc/passwd",
    "/%00/../site.yaml", "/%ff/../site.yaml",
])
def test_no_path_reaches_outside_the_output_folder(preview, path):
    edit(preview.site / "site.yaml", "title:", f"# {SECRET}\ntitle:")
    status, body = raw_get(preview.url, path)
    assert status in (403, 404), (status, body[:200])
    assert SECRET.encode() not in body and b"root:" not in body


def test_a_page_under_another_host_name_is_refused(preview):
    """A site whose domain is re-pointed at 127.0.0.1 (DNS rebinding) must not read the preview."""
    port = int(preview.url.rsplit(":", 1)[1].strip("/"))
    for host, allowed in ((f"evil.example:{port}", False), (f"localhost:{port}", True), (f"127.0.0.1:{port}", True)):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/", headers={"Host": host})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert (response.status == 200) == allowed, (host, response.status)
        assert allowed or b"Fixture explainers" not in body


def test_a_symlink_out_of_the_output_folder_is_refused(preview, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (preview.out / "leak.txt").symlink_to(secret)
    (preview.out / "leakdir").symlink_to(tmp_path, target_is_directory=True)
    for path in ("/leak.txt", "/leakdir/secret.txt"):
        status, body = raw_get(preview.url, path)
        assert status == 403 and SECRET.encode() not in body


def test_loopback_only_by_default_and_host_is_honoured(site):
    server = start_server(site, "--port", "0")
    try:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        assert server.url.startswith("http://127.0.0.1:")
        assert fetch(server.url)[0] == 200
        for address in other_addresses():
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=2).close()
    finally:
        server.stop()
    # 127.0.0.2 is another loopback address on Linux: a server bound there is not on 127.0.0.1.
    server = start_server(site, "--port", "0", "--host", "127.0.0.2")
    try:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        assert server.url == f"http://127.0.0.2:{port}/"
        assert fetch(server.url)[0] == 200
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        server.stop()


def other_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback ones (none on an isolated box)."""
    found = set()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))  # no packet is sent; this picks the outgoing address
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    try:
        found.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET))
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127.") and a != "0.0.0.0")


def test_a_port_in_use_is_a_clear_message(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, str(REPO / "build.py"), "serve", "--site", str(site), "--port", str(port)],
            capture_output=True, text=True, timeout=30,
        )
    assert proc.returncode == 2
    assert f"port {port} is already in use" in proc.stderr and "--port" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_bad_port_is_a_usage_error(site):
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "serve", "--site", str(site), "--port", "99999"],
        capture_output=True, text=True, timeout=30,
    )
    assert proc.returncode == 2 and "not a port number" in proc.stderr


def test_ctrl_c_stops_cleanly_and_removes_the_preview_build(browser, site):
    server = start_server(site, "--port", "0")
    page = open_page(browser, server.url)  # an open WebSocket must not hold the server up
    assert server.out.is_dir()
    code, stderr = server.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr and stderr.strip() == "", stderr
    assert not server.out.parent.exists()
    page.close()


# ---------------------------------------------------------------- the parts, directly


def test_clean_parts_refuses_every_way_up():
    assert clean_parts("/a/b/") == ["a", "b"]
    assert clean_parts("/a%20b/") == ["a b"]
    for path in ("/../x", "/%2e%2e/x", "/a/..%2f..%2fx", "/a/./b", "/..\\x", "/%00"):
        assert clean_parts(path) is None, path


def test_find_file_maps_paths_inside_the_folder_only(tmp_path):
    out = tmp_path / "out"
    (out / "page").mkdir(parents=True)
    (out / "index.html").write_text("home")
    (out / "page" / "index.html").write_text("page")
    (tmp_path / "outside.txt").write_text(SECRET)
    (out / "link").symlink_to(tmp_path / "outside.txt")
    assert find_file(out, "/") == (200, (out / "index.html").resolve())
    assert find_file(out, "/page/") == (200, (out / "page" / "index.html").resolve())
    assert find_file(out, "/page")[0] == 301
    assert find_file(out, "/missing/")[0] == 404
    assert find_file(out, "/link")[0] == 403
    assert find_file(out, "/../outside.txt")[0] == 403
    assert file_reply(out, "/page").location == "/page/"


def test_inject_puts_the_script_before_the_end_of_head():
    body = inject(b"<html><head><title>x</title></head><body></body></html>", "abc")
    assert body.index(b"/__preview__/preview.js") < body.index(b"</head>")
    assert b'data-digest="abc"' in body
    assert inject(b"<p>no head</p>", "abc").endswith(b"</script>")


def test_snapshots_see_added_changed_and_removed_files(site):
    before = snapshot(site)
    (site / "content" / "first.md").write_text("changed", encoding="utf-8")
    (site / "content" / "new.md").write_text("new", encoding="utf-8")
    (site / "content" / "about.md").unlink()
    (site / "README.txt").write_text("not watched", encoding="utf-8")
    (site / "content" / ".first.md.swp").write_text("an editor's swap file", encoding="utf-8")
    assert changed_files(before, snapshot(site)) == ["content/about.md", "content/first.md", "content/new.md"]


def test_the_index_builds_stop_sees_a_save_or_ctrl_c(site):
    stop = threading.Event()
    saved = saved_since(site, snapshot(site), stop)
    assert not saved()
    edit(site / "content" / "first.md", "A plain footnote still works", "A plain footnote still works, saved")
    deadline, seen = time.monotonic() + 5, False
    while not seen and time.monotonic() < deadline:  # it looks at most a fifth of the time
        seen = saved()
        time.sleep(0.01)
    assert seen
    pressed = saved_since(site, snapshot(site), stop)
    assert not pressed()
    stop.set()
    assert pressed()
