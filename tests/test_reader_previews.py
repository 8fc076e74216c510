"""Issue 19, item 1: previews of links to claims and pages of this site, in Chromium.

On the fixture site ("good"), whose first explainer links to the second explainer, to one
of its claims and to a claim of its own, with a note that links to a claim of the second
explainer (so its preview opens nested in the claim's panel)."""
from __future__ import annotations


import pytest

from browser import describe, run_axe, serve_folder
from conftest import make_site, run_cli

HOVER_WAIT = 800
NESTED_NOTE = "compare [the casualty estimate](second.md#claim-casualties)"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("previews")
    site = make_site(tmp)
    first = site / "content" / "first.md"
    first.write_text(first.read_text(encoding="utf-8").replace(
        'note: "A claim whose id YAML would read as a number."', f'note: "A claim whose id YAML would read as a number; {NESTED_NOTE}."'), encoding="utf-8")
    result = run_cli("build", "--site", str(site), "--out", str(tmp / "out"))
    assert result.code == 0, result.err
    with serve_folder(tmp / "out", "/explainers/") as url:
        yield url + "contract-soldiers/"


def opened(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll(':popover-open')].map(p => p.classList.contains('xref-panel') ? 'xref:' + p.getAttribute('aria-label') : 'claim:' + p.id)")


def wait_open(page, timeout: float = 5000) -> None:
    """Until a preview is open (polled from here: the page's CSP forbids the eval wait_for_function uses)."""
    for _ in range(int(timeout / 50)):
        if page.evaluate("!!document.querySelector('.xref-panel:popover-open')"):
            return
        page.wait_for_timeout(50)
    raise AssertionError("no preview opened")


def body_xref(page, href: str):
    return page.locator(f".prose > p a.xref[href='{href}']")


@pytest.fixture(params=["light", "dark"])
def desktop(request, browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=request.param, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base)
    yield page
    context.close()


def test_without_javascript_the_links_are_plain_links_and_no_button_shows(browser, base):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base)
    assert page.locator("a.xref").count() >= 3
    assert page.locator(".xref-button:visible").count() == 0
    body_xref(page, "../second/#claim-casualties").click()
    page.wait_for_url("**/second/#claim-casualties")
    context.close()


def test_hover_previews_a_claim_of_another_explainer(desktop):
    link = body_xref(desktop, "../second/#claim-casualties")
    link.hover()
    assert opened(desktop) == [], "not at once"
    desktop.wait_for_timeout(HOVER_WAIT)
    assert opened(desktop) == ["xref:Preview of claim 1 of A second explainer"]
    panel = desktop.locator(".xref-panel:popover-open")
    text = panel.inner_text()
    assert "Attributed" in text and "Source: Newsweek" in text and "said Ukraine" in text
    assert "A claim made by" in text, "the status's meaning, from that page's legend"
    assert desktop.evaluate("document.activeElement === document.body"), "hover never takes focus"
    # 1.4.13: the pointer crosses into the panel and it stays; leaving both closes it
    box = panel.bounding_box()
    desktop.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2, steps=25)
    desktop.wait_for_timeout(HOVER_WAIT)
    assert len(opened(desktop)) == 1
    desktop.keyboard.press("Escape")
    assert opened(desktop) == [], "Escape dismisses it without moving the pointer"
    desktop.wait_for_timeout(HOVER_WAIT)
    assert opened(desktop) == [], "and the resting pointer does not bring it back"
    desktop.mouse.move(5, 5, steps=5)
    link.hover()
    desktop.wait_for_timeout(HOVER_WAIT)
    assert len(opened(desktop)) == 1
    desktop.mouse.move(5, 5, steps=5)
    desktop.wait_for_timeout(HOVER_WAIT)
    assert opened(desktop) == []


def test_hover_previews_an_explainer_and_a_claim_of_this_page(desktop):
    body_xref(desktop, "../second/").hover()
    desktop.wait_for_timeout(HOVER_WAIT)
    assert opened(desktop) == ["xref:Preview of A second explainer"]
    assert "1 claim in this explainer" in desktop.locator(".xref-panel:popover-open").inner_text()
    body_xref(desktop, "#claim-asked-mod").hover()
    desktop.wait_for_timeout(HOVER_WAIT)
    assert opened(desktop) == ["xref:Preview of claim 2"], "one open at a time"
    assert "on this page" in desktop.locator(".xref-panel:popover-open").inner_text()


