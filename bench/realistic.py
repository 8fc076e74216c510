"""A second benchmark corpus: pages written the way writers write them (issue 17), deterministic from a seed.

    python bench/realistic.py DEST [--pages 1000] [--seed 1] [--footnotes DEST2]

bench/generate.py's pages are plain words with claims in them. These have what real
explainers have, so that `make bench` measures the builder on more than one kind of site:

- bodies in real inline syntax: *emphasis*, **strong**, `code`, inline links with URLs,
  curly quotes and apostrophes, a link inside a claim's sentence (never inside its
  highlighted text), bullet lists, block quotes with an attribution line, `##` headings,
  paragraphs of 60 to 120 words, 20 claims a page in both reference forms, links to other
  pages and to their claims;
- front matter as the README teaches it: per-page `sources:` as flow mappings, titles and
  notes in double quotes (some with escapes), some long notes as folded block scalars,
  `sources: [a, b]` lists, `url:` on every claim, `checked:` on a quarter of the claims,
  most of those years older than `stale_after_days` (a site that has published for years).

`generate_footnotes` writes the same text with plain Markdown footnotes (for Hugo and the
floor in bench.py).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from generate import STATUSES, write_hugo_site, write_site
from generate import main as generate_main

CLAIMS_PER_PAGE = 20
SHARED = ("reuters", "apnews", "ministry", "courts")
SITE_YAML = """title: Realistic explainers
description: "A generated site whose pages look like real explainers."
base_url: https://example.org/real/
language: en
output_dir: public
stale_after_days: 365
statuses:
  verified:   {label: Verified,   description: "Confirmed by independent evidence."}
  unverified: {label: Unverified, description: "Reported, but not independently confirmed."}
  attributed: {label: Attributed, description: "A claim made by a party to events, reported as theirs."}
  disputed:   {label: Disputed,   description: "Contested by other credible sources."}
  refuted:    {label: Refuted,    description: "Shown to be wrong by credible evidence."}
sources:
  reuters: {name: Reuters, url: "https://www.reuters.com/", about: "International news agency"}
  apnews: {name: "Associated Press", url: "https://apnews.com/", about: "US news agency"}
  ministry: {name: "Ministry of Defence", about: "A party to events; its statements are reported as its own."}
  courts: {name: "Regional court records", url: "https://courts.example.org/", about: "Published rulings and filings"}
