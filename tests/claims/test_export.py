"""Claims as data: claims.json lines and ClaimReview JSON-LD, as consumers parse them and against reference dicts."""
from __future__ import annotations

from conftest import examples
from conftest import make_site, run_cli
from explainers.claims.entries import Entry, changes_of, claim_page_url, claim_url, status_of
from explainers.claims.export import (BEST, CLAIM_REVIEWED_MAX, DEFAULT_RATINGS, SCRIPT_ESCAPES, WORST, claim_review, claim_reviewed, explainer_jsonld,
                                      export_lines, json_text, publisher, ratings)
from explainers.model import Claim, HistoryEntry, Page, Site, Source, Status
from html.parser import HTMLParser
from hypothesis import given, strategies as st
from pathlib import Path
import datetime as dt
import json
import pytest
import re


# --- The hand-written JSON of claims.json lines and ClaimReview JSON-LD equals json.dumps of the reference dicts.

HOSTILE = ['"', "\\", "</script>", "<!--", "&amp;", "\u2028", "\u2029", "\x00", "\x1f", "\x7f", "é", "😀", "\ufeff", "'", "\n", "\t"]
texts = st.one_of(st.text(max_size=12), st.lists(st.sampled_from(HOSTILE) | st.text(max_size=3), max_size=6).map("".join))
maybe = lambda strategy: st.none() | strategy  # noqa: E731
dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)


@st.composite
def sites(draw) -> Site:
    """A site with a few statuses and a publisher that may be missing or partial."""
    keys = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    statuses = {k: Status(k, draw(texts), draw(texts)) for k in keys}
    publisher = draw(st.dictionaries(st.sampled_from(["name", "url"]), texts, max_size=2))
    return Site(Path("."), "", draw(texts), draw(st.sampled_from(["https://example.org/", "https://e.org/a b/", "/"])),
                "en", "public", 100, statuses, {}, description=draw(texts), publisher=publisher)


@st.composite
def page_with_entries(draw, site: Site) -> tuple[Page, list[Entry]]:
    """A page and its entries, claims made of hostile text with any mix of optional fields."""
    page = Page(Path("p.md"), "content/p.md", "p.md", draw(slugs | st.just("")), draw(texts), draw(dates), "", 1, summary=draw(texts))
    statuses = list(site.statuses) + ["unknown-key"]
    entries = []
    for number in range(1, draw(st.integers(0, 4)) + 1):
        sources = tuple(Source(draw(slugs), draw(texts), draw(maybe(texts)), draw(maybe(texts))) for _ in range(draw(st.integers(0, 3))))
        history = tuple(HistoryEntry(draw(dates), draw(st.sampled_from(statuses)), draw(maybe(texts))) for _ in range(draw(st.integers(0, 2))))
        claim = Claim(draw(slugs), draw(st.sampled_from(statuses)), tuple(s.key for s in sources), note=draw(maybe(texts)),
                      url=draw(maybe(texts)), archive=draw(maybe(texts)), checked=draw(maybe(dates)), history=history,
                      note_html=draw(texts), note_text=draw(texts))
        status = status_of(site, claim.status)
        entries.append(Entry(page, claim, number, draw(texts), status, sources, changes_of(site, claim)))
    return page, entries


@st.composite
def cases(draw) -> tuple[Site, list[Entry]]:
    site = draw(sites())
    return site, draw(page_with_entries(site))[1]


# --- the reference: each claim as a dict, through json.dumps


def export_entry(site: Site, entry: Entry) -> dict:
    """One claim of claims.json (shape: schema/claims.schema.json)."""
    claim = entry.claim
    return {
        "id": claim.id,
        "url": claim_url(site, entry),
        "page": {"title": entry.page.title, "path": entry.page.url, "url": site.absolute(entry.page.url)},
        "number": entry.number,
        "text": entry.text,
        "status": {"key": entry.status.key, "label": entry.status.label},
        "sources": [{"key": s.key, "name": s.name, "url": s.url} for s in entry.sources],
        "note": {"text": claim.note_text, "html": claim.note_html} if claim.note else None,
        "evidence_url": claim.url,
        "archive_url": claim.archive,
        "checked": claim.checked.isoformat() if claim.checked else None,
        "history": [
            {"date": h.date.isoformat(), "status": {"key": h.status, "label": status_of(site, h.status).label}, "note": h.note}
            for h in claim.history
        ],
        "claim_page": claim_page_url(site, entry),
    }


