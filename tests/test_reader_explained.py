"""Issue 19, items 2 and 4: a panel says what its status means and links the methods page; an
endnote's "Back to the text" marks the whole passage; in Chromium, light and dark, with and without JS."""
from __future__ import annotations

import pytest

from browser import open_panels

STATUS_MEANING = {  # site.yaml's descriptions, first words
    "verified": "Confirmed by evidence", "unverified": "Reported, but not", "attributed": "A claim made by an interested party",
}


@pytest.fixture(scope="module")
def base(bundled_url):
    return bundled_url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_panel_says_what_its_status_means_and_links_the_methods_page(browser, base, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(base + "contract-soldiers/")
    facts = page.evaluate("""() => [...document.querySelectorAll('.prose .claim-panel')].map(p => {
        const m = p.querySelector(':scope > .status-meaning'), a = m && m.querySelector('a');
        return [p.dataset.status, m && m.textContent, a && a.getAttribute('href')]; })""")
    assert len(facts) >= 40
    for status, meaning, href in facts:
        assert meaning and meaning.startswith(STATUS_MEANING[status]), (status, meaning)
        assert href == "../methods/"
    trigger = page.locator("button.claim-trigger").first
    trigger.click()
    meaning = page.locator(f"#{trigger.get_attribute('popovertarget')} .status-meaning")
    assert meaning.is_visible()
    colour = meaning.evaluate("m => [getComputedStyle(m).color, getComputedStyle(m.closest('.claim-panel')).backgroundColor]")
    assert colour[0] != colour[1]
    link = meaning.locator("a")
    link.hover()  # the pointer on the panel first, as a reader's is: it moves there before it clicks
    page.wait_for_timeout(100)
    assert link.is_visible()
    with page.expect_navigation(url="**/methods/"):
        link.click()
    context.close()


def test_touch_reader_reaches_the_methods_page_from_a_panel(browser, base):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(base + "contract-soldiers/")
    trigger = page.locator("button.claim-trigger--text").first
    page.locator(f"label[for='{trigger.get_attribute('id')}']").tap()
    link = page.locator(f"#{trigger.get_attribute('popovertarget')} .status-meaning a")
    box = link.bounding_box()
    assert box["height"] >= 24, "a 24 px target"
    link.tap()
    page.wait_for_url("**/methods/")
    context.close()


def passage_marked(page, ref: str) -> list:
    return page.evaluate("""ref => { const b = document.getElementById(ref), label = b.closest('.claim').querySelector('.claim-label');
        const other = [...document.querySelectorAll('.claim-label')].find(l => l !== label);
        const r = label.getBoundingClientRect();
        return [getComputedStyle(label).backgroundColor, getComputedStyle(other).backgroundColor, r.top, r.bottom, innerHeight, document.activeElement === b]; }""", ref)


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_back_to_the_text_marks_the_whole_passage(browser, base, javascript, scheme):
    # reduced motion: the jump is immediate, so the test need not wait out a smooth scroll
    context = browser.new_context(viewport={"width": 390, "height": 700}, java_script_enabled=javascript, color_scheme=scheme,
                                  reduced_motion="reduce")
    page = context.new_page()
    page.goto(base + "contract-soldiers/#claim-sent-against-will")
    page.locator("#claim-sent-against-will .claim-backrefs a").first.click()
    assert page.evaluate("location.hash") == "#ref-sent-against-will-1"
    page.wait_for_timeout(300)
    marked, unmarked, top, bottom, height, focused = passage_marked(page, "ref-sent-against-will-1")
    assert marked != unmarked, "the passage is marked, not only its marker"
    assert 0 <= top and bottom <= height, f"the whole passage is on screen: {top}..{bottom} of {height}"
    if javascript:
        assert focused, "focus is on the claim, so the keyboard and a screen reader go on from there"
        assert open_panels(page) == [], "focus alone opens nothing"
        # another hash clears the mark the script added
        page.evaluate("location.hash = '#claim-asked-mod'")
        page.wait_for_function("!document.querySelector('.claim.is-target')")
    context.close()


def test_back_to_the_text_by_keyboard_then_enter_opens_that_claim(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "contract-soldiers/#claim-asked-mod")
    page.locator("#claim-asked-mod .claim-backrefs a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash.startsWith('#ref-asked-mod-')")
    ref = page.evaluate("location.hash.slice(1)")
    assert page.evaluate("document.activeElement.id") == ref
    page.keyboard.press("Enter")
    assert open_panels(page) == [page.get_attribute(f"#{ref}", "popovertarget")]
    context.close()
