"""A generated site of N explainers over the repository's layouts and static files, for benchmarks."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATUSES = ("verified", "unverified", "attributed", "disputed", "refuted")

PAGE = """---
title: "Generated explainer number {n}"
date: {date}
summary: "Summary of generated explainer {n}, for the home page."
claims:
{claims}
---

{body}
"""


def page_text(n: int, claims: int = 6, paragraphs: int = 8) -> str:
    """One explainer with `claims` claims spread over `paragraphs` paragraphs."""
    date = dt.date(2020, 1, 1) + dt.timedelta(days=n % 2000)
    entries = "\n".join(
        f"  c{i}:\n    status: {STATUSES[(n + i) % len(STATUSES)]}\n    source: wire\n"
        f"    note: \"Why claim {i} of page {n} is rated this way, with *emphasis*.\"\n    checked: {date}"
        for i in range(claims)
    )
    body = "\n\n".join(
        f"Paragraph {p} of page {n} says [something checkable number {p}][^c{p % claims}] "
        "and keeps going with ordinary words so the page has some weight to it. " * 2
        for p in range(paragraphs)
    )
    return PAGE.format(n=n, date=date, claims=entries, body=body)


def generate(dest: Path, pages: int) -> Path:
    """Write a site with `pages` explainers into dest/ (replacing it) and return its folder."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(REPO / "layouts", dest / "layouts")
    shutil.copytree(REPO / "static", dest / "static")
    (dest / "content").mkdir(parents=True)
    site_yaml = (REPO / "site.yaml").read_text(encoding="utf-8")
    (dest / "site.yaml").write_text(site_yaml.replace("sources:", "sources:\n  wire: {name: Wire, url: \"https://example.org/\"}", 1), encoding="utf-8")
    for n in range(pages):
        (dest / "content" / f"page-{n:04d}.md").write_text(page_text(n), encoding="utf-8")
    return dest
