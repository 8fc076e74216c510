"""A site in more than one language: site.yaml's `languages:`, translations (`SLUG.LANG.md`) and their claims.

The default language (`language:` of site.yaml) is built at the site root as ever; each other
language is a view of the site (`view`) built under its prefix, `/ru/`, with its own home
page, feeds, ledger and claim pages. A translation is a page of its own (its `lang` and the
`original` it translates, model.Page), read like any page except for its claims: it gives
their prose (note, history notes) and takes everything else from the original, which
`merge` puts together each time the translation is converted (convert.Converter), and
reports, at the translation's lines, whatever the two disagree on. Without `languages:`
nothing here runs, and a site builds byte for byte as a one-language site always did.
"""
from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field

from .fields import KEY_RE, Fields
from .model import Claim, HistoryEntry, Page, Problems, Site, Source, Status

LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?\Z")
# The fields of a claim that are one in every language: set in the original only.
SHARED_FIELDS = ("status", "sources", "url", "archive", "checked")


@dataclass(frozen=True)
class Language:
    """One language of the site, as site.yaml's `languages:` gives it (prose only; what is shared is set once)."""

    code: str
    name: str
    title: str = ""
    description: str = ""
    statuses: dict = field(default_factory=dict)  # status key -> (label, description)
    sources: dict = field(default_factory=dict)  # source key -> (name, about)


def read_languages(f: Fields, default: str, statuses: dict[str, Status], sources: dict[str, Source]) -> dict[str, Language]:
    """site.yaml's `languages:`, the default language first; {} when there is none (a one-language site)."""
    table = f.mapping("languages")
    if not table:
        return {}
    found: dict[str, Language] = {}
    for code, entry in table.items():
        line = f.offset + table.line_of(code)
        if not isinstance(code, str) or not LANG_RE.match(code):
            f.problems.error(f.path, line, f"language code '{code}' must be a language tag such as 'en' or 'ru'")
            continue
        if not isinstance(entry, dict):
            f.problems.error(f.path, line, f"language '{code}' must be a mapping with at least a 'name'")
            continue
        entry.line = table.line_of(code)
        g = Fields(entry, f.problems, f.path, f.offset, f"language '{code}'")
        g.unknown({"name", "title", "description", "statuses", "sources"})
        found[code] = Language(code, g.text("name", required=True) or code, g.text("title") or "", g.text("description") or "",
                               prose(g, code, "statuses", statuses, ("label", "description")), prose(g, code, "sources", sources, ("name", "about")))
    if default not in found:
        f.problems.error(f.path, f.line("languages"), f"'languages' must include the site's own language '{default}' (its 'language:')")
        return {}
    return {default: found[default], **{code: lang for code, lang in found.items() if code != default}}


def prose(g: Fields, code: str, key: str, known: dict, names: tuple[str, str]) -> dict[str, tuple]:
    """A language's wording of the site's statuses or sources: key -> (label, description) or (name, about)."""
    table = g.mapping(key) or {}
    found = {}
    for item, entry in table.items():
        if item not in known:
            g.problems.error(g.path, g.offset + table.line_of(item), f"{key[:-1]} '{item}' is not one of site.yaml's {key} ({', '.join(known)})")
            continue
        if not isinstance(entry, dict):
            g.problems.error(g.path, g.offset + table.line_of(item), f"{key[:-1]} '{item}' must be a mapping of {names[0]} and {names[1]}")
            continue
        entry.line = table.line_of(item)
        h = Fields(entry, g.problems, g.path, g.offset, f"{key[:-1]} '{item}' of language '{code}'")
        h.unknown(set(names))
        found[item] = (h.text(names[0]), h.text(names[1]))
    return found


def view(site: Site, code: str) -> Site:
    """The site as a language other than the default shows it: its title, statuses and sources in that language, under /CODE/."""
    if code == site.language or code not in site.languages:
        return site
    lang: Language = site.languages[code]
    statuses = {k: Status(k, lang.statuses.get(k, (None, None))[0] or s.label, lang.statuses.get(k, (None, None))[1] or s.description)
                for k, s in site.statuses.items()}
    sources = {k: dataclasses.replace(s, name=lang.sources.get(k, (None, None))[0] or s.name, about=lang.sources.get(k, (None, None))[1] or s.about)
               for k, s in site.sources.items()}
    return dataclasses.replace(site, language=code, title=lang.title or site.title, description=lang.description or site.description,
                               statuses=statuses, sources=sources, base_url=site.base_url + f"{code}/", prefix=f"{code}/", home=site,
                               _folder_of=("", ""))


