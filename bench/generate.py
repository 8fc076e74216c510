"""Generate a large annotated-explainer site for benchmarks, deterministic from a seed.

    python bench/generate.py DEST [--pages 1000] [--seed 1] [--footnotes DEST2]

`generate(dest, pages, seed)` writes a complete site folder (site.yaml, content/, and the
repository's layouts/ and static/): every page has about 900 words and 20 claims, using
both reference forms, all 5 statuses and 4 shared sources, plus links to other pages and
to their claims. `generate_footnotes(dest, pages, seed)` writes the same text as a Hugo
site with plain Markdown footnotes, for the comparison in bench.py.
"""
from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATUSES = ("verified", "unverified", "attributed", "disputed", "refuted")
SOURCES = ("wire", "ministry", "witnesses", "archive")
CLAIMS_PER_PAGE = 20
WORDS_PER_PAGE = 900
WORDS = (
    "the report says officials were told about contract soldiers in the region during spring "
    "and families asked ministry lawyers whether service could end before the agreed term while "
    "reporters checked documents records figures statements and interviews from several towns "
    "near the border where units had gathered before the offensive began according to witnesses "
    "who described convoys training grounds and orders that arrived without warning or explanation"
).split()

SITE_YAML = """title: Benchmark explainers
description: "A generated site for timing the builder."
base_url: https://example.org/bench/
language: en
output_dir: public
stale_after_days: 100000
statuses:
  verified:   {label: Verified,   description: "Confirmed by independent evidence."}
  unverified: {label: Unverified, description: "Reported, but not independently confirmed."}
  attributed: {label: Attributed, description: "A claim made by a party to events, reported as theirs."}
  disputed:   {label: Disputed,   description: "Contested by other credible sources."}
  refuted:    {label: Refuted,    description: "Shown to be wrong by credible evidence."}
sources:
  wire: {name: "Wire service", url: "https://wire.example.org/", about: "A news agency."}
  ministry: {name: "Ministry of Defence", about: "A party to events."}
  witnesses: {name: "Witnesses", about: "People who saw it, interviewed by reporters."}
  archive: {name: "Public archive", url: "https://archive.example.org/", about: "Court and company records."}
"""

HUGO_CONFIG = """baseURL = "https://example.org/bench/"
languageCode = "en"
title = "Benchmark explainers"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[markup.goldmark.renderer]
unsafe = false
"""

