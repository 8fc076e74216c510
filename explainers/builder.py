"""The whole build as one call, for the command line and the preview server alike: build() is the recipe.

It reads top to bottom, one phase a line. What carries over from the last build (the
cache, the preview's memory) is behind one object, incremental.Memory; the temporary
folder the output is made in is output.Stage; two builds of one site take turns
(output.site_lock). Every phase appends to one Problems list, and nothing is rendered
or written while any error is recorded.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import output, search as search_index, yamlfile
from .fields import is_safe_url
from .incremental import Memory, Warm
from .load import load_site
from .model import Page, Problems, Site
from .render import Reuse, render
from .sitecheck import check_site as check


@dataclass
class BuildResult:
    """What a build or a check found and did."""

    problems: Problems
    site: Site | None = None
    pages: list[Page] = field(default_factory=list)
    out: Path | None = None
    written: bool = False
    seconds: float = 0.0
    page_count: int = 0
    rendered: int = 0  # pages rendered in this run (the rest were reused from the last output)
    up_to_date: bool = False  # nothing changed since the last build: the output was left as it was
    search_later: bool = False  # the search index is the last one, to be made again (build's search_later)


def build(site_arg: str, out: str | Path | None = None, base_url: str | None = None, drafts: bool = False, use_cache: bool = True,
          warm: Warm | None = None, search: bool = True, search_later: bool = False, stop_search: Callable[[], bool] | None = None) -> BuildResult:
    """Check everything, then render and swap in the output folder; write nothing on any error.

    `warm` (the preview's) carries the last good build's pages and pieces in memory; a good
    build updates it, and updates the output folder in place, file by file, instead of
    swapping in a whole new one (the preview's folder is its own, never published).
    `search_later` (the preview's edits) leaves the last search index in place of making it
    again (result.search_later), for a build when the writer pauses. `stop_search` (the
    preview's, in that build) is asked while the index is made: True gives it up and the
    build writes nothing, the index still due (result.search_later).
    """
    started, result, memory = time.perf_counter(), BuildResult(Problems()), Memory(use_cache, warm)
    site = result.site = open_site(site_arg, result.problems, base_url, memory.yaml_memo(Path(site_arg)))
    if site is None:
        return finish(result, started)
    target = output_folder(site, out, result)
    with output.site_lock(site.root):
        memory.take_stock(site, result.problems, drafts, target)
        if (search_later or search_index.as_asked(target, search)) and up_to_date(memory, result):
            return finish(result, started)
        with memory.session(), output.Stage(target) as stage:
            in_place = memory.in_place()  # asked once the stage is made, which may put back a killed build's output
            pages = read_pages(site, memory, drafts, None if in_place else stage.make_folders, result)
            check(site, pages, result.problems, strict=False)
            if result.problems.errors:
                return finish(result, started)
            files, reuse = render_site(site, pages, memory, stage, result.problems)
            if files is None:
                return finish(result, started)
            indexed = search_index.index(pages, files, stage, result.problems, search, search_later, stop_search)  # last: it reads the pages
            result.search_later = indexed in ("later", "stopped")
            if indexed in ("", "stopped"):
                return finish(result, started)
            removed = write_output(files, memory, stage, in_place)
            result.written, result.rendered = True, reuse.rendered
            memory.remember(site, result.problems, reuse, files)
            removed()  # the last output's folder, removed on a thread meanwhile
            return finish(result, started)


def load(site_arg: str, drafts: bool, strict: bool, base_url: str | None = None, use_cache: bool = True) -> BuildResult:
    """Load, read, parse and check the whole site, collecting every problem; write nothing (the recipe of `check`)."""
    problems = Problems()
    site = open_site(site_arg, problems, base_url)
    if site is None:
        return BuildResult(problems)
    memory = Memory(use_cache)
    memory.take_stock(site, problems)
    pages = memory.read_pages(site, problems, drafts)
    check(site, pages, problems, strict=strict)
    return BuildResult(problems, site, pages, page_count=len(pages))


def display_root(site_arg: str) -> str:
    """How the site folder prefixes paths in messages: nothing for the current folder."""
    cleaned = str(site_arg).rstrip("/") or "/"
    return "" if cleaned in (".", "") else cleaned


def open_site(site_arg: str, problems: Problems, base_url: str | None, memo: yamlfile.Memo | None = None) -> Site | None:
    """Read site.yaml, applying a --base-url override (`memo`: see yamlfile.Memo)."""
    site = load_site(Path(site_arg), display_root(site_arg), problems, memo)
    if site is not None and base_url is not None:
        if not is_safe_url(base_url) or base_url.lower().startswith("mailto:"):
            problems.error("--base-url", 1, f"'{base_url}' is not an http: or https: address")
        else:
            site.base_url = base_url if base_url.endswith("/") else base_url + "/"
    return site


def output_folder(site: Site, out: str | Path | None, result: BuildResult) -> Path:
    """The output folder, resolved: --out or site.yaml's output_dir; an error if writing there would destroy something."""
    result.out = Path(out) if out else site.root / site.output_dir
    reason = output.unsafe_output(result.out, site.root)
    if reason:
        result.problems.error("--out" if out else site.shown("site.yaml"), 1, reason)
    return result.out.resolve()


def up_to_date(memory: Memory, result: BuildResult) -> bool:
    """Whether nothing changed since the last build, whose output is intact: then its problems are this build's."""
    record = memory.up_to_date(result.problems)
    if record is None:
        return False
    result.problems[:] = record.problems
    result.written = result.up_to_date = True
    result.page_count = record.page_count
    return True


def read_pages(site: Site, memory: Memory, drafts: bool, prepare, result: BuildResult) -> list[Page]:
    """Read and convert every page, or take it from the last build; `prepare(urls)` is told the pages' URLs if guessed early."""
    pages = memory.read_pages(site, result.problems, drafts, prepare)
    result.pages, result.page_count = pages, len(pages)
    # what was read (a thousand pages' entries from the site index) lives until the build ends:
    # frozen, the collections that rendering sets off do not walk it again and again (finish thaws it)
    gc.freeze()
    return pages


def render_site(site: Site, pages: list[Page], memory: Memory, stage: output.Stage, problems: Problems) -> tuple[dict | None, Reuse]:
    """Render every page and site-wide file into the stage, reusing what is unchanged; no files on a template mistake."""
    reuse, parts = memory.reuse(site)
    try:
        return render(site, pages, reuse, parts, into=stage.tmp), reuse
    except jinja2.TemplateError as exc:  # a layout with a mistake is the site's problem, not a crash
        problems.error(*template_problem(site, exc))
        return None, reuse


def template_problem(site: Site, exc: jinja2.TemplateError) -> tuple[str, int, str]:
    """(path, line, message) for a template that is missing or has a mistake."""
    if isinstance(exc, jinja2.TemplateNotFound):
        return site.shown(f"layouts/{exc.name}"), 1, f"template layouts/{exc.name} not found; the build needs it"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return site.shown(f"layouts/{exc.name}"), exc.lineno, f"template syntax: {exc.message}"
    return site.shown("layouts"), 1, f"a template failed: {exc.message}"


def write_output(files: dict, memory: Memory, stage: output.Stage, in_place: bool):
    """Commit the changed files into the last output, or swap in the new folder; returns a wait for the old folder's removal."""
    removed = lambda: None  # noqa: E731
    if in_place:  # what is there: what the last build wrote, and what was added since (Memory.written_before)
        output.update(files, stage.out, stage.tmp, memory.written_before())
    else:
        if stage.folders is not None:
            stage.folders.tidy(files)
        removed = output.write(files, stage.out, stage.tmp)
    stage.done = True
    return removed


def finish(result: BuildResult, started: float) -> BuildResult:
    """The result, timed; what read_pages froze, back to the garbage collector (the preview's process lives on)."""
    gc.unfreeze()
    result.seconds = time.perf_counter() - started
    return result
