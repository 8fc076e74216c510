"""The build cache never changes the output: after each edit, an incremental build equals a clean one byte for byte."""
from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from conftest import make_site, run_cli, snapshot
from explainers import cache
from explainers.builder import build


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def compare(site: Path, tmp: Path):
    """Build incrementally into public/ and clean into another folder; both must match, files and messages."""
    incremental = build(str(site))
    clean_out = tmp / "clean"
    if clean_out.exists():
        shutil.rmtree(clean_out)
    clean = build(str(site), out=clean_out, use_cache=False)
    assert [str(p) for p in incremental.problems] == [str(p) for p in clean.problems]
    assert incremental.written == clean.written
    if clean.written:
        assert snapshot(site / "public") == snapshot(clean_out)
    return incremental


def add_page(site: Path) -> None:
    (site / "content" / "third.md").write_text(
        "---\ntitle: A third one\ndate: 2023-01-02\nclaims:\n  own:\n    status: verified\n    source: newsweek\n---\n"
        "See [the first claim](first.md#claim-2024) and [ours][^own].\n",
        encoding="utf-8",
    )


def rename_page(site: Path) -> None:
    (site / "content" / "second.md").rename(site / "content" / "renamed.md")
    edit(site / "content" / "first.md", "(second.md)", "(renamed.md)")
    edit(site / "content" / "first.md", "(second.md#claim-casualties)", "(renamed.md#claim-casualties)")


def corrupt_cache(site: Path) -> None:
    for path in [*(site / ".cache").rglob("*.pickle"), *(site / ".cache").rglob("*.pack")]:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    edit(site / "content" / "renamed.md", "Over 25,000", "More than 25,000")


def rewrite_entries(site: Path, change) -> None:
    """Rewrite every cache file with its header [version, code, env, size, check] changed and its object poisoned."""
    for path in (site / ".cache").rglob("*.pickle"):
        with open(path, "rb") as f:
            header, payload, rest = list(pickle.load(f)), pickle.load(f), f.read()
        poison(payload)
        change(header)
        with open(path, "wb") as f:
            pickle.dump(tuple(header), f)
            pickle.dump(payload, f)
            f.write(rest)


def stale_cache_version(site: Path) -> None:
    """Entries written by another version of the cache format must not be trusted."""
    rewrite_entries(site, lambda header: header.__setitem__(0, cache.VERSION + 1))


def poison(payload) -> None:
    """Make a cached page or piece say POISONED, which no clean build would."""
    if isinstance(payload, cache.PageEntry) and payload.page is not None:
        payload.page.title = "POISONED"
    elif isinstance(payload, dict) and all(isinstance(entry, cache.PageEntry) for entry in payload.values()):  # index.pickle
        for entry in payload.values():
            poison(entry)
    elif isinstance(payload, dict):  # parts.pickle: {page: (key, {piece: text})}
        for _, pieces in payload.values():
            for name in pieces:
                pieces[name] = b"POISONED"


def poison_with_right_version(site: Path) -> None:
    """A wrong code digest (another builder version) is ignored too."""
    rewrite_entries(site, lambda header: header.__setitem__(1, "not-this-code"))


def lose_the_page_entries(site: Path) -> None:
    """The site index is there but the entries its stubs load from are gone: every page is rendered again (a layout changed)."""
    shutil.rmtree(site / ".cache" / "packs")
    edit(site / "layouts" / "explainer.html", "data-edited>", "data-edited-again>")


def poison_the_stored_html(site: Path) -> None:
    """A page's HTML changed after its entry was written (same length, so only the digest tells)."""
    for path in (site / ".cache" / "packs").glob("*.pack"):
        data = path.read_bytes()
        if b"<p>" in data:
            path.write_bytes(data.replace(b"<p>", b"<b>"))