def split_name(site: Site, name: str) -> tuple[str, str | None]:
    """A content path's original and language: ("a.md", "ru") for "a.ru.md"; (name, None) for a page in the default language."""
    stem = name[:-3]
    base, dot, code = stem.rpartition(".")
    if not dot or not base or not LANG_RE.match(code) or not site.languages:
        return name, None
    return f"{base}.md", code


def translated_name(name: str, code: str) -> str:
    """The content path of a page's translation: "a.md" -> "a.ru.md"."""
    return f"{name[:-3]}.{code}.md"


def read_translation_claims(f: Fields) -> tuple[dict[str, Claim], dict]:
    """A translation's claims: their prose (note, history notes), and what it says of the shared fields (to compare, in merge)."""
    table = f.mapping("claims")
    claims: dict[str, Claim] = {}
    given: dict[str, dict] = {}
    for cid, entry in (table or {}).items():
        line = f.offset + table.line_of(cid)
        if not isinstance(cid, str) or not KEY_RE.match(cid) or not isinstance(entry, dict):
            f.problems.error(f.path, line, f"claim '{cid}' must be a mapping with its 'note' in this language")
            continue
        entry.line = table.line_of(cid)
        c = Fields(entry, f.problems, f.path, f.offset, f"claim '{cid}'")
        c.unknown({"status", "source", "sources", "note", "url", "archive", "checked", "history"})
        shared = {}
        for key in SHARED_FIELDS:
            raw = entry.get("source") if key == "sources" and "sources" not in entry else entry.get(key)
            if raw is not None:
                value = tuple(raw) if isinstance(raw, list) else (raw,) if key == "sources" else c.date(key) if key == "checked" else raw
                shared[key] = (c.line("source" if key == "sources" and "sources" not in entry else key), value)
        history = []
        for item in entry.get("history") or []:
            if isinstance(item, dict):
                h = Fields(item, f.problems, f.path, f.offset, f"a history entry of claim '{cid}'")
                history.append((h.line(), h.date("date"), h.text("status"), h.text("note")))
        claims[cid] = Claim(cid, "", (), note=c.text("note"), line=line)
        given[cid] = {"shared": shared, "history": history}
    return claims, {"claims": given, "claims_line": f.line("claims") if "claims" in f.data else 1}


def merge(site: Site, page: Page, original: Page | None, problems: Problems) -> None:
    """Give a translation its original's claims and sources, in its own words; report where the two disagree, at its lines."""
    orig_rel = site.shown(f"content/{page.original}")
    if original is None:
        problems.error(page.rel, 1, f"this is a translation of {orig_rel}, which does not exist: name it after the page it translates")
        page.claims = {}
        return
    if original.slug != page.slug:
        problems.error(page.rel, 1, f"a translation has the URL of the page it translates: set 'slug: {original.slug}' as {orig_rel} does")
    lang = view(site, page.lang)
    given = page.given.get("claims", {})
    own = page.given.get("own_claims", {})
    merged: dict[str, Claim] = {}
    for cid, claim in original.claims.items():
        mine = own.get(cid)
        if mine is None:
            problems.error(page.rel, page.given.get("claims_line", 1),
                           f"claim '{cid}' of {orig_rel} is missing from this translation: add it under 'claims:' with its note in this language")
            merged[cid] = dataclasses.replace(claim, note=None, line=page.given.get("claims_line", 1))
            continue
        said = given.get(cid, {})
        for key, (line, value) in said.get("shared", {}).items():
            if key == "status" and value != claim.status:
                problems.error(page.rel, line, f"claim '{cid}' has status '{value}' here but '{claim.status}' in {orig_rel}; a translation "
                                               "shares its claims' status: change it there, and remove it here")
            elif key != "status" and value != getattr(claim, key):
                problems.error(page.rel, line, f"claim '{cid}': '{key}' is set differently from {orig_rel}; a translation takes it from "
                                               "the original: remove it here")
        merged[cid] = dataclasses.replace(claim, note=mine.note, line=mine.line, note_html="", note_text="",
                                          history=merged_history(page, cid, claim, said.get("history", []), orig_rel, problems))
    for cid, mine in own.items():
        if cid not in original.claims:
            problems.error(page.rel, mine.line, f"claim '{cid}' is not a claim of {orig_rel}; a translation has exactly the original's claims")
    page.claims = merged
    sources = dict(lang.sources)
    own_sources = page.given.get("sources", {})
    for key, source in original.sources.items():
        if key not in site.sources:  # the original's own source: its name in this language, if the translation gives one
            sources[key] = dataclasses.replace(source, name=own_sources[key].name, about=own_sources[key].about or source.about) \
                if key in own_sources else source
    page.sources = sources
    if page.image is None:
        page.image = original.image


