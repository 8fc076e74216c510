"""A build killed midway (Ctrl-C, SIGKILL) leaves the previous output exactly as it was.

The site is generated big enough (80 pages, 1,500 static files) that writing the output
takes a second or so; the signal is sent as soon as the build's temporary folder appears,
that is, while it is writing.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, make_site, run_cli, snapshot

PAGES, STATIC_FILES = 80, 1500


def generate(site: Path) -> None:
    """Many pages with claims, and many static files to copy."""
    for i in range(PAGES):
        claims = "".join(f"  c{j}: {{status: verified, source: newsweek, note: \"Note {j}.\"}}\n" for j in range(10))
        body = "\n\n".join(f"Paragraph {j} makes a claim.[^c{j}] " + "Filler text. " * 40 for j in range(10))
        (site / f"content/gen-{i:03d}.md").write_text(f"---\ntitle: Page {i}\ndate: 2022-01-01\nclaims:\n{claims}---\n{body}\n")
    for i in range(STATIC_FILES):
        folder = site / f"static/bulk/{i % 30}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i}.txt").write_text(f"{i} " * 1000)


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> Path:
    site = make_site(tmp_path_factory.mktemp("big"))
    generate(site)
    return site


@pytest.fixture(params=["--no-cache", "--incremental"])
def built(request, big_site: Path) -> tuple[Path, dict[str, bytes]]:
    """The big site freshly built, with a change waiting so the next build would differ.

    With "--incremental" the build that is interrupted reuses the cache and hard-links the
    unchanged files; it must keep the same promise as a clean one.
    """
    page = big_site / "content/gen-000.md"
    page.write_text(page.read_text().replace("title: Changed", "title: Page 0"))
    shutil.rmtree(big_site / ".cache", ignore_errors=True)
    result = run_cli("build", "--site", str(big_site), *mode_flags(request.param), timeout=120)
    assert result.code == 0, result.err
    page.write_text(page.read_text().replace("title: Page 0", "title: Changed"))
    big_site.joinpath(".mode").write_text(request.param)
    return big_site, snapshot(big_site / "public")


def mode_flags(mode: str) -> list[str]:
    return ["--no-cache"] if mode == "--no-cache" else []


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name.startswith(".public."))


def start_build(site: Path, mode: str | None = None, tmpdir: Path | None = None) -> subprocess.Popen:
    mode = mode or site.joinpath(".mode").read_text()
    env = {**os.environ, "TMPDIR": str(tmpdir)} if tmpdir else None
    return subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), *mode_flags(mode)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def wait_for_temp_folder(site: Path, proc: subprocess.Popen, limit: float = 90) -> None:
    """Return once the build is writing into its temporary folder."""
    deadline = time.monotonic() + limit
    while not list(site.glob(".public.tmp-*")):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the build finished or stalled before writing (exit {proc.poll()}): {proc.communicate()[1]}")
        time.sleep(0.002)


def test_ctrl_c_while_writing_leaves_the_output_and_no_temporary_folder(built):
    site, before = built
    proc = start_build(site)
    wait_for_temp_folder(site, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted; the output folder was left as it was" in err and "Traceback" not in err
    assert snapshot(site / "public") == before
    assert leftovers(site) == []


def test_ctrl_c_while_reading_leaves_the_output(built, tmp_path: Path):
    site, before = built
    proc = start_build(site, "--no-cache", tmpdir=tmp_path)  # an incremental build may be done at once
    # A build without a cache makes a temporary folder for the converted pages just before
    # it reads them: once it is there, the build is past start-up and not yet writing.
    deadline = time.monotonic() + 90
    while not list(tmp_path.glob("explainers-packs-*")):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the build finished or stalled before reading (exit {proc.poll()}): {proc.communicate()[1]}")
        time.sleep(0.002)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (130, -signal.SIGINT), err
    assert "Traceback" not in err
    assert snapshot(site / "public") == before
    assert leftovers(site) == []
    assert not list(tmp_path.glob("explainers-packs-*"))  # its own temporary folder went too


def test_sigkill_while_writing_leaves_the_output_and_the_next_build_cleans_up(built):
    site, before = built
    proc = start_build(site)
    wait_for_temp_folder(site, proc)
    proc.kill()
    proc.wait(timeout=60)
    assert snapshot(site / "public") == before
    assert any(name.startswith(".public.tmp-") for name in leftovers(site))  # nothing could clean up
    result = run_cli("build", "--site", str(site), "--no-cache", timeout=120)
    assert result.code == 0, result.err
    assert leftovers(site) == []
    assert "<h1>Changed</h1>" in (site / "public/gen-000/index.html").read_text()


def test_killed_between_the_two_renames_the_next_build_recovers(tmp_path: Path):
    """A kill after the old output was moved aside but before the new one took its place."""
    site = make_site(tmp_path)
    assert run_cli("build", "--site", str(site)).code == 0
    (site / "public").rename(site / ".public.old-999999")
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    assert (site / "public/index.html").is_file() and leftovers(site) == []
