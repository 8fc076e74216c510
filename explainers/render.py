"""Phase 5: turn checked pages into the files of the site, as {path: bytes or Path}.

A Path is a file already right: one of the last output to link again, or one a render
worker wrote into the new folder (parallel.render_pages). Site-wide files are joined from
each page's pieces (pieces.Parts), which are kept between builds with the other things
render() may reuse (pieces.Reuse). A site with `languages:` renders each language through
the same code (render_language), each in its words; languages.py holds the rest of it.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
import jinja2.meta
from markupsafe import Markup

from . import feeds, i18n, languages, output, parallel
from .claims import ledger
from .claims import pages as claim_pages
from .claims.export import export_lines
from .model import Page, Site, Status, newest_first
from .cache import digest as cache_digest
from .convert import root_of
from .pieces import Parts, Reuse

FINGERPRINTED = (".css", ".js")
SHARED = ("explainers", "nav", "home")  # the names every page template receives that list other pages


@dataclass(frozen=True)
class StatusCount:
    """How many claims of a page have one status."""

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
    tally = page.facts.tally
    return [StatusCount(s, tally[s.key]) for s in site.statuses.values() if tally.get(s.key)]


def make_environment(site: Site, asset_names: dict[str, str], parts: Parts | None = None,
                     templates: jinja2.BytecodeCache | None = None, translated: languages.Translated | None = None) -> jinja2.Environment:
    """The Jinja2 environment: autoescaped, strict about undefined names; `parts` keeps pieces made from pages.

    It speaks the site's language (a language's view of it, languages.view): Jinja2's i18n
    extension with the site's catalog (i18n.py), and `translated` says which pages translate which.
    """
    parts = parts if parts is not None else Parts()
    lang = i18n_language(site)
    catalog = i18n.translations(site.root, lang)
    env = i18n.LayoutEnvironment(
        extensions=["jinja2.ext.i18n", i18n.Folded],
        bytecode_cache=i18n.LanguageTemplates(templates, i18n.catalog_tag(site.root, lang)) if templates is not None else None,
        loader=jinja2.FileSystemLoader(str(site.root / "layouts")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # a build makes its own environment, so a template cannot change under it: without
        # this, each get_template (seven a page) asks the file system for the file's time
        auto_reload=False,
    )

    @jinja2.pass_context
    def asset(ctx, path: str) -> str:
        return ctx["root"] + asset_names[path]

    @jinja2.pass_context
    def url_for(ctx, page: Page) -> str:
        return (ctx["root"] + page.url) or "./"

    def card(page: Page) -> Markup:
        """An explainer's card for the home page, as a stand-in for its piece (Parts.splice puts it in)."""
        return parts.stand_in(page, "card", lambda: card_html(env, page))

    env.globals.update(asset=asset, url_for=url_for, site=site, status_counts=lambda p: status_counts(site, p), card=card)
    env.globals.update(ledger.template_globals(site, env, parts))
    env.i18n_lookup = catalog.gettext  # the layouts' plain _("text") become constants when compiled (i18n.Folded)
    env.install_gettext_callables(catalog.gettext, catalog.ngettext, newstyle=True)  # for {% trans %} blocks
    for unused in ("pgettext", "npgettext"):  # every global is copied into every template's context: keep them few
        env.globals.pop(unused, None)
    env.globals["_"], env.globals["ngettext"] = i18n.template_callables(catalog)  # the layouts' _() and ngettext(), faster
    translated = translated or languages.Translated(site, [])
    env.globals["language"] = languages.Speaking(
        code=lang, many=bool(site.languages), up="../" if site.prefix else "", alternates=translated.alternates,
        ui=i18n.script_words(site.root, lang), ledger_ui=i18n.script_words(site.root, lang, ledger=True))
    # a page's ledger rows ask for the same few dates twenty times, and strftime is slow
    env.filters["longdate"] = functools.lru_cache(maxsize=None)(lambda value: i18n.date_in(value, lang))
    env.filters["absolute"] = site.absolute
    env.filters["static_absolute"] = (site.home or site).absolute
    return env


