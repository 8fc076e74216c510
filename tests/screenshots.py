"""Screenshots of the bundled site in Chromium, to look at before a design change is done.

    make screenshots        (or: .venv/bin/python tests/screenshots.py [--out DIR] [--only NAME])

Builds the site into a temporary folder, serves it on 127.0.0.1 and writes PNGs to
screenshots/ (git-ignored): every page at 390 px (a phone) and 1280 px, in the light and
dark colour schemes, plus an open claim panel, the status legend, an endnote reached by
#claim-ID and the page as printed; and, on the test fixture site (whose explainers link to
each other), a preview of a link to another explainer's claim and a preview nested in a
claim's panel (previews-*.png).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from browser import chromium_or_skip, serve_folder  # noqa: E402
from conftest import REPO, run_cli  # noqa: E402

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
SCHEMES = ("light", "dark")
PAGES = {"home": "", "explainer": "contract-soldiers/", "about": "about/", "ledger": "claims/", "404": "no-such-page/"}


def shoot_pages(browser, base: str, out: Path, only: str | None) -> list[Path]:
    """Each page, at each width and scheme: the first screen and the whole page."""
    written = []
    for scheme in SCHEMES:
        for size, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                          has_touch=size == "phone", is_mobile=size == "phone")
            page = context.new_page()
            for name, path in PAGES.items():
                if only and only != name:
                    continue
                page.goto(base + path)
                stem = f"{name}-{size}-{scheme}"
                written.append(snap(page, out / f"{stem}.png"))
                if name != "explainer":
                    written.append(snap(page, out / f"{stem}-full.png", full=True))
                    continue
                written += shoot_explainer(page, base + path, out, stem, size)
            context.close()
    return written


def shoot_explainer(page, url: str, out: Path, stem: str, size: str) -> list[Path]:
    """The explainer's reading states: a panel open, the legend open, an endnote targeted, print."""
    written = []
    triggers = page.locator("button.claim-trigger")
    for label, index in (("first", 0), ("last", triggers.count() - 1)):
        trigger = triggers.nth(index)
        trigger.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy({top: -innerHeight / 3, behavior: 'instant'})")
        trigger.click()
        written.append(snap(page, out / f"{stem}-panel-{label}.png"))
        page.keyboard.press("Escape")
    page.goto(url)
    page.locator("details.legend summary").click()
    written.append(snap(page, out / f"{stem}-legend.png", selector=".status-summary"))
    page.goto("about:blank")
    page.goto(url + "#claim-quote-svetlana-b")
    written.append(snap(page, out / f"{stem}-endnote.png"))
    if size == "desktop" and "light" in stem:
        page.emulate_media(media="print")
        written.append(snap(page, out / f"{stem}-print.png", full=True))
        page.emulate_media(media="screen")
    return written


def shoot_previews(browser, out: Path) -> list[Path]:
    """Cross-reference previews, on the fixture site: a body link's preview and one nested in a claim's panel."""
    from conftest import make_site

    written = []
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp))
        first = site / "content" / "first.md"
        first.write_text(first.read_text(encoding="utf-8").replace(
            'note: "A claim whose id YAML would read as a number."',
            'note: "A claim whose id YAML would read as a number; compare [the casualty estimate](second.md#claim-casualties)."'), encoding="utf-8")
        if run_cli("build", "--site", str(site), "--out", str(Path(tmp) / "out")).code != 0:
            return written
        with serve_folder(Path(tmp) / "out", "/explainers/") as base:
            for scheme in SCHEMES:
                for size, (width, height) in WIDTHS.items():
                    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                                  has_touch=size == "phone", is_mobile=size == "phone", reduced_motion="reduce")
                    page = context.new_page()
                    page.goto(base + "contract-soldiers/")
                    button = page.locator(".prose > p a.xref[href='../second/#claim-casualties'] + .xref-button")
                    button.scroll_into_view_if_needed()
                    page.evaluate("window.scrollBy({top: -innerHeight / 3, behavior: 'instant'})")
                    button.click()
                    page.wait_for_timeout(300)
                    written.append(snap(page, out / f"previews-xref-{size}-{scheme}.png"))
                    page.keyboard.press("Escape")
                    trigger = page.locator("button[data-claim='2024']")
                    trigger.scroll_into_view_if_needed()
                    page.evaluate("window.scrollBy({top: -innerHeight / 4, behavior: 'instant'})")
                    trigger.click()
                    page.locator(f"#{trigger.get_attribute('popovertarget')} .xref-button").click()
                    page.wait_for_timeout(300)
                    written.append(snap(page, out / f"previews-nested-{size}-{scheme}.png"))
                    context.close()
    return written


def snap(page, path: Path, full: bool = False, selector: str | None = None) -> Path:
    """One screenshot; animations finished so the picture is the settled state."""
    if selector:
        page.locator(selector).screenshot(path=str(path), animations="disabled")
    else:
        page.screenshot(path=str(path), full_page=full, animations="disabled")
    return path


def main(argv: list[str] | None = None) -> int:
    """Build, serve and photograph the bundled site."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    parser.add_argument("--only", choices=sorted(PAGES), help="photograph one page only")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "public"
        result = run_cli("build", "--out", str(site))
        if result.code != 0:
            print(result.err, file=sys.stderr)
            return 1
        manager, browser = chromium_or_skip()
        try:
            with serve_folder(site, "/explainers/") as base:
                written = shoot_pages(browser, base, args.out, args.only)
            if not args.only:
                written += shoot_previews(browser, args.out)
        finally:
            browser.close()
            manager.stop()
    print(f"wrote {len(written)} screenshots to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
