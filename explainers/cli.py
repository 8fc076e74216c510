"""The command line: `python build.py COMMAND [options]` (SPEC section 5)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from .builder import build, display_root, load
from .load import SLUG_RE, load_site
from .model import Problems

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def say(text: str, stream=None) -> None:
    """Print a line to stdout (or `stream`); a reader that went away (`| head -c 0`) is not the build's error.

    The stream is then pointed at /dev/null, as the signal module's "Note on SIGPIPE"
    advises, so that what is still to be printed, and the flush at exit, go nowhere quietly
    and the command ends with its own exit code.
    """
    stream = stream or sys.stdout
    try:
        print(text, file=stream)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def report(problems: Problems) -> None:
    """Print every problem to stderr, errors and warnings in the order found."""
    for problem in problems:
        say(str(problem), sys.stderr)


def cmd_build(args) -> int:
    """Build the site into the output folder, or leave it untouched if anything is wrong."""
    result = build(args.site, args.out, args.base_url, args.drafts, use_cache=not args.no_cache, search=not args.no_search)
    report(result.problems)
    if not result.written:
        say(f"build failed: {len(result.problems.errors)} error(s); the output folder was left as it was", sys.stderr)
        return EXIT_CONTENT
    if result.up_to_date:
        say(f"{result.out} is up to date: {result.page_count} page(s), checked in {result.seconds * 1000:.0f} ms")
    else:
        say(f"built {result.page_count} page(s) into {result.out} in {result.seconds * 1000:.0f} ms")
    return EXIT_OK


def cmd_check(args) -> int:
    """Validate everything a build would, plus unused claims and broken anchors; write nothing."""
    result = load(args.site, drafts=True, strict=True)
    pages, problems = result.pages, result.problems
    if args.format == "json":
        say(json.dumps(
            {
                "ok": not problems.errors,
                "errors": len(problems.errors),
                "warnings": len(problems.warnings),
                "problems": [{"path": p.path, "line": p.line, "level": p.level, "message": p.message} for p in problems],
            },
            indent=2,
        ))
    else:
        report(problems)
        if not problems.errors:
            claims = sum(p.facts.claims for p in pages)
            say(f"ok: {len(pages)} page(s), {claims} claim(s), {len(problems.warnings)} warning(s)")
    return EXIT_CONTENT if problems.errors else EXIT_OK


NEW_PAGE = """---
title: "{title}"
date: {date}
summary: "One or two sentences for the home page and search results."
claims:
  example-claim:
    status: unverified
    source: {source}
    note: "Why this claim has this status, in a sentence or two."
    checked: {date}
---