def i18n_language(site: Site) -> str:
    """The language a site (or a language's view of it) speaks, as i18n.py names it: "" for a one-language site (as written)."""
    return site.language if site.languages else ""


def card_html(env: jinja2.Environment, page: Page) -> str:
    """An explainer's card on the home page (layouts/partials/card.html)."""
    return env.get_template("partials/card.html").render(item=page, root="").strip()


def make_pieces(site: Site, env: jinja2.Environment, parts: Parts, page: Page) -> tuple[dict[str, str], dict[str, bytes]]:
    """All the pieces of site-wide files a page gives (as the home page, the ledger and the feeds would ask for them).

    Returns their digests, and the bytes of those made now (the rest are the last build's).
    """
    if page.slug:
        url = site.absolute(page.url)
        alternates = env.globals["language"].alternates
        parts.get(page, "sitemap", lambda: feeds.lines_text(feeds.sitemap_entry(url, feeds.changed(page), alternates(page))))
    if page.slug and page.is_explainer:
        parts.get(page, "card", lambda: card_html(env, page))
        parts.get(page, "feed", lambda: feeds.feed_entry(url, page))
    if page.claims:
        entries = env.globals["claim_entries"](page)
        parts.get(page, "ledger", lambda: ledger.rows_html(env, entries))
        parts.get(page, "export", lambda: export_lines(site, entries))
        if page.slug and not page.draft:  # its piece of the corrections log (claims/pages.py)
            parts.get(page, "corrections", lambda: claim_pages.correction_lines(entries))
    return (parts.made[page.name][1] if page.name in parts.made else {}), parts.texts.get(page.name, {})


def shared_names(env: jinja2.Environment, template: str) -> frozenset[str]:
    """Which of SHARED a template uses, following extends, includes and imports; all of them when unsure."""
    seen, todo, names = set(), [template], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            ast = env.parse(env.loader.get_source(env, name)[0])
        except jinja2.TemplateError:
            return frozenset(SHARED)
        names |= jinja2.meta.find_undeclared_variables(ast)
        for ref in jinja2.meta.find_referenced_templates(ast):
            if ref is None:  # a computed template name: it could be anything
                return frozenset(SHARED)
            todo.append(ref)
    return frozenset(names & set(SHARED))


def page_keys(site: Site, env: jinja2.Environment, listed: list[Page], shared: dict, reuse: Reuse) -> dict[str, str]:
    """The render key of each page: its own inputs, the templates, and the listings its layout reads."""
    fp = reuse.fingerprints
    listing = {
        "explainers": cache_digest(*(fp[p.name] for p in shared["explainers"])),
        "nav": cache_digest(*(fp[p.name] for p in shared["nav"])),
        "home": fp[shared["home"].name] if shared["home"] else "",
    }
    if reuse.layout_names_key != reuse.env_key:
        reuse.layout_names, reuse.layout_names_key = {}, reuse.env_key
    used = reuse.layout_names
    for layout in {p.layout for p in listed} - set(used):
        used[layout] = shared_names(env, f"{layout}.html")
    # what a layout reads of the listings is the same for every page of that layout: digested once
    tails = {layout: cache_digest(layout, *(f"{n}={listing[n]}" for n in sorted(names))) for layout, names in used.items()}
    return {p.name: f"{reuse.env_key}:{fp[p.name]}:{tails[p.layout]}" for p in listed}