HUGO_BASEOF = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "title" }}{{ .Title }} · {{ .Site.Title }}{{ end }}
{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Summary }}</p>{{ .Content }}</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<ol>{{ range .Site.RegularPages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2 January 2006" }}<p>{{ .Params.summary }}</p></li>{{ end }}</ol>{{ end }}
"""


@dataclass
class GenClaim:
    id: str
    status: str
    sources: list[str]
    note: str
    url: str | None
    checked: str
    label: str | None  # highlighted text, or None for a bare marker


@dataclass
class GenPage:
    slug: str
    title: str
    date: str
    summary: str
    claims: list[GenClaim]
    paragraphs: list[str]  # body text with {claim:ID} and {link:SLUG[#claim-ID]} placeholders


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_pages(pages: int, seed: int) -> list[GenPage]:
    """The abstract corpus: the same for both output formats."""
    rng = random.Random(seed)
    slugs = [f"explainer-{i:05d}" for i in range(pages)]
    result = []
    for i, slug in enumerate(slugs):
        claims = []
        for c in range(CLAIMS_PER_PAGE):
            status = STATUSES[(i + c) % len(STATUSES)]
            sources = [SOURCES[(i + c) % len(SOURCES)]]
            if c % 3 == 0:
                sources.append(SOURCES[(i + c + 1) % len(SOURCES)])
            note = f"{words(rng, 8).capitalize()}, *{words(rng, 2)}* and {words(rng, 6)}."
            url = f"https://evidence.example.org/{slug}/{c}" if c % 2 == 0 else None
            label = words(rng, rng.randint(3, 8)) if c % 2 == 0 else None
            claims.append(GenClaim(f"claim-{c + 1:02d}", status, sources, note, url, f"2026-{(c % 12) + 1:02d}-15", label))
        budget = WORDS_PER_PAGE - sum(len((c.label or "").split()) for c in claims)
        paragraphs, per = [], budget // 10
        for p in range(10):
            sentences = [words(rng, rng.randint(10, 20)).capitalize() + "." for _ in range(per // 15 + 1)]
            for c in claims[p * 2 : p * 2 + 2]:
                at = rng.randrange(len(sentences))
                sentences[at] = sentences[at][:-1] + " {claim:" + c.id + "}."
            if p in (3, 7) and pages > 1:
                other = slugs[(i + p) % pages] if slugs[(i + p) % pages] != slug else slugs[(i + 1) % pages]
                frag = "#claim-claim-03" if p == 7 else ""
                sentences.append("See also {link:" + other + frag + "}.")
            paragraphs.append(" ".join(sentences))
        result.append(GenPage(
            slug=slug,
            title=f"Explainer {i}: {words(rng, 5)}",
            date=f"20{20 + i % 6:02d}-{(i % 12) + 1:02d}-{(i % 28) + 1:02d}",
            summary=words(rng, 25).capitalize() + ".",
            claims=claims,
            paragraphs=paragraphs,
        ))
    return result


def expand(page: GenPage, text: str, claim, link) -> str:
    """Text with each {claim:ID} placeholder replaced by claim(c) and each {link:SLUG#FRAG} by link(slug, frag)."""
    by_id = {c.id: c for c in page.claims}
    out = []
    for piece in text.split("{"):
        if piece.startswith("claim:"):
            cid, rest = piece[6:].split("}", 1)
            out.append(claim(by_id[cid]) + rest)
        elif piece.startswith("link:"):
            target, rest = piece[5:].split("}", 1)
            slug, _, frag = target.partition("#")
            out.append(link(slug, frag) + rest)
        else:
            out.append(piece)
    return "".join(out)


def claim_markdown(page: GenPage, text: str) -> str:
    """Body text with placeholders turned into claim references and page links."""
    text = expand(page, text, lambda c: f" [{c.label}][^{c.id}]" if c.label else f"[^{c.id}]",
                  lambda slug, frag: f"[the other explainer]({slug}.md{'#' + frag if frag else ''})")
    return text.replace("  [", " [").replace(" [^", "[^")


def page_source(page: GenPage) -> str:
    """One page in the builder's format."""
    lines = ["---", f'title: "{page.title}"', f"date: {page.date}", f'summary: "{page.summary}"', "claims:"]
    for c in page.claims:
        lines.append(f"  {c.id}:")
        lines.append(f"    status: {c.status}")
        lines.append(f"    source: {c.sources[0]}" if len(c.sources) == 1 else f"    sources: [{', '.join(c.sources)}]")
        lines.append(f'    note: "{c.note}"')
        if c.url:
            lines.append(f'    url: "{c.url}"')
        lines.append(f"    checked: {c.checked}")
    lines.append("---")
    lines.append("")
    for i, paragraph in enumerate(page.paragraphs):
        if i in (4, 8):
            lines += [f"## Part {i // 4}", ""]
        lines += [claim_markdown(page, paragraph), ""]
    return "\n".join(lines)


def footnote_source(page: GenPage) -> str:
    """The same page as plain Markdown footnotes (for Hugo and the floor)."""
    body = []
    for i, paragraph in enumerate(page.paragraphs):
        if i in (4, 8):
            body += [f"## Part {i // 4}", ""]
        text = expand(page, paragraph, lambda c: f" {c.label}[^{c.id}]" if c.label else f"[^{c.id}]",
                      lambda slug, frag: f"[the other explainer](../{slug}/{'#' + frag if frag else ''})")
        body += [text.replace("  ", " ").replace(" [^", "[^"), ""]
    for c in page.claims:
        link = f" [Evidence]({c.url})" if c.url else ""
        body.append(f"[^{c.id}]: **{c.status.capitalize()}.** Source: {', '.join(c.sources)}. {c.note}{link} Checked {c.checked}.")
    head = ["---", f'title: "{page.title}"', f"date: {page.date}", f'summary: "{page.summary}"', "---", ""]
    return "\n".join(head + body) + "\n"


def write_site(dest: str | Path, site_yaml: str, title: str, day: str, sources: dict[str, str]) -> Path:
    """A site folder for this builder at dest (replaced if it exists): site.yaml, home and about pages, each slug's page text; dest."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content").mkdir(parents=True)
    shutil.copytree(REPO / "layouts", dest / "layouts")
    shutil.copytree(REPO / "static", dest / "static")
    (dest / "site.yaml").write_text(site_yaml, encoding="utf-8")
    (dest / "content" / "index.md").write_text(f'---\ntitle: "{title}"\ndate: {day}\n---\n\nA generated site.\n', encoding="utf-8")
    (dest / "content" / "about.md").write_text(f'---\ntitle: "About"\ndate: {day}\nlayout: page\n---\n\nAbout this generated site.\n', encoding="utf-8")
    for slug, text in sources.items():
        (dest / "content" / f"{slug}.md").write_text(text, encoding="utf-8")
    return dest


def write_hugo_site(dest: str | Path, sources: dict[str, str]) -> Path:
    """The same pages as a Hugo site with plain Markdown footnotes at dest (replaced if it exists); dest."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content").mkdir(parents=True)
    (dest / "layouts" / "_default").mkdir(parents=True)
    (dest / "static" / "css").mkdir(parents=True)
    shutil.copy(REPO / "static" / "css" / "site.css", dest / "static" / "css" / "site.css")
    (dest / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in (("baseof", HUGO_BASEOF), ("single", HUGO_SINGLE), ("list", HUGO_LIST)):
        (dest / "layouts" / "_default" / f"{name}.html").write_text(text, encoding="utf-8")
    for slug, text in sources.items():
        (dest / "content" / f"{slug}.md").write_text(text, encoding="utf-8")
    return dest


def generate(dest: str | Path, pages: int = 1000, seed: int = 1) -> Path:
    """Write an N-page site for this builder into dest (replaced if it exists); return dest."""
    return write_site(dest, SITE_YAML, "Benchmark explainers", "2026-01-01", {p.slug: page_source(p) for p in make_pages(pages, seed)})


def generate_footnotes(dest: str | Path, pages: int = 1000, seed: int = 1) -> Path:
    """Write the same corpus as a Hugo site with plain Markdown footnotes; return dest."""
    return write_hugo_site(dest, {p.slug: footnote_source(p) for p in make_pages(pages, seed)})


def main(argv: list[str] | None = None, make=None, make_footnotes=None, description: str = __doc__, what: str = "pages") -> int:
    """The command line of a generator (this module's, or another corpus's given as `make`/`make_footnotes`)."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("dest")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--footnotes", help="also write the plain-footnote (Hugo) version here")
    args = parser.parse_args(argv)
    (make or generate)(args.dest, args.pages, args.seed)
    if args.footnotes:
        (make_footnotes or generate_footnotes)(args.footnotes, args.pages, args.seed)
    print(f"generated {args.pages} {what} in {args.dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