STEPS = {
    "edit a page body": lambda s: edit(s / "content" / "second.md", "Over 20,000 soldiers", "Over 25,000 soldiers"),
    "edit a claim's status": lambda s: edit(s / "content" / "first.md", "status: attributed", "status: disputed"),
    "edit a page title (home listing)": lambda s: edit(s / "content" / "first.md", 'title: "Contract soldiers', 'title: "Soldiers'),
    "edit the nav page's title": lambda s: edit(s / "content" / "about.md", "title: About", "title: About us"),
    "add a page": add_page,
    "change a linked page's slug": lambda s: edit(s / "content" / "first.md", "slug: contract-soldiers", "slug: soldiers"),
    "delete a page": lambda s: (s / "content" / "third.md").unlink(),
    "rename a page": rename_page,
    "edit a claim's note (ledger row, export)": lambda s: edit(s / "content" / "first.md", "note: ", "note: Edited. "),
    "edit the home card partial": lambda s: edit(s / "layouts" / "partials" / "card.html", '<li class="card">', '<li class="card" data-edited>'),
    "edit the ledger rows partial": lambda s: edit(s / "layouts" / "partials" / "ledger-rows.html", '<tr data-status', '<tr data-edited data-status'),
    "edit a layout": lambda s: edit(s / "layouts" / "explainer.html", "<article class=\"explainer\">", "<article class=\"explainer\" data-edited>"),
    "edit site.yaml": lambda s: edit(s / "site.yaml", "title: Fixture explainers", "title: Edited explainers"),
    "edit the CSS": lambda s: (s / "static" / "css" / "site.css").write_text((s / "static" / "css" / "site.css").read_text() + "\n.x { color: red }\n"),
    "add a static file": lambda s: (s / "static" / "images" / "new.txt").write_text("new"),
    "corrupt the cache files": corrupt_cache,
    "cache of another format version": stale_cache_version,
    "cache of another builder version": poison_with_right_version,
    "stored HTML altered": lambda s: (poison_the_stored_html(s), edit(s / "content" / "about.md", "title: About us", "title: About them")),
    "tamper with an output file": lambda s: (s / "public" / "soldiers" / "index.html").write_text("tampered"),
    "add a stray output file": lambda s: (s / "public" / "stray.html").write_text("stray"),
    "lose the page entries, keep the index": lose_the_page_entries,
    "lose the pieces' bytes, keep their digests": lambda s: (
        [path.unlink() for path in (s / ".cache").glob("pieces*.pickle")],
        edit(s / "content" / "first.md", "status: disputed", "status: attributed")),
    "delete the cache": lambda s: shutil.rmtree(s / ".cache"),
}


def test_every_step_matches_a_clean_build(tmp_path: Path):
    site = make_site(tmp_path)
    compare(site, tmp_path)
    for name, step in STEPS.items():
        step(site)
        result = compare(site, tmp_path)
        assert result.written, name
        for rel in ("index.html", "claims/index.html", "claims.json"):
            assert "POISONED" not in (site / "public" / rel).read_text(), (name, rel)


def test_a_body_edit_renders_one_page_and_keeps_the_rest(tmp_path: Path):
    site = make_site(tmp_path)
    build(str(site))
    before = (site / "public" / "about" / "index.html").stat()
    again = build(str(site))
    assert again.up_to_date and again.written
    edit(site / "content" / "second.md", "Over 20,000", "Over 30,000")
    result = build(str(site))
    assert result.rendered == 1 and not result.up_to_date
    after = (site / "public" / "about" / "index.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert "Over 30,000" in (site / "public" / "second" / "index.html").read_text()


def test_a_linked_page_is_rendered_again_when_its_target_moves(tmp_path: Path):
    site = make_site(tmp_path)
    build(str(site))
    edit(site / "content" / "first.md", "slug: contract-soldiers", "slug: soldiers")
    build(str(site))
    assert 'href="../soldiers/#claim-sent-against-will"' in (site / "public" / "second" / "index.html").read_text()


def test_cached_rebuilds_still_report_problems_of_unchanged_pages(tmp_path: Path):
    site = make_site(tmp_path)
    edit(site / "content" / "second.md", "claims:\n", "claims:\n  unused:\n    status: verified\n    source: newsweek\n")
    edit(site / "content" / "first.md", "date: 2022-05-19", "date: 2022-05-19\nextra: field")
    first = run_cli("build", "--site", str(site))
    assert first.code == 0, first.err
    assert "claim 'unused' is defined but never referenced" in first.err
    assert "unknown field 'extra'" in first.err
    unchanged = run_cli("build", "--site", str(site))
    assert "up to date" in unchanged.out
    assert unchanged.err == first.err
    edit(site / "content" / "about.md", "How this site works.", "How this site works, edited.")
    other_edit = run_cli("build", "--site", str(site))
    assert other_edit.err == first.err
    assert run_cli("check", "--site", str(site)).err == run_cli("check", "--site", str(site)).err


def test_cached_rebuilds_still_fail_on_errors_of_unchanged_pages(tmp_path: Path):
    site = make_site(tmp_path)
    assert run_cli("build", "--site", str(site)).code == 0
    edit(site / "content" / "second.md", "[said Ukraine][^casualties]", "[said Ukraine][^casualties] and [^nope]")
    failed = run_cli("build", "--site", str(site))
    assert failed.code == 1 and "reference to undefined claim 'nope'" in failed.err
    edit(site / "content" / "about.md", "How this site works.", "How this site works, edited.")
    again = run_cli("build", "--site", str(site))
    assert again.code == 1 and again.err == failed.err and "undefined claim 'nope'" in again.err


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path: Path):
    site = make_site(tmp_path)
    result = run_cli("build", "--site", str(site), "--no-cache")
    assert result.code == 0, result.err
    assert not (site / ".cache").exists()
    assert run_cli("build", "--site", str(site)).code == 0
    assert (site / ".cache" / "build.pickle").is_file()
    stale_cache_version(site)
    assert run_cli("build", "--site", str(site), "--no-cache").code == 0
    assert "POISONED" not in (site / "public" / "index.html").read_text()