def render(site: Site, pages: list[Page], reuse: Reuse | None = None, parts: Parts | None = None,
           into: Path | None = None) -> dict[str, bytes | Path]:
    """Every output file of the site, by path relative to the output folder.

    With `reuse`, a page whose key matches the last output's file is given as that file's
    Path (for output.write to link) instead of being rendered again. With `into` (the
    build's new output folder), many pages are rendered by worker processes straight into
    it, and given as Paths there; their pieces of site-wide files come back with them.

    A site with `languages:` renders each other language as a site of its own under its
    prefix (languages.view): its pages, home, feeds, ledger and claim pages, in its words.
    """
    if not site.languages:
        return render_language(site, pages, reuse, parts, into)
    parts = parts if parts is not None else Parts()
    translated = languages.Translated(site, pages)
    for page in pages:  # a page's files and pieces name its translations: they are part of every key made from the page
        signature = translated.signature(page)
        if signature and reuse:
            reuse.fingerprints[page.name] += ":" + signature
        if signature and page.name in parts.keys:
            parts.keys[page.name] += ":" + signature
    files = render_language(site, [p for p in pages if not p.lang], reuse, parts, into, translated)
    for code in list(site.languages)[1:]:
        own = [p for p in pages if p.lang == code]
        if own:
            prefix, sub = f"{code}/", languages.prefixed_reuse(reuse, f"{code}/")
            made = render_language(languages.view(site, code), own, sub, parts, into / code if into is not None else None, translated)
            files.update(languages.prefixed_files(made, prefix))
            if reuse:
                reuse.rendered += sub.rendered
    return files


def render_language(site: Site, pages: list[Page], reuse: Reuse | None = None, parts: Parts | None = None,
                    into: Path | None = None, translated: languages.Translated | None = None) -> dict[str, bytes | Path]:
    """Every output file of one language of the site (all of a one-language site): see render."""
    with i18n.speaking(i18n_language(site), site.root):
        return render_files(site, pages, reuse, parts, into, translated)


