"""What one build takes over from the last (incremental.py): the inputs' digests, the Memory the recipe calls."""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from conftest import make_site
from explainers import cache, incremental
from explainers.builder import build, open_site
from explainers.model import Problems
from test_cache import compare


def test_a_content_file_is_read_again_unless_its_stat_is_as_recorded_and_settled(tmp_path: Path, monkeypatch):
    site = make_site(tmp_path)
    page = site / "content" / "second.md"
    old = time.time() - 60
    for path in (site / "content").glob("*.md"):
        os.utime(path, (old, old))  # only mtime can be set back; ctime, which the rule reads, stays recent
    assert build(str(site)).written
    found = cache.load_sources(site, cache.code_digest())
    assert found is not None and str(page) in found[1]
    read = []
    real = incremental.source_digest

    def spy(path, known, texts=None):
        st = os.stat(path)
        if not (known and str(path) in known and known[str(path)][0] == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)):
            read.append(path.name)
        return real(path, known, texts)

    monkeypatch.setattr(incremental, "source_digest", spy)
    # just written: every ctime is within SETTLED_NS of the build that recorded it, so all are read again
    assert build(str(site)).up_to_date
    assert sorted(read) == sorted(p.name for p in (site / "content").glob("*.md"))
    # recorded long enough after their last change: trusted by stat, except the one changed now
    started, known = cache.load_sources(site, cache.code_digest())
    cache.store_sources(site, cache.code_digest(), started + 10 * incremental.SETTLED_NS, known)
    read.clear()
    page.write_text(page.read_text(encoding="utf-8").replace("Over 20,000 soldiers", "Over 25,000 soldiers"), encoding="utf-8")
    assert build(str(site)).written
    assert read == ["second.md"]
    compare(site, tmp_path)


def test_a_stat_recorded_too_soon_after_its_change_is_not_trusted(tmp_path: Path):
    site = make_site(tmp_path)
    assert build(str(site)).written
    started, known = cache.load_sources(site, cache.code_digest())
    assert known and incremental.settled_sources(site, cache.code_digest()) == {}  # every ctime is this build's
    cache.store_sources(site, cache.code_digest(), started + incremental.SETTLED_NS + time.time_ns(), known)
    assert incremental.settled_sources(site, cache.code_digest()) == known
    assert incremental.settled_sources(site, "another builder") == {}


def test_the_run_digest_changes_with_drafts_the_output_folder_and_the_day(tmp_path: Path, monkeypatch):
    site = make_site(tmp_path)
    problems = Problems()
    inputs = incremental.gather_inputs(open_site(str(site), problems, None), problems)
    key = incremental.run_digest(inputs, False, site / "public")
    assert key == incremental.run_digest(inputs, False, site / "public")
    assert key != incremental.run_digest(inputs, True, site / "public")
    assert key != incremental.run_digest(inputs, False, tmp_path / "elsewhere")

    tomorrow = dt.date.today() + dt.timedelta(days=1)

    class Tomorrow(dt.date):
        @classmethod
        def today(cls):
            return tomorrow

    monkeypatch.setattr(incremental.dt, "date", Tomorrow)
    assert key != incremental.run_digest(inputs, False, site / "public")  # a claim may have gone stale overnight


def test_a_memory_without_the_cache_remembers_nothing(tmp_path: Path):
    site = make_site(tmp_path)
    assert build(str(site)).written
    problems = Problems()
    memory = incremental.Memory(use_cache=False)
    memory.take_stock(open_site(str(site), problems, None), problems, False, (site / "public").resolve())
    assert memory.cache is None and memory.record is None and memory.up_to_date(problems) is None
    assert memory.yaml_memo(site) is None


def test_a_failed_first_build_takes_away_the_cache_folder_it_made(tmp_path: Path):
    site = make_site(tmp_path)
    problems = Problems()
    memory = incremental.Memory()
    memory.take_stock(open_site(str(site), problems, None), problems, False, (site / "public").resolve())
    with memory.session():
        assert (site / ".cache" / "packs").is_dir()  # made for workers' packs
    assert not (site / ".cache").exists()


