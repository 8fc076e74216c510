"""The search page in Chromium, over the bundled site's Pagefind index, served under a sub-path as a host would:
a claim is found by words of its note, a status filter narrows the results, the keyboard alone
searches and opens a result, axe finds nothing, and no request leaves the site's host."""
from __future__ import annotations

import re
import urllib.parse

import pytest

from browser import describe, run_axe

NOTE_WORDS = "withholds surnames safety"  # from the note of contract-soldiers' claim named-by-initial
CLAIM_URL = "contract-soldiers/claims/named-by-initial/"


@pytest.fixture
def page(browser, bundled_url):
    """A page that records every request, and every error the page's scripts or policy raise."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    tab = context.new_page()
    tab.requests, tab.errors = [], []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    # a console error but the browser's own favicon.ico request, which the site answers with its 404 page
    tab.on("console", lambda message: tab.errors.append(message.text)
           if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    yield tab
    context.close()


def results(page) -> list[str]:
    """The result links' addresses, once the status line says the search is done."""
    page.wait_for_function("() => /result|Nothing/.test(document.querySelector('.search-status').textContent)")
    return page.eval_on_selector_all(".search-results h2 a", "links => links.map(a => a.href)")


def count(page) -> int:
    """How many results the status line says there are (the list shows the first ten)."""
    said = page.inner_text(".search-status")
    return int(said.split()[0]) if said[0].isdigit() else 0


def test_a_claim_is_found_by_words_of_its_note(page, bundled_url):
    page.goto(bundled_url + "search/?q=" + urllib.parse.quote(NOTE_WORDS))
    found = results(page)
    assert bundled_url + CLAIM_URL in found
    item = page.locator(".search-results li", has=page.locator(f"a[href$='{CLAIM_URL}']"))
    assert item.locator(".badge[data-status='unverified']").inner_text() == "Unverified"
    badge = item.locator("img").get_attribute("src")
    assert badge == bundled_url + "badges/unverified.svg"
    assert item.locator("mark").count() >= 1  # the words are marked in the excerpt
    assert page.errors == []


def test_the_header_box_leads_to_the_search(page, bundled_url):
    """Without JS on the page it comes from: a plain GET form to search/?q=."""
    page.goto(bundled_url + "contract-soldiers/")
    page.fill("#site-search-q", NOTE_WORDS)
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert bundled_url + CLAIM_URL in results(page)


def test_filtering_by_status_narrows_the_results(page, bundled_url):
    page.goto(bundled_url + "search/?q=report")
    results(page)
    everything = count(page)
    options = page.eval_on_selector_all("#filter-status option", "os => os.map(o => o.value)")
    assert "Attributed" in options and "Unverified" in options
    page.evaluate("document.querySelector('.search-status').textContent = ''")
    page.select_option("#filter-status", "Attributed")
    narrowed = results(page)
    assert 0 < count(page) < everything
    statuses = page.eval_on_selector_all(".search-results .badge", "bs => bs.map(b => b.dataset.status)")
    assert set(statuses) == {"attributed"} and len(statuses) == len(narrowed)
    assert "status=Attributed" in page.url  # the filtered search can be linked to


def test_filters_alone_list_claims(page, bundled_url):
    """No words, a status and a source: every claim with them (the issue's 'every disputed claim sourced to a ministry')."""
    page.goto(bundled_url + "search/?status=Unverified&source=Meduza")
    found = results(page)
    assert found and all("/claims/" in url for url in found)


def test_the_keyboard_alone_searches_and_opens_a_result(page, bundled_url):
    page.goto(bundled_url + "search/")
    page.wait_for_selector(".search-filters:not([hidden])")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-q":
            break
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.type(NOTE_WORDS)
    page.keyboard.press("Enter")
    results(page)
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.search-results') !== null"):
            break
    target = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    assert "/claims/" in target or target.endswith("contract-soldiers/")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_search_page(browser, bundled_url, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme, reduced_motion="reduce")
    tab = context.new_page()
    try:
        tab.goto(bundled_url + "search/")
        assert describe(run_axe(tab)) == "", "before a search"
        tab.goto(bundled_url + "search/?q=Meduza")
        results(tab)
        assert describe(run_axe(tab)) == "", "with results"
    finally:
        context.close()


def test_no_request_leaves_the_host(page, bundled_url):
    page.goto(bundled_url + "search/?q=" + urllib.parse.quote(NOTE_WORDS))
    results(page)
    page.select_option("#filter-status", "Unverified")
    results(page)
    host = urllib.parse.urlsplit(bundled_url).netloc
    assert page.requests and all(urllib.parse.urlsplit(url).netloc == host for url in page.requests), page.requests
    assert any("/pagefind/" in url for url in page.requests)
    assert page.errors == []


def test_without_the_index_the_page_points_to_the_ledger(page, bundled_url):
    """JS on but no index to ask (a --no-search build): the page says so and links the ledger."""
    page.route("**/pagefind/**", lambda route: route.fulfill(status=404, body=""))
    page.goto(bundled_url + "search/?q=Meduza")
    page.wait_for_selector(".search-nojs:not([hidden])")
    assert "not available" in page.inner_text(".search-status")
    assert page.locator(".search-nojs a").get_attribute("href") == "../claims/"


def test_the_russian_search_page_searches_the_russian_index(page, bundled_url):
    """Each language has its own index (Pagefind picks it by <html lang>): Russian words find the Russian claim page."""
    page.goto(bundled_url + "ru/search/?q=" + urllib.parse.quote("фамилий безопасности"))
    page.wait_for_function("() => /\\d|Ничего/.test(document.querySelector('.search-status').textContent)")
    found = page.eval_on_selector_all(".search-results h2 a", "links => links.map(a => a.href)")
    assert bundled_url + "ru/" + CLAIM_URL in found
    assert all(url.startswith(bundled_url + "ru/") for url in found), found
    item = page.locator(".search-results li", has=page.locator(f"a[href$='ru/{CLAIM_URL}']"))
    assert item.locator(".badge[data-status='unverified']").inner_text() == "Не подтверждено"
    assert page.inner_text("h1") == "Поиск"
    assert page.errors == []
