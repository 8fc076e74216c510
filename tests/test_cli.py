"""The command line, driven as a writer drives it, on fixture sites."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, make_site, run_cli, snapshot, texts_by_id

MISTAKES = sorted(p.name for p in (FIXTURES / "mistakes").iterdir())
LINE_RE = re.compile(r"^(?P<where>\S+:\d+): (?P<level>error|warning): (?P<message>.+)$")


def test_good_site_builds_with_one_button_per_reference(site: Path):
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    html = (site / "public/contract-soldiers/index.html").read_text()
    # four references in the body: sent-against-will twice, asked-mod, 2024
    buttons = re.findall(r'<button (?:aria-labelledby="[^"]+" )?class="claim-trigger[^"]*" data-claim="([^"]+)" data-status="([^"]+)"[^>]*popovertarget="([^"]+)" type="button">', html)
    assert [b[0] for b in buttons] == ["sent-against-will", "asked-mod", "sent-against-will", "2024"]
    texts = texts_by_id(html)
    sources = {"sent-against-will": "Source: Meduza", "asked-mod": "Sources: Newsweek; Agency <No>", "2024": "Source: Agency <No>"}
    for cid, status, target in buttons:
        label = {"unverified": "Unverified", "attributed": "Attributed", "verified": "Verified"}[status]
        assert texts[target].startswith(label + " " + sources[cid])
    assert "Agency &lt;No&gt;" in html and "<No>" not in html  # front-matter data is escaped
    assert 'id="claim-sent-against-will"' in html and 'id="claim-2024"' in html


def test_output_layout_and_relative_links(site: Path):
    assert run_cli("build", "--site", str(site)).code == 0
    out = site / "public"
    assert (out / "index.html").is_file() and (out / "404.html").is_file()
    assert (out / "contract-soldiers/index.html").is_file() and (out / "second/index.html").is_file()
    assert not (out / "draft-page").exists()
    page = (out / "contract-soldiers/index.html").read_text()
    assert 'href="../second/"' in page and 'href="../second/#claim-casualties"' in page
    css = re.search(r'href="(\.\./css/site\.[0-9a-f]{10}\.css)"', page)
    assert css and (out / "contract-soldiers" / css.group(1)).resolve().is_file()
    home = (out / "index.html").read_text()
    assert 'href="contract-soldiers/"' in home and "home page&#39;s" not in home
    assert home.index("A second explainer") < home.index("Contract soldiers say")  # newest first
    assert 'href="/explainers/' in (out / "404.html").read_text()


def test_drafts_only_with_the_flag(site: Path):
    assert run_cli("build", "--site", str(site), "--drafts").code == 0
    assert (site / "public/draft-page/index.html").is_file()


def test_site_option_works_before_the_command_and_from_elsewhere(site: Path, tmp_path: Path):
    result = run_cli("--site", str(site), "build", "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "o/index.html").is_file()


def test_good_build_leaves_no_stale_file(site: Path):
    assert run_cli("build", "--site", str(site)).code == 0
    (site / "content/second.md").unlink()
    (site / "content/first.md").write_text((site / "content/first.md").read_text().replace("(second.md)", "(about.md)").replace("[its claim](second.md#claim-casualties)", "its claim"))
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    assert not (site / "public/second").exists()
    assert not list(site.glob(".public.*"))


def test_two_builds_are_byte_identical(site: Path, tmp_path: Path):
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "a")).code == 0
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "b")).code == 0
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_is_reported_at_its_line(mistake: str, tmp_path: Path):
    site = make_site(tmp_path, content_from=FIXTURES / "mistakes" / mistake)
    good = tmp_path / "good"
    shutil.copytree(make_site(tmp_path / "g"), good)
    assert run_cli("build", "--site", str(good)).code == 0
    # a previous good build is in place; the failed build must leave it untouched
    shutil.copytree(good / "public", site / "public")
    before = snapshot(site / "public")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert "Traceback" not in result.err
    lines = [LINE_RE.match(line) for line in result.err.splitlines() if ": error: " in line]
    assert all(lines), result.err
    for expected in (FIXTURES / "mistakes" / mistake / "expected").read_text().splitlines():
        where, message = expected.split(": error: ")
        assert any(m["where"] == f"{site}/{where}" and message in m["message"] for m in lines), f"{expected!r} not in:\n{result.err}"
    assert snapshot(site / "public") == before


def test_paths_in_messages_are_relative_when_run_inside_the_site(tmp_path: Path):
    site = make_site(tmp_path, content_from=FIXTURES / "mistakes" / "unknown-status")
    result = run_cli("build", cwd=site)
    assert "content/page.md:6: error: claim 'a' has unknown status 'probably'" in result.err.splitlines()[0]


def test_unused_claim_warns_in_build_and_fails_check(site: Path):
    page = site / "content/second.md"
    page.write_text(page.read_text().replace("claims:\n", "claims:\n  spare: {status: verified, source: newsweek, note: n}\n"))
    build = run_cli("build", "--site", str(site))
    assert build.code == 0
    assert f"{site}/content/second.md:5: warning: claim 'spare' is defined but never referenced" in build.err
    check = run_cli("check", "--site", str(site))
    assert check.code == 1
    assert f"{site}/content/second.md:5: error: claim 'spare' is defined but never referenced" in check.err


def test_check_reports_a_broken_anchor_and_builds_nothing(site: Path):
    page = site / "content/second.md"
    page.write_text(page.read_text().replace("#claim-sent-against-will", "#claim-nothing"))
    result = run_cli("check", "--site", str(site))
    assert result.code == 1
    assert f"{site}/content/second.md:10: error: link to '#claim-nothing': content/first.md has no such anchor" in result.err
    assert not (site / "public").exists()


def test_stale_checked_date_is_a_warning_only(site: Path):
    page = site / "content/first.md"
    page.write_text(page.read_text().replace("checked: 2026-11-27", "checked: 2001-01-01"))
    result = run_cli("build", "--site", str(site))
    assert result.code == 0
    assert "warning: 1 claim last checked more than 365 days ago; `python build.py check` lists them" in result.err.splitlines()
    assert "last checked on 2001-01-01" not in result.err
    again = run_cli("build", "--site", str(site))  # the no-change shortcut says the same
    assert "is up to date" in again.out and again.err == result.err
    checked = run_cli("check", "--site", str(site))
    assert checked.code == 0
    assert "warning: claim 'sent-against-will' was last checked on 2001-01-01, more than 365 days ago" in checked.err


def test_many_stale_claims_are_one_line_in_a_build(site: Path):
    page = site / "content/first.md"
    page.write_text(page.read_text().replace("checked: 2026-11-27", "checked: 2001-01-01"))
    other = site / "content/second.md"
    if "checked:" in other.read_text():
        other.write_text(re.sub(r"checked: \d{4}-\d{2}-\d{2}", "checked: 2002-02-02", other.read_text()))
    stale = run_cli("check", "--site", str(site)).err.count("days ago")
    result = run_cli("build", "--site", str(site))
    lines = [line for line in result.err.splitlines() if "last checked" in line]
    assert lines == [f"warning: {stale:,} claim{'s' if stale != 1 else ''} last checked more than 365 days ago; `python build.py check` lists them"]


def test_check_json_format(site: Path):
    result = run_cli("check", "--site", str(site), "--format", "json")
    data = json.loads(result.out)
    assert data["ok"] is True and data["errors"] == 0
    assert all({"path", "line", "level", "message"} <= set(p) for p in data["problems"])


def test_bad_usage_exits_2(site: Path):
    assert run_cli("frobnicate").code == 2
    assert run_cli("build", "--no-such-option").code == 2


def test_missing_site_yaml_is_a_content_error(tmp_path: Path):
    result = run_cli("build", "--site", str(tmp_path))
    assert result.code == 1 and "site.yaml:1: error: site.yaml not found" in result.err


def test_refuses_to_replace_a_folder_it_did_not_make(site: Path, tmp_path: Path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    result = run_cli("build", "--site", str(site), "--out", str(precious))
    assert result.code == 1 and "refusing to replace" in result.err
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_new_page_builds_as_it_is(site: Path):
    result = run_cli("new", "fresh-page", "--title", 'A "new" page', "--site", str(site))
    assert result.code == 0, result.err
    assert run_cli("check", "--site", str(site)).code == 0
    assert run_cli("build", "--site", str(site)).code == 0
    assert 'A &#34;new&#34; page' in (site / "public/fresh-page/index.html").read_text()
    assert run_cli("new", "fresh-page", "--site", str(site)).code == 2
    assert run_cli("new", "Bad Slug", "--site", str(site)).code == 2


def test_bundled_site_checks_clean():
    result = run_cli("check")
    assert result.code == 0, result.err
    assert "warning" not in result.err


def test_a_bad_base_url_option_is_refused_without_a_traceback(site: Path):
    result = run_cli("build", "--site", str(site), "--base-url", "https://[x")
    assert result.code == 1 and "Traceback" not in result.err
    assert "--base-url:1: error: 'https://[x' is not an http: or https: address" in result.err
    assert not (site / "public").exists()


@pytest.mark.parametrize("buffered", [False, True])
@pytest.mark.parametrize("command", [["build"], ["check"], ["check", "--format", "json"]])
def test_a_reader_that_went_away_is_not_an_error(site: Path, command: list[str], buffered: bool):
    """`python build.py build | head -c 0`: the pipe is closed before anything is printed; the command still does its work."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is printed
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    try:
        proc = subprocess.run([sys.executable, str(REPO / "build.py"), *command, "--site", str(site)], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    finally:
        os.close(write_end)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr
    if command == ["build"]:
        assert (site / "public" / "index.html").is_file()


def test_a_full_disk_is_one_line_not_a_traceback(site: Path, monkeypatch, capsys):
    """The machine's failures (ENOSPC while writing) end the build with one error line, as content mistakes do."""
    import errno

    from explainers import cli, render

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(site / "public/contract-soldiers/index.html"))
    monkeypatch.setattr(render, "render_files", full)
    assert cli.main(["build", "--site", str(site), "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(f"error: {site}/public/contract-soldiers/index.html: No space left on device")