def test_an_edit_lists_only_the_output_folders_whose_stamp_moved(tmp_path: Path, monkeypatch):
    from explainers import output

    site = make_site(tmp_path)
    assert build(str(site)).written
    out = site / "public"
    (out / "about" / "stray.html").write_text("stray")  # a file put there since: its folder's stamp moves
    (out / "new" / "deeper").mkdir(parents=True)
    (out / "new" / "deeper" / "stray.txt").write_text("stray")  # and in a folder new under the top
    listed, real_files_in = [], output.files_in
    monkeypatch.setattr(output, "files_in", lambda folder, skip=frozenset(): (listed.append(Path(folder)), real_files_in(folder, skip))[1])
    text = (site / "content" / "second.md").read_text(encoding="utf-8")
    (site / "content" / "second.md").write_text(text.replace("Over 20,000", "Over 30,000"), encoding="utf-8")
    assert build(str(site)).written
    # the new folder is listed whole, the edited page's claim files (a group made again) too; never the output folder
    assert sorted(path.relative_to(out).as_posix() for path in listed if path.is_relative_to(out)) == ["new", "second/claims"]
    compare(site, tmp_path)  # the strays are gone, as from a clean build


def last_record(site: Path) -> cache.BuildRecord:
    """The record the last build of a site left in its cache."""
    memory = incremental.Memory()
    memory.take_stock(open_site(str(site), Problems(), None), Problems(), False, (site / "public").resolve())
    return memory.record


def test_folder_stamps_after_an_update_keep_the_untouched_and_take_the_touched_anew(tmp_path: Path):
    from explainers import folder_stamps

    site = make_site(tmp_path)
    assert build(str(site)).written
    first = last_record(site)
    text = (site / "content" / "second.md").read_text(encoding="utf-8")
    (site / "content" / "second.md").write_text(text.replace("Over 20,000", "Over 30,000"), encoding="utf-8")
    assert build(str(site)).written
    second = last_record(site)
    assert set(second.folders) == set(first.folders) and "" in second.folders
    for folder, was in second.folders.items():  # each as the folder is now
        assert folder_stamps.stamp(f"{second.out}/{folder}") == was, folder


def test_an_edit_stores_only_what_changed_in_the_build_record_and_it_reads_back_whole(tmp_path: Path):
    """The record's dicts are layered: an edit writes its few changed entries beside the base, and the record read back is the whole one."""
    site = make_site(tmp_path)
    assert build(str(site), search=False).written
    folder = site / cache.FOLDER
    bases = {part: (folder / f"build-{part}.pickle").stat().st_mtime_ns for part in cache.RECORD_LAYERS}
    first = last_record(site)
    text = (site / "content" / "second.md").read_text(encoding="utf-8")
    (site / "content" / "second.md").write_text(text.replace("Over 20,000", "Over 30,000"), encoding="utf-8")
    assert build(str(site), search=False).written
    second = last_record(site)
    # one group and a folder or two changed: beside bases not written again (this small site's files change by more than
    # an eighth, the share past which their base is written again whole)
    for part in ("groups", "folders"):
        assert (folder / f"build-{part}.pickle").stat().st_mtime_ns == bases[part]
        assert (folder / f"build-{part}-changes.pickle").stat().st_size < (folder / f"build-{part}.pickle").stat().st_size
    out = site / "public"
    assert set(second.files) == set(first.files)
    changed = {rel for rel in second.files if second.files[rel] != first.files[rel]}
    assert "second/index.html" in changed and "about/index.html" not in changed
    for rel, record in second.files.items():  # every entry as the file is now, those kept and those changed
        st = (out / rel).stat()
        assert record[1:] == (st.st_size, st.st_mtime_ns, st.st_ino), rel
    assert second.groups.keys() == first.groups.keys() and second.groups["second/claims/"] != first.groups["second/claims/"]
    assert build(str(site), search=False).up_to_date  # and a build now finds the output up to date from it
