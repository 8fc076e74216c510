"""A site in two languages (explainers/languages.py): translations share their original's claims, each language is built
under its prefix, and every page names its translations (hreflang), reciprocally and completely."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import make_site, run_cli, snapshot

RU_FIRST = "content/first.ru.md"


class Alternates(HTMLParser):
    """A page's canonical URL, its <link rel=alternate hreflang> set and its language switcher's links."""

    def __init__(self):
        super().__init__()
        self.canonical, self.links, self.switcher, self.lang, self._nav = None, {}, [], None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.links[a["hreflang"]] = a["href"]
        elif tag == "nav" and "language-switcher" in a.get("class", ""):
            self._nav = True
        elif tag == "a" and self._nav:
            self.switcher.append(a)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav = False


def alternates(path: Path) -> Alternates:
    parser = Alternates()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def built(tmp_path: Path, edit=None, *args: str) -> tuple[Path, object]:
    """The bilingual fixture, changed by edit(site), built; (site folder, result)."""
    site = make_site(tmp_path, "bilingual")
    if edit:
        edit(site)
    return site, run_cli("build", "--site", str(site), "--out", str(site.parent / "public"), *args)


def test_each_language_under_its_prefix(bilingual_site):
    out = bilingual_site
    for rel in ("index.html", "contract-soldiers/index.html", "about/index.html", "second/index.html", "feed.xml", "claims/index.html",
                "ru/index.html", "ru/contract-soldiers/index.html", "ru/about/index.html", "ru/feed.xml", "ru/claims/index.html",
                "ru/claims.json", "ru/corrections/index.html", "ru/corrections.xml", "ru/contract-soldiers/claims/asked-mod/index.html",
                "ru/contract-soldiers/claims/asked-mod/embed/index.html", "ru/badges/verified.svg", "ru/sitemap.xml"):
        assert (out / rel).is_file(), rel
    assert not (out / "ru" / "second").exists(), "a page with no translation is not in the other language"
    assert not (out / "ru" / "css").exists() and not (out / "ru" / "_headers").exists() and not (out / "ru" / "404.html").exists()


def test_the_russian_page_is_in_russian(bilingual_site):
    html = (bilingual_site / "ru" / "contract-soldiers" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in html and '<body data-ui="' in html
    for words in ("Перейти к содержанию", "2 утверждения в этом разборе", "Что означают статусы", "Не проверено", "Со слов сторон",
                  "Источник: <a href=\"https://meduza.io/\">«Медуза»</a>", "Проверено <time datetime=\"2026-11-27\">27 ноября 2026\u202fг.</time>",
                  "Обновлено 27 ноября 2026\u202fг.: было «Подтверждено»", "Утверждения по порядку", "↩ Вернуться к тексту",
                  "(обратный перевод с английского)"):
        assert words in html, words
    claim = (bilingual_site / "ru" / "contract-soldiers" / "claims" / "sent-against-will" / "index.html").read_text(encoding="utf-8")
    assert "Сначала мы сочли сообщение подтверждённым." in claim, "the history's note, translated"
    for english in ("Skip to content", "What the statuses mean", "Sources:", "Source:", "Checked", "Unverified", "Back to the text"):
        assert english not in html, english


def test_a_translation_shares_the_originals_claims(bilingual_site):
    """Status, sources, url, checked and history come from the original; the note is the translation's."""
    ru = json.loads((bilingual_site / "ru" / "claims.json").read_text(encoding="utf-8"))
    en = json.loads((bilingual_site / "claims.json").read_text(encoding="utf-8"))
    assert ru["site"]["inLanguage"] == "ru" and en["site"]["inLanguage"] == "en"
    ru_claims = {c["id"]: c for c in ru["claims"]}
    en_claims = {c["id"]: c for c in en["claims"] if c["page"]["path"] == "contract-soldiers/"}
    claim = ru_claims["sent-against-will"]
    assert set(ru_claims) == set(en_claims)
    for cid, english in en_claims.items():
        assert ru_claims[cid]["status"]["key"] == english["status"]["key"]
        assert ru_claims[cid].get("checked") == english.get("checked") and ru_claims[cid].get("evidence") == english.get("evidence")
    assert claim["status"] == {"key": "unverified", "label": "Не проверено"}
    assert "обратный перевод" in json.dumps(claim, ensure_ascii=False)


def test_claim_review_and_article_say_their_language(bilingual_site):
    page = (bilingual_site / "ru" / "contract-soldiers" / "claims" / "sent-against-will" / "index.html").read_text(encoding="utf-8")
    review = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert review["@type"] == "ClaimReview" and review["inLanguage"] == "ru"
    assert review["url"] == "https://example.org/explainers/ru/contract-soldiers/claims/sent-against-will/"
    assert review["image"] == "https://example.org/explainers/ru/badges/unverified.svg"
    assert review["reviewRating"]["alternateName"] == "Не проверено"
    english = (bilingual_site / "contract-soldiers" / "index.html").read_text(encoding="utf-8")
    assert '"@type":"Article","inLanguage":"en"' in english


