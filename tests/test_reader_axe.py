"""axe-core (WCAG 2.2 AA tags, target-size on) finds nothing on any page, in the light and dark
schemes, with every claim panel closed and with each one open; and the status colours meet
AA contrast themselves."""
from __future__ import annotations

import pytest

from browser import describe, run_axe

PAGES = ["", "contract-soldiers/", "about/", "no-such-page/"]


@pytest.fixture(scope="module")
def base(bundled_url):
    return bundled_url


@pytest.fixture(scope="module", params=["light", "dark"])
def scheme_page(request, browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=request.param, reduced_motion="reduce")
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_violations_with_panels_closed(scheme_page, base, path):
    scheme_page.goto(base + path)
    assert describe(run_axe(scheme_page)) == ""


def test_no_violations_with_each_panel_open(scheme_page, base):
    """Every panel in turn; axe looks at the open panel and its claim (the rest is checked above)."""
    scheme_page.goto(base + "contract-soldiers/")
    triggers = scheme_page.locator("button.claim-trigger")
    count = triggers.count()
    assert count >= 40
    found = []
    for i in range(count):
        trigger = triggers.nth(i)
        trigger.click()
        panel = trigger.get_attribute("popovertarget")
        assert scheme_page.evaluate("id => document.getElementById(id).matches(':popover-open')", panel)
        claim_id = trigger.get_attribute("id")
        violations = run_axe(scheme_page, {"include": [[f"#{panel}"], [f"#{claim_id}"]]})
        if violations:
            found.append(f"{panel}: {describe(violations)}")
        scheme_page.keyboard.press("Escape")
    scheme_page.locator("button.claim-trigger").first.click()
    assert describe(run_axe(scheme_page)) == "", "the whole page with a panel open"
    assert found == []


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_status_colours_meet_aa_in_both_schemes(browser, base, scheme):
    """Badge text on its tint is at least 4.5:1; the passage's underline at least 3:1 on the page."""
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base + "contract-soldiers/")
    tokens = page.evaluate("""() => { const s = getComputedStyle(document.documentElement), v = n => s.getPropertyValue('--' + n).trim();
        return {bg: v('bg'), surface: v('surface'), statuses: ['verified', 'unverified', 'attributed', 'disputed', 'refuted'].map(k => [k, v(k + '-fg'), v(k + '-bg'), v(k + '-line')])}; }""")
    for key, fg, tint, line in tokens["statuses"]:
        assert contrast(fg, tint) >= 4.5, f"{scheme} {key}: badge text {fg} on {tint}"
        assert contrast(fg, tokens["surface"]) >= 4.5 or contrast(fg, tint) >= 4.5
        assert contrast(line, tokens["bg"]) >= 3, f"{scheme} {key}: underline {line} on {tokens['bg']}"
        assert contrast(line, tokens["surface"]) >= 3, f"{scheme} {key}: panel edge {line} on {tokens['surface']}"
    context.close()
