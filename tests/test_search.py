"""The build's search phase (explainers/search.py): the Pagefind index in the output, made in the stage,
the same bytes from two builds, kept while no indexed page changes, turned off by --no-search,
and a clear error (never a traceback) when the indexer is missing or fails."""
from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import pytest

from conftest import indexed_words, make_site, run_cli, snapshot
from explainers import cli, search
from explainers.builder import build

INDEXED = 1 + 3 + 1 + 1  # the fixture's two explainers, with three claims and one


def entry(out: Path) -> dict:
    return json.loads((out / "pagefind" / search.ENTRY).read_text(encoding="utf-8"))


def add_zanzibar(site: Path) -> None:
    """Put a word no page has into the note of an indexed claim of the fixture's first page."""
    page = site / "content" / "first.md"
    page.write_text(page.read_text(encoding="utf-8").replace("A claim whose id YAML", "A zanzibar claim whose id YAML"), encoding="utf-8")


@pytest.fixture
def runs(monkeypatch):
    """The indexer's runs in this process: each call of search.run, by the folder it indexed."""
    made: list[list[str]] = []
    real = search.run

    def counted(binary, folder, into, stop=None):
        made.append(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")))
        return real(binary, folder, into, stop)
    monkeypatch.setattr(search, "run", counted)
    return made


def test_the_build_indexes_explainers_and_claim_pages_into_the_output(tmp_path, runs):
    site = make_site(tmp_path)
    result = build(str(site), tmp_path / "out")
    assert result.written and not result.problems.errors, [str(p) for p in result.problems]
    out = tmp_path / "out"
    assert (out / "search" / "index.html").is_file()
    assert (out / "pagefind" / "pagefind.js").is_file() and (out / search.STAMP).is_file()
    assert entry(out)["languages"]["en"]["page_count"] == INDEXED
    [indexed] = runs
    assert "contract-soldiers/index.html" in indexed and "contract-soldiers/claims/sent-against-will/index.html" in indexed
    assert not [rel for rel in indexed if "/embed/" in rel or rel.startswith(("claims/", "about/", "corrections/"))]
    assert not list(out.glob("pagefind/pagefind-ui*")), "Pagefind's ready-made UI is not published"
    assert not list(tmp_path.glob(".out.tmp-*")), "the folder of pages to index is removed"


def test_two_clean_builds_give_the_same_index(tmp_path):
    site = make_site(tmp_path)
    for name in ("a", "b"):
        assert run_cli("build", "--site", str(site), "--out", str(tmp_path / name), "--no-cache").code == 0
    first, second = snapshot(tmp_path / "a" / "pagefind"), snapshot(tmp_path / "b" / "pagefind")
    assert first == second
    assert any(name.startswith("filter/") for name in first)  # the files that Pagefind itself writes in no fixed order


def test_two_clean_builds_of_two_languages_give_the_same_index(tmp_path):
    """Pagefind lists a site's languages in no fixed order either: settle() sorts them."""
    site = make_site(tmp_path, "bilingual")
    for name in ("a", "b", "c"):
        assert run_cli("build", "--site", str(site), "--out", str(tmp_path / name), "--no-cache").code == 0
    first = snapshot(tmp_path / "a" / "pagefind")
    assert set(entry(tmp_path / "a")["languages"]) == {"en", "ru"}
    assert snapshot(tmp_path / "b" / "pagefind") == first == snapshot(tmp_path / "c" / "pagefind")


def test_an_edit_outside_the_indexed_pages_keeps_the_index(tmp_path, runs):
    site = make_site(tmp_path)
    out = tmp_path / "out"
    assert build(str(site), out).written
    before = snapshot(out / "pagefind")
    about = site / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more sentence about us.\n", encoding="utf-8")
    result = build(str(site), out)
    assert result.written and not result.up_to_date
    assert len(runs) == 1, "not indexed again"
    assert snapshot(out / "pagefind") == before


def test_a_no_cache_rebuild_of_the_same_pages_keeps_the_index(tmp_path, runs):
    site = make_site(tmp_path)
    out = tmp_path / "out"
    assert build(str(site), out).written
    assert build(str(site), out, use_cache=False).written
    assert len(runs) == 1


def test_an_edited_note_is_indexed_again(tmp_path, runs):
    site = make_site(tmp_path)
    out = tmp_path / "out"
    assert build(str(site), out).written
    add_zanzibar(site)
    assert build(str(site), out).written
    assert len(runs) == 2
    assert b"zanzibar" in indexed_words(out)


def test_the_previews_edits_leave_the_index_for_later_and_a_build_catches_up(tmp_path, runs):
    """search_later (the preview's saves): the page at once, the last index meanwhile; the next build asked for one makes it."""
    site = make_site(tmp_path)
    out = tmp_path / "out"
    assert build(str(site), out).written and len(runs) == 1
    add_zanzibar(site)
    edited = build(str(site), out, search_later=True)
    assert edited.written and edited.search_later and len(runs) == 1
    assert (out / "pagefind" / "pagefind.js").is_file() and not (out / search.STAMP).exists()
    assert b"zanzibar" in (out / "claims" / "index.html").read_bytes()  # the note, in the pages at once
    again = build(str(site), out, search_later=True)  # nothing new: the index is still due, and nothing is made
    assert len(runs) == 1 and not (out / search.STAMP).exists()
    caught_up = build(str(site), out)
    assert caught_up.written and not caught_up.search_later and len(runs) == 2 and (out / search.STAMP).is_file()
    assert b"zanzibar" in indexed_words(out)
    assert again.problems.errors == []


def test_no_search_makes_no_index_and_a_later_build_makes_it(tmp_path):
    site = make_site(tmp_path)
    out = tmp_path / "out"
    done = run_cli("build", "--site", str(site), "--out", str(out), "--no-search")
    assert done.code == 0, done.err
    assert not (out / "pagefind").exists() and (out / "search" / "index.html").is_file()
    again = run_cli("build", "--site", str(site), "--out", str(out))  # nothing else changed: not "up to date"
    assert again.code == 0 and "up to date" not in again.out
    assert (out / "pagefind" / "pagefind.js").is_file()
    off = run_cli("build", "--site", str(site), "--out", str(out), "--no-search")
    assert off.code == 0 and not (out / "pagefind").exists()


def test_a_missing_indexer_is_one_clear_error(tmp_path, monkeypatch, capsys):
    site = make_site(tmp_path)
    monkeypatch.setattr(search, "executable", lambda: None)
    code = cli.main(["build", "--site", str(site), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "pagefind:1: error: the search index needs Pagefind, which is not installed: pip install 'pagefind[bin]==1.5.2'" in err
    assert "--no-search" in err
    assert not (tmp_path / "out").exists(), "nothing written"
    assert cli.main(["build", "--site", str(site), "--out", str(tmp_path / "out"), "--no-search"]) == 0


def test_a_failing_indexer_is_one_clear_error_and_the_output_stays(tmp_path, monkeypatch, capsys):
    site = make_site(tmp_path)
    out = tmp_path / "out"
    assert build(str(site), out).written
    before = snapshot(out)
    (site / "content" / "second.md").write_text((site / "content" / "second.md").read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'disk full' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setattr(search, "executable", lambda: broken)
    code = cli.main(["build", "--site", str(site), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "pagefind:1: error: the search index could not be made: Pagefind stopped with exit code 3: disk full" in err
    assert snapshot(out) == before


def slow_indexer(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in for Pagefind that begins its output, writes its process id, then sleeps a minute; (the binary, the file with its id)."""
    pid_file = tmp_path / "indexer.pid"
    binary = tmp_path / "slow-pagefind"  # called as: --site FOLDER --output-path INTO ...
    binary.write_text(f"#!/bin/sh\nmkdir -p \"$4/fragment\" && touch \"$4/fragment/begun.pf_fragment\"\n"
                      f"echo $$ > '{pid_file}'\nexec sleep 60\n", encoding="utf-8")
    binary.chmod(0o755)
    return binary, pid_file


def test_a_stopped_index_kills_the_indexer_writes_nothing_and_stays_due(tmp_path, monkeypatch):
    """The preview's index, given up when the writer saves again: Pagefind killed, not waited for; nothing written."""
    import os

    site = make_site(tmp_path)
    out = tmp_path / "out"
    assert build(str(site), out).written
    add_zanzibar(site)
    assert build(str(site), out, search_later=True).search_later
    before = snapshot(out)
    binary, pid_file = slow_indexer(tmp_path)
    monkeypatch.setattr(search, "executable", lambda: binary)
    asked: list[int] = []

    def stop() -> bool:  # as the preview's: asked while it runs, True once a save is seen (here, once the indexer has started)
        asked.append(1)
        return pid_file.exists()
    stopped = build(str(site), out, stop_search=stop)
    assert not stopped.written and stopped.search_later and not stopped.problems.errors
    assert asked and snapshot(out) == before
    pid = int(pid_file.read_text(encoding="utf-8"))
    with pytest.raises(ProcessLookupError):  # killed, and waited for: not even a zombie is left
        os.kill(pid, 0)
    for thread in [t for t in threading.enumerate() if t.name == "remove-later"]:
        thread.join(timeout=30)
    # the folder of pages to index, and what Pagefind had begun to write: renamed out of the way, removed on a thread
    assert not list(tmp_path.glob(".out.*")), list(tmp_path.glob(".out.*"))
    monkeypatch.undo()
    caught_up = build(str(site), out)  # the next pause makes it after all
    assert caught_up.written and (out / search.STAMP).is_file()
    assert b"zanzibar" in indexed_words(out)


def test_gathering_the_pages_to_index_stops_too(tmp_path):
    """Linking thousands of pages into the folder Pagefind reads takes seconds on a slow disk: stop is asked there as well."""
    out, folder = tmp_path / "out", tmp_path / "gathered"
    files = {f"p{n}/index.html": b"<html></html>" for n in range(search.STOP_EVERY * 3)}
    with pytest.raises(search.Stopped):
        search.gather(sorted(files), files, out, folder, tmp_path / "stage", stop=lambda: True)
    assert len(list(folder.rglob("*.html"))) == search.STOP_EVERY - 1


def test_a_page_cannot_take_the_search_pages_folder(tmp_path):
    site = make_site(tmp_path)
    (site / "content" / "search.md").write_text('---\ntitle: "Search"\ndate: 2024-01-01\nlayout: page\n---\n\nHello.\n', encoding="utf-8")
    result = build(str(site), tmp_path / "out")
    assert not result.written
    assert any("the slug 'search' is taken by the site's search" in str(p) for p in result.problems.errors)


def test_settle_sorts_filter_values_and_names_files_after_their_bytes(tmp_path):
    top = tmp_path / "pagefind"
    (top / "filter").mkdir(parents=True)
    (top / "filter" / "en_1.pf_filter").write_bytes(search.pack(["status", [["b", [1]], ["a", [0, 2]]]]))
    (top / "pagefind.en_old.pf_meta").write_bytes(search.pack(["1.5.2", [["en_x", 3]], [], [["status", "en_1"]], [], []]))
    (top / search.ENTRY).write_text(json.dumps({"version": "1.5.2", "languages": {"en": {"hash": "en_old", "wasm": "en", "page_count": 1}}}))
    search.settle(top)
    [meta] = top.glob("*.pf_meta")
    name = search.unpack(meta.read_bytes())[3][0][1]
    assert search.unpack((top / "filter" / f"{name}.pf_filter").read_bytes()) == ["status", [["a", [0, 2]], ["b", [1]]]]
    assert entry(tmp_path)["languages"]["en"]["hash"] == meta.name[len("pagefind."):-len(".pf_meta")]
    assert sorted(p.name for p in (top / "filter").iterdir()) == [f"{name}.pf_filter"]


def test_the_cbor_of_pagefind_files_reads_back_as_written():
    value = ["x" * 300, [0, 23, 24, 255, 256, 65535, 65536, 2**32], ["é", []]]
    assert search.unpack(search.pack(value)) == value


def test_the_preview_indexes_too_unless_told_not_to(tmp_path):
    from explainers.serve import safe_build

    site = make_site(tmp_path)
    result = safe_build(str(site), tmp_path / "preview", "http://127.0.0.1:8000/", drafts=False)
    assert result.written and (tmp_path / "preview" / "pagefind" / "pagefind.js").is_file()
    off = safe_build(str(site), tmp_path / "plain", "http://127.0.0.1:8000/", drafts=False, search=False)
    assert off.written and not (tmp_path / "plain" / "pagefind").exists()


def test_only_the_search_page_may_compile_webassembly(tmp_path):
    site = make_site(tmp_path)
    out = tmp_path / "out"
    assert build(str(site), out).written
    wasm = "script-src 'self' 'wasm-unsafe-eval'"
    pages = [p for p in out.rglob("*.html") if "/pagefind/" not in p.as_posix()]
    allowed = sorted(p.relative_to(out).as_posix() for p in pages if wasm in p.read_text(encoding="utf-8"))
    assert allowed == ["search/index.html"]
    headers = (out / "_headers").read_text(encoding="utf-8").split("\n/")
    rules = {block.split("\n", 1)[0].lstrip("/"): block for block in headers}
    for rule in ("search/", "*/search/"):
        assert "! Content-Security-Policy" in rules[rule] and wasm in rules[rule] and "frame-ancestors 'none'" in rules[rule]
    assert wasm not in rules["*"]
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<form class="site-search" role="search" aria-label="Site" action="./search/" method="get">' in home
    assert "form-action 'self'" in home


def test_a_claim_pages_words_in_the_index_are_its_own(tmp_path):
    """The words every claim page of a status shares (its meaning, labels, the explainer's title) are left out of its record."""
    site = make_site(tmp_path)
    out = tmp_path / "out"
    assert build(str(site), out).written
    fragments = [json.loads(gzip.decompress(p.read_bytes())[len(b"pagefind_dcd"):]) for p in (out / "pagefind" / "fragment").iterdir()]
    [claim] = [f for f in fragments if f["url"] == "/contract-soldiers/claims/sent-against-will/"]
    assert "Relatives told Meduza" in claim["content"] and claim["filters"]["status"] == ["Unverified"]
    for shared in ("Reported, but not independently confirmed", "Status", "Why", "(current)", "Contract soldiers say they could not quit"):
        assert shared not in claim["content"]
    assert claim["content"].count("“") <= 1, "the claim's words once (its title), not again as the passage"