@pytest.mark.parametrize("drafts", [False, True])
def test_drafts_flag_switches_cleanly(tmp_path: Path, drafts: bool):
    site = make_site(tmp_path)
    build(str(site), drafts=not drafts)
    incremental = build(str(site), drafts=drafts)
    clean = build(str(site), out=tmp_path / "clean", drafts=drafts, use_cache=False)
    assert incremental.written and clean.written
    assert snapshot(site / "public") == snapshot(tmp_path / "clean")


def test_a_broken_link_is_worded_anew_when_its_target_file_appears(tmp_path: Path):
    site = make_site(tmp_path)
    edit(site / "content" / "second.md", "Back to", "See [later](later.md). Back to")
    assert "there is no page content/later.md" in "\n".join(str(p) for p in compare(site, tmp_path).problems)
    (site / "content" / "later.md").write_text("---\ntitle: Later\ndate: 2023-01-01\ndraft: true\n---\nSoon.\n", encoding="utf-8")
    assert "content/later.md is a draft" in "\n".join(str(p) for p in compare(site, tmp_path).problems)


def test_a_failed_build_writes_no_cache(tmp_path: Path):
    site = make_site(tmp_path)
    edit(site / "content" / "second.md", "[said Ukraine][^casualties]", "[said Ukraine][^casualties] [^nope]")
    assert run_cli("build", "--site", str(site)).code == 1
    assert run_cli("check", "--site", str(site)).code == 1
    assert not (site / ".cache").exists()


def test_another_base_url_with_the_same_path_reuses_converted_pages(tmp_path: Path, monkeypatch):
    """The preview builds with its own address as base_url; at the same path, pages need no converting again."""
    from explainers import parallel

    site = make_site(tmp_path)
    build(str(site))
    converted = []
    real = parallel.parse_pages
    monkeypatch.setattr(parallel, "parse_pages", lambda site_, pages, *a, **k: converted.extend(pages) or real(site_, pages, *a, **k))
    preview = build(str(site), out=tmp_path / "preview", base_url="http://127.0.0.1:8000/explainers/")
    assert preview.written and converted == []
    clean = build(str(site), out=tmp_path / "clean", base_url="http://127.0.0.1:8000/explainers/", use_cache=False)
    assert [str(p) for p in preview.problems] == [str(p) for p in clean.problems]
    assert snapshot(tmp_path / "preview") == snapshot(tmp_path / "clean")
    assert "http://127.0.0.1:8000/explainers/" in (tmp_path / "preview" / "feed.xml").read_text()
    build(str(site), out=tmp_path / "elsewhere", base_url="https://example.org/other/")
    assert converted  # another path: links starting with '/' read differently, so pages are converted again


def test_a_layered_file_keeps_changes_beside_its_base_until_they_add_up(tmp_path: Path):
    def fresh() -> cache.Cache:
        return cache.Cache(tmp_path, "code", "env")

    whole = {f"k{i}": i for i in range(200)}
    first = fresh()
    assert first.layered("parts") == {}
    first.store_layered("parts", {}, lambda: dict(whole))
    base = tmp_path / ".cache" / "parts.pickle"
    written = base.stat().st_mtime_ns
    second = fresh()
    assert second.layered("parts") == whole
    second.store_layered("parts", {"k1": "one", "k2": None, "new": 7}, lambda: pytest.fail("an edit rewrote the base"))
    third = fresh()
    assert third.layered("parts") == {**{k: v for k, v in whole.items() if k != "k2"}, "k1": "one", "new": 7}
    assert base.stat().st_mtime_ns == written
    # changes accumulate in the one changes file, until they pass an eighth of the whole
    third.store_layered("parts", {f"k{i}": -i for i in range(10, 40)}, lambda: {"rewritten": True})
    assert fresh().layered("parts") == {"rewritten": True}
    assert not (tmp_path / ".cache" / "parts-changes.pickle").exists()


