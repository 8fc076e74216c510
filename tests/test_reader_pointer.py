"""SPEC 4, pointers: mouse hover preview (WCAG 1.4.13), clicks, touch, one panel at a time and
panels kept inside the viewport, in Chromium."""
from __future__ import annotations

import pytest

from browser import open_panels

HOVER_WAIT = 700  # ms: longer than claims.js's open and close delays together


@pytest.fixture(scope="module")
def base(bundled_url):
    return bundled_url


@pytest.fixture
def desktop(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "contract-soldiers/")
    yield page
    context.close()


def centre(box) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def first_line(locator) -> dict:
    """The box of an inline element's first line (the middle of a two-line box is between lines)."""
    return locator.evaluate("l => { const r = l.getClientRects()[0]; return {x: r.x, y: r.y, width: r.width, height: r.height}; }")


def hover_claim(page, index: int = 0):
    """Rest the mouse on a highlighted passage until its preview opens; (label box, panel id)."""
    trigger = page.locator("button.claim-trigger--text").nth(index)
    label = page.locator(f"label[for='{trigger.get_attribute('id')}']")
    label.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy({top: -innerHeight / 3, behavior: 'instant'})")  # room below for the panel
    box = first_line(label)
    page.mouse.move(*centre(box))
    page.wait_for_timeout(HOVER_WAIT)
    return box, trigger.get_attribute("popovertarget")


def test_hover_opens_a_preview_after_a_delay_without_taking_focus(desktop):
    trigger = desktop.locator("button.claim-trigger--text").first
    desktop.locator(f"label[for='{trigger.get_attribute('id')}']").hover()
    assert open_panels(desktop) == [], "not at once: passing over a claim does not open it"
    desktop.wait_for_timeout(HOVER_WAIT)
    assert open_panels(desktop) == [trigger.get_attribute("popovertarget")]
    assert desktop.evaluate("document.activeElement === document.body")


def test_pointer_can_cross_into_the_panel_and_closing_waits_for_leaving_both(desktop):
    box, panel_id = hover_claim(desktop)
    panel = desktop.locator("#" + panel_id).bounding_box()
    inside = (panel["x"] + 20, panel["y"] + panel["height"] / 2)
    desktop.mouse.move(*inside, steps=25)  # small steps, across any gap between the two
    assert open_panels(desktop) == [panel_id]
    desktop.wait_for_timeout(HOVER_WAIT)
    assert open_panels(desktop) == [panel_id], "resting in the panel keeps it open"
    desktop.mouse.move(*centre(box), steps=10)  # back to the passage: still open
    desktop.wait_for_timeout(HOVER_WAIT)
    assert open_panels(desktop) == [panel_id]
    desktop.mouse.move(5, 5, steps=10)  # away from both
    desktop.wait_for_timeout(HOVER_WAIT)
    assert open_panels(desktop) == []


def test_escape_hides_a_preview_without_moving_focus_or_the_pointer(desktop):
    desktop.focus(".how-to a")
    hover_claim(desktop)
    assert len(open_panels(desktop)) == 1
    desktop.keyboard.press("Escape")
    assert open_panels(desktop) == []
    assert desktop.evaluate("document.activeElement.matches('.how-to a')"), "focus stays where it was"
    desktop.wait_for_timeout(HOVER_WAIT)
    assert open_panels(desktop) == [], "the resting pointer does not bring it back"


def test_click_pins_a_preview_and_a_second_click_closes_it(desktop):
    box, panel_id = hover_claim(desktop)
    desktop.mouse.click(*centre(box))
    desktop.mouse.move(5, 5, steps=5)
    desktop.wait_for_timeout(HOVER_WAIT)
    assert open_panels(desktop) == [panel_id], "a pinned panel stays open after the pointer leaves"
    desktop.mouse.click(*centre(box))
    assert open_panels(desktop) == []


@pytest.mark.parametrize("part", ["label", "marker"])
def test_clicking_the_passage_or_its_marker_toggles_and_outside_closes(desktop, part):
    trigger = desktop.locator("button.claim-trigger--text").nth(3)
    panel_id = trigger.get_attribute("popovertarget")
    target = desktop.locator(f"label[for='{trigger.get_attribute('id')}']") if part == "label" else trigger
    target.click()
    assert open_panels(desktop) == [panel_id]
    target.click()
    assert open_panels(desktop) == []
    target.click()
    desktop.locator("h1").click()
    assert open_panels(desktop) == [], "a click elsewhere closes it"


