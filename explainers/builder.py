"""The whole build as one call, for the command line and the preview server alike."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import output
from .load import load_site, read_pages
from .model import Page, Problems, Site
from .pipeline import check, parse_pages
from .render import render


@dataclass
class BuildResult:
    problems: Problems
    site: Site | None = None
    pages: list[Page] = field(default_factory=list)
    out: Path | None = None
    written: bool = False
    seconds: float = 0.0


def display_root(site_arg: str) -> str:
    """How the site folder prefixes paths in messages: nothing for the current folder."""
    cleaned = str(site_arg).rstrip("/") or "/"
    return "" if cleaned in (".", "") else cleaned


def load(site_arg: str, drafts: bool, strict: bool, base_url: str | None = None) -> BuildResult:
    """Load, read, parse and check the whole site, collecting every problem."""
    problems = Problems()
    site = load_site(Path(site_arg), display_root(site_arg), problems)
    if site is None:
        return BuildResult(problems)
    if base_url is not None:
        site.base_url = base_url if base_url.endswith("/") else base_url + "/"
    pages = read_pages(site, problems, drafts=drafts)
    parse_pages(site, pages, problems)
    check(site, pages, problems, strict=strict)
    return BuildResult(problems, site, pages)


def template_problem(site: Site, exc: jinja2.TemplateError) -> tuple[str, int, str]:
    """(path, line, message) for a template that is missing or has a mistake."""
    if isinstance(exc, jinja2.TemplateNotFound):
        return site.shown(f"layouts/{exc.name}"), 1, f"template layouts/{exc.name} not found; the build needs it"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return site.shown(f"layouts/{exc.name}"), exc.lineno, f"template syntax: {exc.message}"
    return site.shown("layouts"), 1, f"a template failed: {exc.message}"


def build(site_arg: str, out: str | Path | None = None, base_url: str | None = None, drafts: bool = False) -> BuildResult:
    """Check everything, then render and swap in the output folder; write nothing on any error."""
    started = time.perf_counter()
    result = load(site_arg, drafts, strict=False, base_url=base_url)
    site = result.site
    if site is not None:
        result.out = Path(out) if out else site.root / site.output_dir
        reason = output.unsafe_output(result.out, site.root)
        if reason:
            result.problems.error("--out" if out else site.shown("site.yaml"), 1, reason)
    if site is not None and not result.problems.errors:
        try:
            files = render(site, result.pages)
        except jinja2.TemplateError as exc:  # a layout with a mistake is the site's problem, not a crash
            result.problems.error(*template_problem(site, exc))
        else:
            output.write(files, result.out)
            result.written = True
    result.seconds = time.perf_counter() - started
    return result
