"""The build's recipe (builder.build): its phases, what a failed build leaves, and two builders of one site."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, make_site, run_cli, snapshot
from explainers import builder

# Another builder of the site, part-way through a build: it holds the site's lock and has
# its temporary folder beside the output, named for a process this one cannot see (one
# in another PID namespace or on another host), so that the id alone says "killed".
HOLDER = """
import shutil, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from explainers import output
site = Path(sys.argv[1])
with output.site_lock(site):
    tmp = site / ".public.tmp-999999999"
    tmp.mkdir()
    (tmp / "index.html").write_text("the other build's work")
    print("holding", flush=True)
    sys.stdin.readline()
    intact = tmp.is_dir() and (tmp / "index.html").read_text() == "the other build's work"
    shutil.rmtree(tmp, ignore_errors=True)
print("intact" if intact else "destroyed", flush=True)
"""


def start_holder(site: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(site), str(REPO)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    return holder


def start_build(site: Path, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "build", "--site", str(site), *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_build_waits_for_another_builder_of_the_site_and_leaves_its_work_alone(tmp_path: Path):
    site = make_site(tmp_path)
    assert run_cli("build", "--site", str(site)).code == 0
    holder = start_holder(site)
    try:
        building = start_build(site)
        time.sleep(1.5)  # long enough for a build of this site to finish
        assert building.poll() is None, "the build did not wait for the other builder"
        assert (site / ".public.tmp-999999999" / "index.html").is_file()
        out, _ = holder.communicate("done\n", timeout=30)
        assert out.strip() == "intact"
        _, err = building.communicate(timeout=60)
        assert building.returncode == 0, err
    finally:
        holder.kill()
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "clean"), "--no-cache").code == 0
    assert snapshot(site / "public") == snapshot(tmp_path / "clean")


def test_a_builder_killed_holding_the_lock_releases_it(tmp_path: Path):
    site = make_site(tmp_path)
    holder = start_holder(site)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    result = run_cli("build", "--site", str(site), "--no-cache", timeout=60)
    assert result.code == 0, result.err
    assert not (site / ".public.tmp-999999999").exists()  # a killed build's leftover, cleared
    assert not (site / ".cache").exists()  # the lock writes nothing into the site


def test_check_needs_no_lock(tmp_path: Path):
    site = make_site(tmp_path)
    holder = start_holder(site)
    try:
        result = run_cli("check", "--site", str(site), timeout=30)
        assert result.code == 0, result.err
    finally:
        holder.communicate("done\n", timeout=30)


def test_two_builds_at_once_both_succeed(tmp_path: Path):
    site = make_site(tmp_path)
    builds = [start_build(site), start_build(site, "--no-cache")]
    for one in builds:
        _, err = one.communicate(timeout=120)
        assert one.returncode == 0, err
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "clean"), "--no-cache").code == 0
    assert snapshot(site / "public") == snapshot(tmp_path / "clean")
    assert not list(site.glob(".public.*"))


def test_a_failing_build_leaves_the_output_and_the_cache_as_they_were(tmp_path: Path):
    site = make_site(tmp_path)
    assert builder.build(str(site)).written
    before, cache_before = snapshot(site / "public"), snapshot(site / ".cache")
    page = site / "content" / "second.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA reference to [^nowhere].\n", encoding="utf-8")
    result = builder.build(str(site))
    assert not result.written and result.problems.errors
    assert snapshot(site / "public") == before and snapshot(site / ".cache") == cache_before
    assert not list(site.glob(".public.*"))


def test_a_template_mistake_is_a_problem_of_the_site_not_a_crash(tmp_path: Path):
    site = make_site(tmp_path)
    assert builder.build(str(site)).written
    before = snapshot(site / "public")
    (site / "layouts" / "explainer.html").write_text("{% if %}", encoding="utf-8")
    result = builder.build(str(site))
    assert not result.written
    assert [(p.path.endswith("layouts/explainer.html"), "template syntax" in p.message) for p in result.problems.errors] == [(True, True)]
    assert snapshot(site / "public") == before


def test_an_unchanged_site_is_up_to_date_with_the_last_build_s_problems(tmp_path: Path):
    site = make_site(tmp_path)
    first = builder.build(str(site))
    again = builder.build(str(site))
    assert first.written and again.up_to_date and again.written
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems]
    assert again.page_count == first.page_count


def test_an_output_folder_inside_the_site_is_refused_and_nothing_is_written(tmp_path: Path):
    site = make_site(tmp_path)
    result = builder.build(str(site), out=site / "content")
    assert not result.written
    assert any("inside the site's content/ folder" in p.message for p in result.problems.errors)
    assert sorted(os.listdir(site / "content")) == sorted(os.listdir(make_site(tmp_path / "fresh") / "content"))