"""
OUTLETS = ("Meduza", "Novaya Gazeta Europe", "The Insider", "Mediazona", "iStories", "BBC Russian", "Verstka", "Holod")
VOCAB = (
    "officials soldiers families lawyers reporters documents records contracts units recruiters regions towns border "
    "ministry commanders relatives witnesses statements figures interviews convoys orders payments hospitals courts "
    "said told asked confirmed denied reported described wrote refused promised checked signed returned arrived "
    "spring winter month week earlier later several many few most some every other whose which where when while "
    "about after before during against without within under over through between among across along behind "
    "the a an and but or so yet of in on at to for from by with as that this these those it they their them"
).split()
NAMES = ("Olga Ivanova", "Dmitry Petrov", "Anna Smirnova", "Sergei Kuznetsov", "Elena Popova", "Pavel Sokolov")


@dataclass
class RealClaim:
    id: str
    status: str
    sources: list[str]
    note: str
    folded: bool  # written as a `>` block scalar
    url: str
    checked: str | None
    label: str | None  # highlighted text (may hold *emphasis* or `code`), or None for a bare marker


@dataclass
class RealPage:
    slug: str
    title: str
    date: str
    updated: str | None
    summary: str
    sources: dict[str, tuple[str, str, str]]  # key -> (name, url, about)
    claims: list[RealClaim]
    blocks: list[str]  # Markdown blocks with {claim:ID} and {link:SLUG#FRAG} placeholders


def sentence(rng: random.Random, n: int) -> str:
    """A sentence of about n words with some inline syntax in it."""
    words = [rng.choice(VOCAB) for _ in range(n)]
    for at in sorted(rng.sample(range(len(words)), rng.randint(0, 2))):  # each word marked up once at most
        kind, plain = rng.randrange(6), "".join(ch for ch in words[at] if "a" <= ch <= "z")
        if kind == 0:
            words[at] = f"*{words[at]}*"
        elif kind == 1:
            words[at] = f"**{words[at]} {rng.choice(VOCAB)}**"
        elif kind == 2:
            words[at] = f"`{words[at]}-{rng.randint(1, 99)}`"
        elif kind == 3:
            words[at] = f"[{words[at]} {rng.choice(VOCAB)}](https://{rng.choice(OUTLETS).lower().replace(' ', '')}.example.org/{rng.randint(1000, 9999)}/{plain or 'a'})"
        elif kind == 4:
            words[at] = f"“{words[at]} {rng.choice(VOCAB)}”"
        else:
            words[at] = f"{words[at]}’s"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", ",” she said.", "?"))


def paragraph(rng: random.Random, words: int) -> list[str]:
    """Sentences making up about `words` words."""
    out, count = [], 0
    while count < words:
        n = rng.randint(9, 22)
        out.append(sentence(rng, n))
        count += n
    return out


def make_pages(pages: int, seed: int) -> list[RealPage]:
    rng = random.Random(seed)
    slugs = [f"story-{i:05d}" for i in range(pages)]
    result = []
    for i, slug in enumerate(slugs):
        year = 2019 + i % 7
        date = f"{year}-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}"
        own = {}
        for k in range(rng.randint(2, 3)):
            outlet = OUTLETS[(i + k) % len(OUTLETS)]
            key = outlet.lower().replace(" ", "-") + f"-{k}"
            own[key] = (outlet, f"https://{outlet.lower().replace(' ', '')}.example.org/en/feature/{year}/{i:05d}/{k}",
                        f"Independent outlet; its report of {year} quoted “{rng.choice(VOCAB)}” sources")
        keys = list(own) + list(SHARED)
        claims = []
        for c in range(CLAIMS_PER_PAGE):
            sources = [keys[(i + c) % len(keys)]]
            if c % 3 == 0:
                sources.append(keys[(i + c + 1) % len(keys)])
            note = " ".join(paragraph(rng, 12 if c % 7 else 30))
            if c % 5 == 1:
                note += ' The ministry called it \\"a provocation\\".'
            checked = None
            if c % 4 == 0:  # a quarter of the claims, most of them long unreviewed
                age = rng.choice((0, 1, 2, 3, 3))
                checked = f"{min(year + age, 2026) if age else year}-{(c % 12) + 1:02d}-28"
                if checked < date:
                    checked = date
            label = None
            if c % 2 == 0:
                label = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(3, 7)))
                if c % 6 == 0:
                    label = f"*{label}*"
            claims.append(RealClaim(f"c{c + 1:02d}-{rng.choice(VOCAB)}", STATUSES[(i + c) % len(STATUSES)], sources, note,
                                    c % 7 == 3, f"https://evidence.example.org/{slug}/{c + 1}", checked, label))
        blocks, claim_at = [], 0
        for b in range(12):
            if b in (3, 8):
                blocks.append(f"## {' '.join(rng.choice(VOCAB) for _ in range(4)).capitalize()}")
            if b == 5:
                items = [f"- {' '.join(paragraph(rng, rng.randint(8, 16)))}" for _ in range(rng.randint(3, 5))]
                items[1] += " {claim:" + claims[claim_at].id + "}"
                claim_at += 1
                blocks.append("\n".join(items))
                continue
            if b == 9:
                quote = paragraph(rng, 40)
                blocks.append("> " + " ".join(quote) + "\n>\n> — " + rng.choice(NAMES) + ", speaking to " + rng.choice(OUTLETS))
                continue
            sentences = paragraph(rng, rng.randint(60, 120))
            for _ in range(2 if b < 11 else CLAIMS_PER_PAGE - claim_at):
                if claim_at >= CLAIMS_PER_PAGE:
                    break
                at = rng.randrange(len(sentences))
                sentences[at] = sentences[at].rstrip(".?") + " {claim:" + claims[claim_at].id + "}."
                if claim_at % 5 == 2:  # a link in the claim's sentence, outside its highlighted text
                    sentences[at] += f" See [the filing](https://courts.example.org/case/{i}-{claim_at})."
                claim_at += 1
            if b in (4, 10) and pages > 1:
                other = slugs[(i + b) % pages] if slugs[(i + b) % pages] != slug else slugs[(i + 1) % pages]
                sentences.append("Read {link:" + other + ("#claim-" + "X" if b == 10 else "") + "}.")
            blocks.append(" ".join(sentences))
        result.append(RealPage(
            slug=slug,
            title=f"What we know about the {rng.choice(VOCAB)} {rng.choice(VOCAB)} in {OUTLETS[i % len(OUTLETS)]}’s report {i}",
            date=date,
            updated=f"{min(year + 1, 2026)}-01-15" if i % 3 == 0 else None,
            summary=" ".join(paragraph(rng, 25)).replace('"', ""),
            sources=own,
            claims=claims,
            blocks=blocks,
        ))
    # links to a claim name the other page's first claim
    by_slug = {p.slug: p for p in result}
    for page in result:
        page.blocks = [fix_links(block, by_slug) for block in page.blocks]
    return result


def fix_links(block: str, by_slug: dict[str, RealPage]) -> str:
    out = []
    for piece in block.split("{link:"):
        if out and "#claim-X}" in piece.split("}", 1)[0] + "}":
            slug = piece.split("#", 1)[0]
            piece = piece.replace("#claim-X", "#claim-" + by_slug[slug].claims[0].id, 1)
        out.append(piece)
    return "{link:".join(out)


def expand(page: RealPage, text: str, claim, link) -> str:
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


def quoted(text: str) -> str:
    """A double-quoted YAML string (the text's escapes are already YAML's)."""
    return f'"{text}"'


def page_source(page: RealPage) -> str:
    lines = ["---", f"title: {quoted(page.title)}", f"date: {page.date}"]
    if page.updated:
        lines.append(f"updated: {page.updated}")
    lines += [f"summary: {quoted(page.summary)}", "sources:"]
    for key, (name, url, about) in page.sources.items():
        lines.append(f'  {key}: {{name: "{name}", url: "{url}", about: "{about}"}}')
    lines.append("claims:")
    for c in page.claims:
        lines += [f"  {c.id}:", f"    status: {c.status}"]
        lines.append(f"    source: {c.sources[0]}" if len(c.sources) == 1 else f"    sources: [{', '.join(c.sources)}]")
        if c.folded:
            lines.append("    note: >")
            words = c.note.replace('\\"', '"').split()
            for at in range(0, len(words), 12):
                lines.append("      " + " ".join(words[at:at + 12]))
        else:
            lines.append(f"    note: {quoted(c.note)}")
        lines.append(f'    url: "{c.url}"')
        if c.checked:
            lines.append(f"    checked: {c.checked}")
    lines += ["---", ""]
    for block in page.blocks:
        text = expand(page, block, lambda c: f" [{c.label}][^{c.id}]" if c.label else f"[^{c.id}]",
                      lambda slug, frag: f"[the related explainer]({slug}.md{'#' + frag if frag else ''})")
        lines += [text.replace("  [", " [").replace(" [^", "[^"), ""]
    return "\n".join(lines)


def footnote_source(page: RealPage) -> str:
    body = []
    for block in page.blocks:
        text = expand(page, block, lambda c: f" {c.label}[^{c.id}]" if c.label else f"[^{c.id}]",
                      lambda slug, frag: f"[the related explainer](../{slug}/{'#' + frag if frag else ''})")
        body += [text.replace("  ", " ").replace(" [^", "[^"), ""]
    for c in page.claims:
        checked = f" Checked {c.checked}." if c.checked else ""
        body.append(f"[^{c.id}]: **{c.status.capitalize()}.** Source: {', '.join(c.sources)}. {c.note.replace(chr(92), '')} [Evidence]({c.url}){checked}")
    head = ["---", f"title: {quoted(page.title)}", f"date: {page.date}", f"summary: {quoted(page.summary)}", "---", ""]
    return "\n".join(head + body) + "\n"


def generate(dest: str | Path, pages: int = 1000, seed: int = 1) -> Path:
    """Write an N-page realistic site for this builder into dest (replaced if it exists); return dest."""
    return write_site(dest, SITE_YAML, "Realistic explainers", "2019-01-01", {p.slug: page_source(p) for p in make_pages(pages, seed)})


def generate_footnotes(dest: str | Path, pages: int = 1000, seed: int = 1) -> Path:
    """The same corpus as a Hugo site with plain Markdown footnotes; return dest."""
    return write_hugo_site(dest, {p.slug: footnote_source(p) for p in make_pages(pages, seed)})


def main(argv: list[str] | None = None) -> int:
    return generate_main(argv, generate, generate_footnotes, __doc__, "realistic pages")


if __name__ == "__main__":
    raise SystemExit(main())
