"""Phases 1 and 2: read site.yaml and every page's front matter into dataclasses, checking each field."""
from __future__ import annotations

import datetime as dt
import os
import re
import urllib.parse
from pathlib import Path

from . import yamlfile
from .model import Claim, HistoryEntry, Image, Page, Problems, Site, Source, Status

# \Z, not $: "$" also matches before a final newline, which would let "slug\n" through
KEY_RE = re.compile(r"^[A-Za-z0-9_-]+\Z")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
# Control characters other than tab, newline and carriage return, and the noncharacters
# U+FFFE and U+FFFF: one search instead of a Python call per character of every field.
INVISIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# What no URL may hold: whitespace (as str.isspace sees it, which is what \s matches) or a C0 control.
URL_BREAK_RE = re.compile(r"[\s\x00-\x1f]")
URL_SCHEMES = ("http", "https", "mailto")
# An http(s) URL whose host is plain ASCII letters, digits, dots and hyphens, then nothing or
# printable ASCII from a '/', '?' or '#' on: urlsplit finds exactly that scheme and a
# non-empty host in it, and cannot raise (only brackets or non-ASCII in a host make it), so
# is_safe_url can say yes without calling it. Anything else takes the full check.
PLAIN_URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?:[/?#][\x21-\x7e]*)?\Z")
MAX_PAGE_BYTES = 2_000_000
# Python-Markdown takes time quadratic in the '[' and '<' of a paragraph that never close
# (500 take 0.1 s, 4,000 take seconds, 100,000 take hours); the bundled explainer has at
# most 24 in a paragraph and 108 in all.
MAX_OPENERS_PER_PARAGRAPH = 500
MAX_OPENERS_PER_PAGE = 10_000
PAGE_FIELDS = {"title", "date", "updated", "summary", "slug", "draft", "layout", "image", "sources", "claims"}
CLAIM_FIELDS = {"status", "source", "sources", "note", "url", "archive", "checked", "history"}


class Fields:
    """Reads typed values out of one YAML mapping, reporting mistakes at the right line."""

    def __init__(self, data: yamlfile.Mapping, problems: Problems, path: str, offset: int, what: str):
        self.data, self.problems, self.path, self.offset, self.what = data, problems, path, offset, what

    def line(self, key: str | None = None) -> int:
        return self.offset + (self.data.line_of(key) if key else self.data.line)

    def error(self, key: str | None, message: str) -> None:
        self.problems.error(self.path, self.line(key), message)

    def text(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(None, f"{self.what} is missing '{key}'")
            return default
        if not isinstance(value, str):
            self.error(key, f"'{key}' must be text, not a {_kind(value)}")
            return default
        if required and not value.strip():
            self.error(key, f"'{key}' is empty")
        bad = invisible_control(value)
        if bad is not None:
            # a YAML escape such as "\0" or "\e": invisible to readers, and forbidden in XML feeds
            self.error(key, f"'{key}' contains the control character U+{ord(bad):04X}; delete it")
            return default
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self.text(key, required)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(key, f"'{key}' must be a date written YYYY-MM-DD, not '{value}'")
        return parsed

    def flag(self, key: str) -> bool:
        value = self.text(key)
        if value is None:
            return False
        if value.lower() in ("true", "yes", "on"):
            return True
        if value.lower() not in ("false", "no", "off"):
            self.error(key, f"'{key}' must be true or false, not '{value}'")
        return False

    def url(self, key: str) -> str | None:
        value = self.text(key)
        if value is not None and not is_safe_url(value):
            self.error(key, f"'{key}' must be an http:, https: or mailto: address, not '{value}'")
            return None
        return value

    def mapping(self, key: str, required: bool = False) -> yamlfile.Mapping | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(None, f"{self.what} is missing '{key}'")
            return None
        if not isinstance(value, dict):
            self.error(key, f"'{key}' must be a mapping of keys to values, not a {_kind(value)}")
            return None
        return value

    def unknown(self, allowed: set[str], level: str = "error") -> None:
        for key in self.data:
            if key not in allowed:
                message = f"unknown field '{key}' in {self.what} (expected one of: {', '.join(sorted(allowed))})"
                if level == "error":
                    self.error(key, message)
                else:
                    self.problems.warning(self.path, self.line(key), message)


def invisible_control(value: str) -> str | None:
    """The first control character other than tab and newline, or Unicode noncharacter, in value."""
    m = INVISIBLE_RE.search(value)
    return m.group() if m else None


def _kind(value: object) -> str:
    return {dict: "mapping", list: "list", str: "text"}.get(type(value), type(value).__name__)


def parse_date(value: str) -> dt.date | None:
    """The date of a strict YYYY-MM-DD string, or None."""
    if not DATE_RE.match(value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def is_safe_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host, or a mailto: address."""
    if PLAIN_URL_RE.match(value):
        return True
    if URL_BREAK_RE.search(value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:  # e.g. 'https://[not-an-ipv6-host/'
        return False
    if parts.scheme.lower() not in URL_SCHEMES:
        return False
    return bool(parts.netloc) if parts.scheme.lower() != "mailto" else bool(parts.path)


def read_yaml(text: str, path: str, offset: int, problems: Problems, memo: yamlfile.Memo | None = None) -> yamlfile.Mapping | None:
    """Parse YAML text that starts at line offset+1 of path; report problems; None if unusable (`memo`: see yamlfile.Memo)."""
    data, yaml_problems = yamlfile.load(text, offset, memo)
    for p in yaml_problems:
        problems.error(path, offset + p.line, p.message)
    if yaml_problems and data is None:
        return None
    if not isinstance(data, dict):
        problems.error(path, offset + 1, f"expected a mapping of 'key: value' lines, found {_kind(data) if data is not None else 'nothing'}")
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
    return Site(
        root=root,
        display_root=display_root,
        title=f.text("title", required=True) or "",
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        language=f.text("language") or "en",
        output_dir=f.text("output_dir") or "public",
        stale_after_days=int(days),
        statuses=statuses,
        sources=read_sources(f, "sources"),
        description=f.text("description") or "",
        publisher={k: v for k, v in publisher.items() if isinstance(v, str)},
        allow_raw_html=f.flag("allow_raw_html"),
        raw=data,
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


def read_page(site: Site, path: Path, problems: Problems) -> Page | None:
    """Read one Markdown file and check its front matter; None if it cannot be used at all."""
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
    data = read_yaml(yaml_text, shown, 1, problems)
    if data is None:
        return None
    f = Fields(data, problems, shown, 1, "front matter")
    data.line = 0  # "missing field" errors point at line 1, the opening '---'
    f.unknown(PAGE_FIELDS, level="warning")
    stem = path.stem
    slug = f.text("slug")
    if slug is not None and not SLUG_RE.match(slug):
        f.error("slug", f"slug '{slug}' may use only lowercase letters, digits and '-'")
        slug = None
    if slug is None and name != "index.md":
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
        slug="" if name == "index.md" else (slug or "invalid-slug"),
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
    if not SLUG_RE.match(page.layout):
        f.error("layout", f"layout '{page.layout}' must be a template name such as 'explainer'")
        page.layout = "explainer"
    elif not (site.root / "layouts" / f"{page.layout}.html").is_file():
        f.error("layout", f"layout '{page.layout}' has no template layouts/{page.layout}.html")
    page.claims = read_claims(site, page, f)
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


def read_claims(site: Site, page: Page, f: Fields) -> dict[str, Claim]:
    """Check every claim of a page's front matter against the site's statuses and sources."""
    table = f.mapping("claims")
    claims: dict[str, Claim] = {}
    folded: dict[str, str] = {}
    for cid, entry in (table or {}).items():
        line = f.offset + table.line_of(cid)
        if not KEY_RE.match(cid):
            f.problems.error(f.path, line, f"claim id '{cid}' may use only letters, digits, '-' and '_'")
            continue
        if cid.casefold() in folded:
            f.problems.error(f.path, line, f"claim id '{cid}' differs from '{folded[cid.casefold()]}' only in case; use one spelling")
            continue
        folded[cid.casefold()] = cid
        if not isinstance(entry, dict):
            f.problems.error(f.path, line, f"claim '{cid}' must be a mapping with 'status' and 'source'")
            continue
        entry.line = table.line_of(cid)
        c = Fields(entry, f.problems, f.path, f.offset, f"claim '{cid}'")
        c.unknown(CLAIM_FIELDS)
        status = c.text("status", required=True)
        if status is not None and status not in site.statuses:
            c.error("status", f"claim '{cid}' has unknown status '{status}' (site.yaml has: {', '.join(site.statuses) or 'no statuses'})")
        claims[cid] = Claim(
            id=cid,
            status=status or "",
            sources=read_claim_sources(page, c, cid),
            note=c.text("note"),
            url=c.url("url"),
            archive=c.url("archive"),
            checked=c.date("checked"),
            history=read_history(site, c, cid),
            line=line,
        )
    return claims


def read_claim_sources(page: Page, c: Fields, cid: str) -> tuple[str, ...]:
    """A claim's `source:` or `sources: [...]`, each a known source key."""
    if "source" in c.data and "sources" in c.data:
        c.error("sources", f"claim '{cid}' has both 'source' and 'sources': use one")
    if "sources" in c.data:
        value, key = c.data["sources"], "sources"
        keys = value if isinstance(value, list) else None
        if keys is None or not keys or not all(isinstance(k, str) for k in keys):
            c.error(key, f"claim '{cid}': 'sources' must be a list of source keys, like [meduza, newsweek]")
            return ()
    elif c.data.get("source") is not None:
        value, key = c.data["source"], "source"
        if not isinstance(value, str):
            c.error(key, f"claim '{cid}': 'source' must be one source key (use 'sources: [a, b]' for several)")
            return ()
        keys = [value]
    else:
        c.error(None, f"claim '{cid}' is missing 'source'")
        return ()
    for k in keys:
        if k not in page.sources:
            c.error(key, f"claim '{cid}' names unknown source '{k}' (known: {', '.join(sorted(page.sources)) or 'none'})")
    return tuple(keys)


def read_history(site: Site, c: Fields, cid: str) -> tuple[HistoryEntry, ...]:
    """Earlier verdicts on a claim, oldest first, each dated no later than the current `checked`."""
    value = c.data.get("history")
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        c.error("history", f"claim '{cid}': 'history' must be a list of earlier verdicts, each '- {{date: YYYY-MM-DD, status: KEY, note: \"...\"}}'")
        return ()
    entries: list[tuple[HistoryEntry, Fields]] = []
    for item in value:
        if not isinstance(item, dict):
            c.error("history", f"claim '{cid}': each history entry must be a mapping with 'date' and 'status'")
            continue
        h = Fields(item, c.problems, c.path, c.offset, f"a history entry of claim '{cid}'")
        h.unknown({"date", "status", "note"})
        date, status, note = h.date("date", required=True), h.text("status", required=True), h.text("note")
        if status is not None and status not in site.statuses:
            h.error("status", f"claim '{cid}': history status '{status}' is unknown (site.yaml has: {', '.join(site.statuses)})")
        elif date is not None and status is not None:
            entries.append((HistoryEntry(date, status, note), h))
    for (a, _), (b, h) in zip(entries, entries[1:]):
        if b.date < a.date:
            h.error("date", f"claim '{cid}': history entries must be oldest first ({b.date} is listed after {a.date})")
            break
    if entries:
        check_history_against_checked(c, cid, entries[-1])
    return tuple(entry for entry, _ in entries)


def check_history_against_checked(c: Fields, cid: str, newest: tuple[HistoryEntry, Fields]) -> None:
    """The current status dates from `checked`, so every earlier verdict must come before it."""
    entry, h = newest
    checked = parse_date(c.data["checked"]) if isinstance(c.data.get("checked"), str) else None
    if "checked" not in c.data or c.data.get("checked") is None:
        c.error("history", f"claim '{cid}' has a history but no 'checked' date: add 'checked:', the date of its current status")
    elif checked is not None and entry.date > checked:
        h.error("date", f"claim '{cid}': history entry dated {entry.date} is after 'checked: {checked}'; the current status must be the newest")


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