def test_one_panel_open_at_a_time(desktop):
    triggers = desktop.locator("button.claim-trigger")
    triggers.nth(0).click()
    triggers.nth(1).click()
    assert open_panels(desktop) == [triggers.nth(1).get_attribute("popovertarget")]
    triggers.nth(2).click()
    assert open_panels(desktop) == [triggers.nth(2).get_attribute("popovertarget")]


def test_touch_tap_opens_tap_outside_closes_and_a_tap_on_a_link_follows_it(browser, base):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    followed = []

    def elsewhere(route):
        followed.append(route.request.url)
        route.abort()  # no request leaves the machine

    page.route(lambda url: not url.startswith(base.split("/explainers/")[0]), elsewhere)
    page.goto(base + "contract-soldiers/")
    trigger = page.locator("button.claim-trigger--text").first
    panel_id = trigger.get_attribute("popovertarget")
    label = page.locator(f"label[for='{trigger.get_attribute('id')}']")
    label.tap()
    page.wait_for_timeout(HOVER_WAIT)
    assert open_panels(page) == [panel_id], "a tap opens it and it stays open"
    page.locator("h1").tap()
    assert open_panels(page) == []
    trigger.tap()
    assert open_panels(page) == [panel_id]
    link = page.locator(f"#{panel_id} a[href^='http']").first  # a source (the first link is the methods page's)
    href = link.get_attribute("href")
    link.tap()
    page.wait_for_timeout(500)
    assert href in followed
    context.close()


EDGE_CSS = """
main, .site-header { width: 100%; margin: 0; padding-inline: .25rem; }
.status-summary, .article-header { display: none; }
.prose p.edge-right { text-align: right; }
"""


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("positioning", ["anchor", "script"])
def test_panels_stay_inside_the_viewport_at_both_edges(browser, base, width, positioning):
    """Claims moved hard against the left and right edges; every panel must fit, no sideways scroll."""
    context = browser.new_context(viewport={"width": width, "height": 700}, bypass_csp=True)
    if positioning == "script":  # a browser without CSS anchor positioning
        context.add_init_script("""{ const s = CSS.supports.bind(CSS);
            CSS.supports = (...a) => /anchor|position-area/.test(a.join(' ')) ? false : s(...a); }""")
    page = context.new_page()
    page.goto(base + "contract-soldiers/")
    assert page.evaluate("document.documentElement.classList.contains('claims-js-position')") == (positioning == "script")
    page.add_style_tag(content=EDGE_CSS)
    page.evaluate("document.querySelectorAll('.prose p').forEach((p, i) => i % 2 && p.classList.add('edge-right'))")
    markers = page.evaluate("""() => [...document.querySelectorAll('button.claim-trigger')].map(b => [b.id, b.getBoundingClientRect().left])""")
    leftmost = min(markers, key=lambda m: m[1])[0]
    rightmost = max(markers, key=lambda m: m[1])[0]
    lefts = [m[0] for m in sorted(markers, key=lambda m: m[1])[:3]]
    rights = [m[0] for m in sorted(markers, key=lambda m: -m[1])[:3]]
    assert page.evaluate("id => document.getElementById(id).getBoundingClientRect().right", rightmost) > width - 60
    for ident in dict.fromkeys(lefts + rights + [leftmost]):
        trigger = page.locator("#" + ident)
        trigger.scroll_into_view_if_needed()
        trigger.click()
        page.wait_for_timeout(50)
        box = page.evaluate("""id => { const p = document.getElementById(document.getElementById(id).getAttribute('popovertarget'));
            const r = p.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom, p.matches(':popover-open')]; }""", ident)
        client = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollWidth, innerHeight]")
        assert box[4], f"{ident} opened"
        assert box[0] >= 0 and box[1] <= client[0], f"{ident} at {width}px: panel {box[:2]} outside 0..{client[0]}"
        assert box[2] >= 0 and box[3] <= client[2] + 1, f"{ident}: panel {box[2:4]} outside the viewport's height"
        assert client[1] <= client[0], "no horizontal scrolling"
        marker = page.evaluate("id => { const r = document.getElementById(id).getBoundingClientRect(); return [r.top, r.bottom]; }", ident)
        assert box[3] <= marker[0] + 1 or box[2] >= marker[1] - 1, f"{ident}: the panel covers its own marker"
        page.keyboard.press("Escape")
    context.close()
