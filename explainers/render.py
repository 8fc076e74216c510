"""Phase 5: turn checked pages into the files of the site, as {path: bytes}; nothing touches disk."""
from __future__ import annotations

import hashlib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import feeds, ledger
from .claims_md import format_date
from .model import Page, Site, Status
from .pipeline import root_of

FINGERPRINTED = (".css", ".js")


@dataclass(frozen=True)
class StatusCount:
    status: Status
    count: int


def fingerprint_static(site: Site) -> tuple[dict[str, bytes], dict[str, str]]:
    """Copy static/ into the output; CSS and JS get a content hash in their names."""
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    folder = site.root / "static"
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if not path.is_file():
            continue
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if path.suffix in FINGERPRINTED:
            digest = hashlib.sha256(data).hexdigest()[:10]
            out = f"{rel[: -len(path.suffix)]}.{digest}{path.suffix}"
        else:
            out = rel
        names[rel] = out
        files[out] = data
    return files, names


def status_counts(site: Site, page: Page) -> list[StatusCount]:
    """How many of a page's claims have each status, in site.yaml's order, zeros left out."""
    counts = [StatusCount(s, sum(c.status == s.key for c in page.claims.values())) for s in site.statuses.values()]
    return [c for c in counts if c.count]


def make_environment(site: Site, asset_names: dict[str, str]) -> jinja2.Environment:
    """The Jinja2 environment: autoescaped, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(site.root / "layouts")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    @jinja2.pass_context
    def asset(ctx, path: str) -> str:
        return ctx["root"] + asset_names[path]

    @jinja2.pass_context
    def url_for(ctx, page: Page) -> str:
        return (ctx["root"] + page.url) or "./"

    env.globals.update(asset=asset, url_for=url_for, site=site, status_counts=lambda p: status_counts(site, p))
    env.globals.update(ledger.template_globals(site))
    env.filters["longdate"] = format_date
    env.filters["absolute"] = lambda path: urllib.parse.urljoin(site.base_url, path)
    return env


def render(site: Site, pages: list[Page]) -> dict[str, bytes]:
    """Every output file of the site, by path relative to the output folder."""
    files, asset_names = fingerprint_static(site)
    env = make_environment(site, asset_names)
    home = next((p for p in pages if p.name == "index.md"), None)
    listed = [p for p in pages if p.slug]
    explainers = sorted((p for p in listed if p.is_explainer), key=lambda p: (p.date, p.slug), reverse=True)
    nav = sorted((p for p in listed if not p.is_explainer), key=lambda p: p.title)
    shared = {"explainers": explainers, "nav": nav, "home": home}
    for page in listed:
        files[f"{page.url}index.html"] = render_page(env, f"{page.layout}.html", page=page, root=root_of(page), body=Markup(page.doc.html), **shared)
    files["index.html"] = render_page(env, "index.html", page=home, root="", body=Markup(home.doc.html if home else ""), **shared)
    base_path = urllib.parse.urlsplit(site.base_url).path or "/"
    files["404.html"] = render_page(env, "404.html", page=None, root=base_path, body=Markup(""), **shared)
    files.update(feeds.render_files(site, pages, env))
    files.update(ledger.render_files(site, pages, env))
    return files


def render_page(env: jinja2.Environment, template: str, **context) -> bytes:
    return env.get_template(template).render(**context).encode("utf-8")