def merged_history(page: Page, cid: str, claim: Claim, said: list, orig_rel: str, problems: Problems) -> tuple[HistoryEntry, ...]:
    """The original's history of a claim, each entry's note in the translation's words where it gives one (same date, same status)."""
    if said and len(said) != len(claim.history):
        problems.error(page.rel, said[0][0], f"claim '{cid}' has {len(said)} history entries here but {len(claim.history)} in {orig_rel}: "
                                             "translate each entry's note, keeping its date and status")
        return claim.history
    entries = []
    for entry, (line, date, status, note) in zip(claim.history, said):
        if date != entry.date or status != entry.status:
            problems.error(page.rel, line, f"claim '{cid}': this history entry ({date}, {status}) is not the original's "
                                           f"({entry.date}, {entry.status}) in {orig_rel}; keep its date and status, translate its note")
        entries.append(dataclasses.replace(entry, note=note if note is not None else entry.note))
    return tuple(entries) if said else claim.history


# --- rendering: which pages translate which, and a language's files under its prefix ---------

@dataclass(frozen=True)
class Alternate:
    """One language's version of a page: its code and name, its absolute URL, and its path from the site root."""

    code: str
    name: str
    url: str
    path: str


class Translated:
    """Which pages translate which, for hreflang links, the language switcher and the sitemap's alternates."""

    def __init__(self, site: Site, pages: list[Page]):
        self.site = site.home or site
        default = self.site.language
        self.versions: dict[str, dict[str, Page]] = {}
        for page in pages:
            self.versions.setdefault(page.key, {})[page.lang or default] = page
        rendered = {page.lang for page in pages}
        # the languages built: the default, and every other that has a page
        self.codes = [code for code in self.site.languages if code == default or code in rendered]
        self.claims_of = {(page.lang or default, page.slug or "index") for page in pages if page.facts.claims}

    def prefix(self, code: str) -> str:
        """A language's folder from the site root: "" for the default, "ru/"."""
        return "" if code == self.site.language else f"{code}/"

    def alternate(self, code: str, path: str) -> Alternate:
        """The version in `code` at `path` (from that language's root)."""
        full = self.prefix(code) + path
        return Alternate(code, self.site.languages[code].name, self.site.absolute(full), full)

    def alternates(self, page: Page | None, path: str | None = None) -> list[Alternate]:
        """Every language's version of a page (or of a file the builder writes, by its path), the default first; [] if there is one."""
        if not self.site.languages or path is None and page is None:
            return []
        if page is not None and page.slug:  # a page, or one of its claim pages ("SLUG/claims/ID/")
            own = page.url
            suffix = path[len(own):] if path is not None and path.startswith(own) else ""
            versions = self.versions.get(page.key, {})
            found = [self.alternate(code, versions[code].url + suffix) for code in self.codes
                     if code in versions and not versions[code].draft]
        else:  # the home page, the ledger, the corrections log: every language has its own
            path = path or ""
            if path.startswith("claims/in/"):  # a page's own ledger: only where that page, with claims, is
                slug = path.split("/")[2]
                found = [self.alternate(code, path) for code in self.codes if (code, slug) in self.claims_of]
            else:
                found = [self.alternate(code, path) for code in self.codes]
        return found if len(found) > 1 else []

    def signature(self, page: Page) -> str:
        """What a page's file says of its translations, for its render key."""
        return "|".join(f"{a.code}={a.path}" for a in self.alternates(page, page.url))


