"""Phases 1 and 2: read site.yaml and every page's front matter into dataclasses, checking each field."""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from . import yamlfile
from .claims.frontmatter import read_claims
from .languages import read_languages, read_translation_claims, split_name
from .fields import KEY_RE, Fields, kind
from .model import Image, Page, Problems, Site, Source, Status

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
MAX_PAGE_BYTES = 2_000_000
# Python-Markdown takes time quadratic in the '[' and '<' of a paragraph that never close
# (500 take 0.1 s, 4,000 take seconds, 100,000 take hours); the bundled explainer has at
# most 24 in a paragraph and 108 in all.
MAX_OPENERS_PER_PARAGRAPH = 500
MAX_OPENERS_PER_PAGE = 10_000
PAGE_FIELDS = {"title", "date", "updated", "summary", "slug", "draft", "layout", "image", "sources", "claims"}


def read_yaml(text: str, path: str, offset: int, problems: Problems, memo: yamlfile.Memo | None = None) -> yamlfile.Mapping | None:
    """Parse YAML text that starts at line offset+1 of path; report problems; None if unusable (`memo`: see yamlfile.Memo)."""
    data, yaml_problems = yamlfile.load(text, offset, memo)
    for p in yaml_problems:
        problems.error(path, offset + p.line, p.message)
    if yaml_problems and data is None:
        return None
    if not isinstance(data, dict):
        problems.error(path, offset + 1, f"expected a mapping of 'key: value' lines, found {kind(data) if data is not None else 'nothing'}")
        return None
    return data


def read_sources(fields: Fields, key: str) -> dict[str, Source]:
    """The `sources:` mapping of site.yaml or a page."""
    table = fields.mapping(key)
    sources: dict[str, Source] = {}
    for skey, entry in (table or {}).items():
        if not KEY_RE.match(skey):
            fields.problems.error(fields.path, fields.offset + table.line_of(skey), f"source key '{skey}' may use only letters, digits, '-' and '_'")
            continue
        if not isinstance(entry, dict):
            fields.problems.error(fields.path, fields.offset + table.line_of(skey), f"source '{skey}' must be a mapping with a 'name'")
            continue
        f = Fields(entry, fields.problems, fields.path, fields.offset, f"source '{skey}'")
        f.unknown({"name", "url", "about"})
        f.data.line = table.line_of(skey)
        name = f.text("name", required=True)
        sources[skey] = Source(skey, name or skey, f.url("url"), f.text("about"))
    return sources


def load_site(root: Path, display_root: str, problems: Problems, memo: yamlfile.Memo | None = None) -> Site | None:
    """Read and check site.yaml; None when it is missing or unusable (`memo`: see yamlfile.Memo)."""
    path = root / "site.yaml"
    shown = f"{display_root}/site.yaml" if display_root else "site.yaml"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.error(shown, 1, f"site.yaml not found: is '{display_root or '.'}' a site folder?")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(shown, 1, f"cannot read site.yaml: {exc}")
        return None
    data = read_yaml(text.replace("\r\n", "\n"), shown, 0, problems, memo)
    if data is None:
        return None
    f = Fields(data, problems, shown, 0, "site.yaml")
    statuses: dict[str, Status] = {}
    table = f.mapping("statuses", required=True)
    for key, entry in (table or {}).items():
        line = table.line_of(key)
        if not KEY_RE.match(key):
            problems.error(shown, line, f"status key '{key}' may use only letters, digits, '-' and '_'")
        elif not isinstance(entry, dict):
            problems.error(shown, line, f"status '{key}' must be a mapping with a 'label' and a 'description'")
        else:
            sf = Fields(entry, problems, shown, 0, f"status '{key}'")
            entry.line = line
            statuses[key] = Status(key, sf.text("label", required=True) or key, sf.text("description", required=True) or "")
            rating = sf.text("rating")  # ClaimReview's ratingValue for this status (claims/export.py ratings)
            if rating is not None and not (rating.isdigit() and 1 <= int(rating) <= 5):
                sf.error("rating", f"status '{key}' has rating '{rating}': a rating is a whole number from 1 (worst) to 5 (best)")
    if table is not None and not table:
        problems.error(shown, f.line("statuses"), "'statuses' is empty: list at least one verification status")
    base_url = f.url("base_url") or "https://example.org/"
    if base_url.startswith("mailto:"):
        f.error("base_url", "'base_url' must be an http: or https: address")
    days = f.text("stale_after_days") or "365"
    if not days.isdigit():
        f.error("stale_after_days", f"'stale_after_days' must be a whole number of days, not '{days}'")
        days = "365"
    publisher = f.mapping("publisher") or {}
    sources = read_sources(f, "sources")
    language = f.text("language") or "en"
    return Site(
        root=root,
        display_root=display_root,
        title=f.text("title", required=True) or "",
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        language=language,
        output_dir=f.text("output_dir") or "public",
        stale_after_days=int(days),
        statuses=statuses,
        sources=sources,
        description=f.text("description") or "",
        publisher={k: v for k, v in publisher.items() if isinstance(v, str)},
        allow_raw_html=f.flag("allow_raw_html"),
        raw=data,
        languages=read_languages(f, language, statuses, sources) if "languages" in data else {},
    )