def every_page(out: Path) -> list[Path]:
    return [p for p in sorted(out.rglob("index.html")) if "/embed/" not in p.as_posix()]


def test_every_hreflang_set_is_reciprocal_and_complete(bilingual_site):
    """Each page lists every version of itself, itself included, with absolute URLs and an x-default; each version lists the same set."""
    out, base = bilingual_site, "https://example.org/explainers/"
    sets = {}
    for path in every_page(out):
        found = alternates(path)
        if found.links:
            sets[found.canonical] = found
    assert len(sets) >= 12, sorted(sets)
    for url, found in sets.items():
        versions = {code: href for code, href in found.links.items() if code != "x-default"}
        assert url in versions.values(), f"{url} does not list itself"
        assert versions[found.lang] == url, f"{url}: its own language's entry is not itself"
        assert found.links["x-default"] == versions["en"]
        assert all(href.startswith(base) for href in found.links.values())
        for code, href in versions.items():
            assert href in sets, f"{url} names {href}, which names no versions"
            assert sets[href].links == found.links, f"{url} and {href} disagree"
        # every translation there is is listed: a page's file in the other language's folder
        rel = url[len(base):]
        other = rel[3:] if rel.startswith("ru/") else "ru/" + rel
        assert ((out / other / "index.html").is_file() and "/claims/in/" not in url) <= (len(versions) == 2), url


def test_pages_without_a_translation_name_none(bilingual_site):
    found = alternates(bilingual_site / "second" / "index.html")
    assert found.links == {} and found.switcher == []


def test_the_switcher_goes_to_the_same_page(bilingual_site):
    en = alternates(bilingual_site / "contract-soldiers" / "index.html")
    assert en.switcher == [{"href": "../ru/contract-soldiers/", "hreflang": "ru", "lang": "ru"}]
    ru = alternates(bilingual_site / "ru" / "contract-soldiers" / "claims" / "asked-mod" / "index.html")
    assert ru.switcher == [{"href": "../../../../contract-soldiers/claims/asked-mod/", "hreflang": "en", "lang": "en"}]
    home = alternates(bilingual_site / "ru" / "index.html")
    assert home.switcher == [{"href": "../", "hreflang": "en", "lang": "en"}]