class PrefixedKeys(dict):
    """reuse.keys as a language's render sees it: its files' paths from its root, recorded from the site's."""

    def __init__(self, keys: dict, prefix: str):
        super().__init__()
        self.keys_, self.prefix = keys, prefix

    def __setitem__(self, rel: str, value) -> None:
        self.keys_[self.prefix + rel] = value

    def __getitem__(self, rel: str):
        return self.keys_[self.prefix + rel]

    def get(self, rel: str, default=None):
        return self.keys_.get(self.prefix + rel, default)

    def __contains__(self, rel) -> bool:
        return self.prefix + rel in self.keys_


class PrefixedGroups(PrefixedKeys):
    """reuse.groups likewise: a group's files are listed from the site root."""

    def __setitem__(self, name: str, value) -> None:
        key, listed = value
        self.keys_[self.prefix + name] = (key, "\n".join(self.prefix + rel for rel in listed.split("\n")) if listed else listed)


def prefixed_reuse(reuse, prefix: str):
    """The pieces.Reuse a language's render uses: paths from its root, looked up and recorded under its prefix."""
    if reuse is None:
        return None
    from .output import Kept

    def previous_group(name: str, key: str):
        kept = reuse.previous_group(prefix + name, key)
        return None if kept is None else Kept("\n".join(rel[len(prefix):] for rel in kept.names))

    return dataclasses.replace(reuse, previous=lambda rel, key: reuse.previous(prefix + rel, key), previous_group=previous_group,
                               keys=PrefixedKeys(reuse.keys, prefix), groups=PrefixedGroups(reuse.groups, prefix), rendered=0)


def prefixed_files(files: dict, prefix: str) -> dict:
    """A language's files by their path from the site root (a group's files too: output.Kept, output.Written)."""
    from .output import Group

    return {prefix + rel: type(data)("\n".join(prefix + name for name in data.names)) if isinstance(data, Group) else data
            for rel, data in files.items()}


def translation_stub(original: Page, code: str, today) -> str:
    """A new translation of a page (`new SLUG --lang CODE`): its front matter with every claim listed, the original's text to translate.

    Each claim gets an empty note to fill, under the original's as a comment, and its history
    entries with their dates and statuses (the original's); status, sources and the rest are the
    original's and are not repeated. It builds as it is (an empty note is a `check` warning).
    """
    quote = lambda text: json.dumps(text or "", ensure_ascii=False)  # noqa: E731 (JSON strings are YAML double-quoted strings)
    lines = ["---", f"title: {quote(original.title)}  # translate", f"summary: {quote(original.summary)}  # translate",
             f"date: {today.isoformat()}  # the day this translation is published here"]
    if original.slug and original.slug != original.path.stem:
        lines.append(f"slug: {original.slug}  # the original's URL")
    if original.layout != "explainer":
        lines.append(f"layout: {original.layout}")
    if original.claims:
        lines.append("claims:")
    for cid, claim in original.claims.items():
        lines.append(f"  {quote(cid) if not KEY_RE.match(cid) or cid.isdigit() else cid}:")
        lines.append(f"    # {claim.status}, {', '.join(claim.sources)}; the original's note: {quote(claim.note)}")
        lines.append('    note: ""')
        if claim.history:
            lines.append("    history:  # the original's entries: keep each date and status, translate its note")
            for entry in claim.history:
                lines.append(f"      - {{date: {entry.date.isoformat()}, status: {entry.status}, note: {quote('')}}}  # {quote(entry.note)}")
    lines += ["---", ""]
    return "\n".join(lines) + original.body.lstrip("\n")


@dataclass(frozen=True)
class Speaking:
    """What the layouts know of the language they render (render.make_environment's `language`), one global for all of it."""

    code: str  # "" on a one-language site
    many: bool  # the site has `languages:`
    up: str  # from a language's root to the site's, where static/ is: "../" under /ru/, else ""
    alternates: object  # Translated.alternates: a page's versions in every language
    ui: str  # the claims script's words (<body data-ui>), "" in the language the scripts are written in
    ledger_ui: str  # and the ledger script's