def split_front_matter(text: str) -> tuple[str, int, int] | None:
    """Find the front matter: (yaml text, line of the closing '---', first body line) or None."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), i + 1, i + 2
    return None


def read_text(path: Path, shown: str, problems: Problems) -> str | None:
    """A page's text with BOM and CRLF removed, or None after reporting why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(shown, 1, f"cannot read this file: {exc.strerror or exc}")
        return None
    if len(raw) > MAX_PAGE_BYTES:
        problems.error(shown, 1, f"page is {len(raw) // 1_000_000} MB; pages are limited to {MAX_PAGE_BYTES // 1_000_000} MB")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(shown, line, f"this file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")
        return None
    if "\x00" in text:
        problems.error(shown, text[: text.index("\x00")].count("\n") + 1, "this file contains a NUL byte: is it really a text file?")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_from_line(text: str, number: int) -> str:
    """The text from the start of line `number` on ('' past the last line), as joining its split lines would give."""
    parts = text.split("\n", number - 1)  # the last part is the rest, from line `number` on
    return parts[-1] if len(parts) == number else ""


def check_openers(body: str, shown: str, body_line: int, problems: Problems) -> bool:
    """False (after saying where) if the body holds so many '[' and '<' that Markdown would hang."""
    if body.count("[") + body.count("<") <= MAX_OPENERS_PER_PARAGRAPH:
        return True  # too few in all for any paragraph (or the page) to pass a limit: skip the split
    total, line = 0, body_line
    for paragraph in re.split(r"(\n[ \t]*\n)", body):
        count = len(re.findall(r"(?<!\\)[\[<]", paragraph))
        total += count
        if count > MAX_OPENERS_PER_PARAGRAPH:
            problems.error(shown, line, f"this paragraph has {count} '[' and '<' characters (at most {MAX_OPENERS_PER_PARAGRAPH}); Markdown would take minutes to read it: split it, or escape them as \\[ and &lt;")
            return False
        line += paragraph.count("\n")
    if total > MAX_OPENERS_PER_PAGE:
        problems.error(shown, body_line, f"this page has {total} '[' and '<' characters (at most {MAX_OPENERS_PER_PAGE}); Markdown would take minutes to read it: split the page")
        return False
    return True


def read_page(site: Site, path: Path, problems: Problems, memo: yamlfile.Memo | None = None) -> Page | None:
    """Read one Markdown file and check its front matter; None if it cannot be used at all (`memo`: see yamlfile.Memo)."""
    name = path.relative_to(site.root / "content").as_posix()
    shown = site.shown(f"content/{name}")
    text = read_text(path, shown, problems)
    if text is None:
        return None
    if not text.strip():
        problems.error(shown, 1, "page is empty: it needs front matter with at least 'title' and 'date'")
        return None
    split = split_front_matter(text)
    if split is None:
        if text.split("\n", 1)[0].rstrip() == "---":
            problems.error(shown, 1, "front matter never closes: add a line '---' after it")
        else:
            problems.error(shown, 1, "page has no front matter: start it with a line '---', then 'title:' and 'date:', then '---'")
        return None
    yaml_text, _, body_line = split
    data = read_yaml(yaml_text, shown, 1, problems, memo)
    if data is None:
        return None
    f = Fields(data, problems, shown, 1, "front matter")
    data.line = 0  # "missing field" errors point at line 1, the opening '---'
    f.unknown(PAGE_FIELDS, level="warning")
    original, lang = split_name(site, name)
    if lang is not None and lang not in site.languages:
        problems.error(shown, 1, f"'{path.name}' names language '{lang}', which is not one of site.yaml's languages ({', '.join(site.languages)})")
        return None
    if lang == site.language:
        problems.error(shown, 1, f"'{lang}' is the site's own language: name this page '{original.rsplit('/', 1)[-1]}'")
        return None
    stem = path.stem if lang is None else Path(original).stem
    slug = f.text("slug")
    if slug is not None and not SLUG_RE.match(slug):
        f.error("slug", f"slug '{slug}' may use only lowercase letters, digits and '-'")
        slug = None
    if slug is None and original != "index.md":
        slug = stem if SLUG_RE.match(stem) else None
        if slug is None and f.text("slug") is None:
            problems.error(shown, 1, f"file name '{path.name}' does not make a valid slug: rename it (lowercase letters, digits, '-') or set 'slug:'")
    sources = dict(site.sources)
    sources.update(read_sources(f, "sources"))
    body = text_from_line(text, body_line)
    readable = check_openers(body, shown, body_line, problems)
    page = Page(
        path=path,
        rel=shown,
        name=name,
        slug="" if original == "index.md" else (slug or "invalid-slug"),
        title=f.text("title", required=True) or "",
        date=f.date("date", required=True) or dt.date(1970, 1, 1),
        body=body,
        body_line=body_line,
        updated=f.date("updated"),
        summary=f.text("summary") or "",
        draft=f.flag("draft"),
        layout=f.text("layout") or "explainer",
        image=read_image(site, f),
        sources=sources,
    )
    if page.updated is not None and page.updated < page.date:
        f.error("updated", f"'updated' ({page.updated}) is before 'date' ({page.date}): 'date' is when this page was first published here")
    page.date_line = f.line("date") if "date" in data else 1
    if not SLUG_RE.match(page.layout):
        f.error("layout", f"layout '{page.layout}' must be a template name such as 'explainer'")
        page.layout = "explainer"
    elif not (site.root / "layouts" / f"{page.layout}.html").is_file():
        f.error("layout", f"layout '{page.layout}' has no template layouts/{page.layout}.html")
    if lang is None:
        page.claims = read_claims(site, page, f)
    else:  # a translation: its claims' prose; the rest comes from the original when it is converted (languages.merge)
        page.lang, page.original = lang, original
        page.claims, page.given = read_translation_claims(f)
        page.given.update(own_claims=dict(page.claims), sources={k: s for k, s in sources.items() if k not in site.sources})
    return page if readable else None  # an unreadable body would hang the Markdown phase