def reviewed_reference(entry: Entry) -> str:
    """claimReviewed as README says: whitespace folded, cut at a word to 150 characters ending in "…"; the id if unreferenced."""
    text = " ".join(entry.text.split()) or entry.claim.id
    if len(text) <= 150:
        return text
    cut = text[:149]
    if cut.rfind(" ") > 75:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def claim_review_reference(site: Site, entry: Entry) -> dict:
    """A claim page's one schema.org ClaimReview, as Google's fact-check documentation shapes it."""
    claim, page = entry.claim, entry.page
    item: dict = {"@type": "Claim", "author": [{"@type": "Organization", "name": s.name, **({"sameAs": s.url} if s.url else {})} for s in entry.sources]}
    if claim.url:
        item["appearance"] = [{"@type": "CreativeWork", "url": claim.url}]
        item["firstAppearance"] = {"@type": "CreativeWork", "url": claim.url}
    rating = {"@type": "Rating"}
    score = ratings(site).get(entry.status.key)
    if score is not None:
        rating.update(ratingValue=score, bestRating=5, worstRating=1)
    rating.update(alternateName=entry.status.label, ratingExplanation=claim.note_text or entry.status.description)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": claim_page_url(site, entry),
        "claimReviewed": reviewed_reference(entry),
        "author": publisher(site),
        "datePublished": page.date.isoformat(),
        "dateModified": (claim.checked if claim.checked and claim.checked > page.date else page.date).isoformat(),
        "image": site.absolute(f"badges/{entry.status.key}.svg"),
        "reviewRating": rating,
        "itemReviewed": item,
    }


def explainer_reference(site: Site, page: Page, entries: list[Entry]) -> dict | None:
    """An explainer's JSON-LD: its Article, with an ItemList of its claims' pages and no ClaimReview."""
    if not entries or not page.slug:
        return None
    return {
        "@context": "https://schema.org", "@type": "Article", "headline": page.title, "url": site.absolute(page.url),
        "datePublished": page.date.isoformat(), "dateModified": (page.updated or page.date).isoformat(),
        "author": publisher(site), "publisher": publisher(site),
        "hasPart": {"@type": "ItemList", "name": "Claims checked in this explainer", "numberOfItems": len(entries),
                    "itemListElement": [{"@type": "ListItem", "position": e.number, "url": claim_page_url(site, e), "name": reviewed_reference(e)} for e in entries]},
    }


def script_json(data: object) -> str:
    """JSON that is safe inside <script>, as the JSON-LD writers make it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return text


def export_lines_reference(site: Site, entries: list[Entry]) -> str:
    """claims.json lines as they were made: json.dumps of export_entry()."""
    return ",\n".join(json.dumps(export_entry(site, e), ensure_ascii=False) for e in entries)


@examples(300)
@given(cases())
def test_export_lines_equal_json_dumps(case):
    site, entries = case
    assert export_lines(site, entries) == export_lines_reference(site, entries)


@examples(300)
@given(cases())
def test_claim_reviews_equal_json_dumps(case):
    site, entries = case
    author = json.dumps(publisher(site), ensure_ascii=False, separators=(",", ":"))
    for entry in entries:
        if entry.page.slug:  # the home page's claims have no page of their own
            assert claim_review(site, entry, author, ratings(site)) == script_json(claim_review_reference(site, entry))
    page = entries[0].page if entries else None
    if page is not None:
        expected = explainer_reference(site, page, entries)
        assert explainer_jsonld(site, page, entries) == (script_json(expected) if expected else "")


@given(st.one_of(st.none(), st.booleans(), st.integers(), texts, st.floats(allow_nan=False)))
def test_json_text_is_json_dumps_for_any_scalar(value):
    assert json_text(value) == json.dumps(value, ensure_ascii=False)
    assert json_text(value, True) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_the_examples_reach_every_branch():
    """A claim with everything set, and one with nothing: both shapes are compared, whatever hypothesis draws."""
    site = Site(Path("."), "", 'T "</script>', "https://example.org/", "en", "public", 100,
                {"ok": Status("ok", "OK\u2028", "fine & <b>")}, {}, publisher={"name": "P"})
    page = Page(Path("p.md"), "content/p.md", "p.md", "p", "Title\\", dt.date(2020, 1, 2), "", 1)
    full = Claim("a", "ok", ("s", "t"), note="n", url="https://u/", archive="https://a/", checked=dt.date(2021, 1, 1),
                 history=(HistoryEntry(dt.date(2020, 6, 1), "gone", "was <wrong>"),), note_html="<p>n</p>", note_text="n")
    bare = Claim("b", "ok", ())
    sources = (Source("s", "S", "https://s/"), Source("t", "T", None))
    entries = [Entry(page, full, 1, "text", site.statuses["ok"], sources, changes_of(site, full)),
               Entry(page, bare, 2, "", site.statuses["ok"], (), ())]
    assert export_lines(site, entries) == export_lines_reference(site, entries)
    author = json.dumps(publisher(site), ensure_ascii=False, separators=(",", ":"))
    for entry in entries:
        assert claim_review(site, entry, author, ratings(site)) == script_json(claim_review_reference(site, entry))
    full_review = json.loads(claim_review(site, entries[0], author, {"ok": 4}))
    assert full_review["reviewRating"]["ratingValue"] == 4 and full_review["itemReviewed"]["firstAppearance"]["url"] == "https://u/"
    assert "appearance" not in json.loads(claim_review(site, entries[1], author, {}))["itemReviewed"]
    assert "ratingValue" not in json.loads(claim_review(site, entries[1], author, {}))["reviewRating"]  # a status without a rating


def test_a_long_passage_is_shortened_at_a_word():
    page = Page(Path("p.md"), "content/p.md", "p.md", "p", "T", dt.date(2020, 1, 2), "", 1)
    status = Status("ok", "OK", "")
    long = Entry(page, Claim("a", "ok", ()), 1, "word " * 60 + "end", status, (), ())
    text = claim_reviewed(long)
    assert len(text) <= CLAIM_REVIEWED_MAX and text.endswith("word…") and "  " not in text
    short = Entry(page, Claim("b", "ok", ()), 2, "  a\n short   one ", status, (), ())
    assert claim_reviewed(short) == "a short one"
    assert claim_reviewed(Entry(page, Claim("c", "ok", ()), 3, "", status, (), ())) == "c"


def test_ratings_come_from_site_yaml_with_defaults():
    statuses = {k: Status(k, k.title(), "") for k in ("verified", "refuted", "odd", "custom")}
    site = Site(Path("."), "", "T", "https://e.org/", "en", "public", 1, statuses, {},
                raw={"statuses": {"verified": {"rating": "4"}, "refuted": {"rating": "9"}, "custom": {"rating": "2"}}})
    assert ratings(site) == {"verified": 4, "refuted": DEFAULT_RATINGS["refuted"], "custom": 2}  # 9 is off the scale: the default
    assert (WORST, BEST) == (1, 5) and min(DEFAULT_RATINGS.values()) >= 1


# --- schema.org ClaimReview JSON-LD in each explainer: parsed as a browser would, every field checked.

class Scripts(HTMLParser):
    """The raw text of every <script type="application/ld+json">, cut where an HTML parser cuts it."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self.inside:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.blocks[-1] += data


