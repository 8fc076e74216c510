"""What the search index (explainers/search.py, Pagefind) adds to builds of the generated site.

    python bench/search_bench.py [--pages 1000] [--runs 1] [--seed 1] [--out bench/out/search]

In one run, alternating so that both see the same load: a full clean build with --no-search
and one with the index, each a fresh `python build.py build` process (bench/bench.py's
run_build), timed from outside in wall time and in CPU time (user + system, the build's
worker processes and Pagefind included). Then, on the indexed output: the index's size, and
whether each kind of rebuild made the index again (Pagefind ran) or kept the last one:

- no-change rebuild: the same build again (the whole build is skipped: "up to date")
- no-cache rebuild: every page rendered again, to the same bytes
- an edit outside the indexed pages (the about page's body)
- a one-page edit (one explainer's body): the index is made again, whole

Whether the index was made again is read from the output: a kept index's files are the
last output's, linked into the new folder or left in place (the same inode). Benchmarks are
not tests: nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import REPO, RUNNER, compile_builder  # noqa: E402
import generate as generated  # noqa: E402

sys.path.insert(0, str(REPO))
from explainers import search  # noqa: E402


def cpu_of_children() -> float:
    """User + system seconds of every finished child process so far (their own children included)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed_build(site: Path, *extra: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one build in a fresh process, indexed unless told --no-search.

    Not bench.run_build: that one always adds --no-search (make bench times the engine alone).
    """
    cpu = cpu_of_children()
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(REPO), "build", "--site", str(site), *extra], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr}")
    return wall, cpu_of_children() - cpu


def clean_build(site: Path, out: Path, *extra: str) -> tuple[float, float]:
    """A full build with no output folder and no cache."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    return timed_build(site, "--out", str(out), *extra)


def size_of(folder: Path) -> dict[str, tuple[int, int]]:
    """(files, bytes) of an index folder, by part (fragment/, index/, filter/, the rest) and in all."""
    parts: dict[str, list[int]] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            part = path.relative_to(folder).parts[0] if path.parent != folder else "top"
            for key in (part, "all"):
                counts = parts.setdefault(key, [0, 0])
                counts[0] += 1
                counts[1] += path.stat().st_size
    return {key: (files, size) for key, (files, size) in sorted(parts.items())}


def index_stamp(out: Path) -> int:
    """The inode of the index's entry file: the same after a rebuild only if the index was kept."""
    return (out / search.INDEX / search.ENTRY).stat().st_ino


def rebuilds(site: Path, out: Path) -> list[tuple[str, float, float, bool]]:
    """(name, wall, CPU, index made again) of each rebuild kind, in order, on an indexed output."""
    about, page = site / "content" / "about.md", site / "content" / "explainer-00000.md"
    steps = [
        # the clean builds above took turns with one cache, which now describes the other output
        ("first build into it again (the cache's)", [], None),
        ("no-change rebuild", [], None),
        ("no-cache rebuild", ["--no-cache"], None),
        ("edit outside the indexed pages (about)", [], lambda: about.write_text(about.read_text(encoding="utf-8") + "\nMore about us.\n", encoding="utf-8")),
        ("one-page edit (an explainer's body)", [], lambda: page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")),
    ]
    found = []
    for name, extra, change in steps:
        if change:
            change()
        before = index_stamp(out)
        wall, cpu = timed_build(site, "--out", str(out), *extra)
        found.append((name, wall, cpu, index_stamp(out) != before))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(HERE / "out" / "search"))
    parser.add_argument("--rebuilds-only", action="store_true", help="only the rebuilds, of the site and indexed output an earlier run left in --out")
    args = parser.parse_args(argv)
    work = Path(args.out)
    if args.rebuilds_only:
        compile_builder()
        print_rebuilds(work / "site", work / "indexed")
        return 0
    site = generated.generate(work / "site", args.pages, args.seed)
    compile_builder()
    plain, indexed = work / "plain", work / "indexed"
    without, with_index = [], []
    for run in range(args.runs):
        order = [("off", plain), ("on", indexed)] if run % 2 == 0 else [("on", indexed), ("off", plain)]
        for which, out in order:
            figures = clean_build(site, out, *(["--no-search"] if which == "off" else []))
            (without if which == "off" else with_index).append(figures)
    wall_off, wall_on = (statistics.median(w for w, _ in runs) for runs in (without, with_index))
    cpu_off, cpu_on = (statistics.median(c for _, c in runs) for runs in (without, with_index))
    pages = sum(1 for _ in (site / "content").glob("*.md"))
    print(f"{pages} pages, {args.runs} run(s) each, alternating; medians")
    print(f"full clean build, --no-search: {wall_off:7.2f} s wall, {cpu_off:7.2f} s CPU")
    print(f"full clean build, indexed:     {wall_on:7.2f} s wall, {cpu_on:7.2f} s CPU")
    print(f"indexing adds: {wall_on - wall_off:+.2f} s wall ({(wall_on / wall_off - 1) * 100:+.0f}%), "
          f"{cpu_on - cpu_off:+.2f} s CPU ({(cpu_on / cpu_off - 1) * 100:+.0f}%)")
    entry = json.loads((indexed / search.INDEX / search.ENTRY).read_text(encoding="utf-8"))
    counted = sum(language["page_count"] for language in entry["languages"].values())
    print(f"index: {counted} pages indexed (explainers and claim pages)")
    for part, (files, size) in size_of(indexed / search.INDEX).items():
        print(f"  {part + '/' if part not in ('all', 'top') else part:10} {files:7d} files {size / 1024 / 1024:8.2f} MiB")
    print_rebuilds(site, indexed)
    return 0


def print_rebuilds(site: Path, indexed: Path) -> None:
    """Run and print the rebuilds of the indexed output."""
    print("rebuilds of the indexed output:")
    for name, wall, cpu, again in rebuilds(site, indexed):
        print(f"  {name:40} {wall:7.2f} s wall {cpu:7.2f} s CPU  index {'made again' if again else 'kept'}", flush=True)


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - started:.0f} s in all)")
    raise SystemExit(code)