def read_image(site: Site, f: Fields) -> Image | None:
    """The page's lead image; its file must exist under static/."""
    table = f.mapping("image")
    if table is None:
        return None
    table.line = f.data.line_of("image")
    g = Fields(table, f.problems, f.path, f.offset, "image")
    g.unknown({"src", "alt", "caption", "credit"})
    src, alt = g.text("src", required=True), g.text("alt", required=True)
    if not src:
        return None
    target = (site.root / "static" / src).resolve()
    if not target.is_relative_to((site.root / "static").resolve()) or not target.is_file():
        g.error("src", f"image '{src}' not found under static/")
        return None
    return Image(src, alt or "", g.text("caption"), g.text("credit"))


def check_static_links(site: Site, problems: Problems) -> None:
    """Report links in static/ that lead out of the site folder: the build would publish their target."""
    root = site.root.resolve()
    for path in sorted((site.root / "static").rglob("*")):
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            shown = site.shown(path.relative_to(site.root).as_posix())
            problems.error(shown, 1, "this file is a link to a file outside the site folder, which the build would publish; copy the file in instead")


def markdown_files(folder: Path) -> list[tuple[Path, bool]]:
    """What sorted(folder.rglob("*.md")) finds, each with whether the listing says it is a plain file (no link).

    Read with os.scandir, whose entries know their type without a stat; like rglob, it does
    not go into folders that are links.
    """
    found: list[tuple[tuple[str, ...], bool]] = []
    todo: list[tuple[str, tuple[str, ...]]] = [(str(folder), ())]
    while todo:
        where, parts = todo.pop()
        try:
            entries = list(os.scandir(where))
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".md"):
                found.append(((*parts, entry.name), entry.is_file(follow_symlinks=False)))
            try:
                if entry.is_dir() and not entry.is_symlink():
                    todo.append((entry.path, (*parts, entry.name)))
            except OSError:
                pass
    found.sort()
    return [(folder.joinpath(*parts), plain) for parts, plain in found]


def page_paths(site: Site, problems: Problems) -> list[Path]:
    """Every Markdown file under content/ in a stable order; links leading out of the site are errors."""
    content = site.root / "content"
    if not content.is_dir():
        problems.error(site.shown("content"), 1, "the site has no content/ folder")
        return []
    check_static_links(site, problems)
    root = site.root.resolve()
    paths = []
    for path, plain in markdown_files(content):
        if plain:  # a regular file, as the folder listing said: no stat needed (a thousand of them on every build)
            paths.append(path)
            continue
        shown = site.shown(path.relative_to(site.root).as_posix())
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            problems.error(shown, 1, "this file is a link to a file outside the site folder; copy the file in instead")
            continue
        if path.is_symlink() and not path.exists():
            problems.error(shown, 1, f"this file is a link to '{os.readlink(path)}', which does not exist")
            continue
        if path.is_file():
            paths.append(path)
    return paths