def jsonld_blocks(html: str) -> list[str]:
    parser = Scripts()
    parser.feed(html)
    return parser.blocks


def one_jsonld(html: str) -> dict:
    """A page's one JSON-LD block, parsed."""
    blocks = jsonld_blocks(html)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org"
    return data


@pytest.fixture(scope="module")
def history_out(tmp_path_factory) -> Path:
    site = make_site(tmp_path_factory.mktemp("jsonld"), "history")
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    return site / "public"


def test_every_claim_page_has_exactly_one_claim_review(bundled_site: Path):
    export = json.loads((bundled_site / "claims.json").read_text())["claims"]
    assert len(export) == 38
    for claim in export:
        html = (bundled_site / f"contract-soldiers/claims/{claim['id']}/index.html").read_text()
        assert len(jsonld_blocks(html.split("</head>")[0])) == 1  # in the head
        item = one_jsonld(html)
        assert item["@type"] == "ClaimReview" and html.count("ClaimReview") == 1
        assert item["url"] == claim["claim_page"] == f"https://example.org/explainers/contract-soldiers/claims/{claim['id']}/"
        assert item["claimReviewed"] == claim["text"][:150] or item["claimReviewed"].endswith("…")
        assert item["author"] == {"@type": "Organization", "name": "Annotated explainers", "url": "https://example.org/"}
        # the explainer's own first publication on this site, never the report's date; every claim re-checked on 7 December 2026
        assert item["datePublished"] == "2026-11-27" and item["dateModified"] == "2026-12-07"
        rating = item["reviewRating"]
        assert rating["alternateName"] == claim["status"]["label"] and rating["ratingExplanation"] == claim["note"]["text"]
        assert rating["ratingValue"] == {"verified": 5, "attributed": 3, "unverified": 3, "disputed": 2, "refuted": 1}[claim["status"]["key"]]
        assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
        assert item["image"] == f"https://example.org/explainers/badges/{claim['status']['key']}.svg"
        assert (bundled_site / f"badges/{claim['status']['key']}.svg").is_file()
        reviewed = item["itemReviewed"]
        assert reviewed["@type"] == "Claim"
        assert [a["name"] for a in reviewed["author"]] == [s["name"] for s in claim["sources"]]
        assert [a.get("sameAs") for a in reviewed["author"]] == [s["url"] for s in claim["sources"]]
        # where the claim appeared is the claim's own url, never a source's
        if claim["evidence_url"]:
            assert reviewed["appearance"] == [{"@type": "CreativeWork", "url": claim["evidence_url"]}]
            assert reviewed["firstAppearance"] == {"@type": "CreativeWork", "url": claim["evidence_url"]}
        else:
            assert "appearance" not in reviewed and "firstAppearance" not in reviewed
        assert (bundled_site / f"contract-soldiers/claims/{claim['id']}/embed/index.html").is_file()
        assert jsonld_blocks((bundled_site / f"contract-soldiers/claims/{claim['id']}/embed/index.html").read_text()) == []


