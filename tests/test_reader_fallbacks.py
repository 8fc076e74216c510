"""SPEC 4 for readers without the usual setup: no JavaScript, print, reduced motion, and links
to #claim-ID; in Chromium."""
from __future__ import annotations

import re

import pytest

from browser import open_panels


@pytest.fixture(scope="module")
def base(bundled_url):
    return bundled_url


def test_without_javascript_panels_open_by_click_and_keyboard(browser, base):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base + "contract-soldiers/")
    text = page.locator("button.claim-trigger--text").first
    marker = page.locator("button.claim-trigger--marker").first
    for trigger in (text, marker):
        panel = trigger.get_attribute("popovertarget")
        trigger.click()
        assert open_panels(page) == [panel]
        trigger.click()
        assert open_panels(page) == []
    page.locator(f"label[for='{text.get_attribute('id')}']").click()  # the passage, via its <label>
    assert open_panels(page) == [text.get_attribute("popovertarget")]
    page.keyboard.press("Escape")
    assert open_panels(page) == []
    marker.focus()
    page.keyboard.press("Enter")
    assert open_panels(page) == [marker.get_attribute("popovertarget")]
    page.locator("h1").click()
    assert open_panels(page) == []
    context.close()


def test_print_shows_every_claims_status_and_source(browser, base, bundled_site):
    context = browser.new_context(viewport={"width": 800, "height": 1000})
    page = context.new_page()
    page.goto(base + "contract-soldiers/")
    page.emulate_media(media="print")
    statuses = {"verified": "Verified", "unverified": "Unverified", "attributed": "Attributed"}
    notes = page.evaluate("""() => [...document.querySelectorAll('.endnote-list > li')].map(li => {
        const visible = el => el && el.checkVisibility({visibilityProperty: true}) && el.getBoundingClientRect().height > 0;
        const badge = li.querySelector('.badge'), sources = li.querySelector('.claim-sources');
        return [li.id, li.dataset.status, visible(li), visible(badge) && badge.innerText, visible(sources) && sources.innerText];
    })""")
    claims = set(page.evaluate("[...new Set([...document.querySelectorAll('[data-claim]')].map(b => b.dataset.claim))]"))
    assert {n[0] for n in notes} == {f"claim-{c}" for c in claims} and len(notes) == 38
    for ident, status, shown, badge, sources in notes:
        assert shown, f"{ident} is printed"
        assert badge and statuses[status] in badge, f"{ident} prints its status"
        assert sources and re.match(r"Sources?: \S", sources), f"{ident} prints its source"
    assert page.evaluate("[...document.querySelectorAll('.legend dd')].every(d => d.getBoundingClientRect().height > 0)"), \
        "the legend prints open"
    assert page.locator(".site-header nav").count() == 2  # the site's menu and the language switcher
    assert not any(nav.is_visible() for nav in page.locator(".site-header nav").all()), "menus are not printed"
    assert not page.locator(".site-search").is_visible(), "nor the search box"
    context.close()


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_motion_follows_the_readers_setting(browser, base, motion):
    context = browser.new_context(reduced_motion=motion)
    page = context.new_page()
    page.goto(base + "contract-soldiers/")
    page.locator("button.claim-trigger").first.click()
    animations = page.evaluate("document.querySelector('.claim-panel:popover-open').getAnimations().length")
    scrolling = page.evaluate("getComputedStyle(document.documentElement).scrollBehavior")
    if motion == "reduce":
        assert animations == 0 and scrolling == "auto"
    else:
        assert animations == 1 and scrolling == "smooth"
    context.close()


def test_a_claim_link_scrolls_to_and_highlights_its_endnote(browser, base):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base + "contract-soldiers/#claim-quote-svetlana-b")
    facts = page.evaluate("""() => { const li = document.getElementById('claim-quote-svetlana-b'), r = li.getBoundingClientRect();
        return [li.classList.contains('is-target'), r.top, innerHeight, document.activeElement === li,
                getComputedStyle(li).backgroundColor, getComputedStyle(li.nextElementSibling).backgroundColor]; }""")
    assert facts[0], "highlighted"
    assert 0 <= facts[1] < facts[2] / 2, f"scrolled to: its top is at {facts[1]}px"
    assert facts[3], "focus moves there, so a screen reader reads on from the endnote"
    assert facts[4] != facts[5], "it looks different from its neighbours"
    page.evaluate("location.hash = '#claim-asked-mod'")
    page.wait_for_function("document.getElementById('claim-asked-mod').classList.contains('is-target')")
    assert page.evaluate("document.querySelectorAll('.is-target').length") == 1
    context.close()


def test_an_endnote_leads_back_to_the_text(browser, base):
    page = browser.new_page()
    page.goto(base + "contract-soldiers/#claim-sent-against-will")
    page.locator("#claim-sent-against-will .claim-backrefs a").first.click()
    assert page.evaluate("location.hash") == "#ref-sent-against-will-1"
    page.close()