def render_files(site: Site, pages: list[Page], reuse: Reuse | None, parts: Parts | None, into: Path | None,
                 translated: languages.Translated | None) -> dict[str, bytes | Path]:
    """render_language's work, in its language."""
    parts = parts if parts is not None else Parts()
    files, asset_names = fingerprint_static(site)
    if site.prefix:  # a language's view: static/ is the site's, one folder up, written once
        files, asset_names = {}, {rel: f"../{name}" for rel, name in asset_names.items()}
    env = make_environment(site, asset_names, parts, reuse.templates if reuse else None, translated)
    home = next((p for p in pages if p.name == "index.md"), None)
    listed = [p for p in pages if p.slug]
    explainers = newest_first(p for p in listed if p.is_explainer)
    nav = sorted((p for p in listed if not p.is_explainer), key=lambda p: p.title)
    shared = {"explainers": explainers, "nav": nav, "home": home}
    keys = page_keys(site, env, listed, shared, reuse) if reuse else {}
    html_of = reuse.html if reuse else (lambda page: page.doc.html)
    todo = []
    for page in listed:
        rel = f"{page.url}index.html"
        old = reuse.previous(rel, keys[page.name]) if reuse else None
        if old is not None:
            files[rel] = old
        else:
            todo.append(page)
        if reuse:
            reuse.keys[rel] = keys[page.name]

    # rendered here, not by workers (an edit's few pages), claim files stay bytes: output.update then leaves
    # alone those that come out as they were, instead of making their folders and files in the stage
    claims = claim_pages.ClaimPages(site, env, shared, into, in_memory=len(todo) < parallel.MIN_RENDERS)

    def render_one(page: Page) -> tuple[str, bytes, tuple[dict[str, str], dict[str, bytes]]]:
        """One page's file and its pieces of the site-wide files; runs here or in a worker."""
        with i18n.speaking(i18n_language(site), site.root):
            return render_in_language(page)

    def render_in_language(page: Page) -> tuple[str, bytes, tuple[dict[str, str], dict[str, bytes]]]:
        """render_one's work, in the site's language."""
        data = render_page(env, parts, f"{page.layout}.html", page=page, root=root_of(page), body=Markup(html_of(page)), **shared)
        claims.render(page)  # its claims' own pages and embeds (claims/pages.py)
        return f"{page.url}index.html", data, make_pieces(site, env, parts, page)

    keep = parts.pack if parts.packs is not None else None  # a worker writes a page's pieces into a pack, sends where
    for page, (rel, data, pieces) in zip(todo, parallel.render_pages(render_one, todo, into, lambda: compile_templates(env), keep)):
        files[rel] = data
        parts.arrived(page, pieces)
    if reuse:
        reuse.rendered += len(todo)
    files.update(claim_files(site, env, claims, pages, listed, {p.name for p in todo}, keys, reuse, parts))

    streamed, made_folders = into is not None and len(todo) >= parallel.MIN_RENDERS, {into}

    def splice(rel: str, text: str) -> bytes | Path:
        """A site-wide file from its text with stand-ins: the last output's file when nothing in it changed.

        In a build of many pages it is written into the new folder piece by piece (Parts.splice).
        """
        target = into / rel if streamed else None
        if not reuse:
            return parts.splice(text, into=target)

        def found(key: str) -> output.Same | None:
            reuse.keys[rel] = key
            return reuse.previous(rel, key)
        return parts.splice(text, found, target)

    shared_keys: dict[tuple[str, ...], str] = {}

    def keyed(rel: str, make: Callable[[], str], page: Page | None, *also: Page | str) -> bytes | Path:
        """A file made from one page (or none) and `also` (pages, strings) alone: the last output's file, not rendered, when none of them changed.

        Its key is known before rendering, where splice() knows it only after: a one-page edit
        so renders one explainer's ledger page, not all of them to find them unchanged.
        """
        if reuse:
            fp = reuse.fingerprints
            if page is not None:
                parts.keep(page)  # its pieces, though not spliced, are kept for the next build
            own = fp[page.name] if page is not None else "site"
            shown = tuple(fp[x.name] if isinstance(x, Page) else x for x in also)
            if shown not in shared_keys:  # every explainer's ledger page shows the same others: their digest once
                shared_keys[shown] = cache_digest(reuse.env_key, *shown)
            reuse.keys[rel] = key = cache_digest(shared_keys[shown], own)
            found = reuse.previous(rel, key)
            if found is not None:
                return found
        return put(rel, parts.splice(make()))

    def put(rel: str, data: bytes) -> bytes | Path:
        """A file made in this build: in a build of many pages, written into the new folder at once (its Path), else its bytes.

        10,000 explainers' ledger pages, claims.json files and filter pages held as bytes until
        the end were hundreds of MiB.
        """
        if not streamed:
            return data
        target = into / rel
        output.make_parent(target, made_folders)
        target.write_bytes(data)
        return target

    files["index.html"] = splice("index.html", env.get_template("index.html").render(page=home, root="", body=Markup(html_of(home) if home else ""), **shared))
    if not site.prefix:  # the host serves one 404 page, the site's
        base_path = urllib.parse.urlsplit(site.base_url).path or "/"
        files["404.html"] = render_page(env, parts, "404.html", page=None, root=base_path, body=Markup(""), **shared)
    # one Pagefind bundle for every language, at the site root (it picks the index by <html lang>)
    site_root = "../" * (1 + site.prefix.count("/"))
    files["search/index.html"] = render_page(env, parts, "search.html", page=None, root="../", site_root=site_root, url_path="search/", body=Markup(""), **shared)
    files.update(feeds.render_files(site, pages, env, asset_names, parts.stand_in, splice))
    if site.prefix:  # one _headers file, at the site root, covers every language
        files.pop(feeds.HEADERS, None)
    files.update(ledger.render_files(site, pages, env, parts, splice, keyed, reuse, put))
    return files


def compile_templates(env: jinja2.Environment) -> None:
    """Load every layout, so that worker processes inherit them compiled.

    A layout with a mistake is left for whoever renders with it to report, as it would be
    without this: one no page uses is no error.
    """
    for name in env.list_templates(extensions=["html"]):
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)


def render_page(env: jinja2.Environment, parts: Parts, template: str, **context) -> bytes:
    """A template rendered, with the pieces it placed spliced in, as UTF-8."""
    return parts.splice(env.get_template(template).render(**context))


def claim_files(site: Site, env: jinja2.Environment, claims: claim_pages.ClaimPages, pages: list[Page], listed: list[Page],
                rendered: set[str], keys: dict[str, str], reuse: Reuse | None, parts: Parts) -> dict[str, bytes | Path]:
    """Claims on pages of their own (claims/pages.py): each claim's page and embed, the rating badges, the corrections log."""
    files = claims.files(listed, rendered, keys, reuse)
    files.update(claim_pages.badge_files(site))
    files.update(claim_pages.log_files(site, env, pages, parts, reuse, claims.shared["nav"]))
    return files