def test_the_explainer_lists_its_claim_pages_and_reviews_none(bundled_site: Path):
    html = (bundled_site / "contract-soldiers/index.html").read_text()
    data = one_jsonld(html.split("</head>")[0])
    assert "ClaimReview" not in html.split("</head>")[0]
    assert data["@type"] == "Article" and data["url"] == "https://example.org/explainers/contract-soldiers/"
    items = data["hasPart"]["itemListElement"]
    assert data["hasPart"]["@type"] == "ItemList" and data["hasPart"]["numberOfItems"] == len(items) == 38
    assert [i["position"] for i in items] == list(range(1, 39))
    assert all(i["url"].startswith("https://example.org/explainers/contract-soldiers/claims/") for i in items)
    # every endnote links its claim's page
    assert html.count('<p class="claim-own-page"><a href="claims/') == 38


def test_every_field_of_a_claim_review(history_out: Path):
    item = one_jsonld((history_out / "corrected/claims/casualties/index.html").read_text())
    assert item == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://example.org/sub/site/corrected/claims/casualties/",
        "claimReviewed": "1,000 soldiers were lost",
        "author": {"@type": "Organization", "name": "Fixture Desk", "url": "https://desk.example.org/"},
        "datePublished": "2022-05-19",
        "dateModified": "2024-03-02",
        "image": "https://example.org/sub/site/badges/refuted.svg",
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                         "alternateName": "Refuted", "ratingExplanation": "Satellite images contradict the figure."},
        "itemReviewed": {
            "@type": "Claim",
            "author": [
                {"@type": "Organization", "name": "Ministry of Defence"},
                {"@type": "Organization", "name": "Wire Agency", "sameAs": "https://wire.example.com/story"},
            ],
            "appearance": [{"@type": "CreativeWork", "url": "https://evidence.example.com/images"}],
            "firstAppearance": {"@type": "CreativeWork", "url": "https://evidence.example.com/images"},
        },
    }
    steady = one_jsonld((history_out / "corrected/claims/steady/index.html").read_text())  # no note, no checked date, no url
    assert steady["reviewRating"]["ratingExplanation"] == "Reported, but not independently confirmed."  # the status description
    assert steady["dateModified"] == steady["datePublished"] and "appearance" not in steady["itemReviewed"]
    assert steady["claimReviewed"] == "The ministry also said the weather was fine."


def test_front_matter_cannot_break_out_of_the_script(history_out: Path):
    html = (history_out / "hostile/claims/escape/index.html").read_text()
    raw = jsonld_blocks(html)[0]
    assert not re.search(r"[<>&]", raw)  # so neither '</script' nor '<!--' can appear
    item = json.loads(raw)
    author = item["itemReviewed"]["author"][0]
    assert author["name"] == "Evil </script><script>alert(1)</script> & Co <!--"
    assert author["sameAs"] == "https://evil.example.com/?a=1&b=</script>"
    assert item["claimReviewed"] == "the </script> tag is harmless & fine"
    assert item["reviewRating"]["ratingExplanation"].startswith("Ends with </script><!")
    assert html.count("<script") == 3  # claims.js, copy.js and the JSON-LD: nothing injected


def test_pages_without_claims_have_no_claim_review(bundled_site: Path):
    assert jsonld_blocks((bundled_site / "about/index.html").read_text()) == []
    assert jsonld_blocks((bundled_site / "claims/index.html").read_text()) == []


def test_a_rating_off_the_scale_is_an_error_at_its_line(tmp_path):
    site = make_site(tmp_path)
    text = (site / "site.yaml").read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.lstrip().startswith("verified:"))
    (site / "site.yaml").write_text(text.replace("{label: Verified,", "{rating: 9, label: Verified,", 1), encoding="utf-8")
    result = run_cli("check", "--site", str(site))
    assert f"site.yaml:{line}: error: status 'verified' has rating '9': a rating is a whole number from 1 (worst) to 5 (best)" in result.err.replace(str(site) + "/", "")
    assert result.code == 1
