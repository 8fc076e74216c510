"""The bundled site opens in a real Chromium and a claim panel opens from its button."""
from browser import serve_folder


def test_a_claim_panel_opens_on_click(browser, bundled_site):
    with serve_folder(bundled_site, "/explainers/") as base:
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(base + "contract-soldiers/")
        trigger = page.locator("button.claim-trigger").first
        panel = page.locator("#" + trigger.get_attribute("popovertarget"))
        assert not panel.is_visible()
        trigger.click()
        assert panel.is_visible()
        assert panel.locator(".badge").inner_text().strip() != ""
        assert all(url.startswith(base.split("/explainers/")[0]) for url in requests)
        page.close()
