"""The preview server at the HTTP level: it never serves a file outside the output folder and
keeps answering from the last good build while the site is rebuilt.

`python build.py serve` runs as a subprocess, as a writer runs it; the tests speak plain
HTTP, so they hold for the plain static server and for a live-reload one alike.
"""
from __future__ import annotations

import concurrent.futures
import http.client
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import REPO, make_site, run_cli

SECRET = "SECRET-7f3a9c"  # in site.yaml as a comment and in a file beside the site: never served


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    """One GET with the path sent exactly as given (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(site folder, port) of a running `build.py serve`."""
    site = make_site(tmp_path_factory.mktemp("serve"))
    with (site / "site.yaml").open("a") as f:
        f.write(f"# {SECRET}\n")
    (site.parent / "outside.txt").write_text(SECRET)
    port = free_port()
    log = (site.parent / "serve.log").open("w")  # a pipe nobody reads would fill up and stall the server
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--site", str(site), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if get(port, "/", timeout=2)[0] == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"serve did not start: {(site.parent / 'serve.log').read_text()}")
        time.sleep(0.2)
    yield site, port
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


TRAVERSALS = [
    "/../site.yaml", "/../../outside.txt", "/%2e%2e/site.yaml", "/%2E%2E/%2E%2E/outside.txt",
    "/..%2fsite.yaml", "/%2e%2e%2fsite.yaml", "/..%2f..%2foutside.txt", "/css/../../site.yaml",
    "/..%5csite.yaml", "/%252e%252e/site.yaml", "//etc/passwd", "/./../site.yaml",
    "/contract-soldiers/../../site.yaml", "/%c0%ae%c0%ae/site.yaml", "/..;/site.yaml",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_leaves_the_output_folder(server, path: str):
    _, port = server
    status, body = get(port, path)
    assert SECRET.encode() not in body and b"root:x:0:0" not in body
    assert status in (400, 403, 404), status


def test_very_long_urls_are_refused_and_the_server_goes_on(server):
    _, port = server
    assert get(port, "/" + "a" * 8_000)[0] in (400, 404, 414)
    try:  # past the server's header limit it may answer 4xx or just hang up; either is fine
        assert get(port, "/" + "a" * 100_000)[0] in (400, 404, 414, 431)
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        pass
    assert get(port, "/")[0] == 200


def test_nul_in_the_path_gets_an_answer(server):
    _, port = server
    assert get(port, "/%00")[0] in (400, 403, 404)
    assert get(port, "/")[0] == 200


def test_directory_without_index_is_not_listed(server):
    _, port = server
    status, body = get(port, "/css/")
    assert status in (403, 404)
    assert b"Directory listing" not in body and b"Index of" not in body


def test_flood_while_rebuilding_always_gets_the_last_good_build(server):
    """1,000 requests from 16 clients while the site is rebuilt, once with a mistake."""
    site, port = server
    page = site / "content/first.md"
    original = page.read_text()

    def rebuild():
        for k in range(4):
            page.write_text(original.replace('title: "Contract soldiers say they could not quit"', f'title: "Version {k}"'))
            run_cli("build", "--site", str(site))
            if k == 1:  # a mistake: the server must keep the last good build
                (site / "content/broken.md").write_text("---\ntitle: T\ndate: 2022-01-01\n---\n[^nope]\n")
                assert run_cli("build", "--site", str(site)).code == 1
                (site / "content/broken.md").unlink()

    paths = ["/", "/contract-soldiers/", "/second/", "/about/", "/claims/", "/404.html"]

    def fetch(i: int) -> tuple[str, int, bytes]:
        path = paths[i % len(paths)]
        # a generous timeout: the plain server's listen backlog of 5 makes some of 16 clients
        # wait for a SYN retry (1 s, then 3 s) while builds load the machine
        status, body = get(port, path, timeout=30)
        return path, status, body

    rebuilder = threading.Thread(target=rebuild)
    rebuilder.start()
    results = []
    try:
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            while len(results) < 1000 or rebuilder.is_alive():  # every rebuild happens under fire
                results.extend(pool.map(fetch, range(len(results), len(results) + 100)))
    finally:
        rebuilder.join(timeout=120)
        built_last = (site / "public/contract-soldiers/index.html").read_text()
        page.write_text(original)
    assert "Version 3" in built_last  # the rebuilds did happen
    bad = [(path, status) for path, status, body in results if status != 200 or not body.rstrip().endswith(b"</html>")]
    assert len(results) >= 1000 and bad == []
