"""A reader of the Russian edition (the two-language fixture site) in Chromium: panels, legend, ledger and switcher in
Russian, at a phone's width and a desktop's, light and dark; and axe (WCAG 2.2 AA, target-size on) finds nothing on the
pages of either language."""
from __future__ import annotations

import pytest

from browser import describe, run_axe

PAGES = ["", "contract-soldiers/", "about/", "claims/", "contract-soldiers/claims/sent-against-will/", "corrections/"]


@pytest.fixture(scope="module", params=[("light", 390), ("dark", 1280)], ids=["light-390", "dark-1280"])
def reader(request, browser):
    scheme, width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, reduced_motion="reduce")
    page = context.new_page()
    yield page
    context.close()


def test_the_panel_and_the_legend_speak_russian(reader, bilingual_url):
    reader.goto(bilingual_url + "ru/contract-soldiers/")
    assert reader.evaluate("document.documentElement.lang") == "ru"
    trigger = reader.locator("button.claim-trigger").first
    trigger.click()
    panel = reader.locator(".claim-panel:popover-open")
    assert panel.is_visible()
    text = panel.inner_text()
    assert "Источник: «Медуза»" in text and "Проверено 27 ноября 2026" in text and "Не проверено" in text
    assert "Source" not in text and "Checked" not in text
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= reader.viewport_size["width"], "the panel fits the screen"
    reader.keyboard.press("Escape")
    reader.locator(".legend summary").click()
    assert reader.locator(".legend summary").inner_text() == "Что означают статусы"
    assert "Подтверждено независимыми данными." in reader.locator(".legend dl").inner_text()
    assert reader.locator("#summary-heading").inner_text() == "2 утверждения в этом разборе"


def test_the_script_speaks_russian(reader, bilingual_url):
    """The claims script's own words come from the page (<body data-ui>): a preview of a link to another page."""
    reader.goto(bilingual_url + "ru/about/")
    labels = reader.evaluate("[...document.querySelectorAll('.xref-button')].map(b => b.getAttribute('aria-label'))")
    assert labels and all(label.startswith("Предпросмотр: ") for label in labels)
    button = reader.locator(".xref-button").first
    button.wait_for(state="visible")
    button.click()
    panel = reader.locator(".xref-panel:popover-open")
    panel.wait_for()
    assert panel.get_attribute("aria-label") == "Предпросмотр: Контрактники говорят, что не смогли уволиться"


def test_the_ledger_speaks_russian(reader, bilingual_url):
    reader.goto(bilingual_url + "ru/claims/")
    assert reader.locator("h1").inner_text() == "Реестр утверждений"
    headers = reader.locator("#ledger-table thead th").all_inner_texts()
    assert [h.strip() for h in headers] == ["Утверждение", "Разбор", "Статус", "Источники", "Проверено"]
    assert "«Медуза»" in reader.locator("#ledger-table").inner_text()
    reader.locator("#filter-status").select_option("unverified")
    assert reader.locator("#ledger-count").inner_text() == "Показано 1 из 2 утверждений (статус Не проверено)."
    reader.locator("#filter-status").select_option("")
    assert reader.locator("#ledger-count").inner_text() == "Показаны все 2 утверждения."


def test_the_switcher_goes_to_the_same_page_and_back(reader, bilingual_url):
    reader.goto(bilingual_url + "contract-soldiers/claims/asked-mod/")
    link = reader.locator(".language-switcher a")
    assert link.get_attribute("lang") == "ru" and link.get_attribute("hreflang") == "ru" and link.inner_text() == "Русский"
    link.click()
    assert reader.url == bilingual_url + "ru/contract-soldiers/claims/asked-mod/"
    assert reader.locator("h2#verdict-heading").inner_text() == "Наш вывод"
    reader.locator(".language-switcher a").click()
    assert reader.url == bilingual_url + "contract-soldiers/claims/asked-mod/"
    box = reader.locator(".language-switcher a").bounding_box()
    assert box["height"] >= 24, "a target a finger can hit"


@pytest.mark.parametrize("lang", ["", "ru/"])
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations_in_either_language(reader, bilingual_url, lang, path):
    reader.goto(bilingual_url + lang + path)
    assert describe(run_axe(reader)) == ""
