"""Reader benchmark: a generated page with 1,000 claims, timed inside Chromium.

    .venv/bin/python bench/reader_bench.py [--claims 1000] [--runs 5]

Measures, with the Performance API (performance.mark/measure) in the page itself:
- start-up: the work claims.js does when it runs (its whole source evaluated once more on
  the loaded page, with a #claim-ID in the address so the endnote highlight is included);
- open: clicking a trigger until its panel is open and laid out (synchronous work), and until
  the next frame is ready to paint.
Prints medians; the targets are start-up < 50 ms and opening < 16 ms (one frame).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import chromium_or_skip, serve_folder  # noqa: E402

STATUSES = ["verified", "unverified", "attributed", "disputed", "refuted"]


def generate(folder: Path, claims: int) -> Path:
    """A site whose one explainer has `claims` claims, half passages and half bare markers."""
    site = folder / "site"
    shutil.copytree(REPO / "layouts", site / "layouts")
    shutil.copytree(REPO / "static", site / "static")
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    lines = ["---", 'title: "A thousand claims"', "date: 2024-01-01", 'summary: "Benchmark page."', "claims:"]
    for i in range(claims):
        lines += [f"  c{i}:", f"    status: {STATUSES[i % 5]}", "    sources: [newsweek, meduza]",
                  f'    note: "Note for claim {i}, with *emphasis* and a [link](https://example.org/{i})."',
                  f'    url: "https://example.org/evidence/{i}"', "    checked: 2024-01-02"]
    lines.append("---")
    body = []
    for i in range(claims):
        if i % 2:
            body.append(f"Sentence {i} says something that is then marked.[^c{i}]")
        else:
            body.append(f"Here [claim number {i} is a highlighted passage that wraps][^c{i}] in the text.")
        if i % 8 == 7:
            body.append("\n\n")
    (site / "content").mkdir()
    (site / "content" / "big.md").write_text("\n".join(lines) + "\n\n" + " ".join(body) + "\n", encoding="utf-8")
    out = folder / "public"
    subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--out", str(out)],
                   check=True, capture_output=True)
    return out


STARTUP_JS = """async () => {
    const src = await (await fetch(document.querySelector('script[src*="claims"]').src)).text();
    const run = new Function(src);
    performance.mark('claims-start');
    run();
    performance.mark('claims-end');
    return performance.measure('claims-startup', 'claims-start', 'claims-end').duration;
}"""

OPEN_JS = """async (i) => {
    const buttons = document.querySelectorAll('button.claim-trigger');
    const button = buttons[i], panel = document.getElementById(button.getAttribute('popovertarget'));
    button.scrollIntoView({block: 'center', behavior: 'instant'});
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    performance.mark('open-start');
    button.click();
    panel.getBoundingClientRect();  // style and layout of the open panel
    performance.mark('open-sync');
    await new Promise(r => requestAnimationFrame(r));
    performance.mark('open-frame');
    const sync = performance.measure('open', 'open-start', 'open-sync').duration;
    const frame = performance.measure('open-frame', 'open-start', 'open-frame').duration;
    if (!panel.matches(':popover-open')) throw new Error('panel did not open');
    panel.hidePopover();
    return [sync, frame];
}"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = generate(Path(tmp), args.claims)
        manager, browser = chromium_or_skip()
        try:
            with serve_folder(out, "/") as base:
                startup, opens, frames = [], [], []
                for _ in range(args.runs):
                    # bypass_csp only so the benchmark may re-evaluate the script source (CSP forbids eval)
                    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
                    page = context.new_page()
                    page.goto(base + f"big/#claim-c{args.claims // 2}")
                    count = page.evaluate("document.querySelectorAll('button.claim-trigger').length")
                    assert count == args.claims, count
                    startup.append(page.evaluate(STARTUP_JS))
                    for i in range(0, count, max(1, count // 20)):
                        sync, frame = page.evaluate(OPEN_JS, i)
                        opens.append(sync)
                        frames.append(frame)
                    context.close()
        finally:
            browser.close()
            manager.stop()
    print(f"{args.claims} claims, {args.runs} page loads, Chromium")
    print(f"  start-up work of claims.js   median {statistics.median(startup):6.2f} ms  (max {max(startup):.2f}; target < 50)")
    print(f"  open a panel (click->layout) median {statistics.median(opens):6.2f} ms  (max {max(opens):.2f}; target < 16)")
    print(f"  open a panel (click->frame)  median {statistics.median(frames):6.2f} ms  (max {max(frames):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