def test_links_go_to_the_same_language_where_there_is_one(bilingual_site):
    about = (bilingual_site / "ru" / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="../contract-soldiers/"' in about, "translated: the Russian page"
    assert 'href="../../second/"' in about, "untranslated: the English page"
    page = (bilingual_site / "ru" / "contract-soldiers" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../images/parade.gif"' in page and 'src="../../images/parade.gif"' in page


def test_sitemaps_list_alternates(bilingual_site):
    sitemap = (bilingual_site / "sitemap.xml").read_text(encoding="utf-8")
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sitemap
    assert ('<xhtml:link rel="alternate" hreflang="ru" href="https://example.org/explainers/ru/contract-soldiers/" />') in sitemap
    ru = (bilingual_site / "ru" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/explainers/ru/contract-soldiers/</loc>" in ru
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ru">' in (bilingual_site / "ru" / "feed.xml").read_text(encoding="utf-8")


def test_a_one_language_site_has_none_of_it(tmp_path):
    site = make_site(tmp_path)
    result = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    for path in (tmp_path / "out").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "hreflang" not in html and "data-ui" not in html and "inLanguage" not in html, path
    assert "xhtml" not in (tmp_path / "out" / "sitemap.xml").read_text(encoding="utf-8")


def replace(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("edit, expected", [
    (lambda s: replace(s, RU_FIRST, "    status: unverified\n", "    status: verified\n"),
     "content/first.ru.md:9: error: claim 'sent-against-will' has status 'verified' here but 'unverified' in"),
    (lambda s: replace(s, RU_FIRST, "  asked-mod:\n    note: \"Так пишет сам Newsweek.\"\n", ""),
     "content/first.ru.md:6: error: claim 'asked-mod' of"),
    (lambda s: replace(s, RU_FIRST, "  asked-mod:\n", "  invented:\n    note: \"x\"\n  asked-mod:\n"),
     "content/first.ru.md:12: error: claim 'invented' is not a claim of"),
    (lambda s: replace(s, RU_FIRST, "    status: unverified\n", "    url: \"https://example.org/\"\n"),
     "content/first.ru.md:9: error: claim 'sent-against-will': 'url' is set differently from"),
    (lambda s: replace(s, RU_FIRST, "{date: 2022-05-19, status: verified,", "{date: 2022-05-20, status: verified,"),
     "content/first.ru.md:11: error: claim 'sent-against-will': this history entry (2022-05-20, verified) is not the original's"),
    (lambda s: (s / "content" / "about.de.md").write_text("---\ntitle: Über\ndate: 2022-05-01\n---\nx\n", encoding="utf-8"),
     "content/about.de.md:1: error: 'about.de.md' names language 'de', which is not one of site.yaml's languages (en, ru)"),
    (lambda s: (s / "content" / "gone.ru.md").write_text("---\ntitle: Нет\ndate: 2022-05-01\n---\nx\n", encoding="utf-8"),
     "content/gone.ru.md:1: error: this is a translation of"),
])
def test_mistakes_in_a_translation_are_errors_at_their_line(tmp_path, edit, expected):
    site, result = built(tmp_path, edit)
    assert result.code == 1
    assert expected in result.err.replace(str(site) + "/", ""), result.err
    assert "Traceback" not in result.err


def test_check_lists_untranslated_and_stale_translations(tmp_path):
    site = make_site(tmp_path, "bilingual")
    replace(site, "content/first.md", "updated: 2026-11-27", "updated: 2026-12-05")
    result = run_cli("check", "--site", str(site))
    err = result.err.replace(str(site) + "/", "")
    assert "content/second.md:1: warning: this page has no translation into ru (content/second.ru.md)" in err
    assert "content/first.ru.md:3: warning: this translation dates from 2026-12-01, but content/first.md was updated on 2026-12-05" in err
    assert result.code == 0
    build = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"))
    assert "translation" not in build.err, "an editor's to-do list, not a build's"


def test_new_starts_a_translation_with_the_claims_listed(tmp_path):
    site = make_site(tmp_path, "bilingual")
    result = run_cli("new", "second", "--lang", "ru", "--site", str(site))
    assert result.code == 0, result.err
    text = (site / "content" / "second.ru.md").read_text(encoding="utf-8")
    assert "  casualties:\n    # attributed, newsweek; the original's note: \"Ukraine's figure, reported as theirs.\"\n    note: \"\"\n" in text
    assert "[^casualties]" in text
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "out")).code == 0
    assert (tmp_path / "out" / "ru" / "second" / "index.html").is_file()
    assert run_cli("new", "first", "--lang", "de", "--site", str(site)).code == 2
    assert run_cli("new", "contract-soldiers", "--lang", "ru", "--site", str(site)).code == 2, "it exists already"


def test_a_new_translation_reaches_its_original_through_the_cache(tmp_path):
    """Adding a translation gives the original its hreflang links and switcher in the next (incremental) build."""
    site = make_site(tmp_path, "bilingual")
    out, clean = tmp_path / "out", tmp_path / "clean"
    assert run_cli("build", "--site", str(site), "--out", str(out)).code == 0
    assert alternates(out / "second" / "index.html").links == {}
    assert run_cli("new", "second", "--lang", "ru", "--site", str(site)).code == 0
    assert run_cli("build", "--site", str(site), "--out", str(out)).code == 0
    assert set(alternates(out / "second" / "index.html").links) == {"en", "ru", "x-default"}
    assert run_cli("build", "--site", str(site), "--out", str(clean), "--no-cache").code == 0
    assert snapshot(out) == snapshot(clean)


def test_site_yaml_languages_mistakes(tmp_path):
    site = make_site(tmp_path, "bilingual")
    replace(site, "site.yaml", "  en: {name: English}\n", "  fr: {name: Français}\n  xx_bad: {name: X}\n")
    replace(site, "site.yaml", "      meduza: {name:", "      nobody: {name: X}\n      meduza: {name:")
    result = run_cli("check", "--site", str(site))
    err = result.err.replace(str(site) + "/", "")
    assert "site.yaml:18: error: language code 'xx_bad' must be a language tag such as 'en' or 'ru'" in err
    assert "site.yaml:16: error: 'languages' must include the site's own language 'en' (its 'language:')" in err
    assert result.code == 1


def test_a_cached_build_is_a_clean_build_and_follows_the_original(tmp_path):
    """An edit of the original's status reaches the translation through the cache."""
    site = make_site(tmp_path, "bilingual")
    out, clean = tmp_path / "out", tmp_path / "clean"
    assert run_cli("build", "--site", str(site), "--out", str(out)).code == 0
    replace(site, "content/first.md", "    status: attributed\n", "    status: disputed\n")
    assert run_cli("build", "--site", str(site), "--out", str(out)).code == 0
    assert run_cli("build", "--site", str(site), "--out", str(clean), "--no-cache").code == 0
    assert snapshot(out) == snapshot(clean)
    assert 'data-status="disputed">Оспаривается' in (out / "ru" / "contract-soldiers" / "index.html").read_text(encoding="utf-8")