def test_changes_made_on_another_base_are_ignored(tmp_path: Path):
    one = cache.Cache(tmp_path, "code", "env")
    one.layered("index")
    one.store_layered("index", {}, lambda: {"a": 1})
    one.store_layered("index", {"a": 2}, lambda: pytest.fail("rewrote"))
    changes = (tmp_path / ".cache" / "index-changes.pickle").read_bytes()
    one.bases.clear()
    one.store_layered("index", {}, lambda: {"a": 3})  # a new base (new token)
    (tmp_path / ".cache" / "index-changes.pickle").write_bytes(changes)  # the old base's changes come back
    assert cache.Cache(tmp_path, "code", "env").layered("index") == {"a": 3}
    (tmp_path / ".cache" / "index-changes.pickle").write_bytes(changes[:20])  # a damaged changes file
    assert cache.Cache(tmp_path, "code", "env").layered("index") == {"a": 3}


def test_packs_give_back_each_entry_and_refuse_what_is_stale_or_cut(tmp_path: Path):
    from explainers.model import Problem

    packs = cache.Packs(tmp_path / "packs", "code", "env")
    entries = {f"p{i}.md": cache.PageEntry(f"src{i}", [Problem("p", i, "warning", "w")], None, parsed=i > 0) for i in range(3)}
    where = packs.write([(name, entry, f"<p>{name}</p>") for name, entry in entries.items()])
    assert len({place[0] for place in where.values()}) == 1  # one file for the batch
    for name, entry in entries.items():
        found, html = packs.read(where[name], rest=True)
        assert found == entry and html == f"<p>{name}</p>".encode()
    assert cache.Packs(tmp_path / "packs", "other code", "env").read(where["p1.md"], rest=False) == (None, b"")
    # the HTML alone, checked against the header's tag (the page's bytes) and digest
    assert packs.html(where["p1.md"], "src1") == "<p>p1.md</p>"
    assert packs.html(where["p1.md"], "src2") is None  # another version of the page
    assert packs.html(where["p0.md"], "src0") is None  # an entry of a page never converted
    pack_file = tmp_path / "packs" / where["p1.md"][0]
    pack_file.write_bytes(pack_file.read_bytes().replace(b"<p>p1.md</p>", b"<b>p1.md</b>"))
    assert packs.html(where["p1.md"], "src1") is None and packs.html(where["p2.md"], "src2") == "<p>p2.md</p>"
    pack, start, length = where["p2.md"]
    assert packs.read((pack, start, length - 1), rest=True) == (None, b"")  # cut short
    (tmp_path / "packs" / "stray-999999.pack").write_bytes(b"x")  # a dead build's
    packs.prune({pack})
    assert sorted(p.name for p in (tmp_path / "packs").iterdir()) == [pack]
    packs.prune(set())
    assert not list((tmp_path / "packs").iterdir())


def test_a_build_with_site_yaml_as_it_was_does_not_import_pyyaml(tmp_path: Path):
    """site.yaml's {…} tables are beyond the quick reader; what PyYAML made of them is kept (yamlfile.Memo)."""
    import subprocess
    import sys

    from conftest import REPO

    site = make_site(tmp_path)
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); from explainers.builder import build; "
             "r = build(sys.argv[2]); print(r.written, 'yaml' in sys.modules)")

    def run() -> str:
        return subprocess.run([sys.executable, "-c", probe, str(REPO), str(site)], capture_output=True, text=True, check=True).stdout.strip()

    assert run() == "True True"  # the first build reads site.yaml with PyYAML and keeps the result
    assert run() == "True False"  # nothing changed
    edit(site / "content" / "second.md", "Over 20,000 soldiers", "Over 25,000 soldiers")
    assert run() == "True False"  # a page edited: its front matter is plain
    edit(site / "site.yaml", "title: Fixture explainers", "title: Edited explainers")
    assert run() == "True True"  # site.yaml edited: read again
    assert run() == "True False"
    compare(site, tmp_path)


def test_another_version_of_markdown_or_jinja2_is_another_builder(monkeypatch):
    import jinja2
    import markdown

    before = cache.code_digest()
    monkeypatch.setattr(markdown, "__version__", "0.0.1")
    assert cache.code_digest() != before
    monkeypatch.undo()
    monkeypatch.setattr(jinja2, "__version__", "0.0.1")
    assert cache.code_digest() != before
    monkeypatch.undo()
    assert cache.code_digest() == before