Write the explainer here. Mark each claim: [the highlighted text of a claim][^example-claim].
"""


def cmd_new(args) -> int:
    """Start content/SLUG.md from a template that builds as it is."""
    if not SLUG_RE.match(args.slug):
        say(f"error: slug '{args.slug}' may use only lowercase letters, digits and '-'", sys.stderr)
        return EXIT_USAGE
    problems = Problems()
    site = load_site(Path(args.site), display_root(args.site), problems)
    if site is None or problems.errors:
        report(problems)
        return EXIT_CONTENT
    if args.lang is not None:
        return new_translation(site, args.slug, args.lang)
    path = site.root / "content" / f"{args.slug}.md"
    if path.exists():
        say(f"error: {site.shown(f'content/{args.slug}.md')} already exists", sys.stderr)
        return EXIT_USAGE
    title = args.title or args.slug.replace("-", " ").capitalize()
    source = next(iter(site.sources), None)
    if source is None:
        say("error: site.yaml has no sources for the example claim to cite; add one under 'sources:'", sys.stderr)
        return EXIT_CONTENT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NEW_PAGE.format(title=title.replace('"', '\\"'), date=dt.date.today().isoformat(), source=source), encoding="utf-8")
    say(f"created {site.shown(f'content/{args.slug}.md')}")
    return EXIT_OK


def new_translation(site, slug: str, code: str) -> int:
    """Start content/NAME.CODE.md, a translation of the page whose URL is SLUG/ ("index": the home page), with its claims listed."""
    from .languages import translated_name, translation_stub
    from .load import read_page

    if code not in site.languages or code == site.language:
        known = ", ".join(c for c in site.languages if c != site.language) or "none: add a 'languages:' block to site.yaml"
        say(f"error: '{code}' is not one of site.yaml's other languages ({known})", sys.stderr)
        return EXIT_USAGE
    problems = Problems()
    candidates = [site.root / "content" / ("index.md" if slug == "index" else f"{slug}.md")]
    candidates += sorted(p for p in (site.root / "content").glob("*.md") if p.stem.count(".") == 0)
    original = None
    for path in candidates:
        page = read_page(site, path, problems) if path.is_file() else None
        if page is not None and not page.lang and (page.slug == slug or slug == "index" and page.name == "index.md"):
            original = page
            break
    if original is None:
        say(f"error: no page of the site has the URL {slug}/ to translate", sys.stderr)
        return EXIT_USAGE
    name = translated_name(original.name, code)
    path = site.root / "content" / name
    if path.exists():
        say(f"error: {site.shown(f'content/{name}')} already exists", sys.stderr)
        return EXIT_USAGE
    path.write_text(translation_stub(original, code, dt.date.today()), encoding="utf-8")
    say(f"created {site.shown(f'content/{name}')}: translate its title, summary, notes and text")
    return EXIT_OK


def cmd_serve(args) -> int:
    """Build, then serve the output with live reload."""
    from .serve import serve

    return serve(args)


def port_number(text: str) -> int:
    """A TCP port for --port: 0 (any free port) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0-65535)")
    return int(text)


def parser() -> argparse.ArgumentParser:
    """The argument parser; --site is accepted before or after the command."""
    site_opt = argparse.ArgumentParser(add_help=False)
    site_opt.add_argument("--site", default=argparse.SUPPRESS, help="the site folder (default: .)")
    main = argparse.ArgumentParser(prog="build.py", description="Build annotated explainers into a static site.", parents=[site_opt])
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", parents=[site_opt], help="build the site")
    build.add_argument("--out", help="output folder (default: output_dir of site.yaml)")
    build.add_argument("--base-url", help="override base_url of site.yaml")
    build.add_argument("--drafts", action="store_true", help="include pages marked draft")
    build.add_argument("--no-cache", action="store_true", help="ignore the cache in SITE/.cache/: read, convert and render every page")
    build.add_argument("--no-search", action="store_true", help="make no search index (Pagefind) of the pages")
    build.set_defaults(run=cmd_build)

    serve = commands.add_parser("serve", parents=[site_opt], help="build and serve with live reload")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=port_number, help="port to listen on (default: 8000, or the next free one)")
    serve.add_argument("--drafts", action="store_true", help="include pages marked draft")
    serve.add_argument("--no-cache", action="store_true", help="ignore the cache in SITE/.cache/ on every rebuild")
    serve.add_argument("--no-search", action="store_true", help="make no search index (a large site's index is made again on every save)")
    serve.set_defaults(run=cmd_serve)

    chk = commands.add_parser("check", parents=[site_opt], help="validate everything; build nothing")
    chk.add_argument("--format", choices=("text", "json"), default="text")
    chk.set_defaults(run=cmd_check)

    new = commands.add_parser("new", parents=[site_opt], help="start a new page from a template")
    new.add_argument("slug")
    new.add_argument("--title")
    new.add_argument("--lang", help="start a translation of the page SLUG into this language of site.yaml")
    new.set_defaults(run=cmd_new)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not hasattr(args, "site"):
        args.site = "."
    try:
        return args.run(args)
    except KeyboardInterrupt:
        say("interrupted; the output folder was left as it was", sys.stderr)
        return 130
    except OSError as exc:  # the machine's, not the content's: a full disk, a folder not writable
        where = f"{exc.filename}: " if exc.filename else ""
        say(f"error: {where}{exc.strerror or exc} (the build stopped; free the space or fix the permissions, and build again)", sys.stderr)
        return EXIT_CONTENT