def test_keyboard_alone_tab_to_the_preview_button_enter_opens_escape_closes(desktop):
    link = body_xref(desktop, "../second/#claim-casualties")
    link.focus()
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("document.activeElement.matches('.xref-button')")
    assert desktop.evaluate("document.activeElement.getAttribute('aria-label')") == "Preview: its claim"
    desktop.keyboard.press("Enter")
    wait_open(desktop)
    assert desktop.evaluate("document.activeElement.getAttribute('aria-expanded')") == "true"
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("document.activeElement.closest('.xref-panel') !== null"), "Tab reaches the preview's links next"
    desktop.keyboard.press("Escape")
    assert opened(desktop) == []
    assert desktop.evaluate("document.activeElement.matches('.xref-button')"), "focus returns to the button"
    desktop.keyboard.press("Enter")
    wait_open(desktop)
    desktop.keyboard.press("Enter")
    assert opened(desktop) == [], "Enter again closes it"


def test_a_preview_in_a_claims_panel_opens_on_top_and_escape_closes_it_first(desktop):
    desktop.locator("button[data-claim='2024']").click()
    claim = desktop.locator("button[data-claim='2024']").get_attribute("popovertarget")
    desktop.locator(f"#{claim} .xref-button").click()
    wait_open(desktop)
    assert opened(desktop) == [f"claim:{claim}", "xref:Preview of claim 1 of A second explainer"]
    assert describe(run_axe(desktop)) == "", "axe with a claim panel and a nested preview open"
    desktop.keyboard.press("Escape")
    assert opened(desktop) == [f"claim:{claim}"]
    desktop.keyboard.press("Escape")
    assert opened(desktop) == []


def test_nested_hover_keeps_the_claim_open(desktop):
    trigger = desktop.locator("button[data-claim='2024']")
    trigger.hover()
    desktop.wait_for_timeout(HOVER_WAIT)
    claim = trigger.get_attribute("popovertarget")
    link = desktop.locator(f"#{claim} a.xref")
    box = link.bounding_box()
    desktop.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=15)
    desktop.wait_for_timeout(HOVER_WAIT)
    assert opened(desktop) == [f"claim:{claim}", "xref:Preview of claim 1 of A second explainer"]
    inner = desktop.locator(".xref-panel:popover-open").bounding_box()
    desktop.mouse.move(inner["x"] + 15, inner["y"] + inner["height"] / 2, steps=20)
    desktop.wait_for_timeout(HOVER_WAIT)
    assert len(opened(desktop)) == 2, "the pointer in the nested preview keeps both open"


def test_axe_with_each_kind_of_preview_open(desktop):
    for href in ("../second/#claim-casualties", "../second/", "#claim-asked-mod"):
        desktop.locator(f".prose > p a.xref[href='{href}'] + .xref-button").click()
        wait_open(desktop)
        assert describe(run_axe(desktop)) == "", href
        desktop.keyboard.press("Escape")


@pytest.mark.parametrize("width", [320, 390])
def test_touch_a_tap_follows_the_link_and_the_button_previews_inside_the_viewport(browser, base, width):
    context = browser.new_context(viewport={"width": width, "height": 700}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(base)
    button = page.locator(".prose > p a.xref[href='../second/#claim-casualties'] + .xref-button")
    assert button.bounding_box()["width"] >= 24 and button.bounding_box()["height"] >= 24
    button.tap()
    wait_open(page)
    box = page.evaluate("(() => { const r = document.querySelector('.xref-panel:popover-open').getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom, document.documentElement.scrollWidth, innerWidth, innerHeight]; })()")
    assert box[0] >= 0 and box[1] <= box[5] and box[2] >= 0 and box[3] <= box[6] + 1, box
    assert box[4] <= box[5], "no sideways scrolling"
    page.locator("h1").tap()
    assert opened(page) == []
    body_xref(page, "../second/#claim-casualties").tap()
    page.wait_for_url("**/second/#claim-casualties")
    context.close()
