"""SPEC 4, keyboard: Tab, Enter, Space and Escape on claim triggers, in Chromium."""
from __future__ import annotations

import pytest

from browser import open_panels


@pytest.fixture(scope="module")
def base(bundled_url):
    return bundled_url


@pytest.fixture
def page(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "contract-soldiers/")
    yield page
    context.close()


def active(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def tab_to_first_trigger(page) -> str:
    """Focus the last link before the first claim (in the status summary), then Tab once, as a reader would."""
    page.locator(".status-summary a").last.focus()
    page.keyboard.press("Tab")
    first = page.locator("button.claim-trigger").first.get_attribute("id")
    assert active(page) == first
    return first


def test_focus_alone_shows_a_ring_and_opens_nothing(page):
    trigger = tab_to_first_trigger(page)
    assert open_panels(page) == []
    ring = page.evaluate("""id => {
        const b = document.getElementById(id), s = getComputedStyle(b);
        const label = getComputedStyle(b.closest('.claim').querySelector('.claim-label'));
        return [b.matches(':focus-visible'), s.outlineStyle, parseFloat(s.outlineWidth), label.outlineStyle, parseFloat(label.outlineWidth)];
    }""", trigger)
    assert ring[0] is True
    assert ring[1] != "none" and ring[2] >= 2, "the marker shows a focus ring"
    assert ring[3] != "none" and ring[4] >= 2, "the passage is ringed with its marker"


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_enter_and_space_toggle_without_moving_focus(page, key):
    trigger = tab_to_first_trigger(page)
    panel = page.get_attribute(f"#{trigger}", "popovertarget")
    page.keyboard.press(key)
    assert open_panels(page) == [panel]
    assert active(page) == trigger, "opening never moves focus"
    page.keyboard.press(key)
    assert open_panels(page) == []
    assert active(page) == trigger


def test_tab_from_an_open_trigger_reaches_the_panels_links_then_escape_returns(page):
    trigger = tab_to_first_trigger(page)
    panel = page.get_attribute(f"#{trigger}", "popovertarget")
    page.keyboard.press("Enter")
    links = page.evaluate("id => [...document.getElementById(id).querySelectorAll('a')].map(a => a.href)", panel)
    assert links, "the first claim's panel has links"
    page.keyboard.press("Tab")
    assert page.evaluate("id => document.getElementById(id).contains(document.activeElement)", panel)
    assert page.evaluate("document.activeElement.href") == links[0]
    assert open_panels(page) == [panel], "tabbing into the panel keeps it open"
    page.keyboard.press("Escape")
    assert open_panels(page) == []
    assert active(page) == trigger, "Escape returns focus to the trigger"


def test_escape_on_the_trigger_closes_and_keeps_focus(page):
    trigger = tab_to_first_trigger(page)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert open_panels(page) == []
    assert active(page) == trigger


def test_tab_past_a_closed_panel_goes_to_the_next_trigger(page):
    first = tab_to_first_trigger(page)
    page.keyboard.press("Tab")
    second = page.locator("button.claim-trigger").nth(1).get_attribute("id")
    assert active(page) == second, f"closed panels are skipped; focus went from {first} to {active(page)}"


def test_every_trigger_is_a_named_native_button(page):
    # the text's triggers (the corrections list also names claims with data-claim, on its items)
    facts = page.evaluate("""() => [...document.querySelectorAll('.prose [data-claim]')].map(b => {
        const panel = document.getElementById(b.getAttribute('popovertarget'));
        return [b.tagName, b.type, b.dataset.status, panel && panel.getAttribute('popover'),
                b.nextElementSibling === panel, (b.labels[0] || b).textContent.trim().length > 0];
    })""")
    assert len(facts) >= 40
    assert all(f == ["BUTTON", "button", f[2], "auto", True, True] and f[2] for f in facts), facts[:3]


def test_a_passage_is_its_buttons_name_and_is_read_once(page):
    """A screen reader meets each highlighted passage once: as its button's name, never again as text."""
    paragraphs = page.locator(".prose p:has(.claim-trigger--text)")
    assert paragraphs.count() >= 10
    checked = 0
    for i in range(paragraphs.count()):
        para = paragraphs.nth(i)
        tree = para.aria_snapshot()
        for passage, name in para.evaluate("""p => [...p.querySelectorAll('.claim-trigger--text')].map(b =>
                [b.labels[0].textContent.replace(/\\s+/g, ' ').trim(), b.getAttribute('aria-labelledby')])"""):
            assert name.split()[0].startswith("label-")
            button = page.get_by_role("button", name=passage, exact=False)
            assert button.count() >= 1, passage
            assert tree.count(passage) == 1, f"{passage!r} read {tree.count(passage)} times:\n{tree}"
            checked += 1
    assert checked >= 20
