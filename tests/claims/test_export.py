"""Claims as data: claims.json lines and ClaimReview JSON-LD, as consumers parse them and against reference dicts."""
from __future__ import annotations

from conftest import examples
from conftest import make_site, run_cli
from explainers.claims.entries import Entry, changes_of, claim_url, status_of
from explainers.claims.export import SCRIPT_ESCAPES, claim_reviews, export_lines, json_text, publisher
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
    }


def claim_review(site: Site, entry: Entry) -> dict:
    """One schema.org ClaimReview for a claim."""
    claim, page = entry.claim, entry.page
    item: dict = {"@type": "Claim", "author": [{"@type": "Organization", "name": s.name, **({"url": s.url} if s.url else {})} for s in entry.sources]}
    appearance = list(dict.fromkeys(s.url for s in entry.sources if s.url))
    if appearance:
        item["appearance"] = [{"@type": "CreativeWork", "url": url} for url in appearance]
    review = {
        "@type": "ClaimReview",
        "url": claim_url(site, entry),
        "claimReviewed": entry.text or claim.id,
        "author": publisher(site),
        "datePublished": page.date.isoformat(),
        "reviewRating": {
            "@type": "Rating",
            "alternateName": entry.status.label,
            "ratingExplanation": claim.note_text or entry.status.description,
        },
        "itemReviewed": item,
    }
    if claim.checked and claim.checked > page.date:
        review["dateModified"] = claim.checked.isoformat()
    return review


def script_json(data: object) -> str:
    """JSON that is safe inside <script>, as claim_reviews makes it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return text


def claim_reviews_reference(site: Site, entries: list[Entry]) -> str:
    """What claim_reviews() must equal: its dicts, through json.dumps."""
    if not entries:
        return ""
    return script_json({"@context": "https://schema.org", "@graph": [claim_review(site, e) for e in entries]})



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
    fast = claim_reviews(site, entries)
    assert fast == claim_reviews_reference(site, entries)


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
    assert claim_reviews(site, entries) == claim_reviews_reference(site, entries)
    assert '"dateModified"' in claim_reviews(site, entries) and '"appearance"' in claim_reviews(site, entries)


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


def graph(html: str) -> list[dict]:
    """The ClaimReview items of a page's one JSON-LD block."""
    blocks = jsonld_blocks(html)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


@pytest.fixture(scope="module")
def history_out(tmp_path_factory) -> Path:
    site = make_site(tmp_path_factory.mktemp("jsonld"), "history")
    result = run_cli("build", "--site", str(site))
    assert result.code == 0, result.err
    return site / "public"


def test_one_claim_review_per_claim_in_the_bundled_explainer(bundled_site: Path):
    html = (bundled_site / "contract-soldiers/index.html").read_text()
    head = html.split("</head>")[0]
    assert len(jsonld_blocks(head)) == 1  # in the head, through partials/jsonld.html
    items = graph(html)
    export = json.loads((bundled_site / "claims.json").read_text())["claims"]
    assert len(items) == len(export) == 38
    for item, claim in zip(items, export):
        assert item["@type"] == "ClaimReview"
        assert item["url"] == claim["url"] and item["url"].startswith("https://example.org/explainers/contract-soldiers/#claim-")
        assert item["claimReviewed"] == claim["text"] != ""
        assert item["author"] == {"@type": "Organization", "name": "Annotated explainers", "url": "https://example.org/"}
        # the explainer's own first publication on this site, never the report's date; every claim re-checked on 7 December 2026
        assert item["datePublished"] == "2026-11-27" and item["dateModified"] == "2026-12-07"
        assert item["reviewRating"] == {"@type": "Rating", "alternateName": claim["status"]["label"], "ratingExplanation": claim["note"]["text"]}
        reviewed = item["itemReviewed"]
        assert reviewed["@type"] == "Claim"
        assert [a["name"] for a in reviewed["author"]] == [s["name"] for s in claim["sources"]]
        assert all(a["@type"] == "Organization" for a in reviewed["author"])
        urls = list(dict.fromkeys(s["url"] for s in claim["sources"] if s["url"]))
        assert [a["url"] for a in reviewed.get("appearance", [])] == urls
        # an appearance is where the claim was published, never a site's home page
        assert all(re.match(r"https://[^/]+/.", a["url"]) for a in reviewed.get("appearance", [])), reviewed
    assert {i["reviewRating"]["alternateName"] for i in items} >= {"Unverified", "Attributed"}


def test_every_field_of_a_claim_review(history_out: Path):
    items = graph((history_out / "corrected/index.html").read_text())
    assert [i["url"] for i in items] == [f"https://example.org/sub/site/corrected/#claim-{c}" for c in ("casualties", "convoy", "steady")]
    assert items[0] == {
        "@type": "ClaimReview",
        "url": "https://example.org/sub/site/corrected/#claim-casualties",
        "claimReviewed": "1,000 soldiers were lost",
        "author": {"@type": "Organization", "name": "Fixture Desk", "url": "https://desk.example.org/"},
        "datePublished": "2022-05-19",
        "dateModified": "2024-03-02",
        "reviewRating": {"@type": "Rating", "alternateName": "Refuted", "ratingExplanation": "Satellite images contradict the figure."},
        "itemReviewed": {
            "@type": "Claim",
            "author": [
                {"@type": "Organization", "name": "Ministry of Defence"},
                {"@type": "Organization", "name": "Wire Agency", "url": "https://wire.example.com/story"},
            ],
            "appearance": [{"@type": "CreativeWork", "url": "https://wire.example.com/story"}],
        },
    }
    steady = items[2]  # no note, no checked date, a source without a url
    assert steady["reviewRating"]["ratingExplanation"] == "Reported, but not independently confirmed."  # the status description
    assert "dateModified" not in steady and "appearance" not in steady["itemReviewed"]
    assert steady["claimReviewed"] == "The ministry also said the weather was fine."


def test_front_matter_cannot_break_out_of_the_script(history_out: Path):
    html = (history_out / "hostile/index.html").read_text()
    raw = jsonld_blocks(html)[0]
    assert not re.search(r"[<>&]", raw)  # so neither '</script' nor '<!--' can appear
    item = json.loads(raw)["@graph"][0]
    author = item["itemReviewed"]["author"][0]
    assert author["name"] == "Evil </script><script>alert(1)</script> & Co <!--"
    assert author["url"] == "https://evil.example.com/?a=1&b=</script>"
    assert item["claimReviewed"] == "the </script> tag is harmless & fine"
    assert item["reviewRating"]["ratingExplanation"].startswith("Ends with </script><!")
    assert html.count("<script") == 2  # claims.js and the JSON-LD: nothing injected


def test_pages_without_claims_have_no_claim_review(bundled_site: Path):
    assert jsonld_blocks((bundled_site / "about/index.html").read_text()) == []
    assert jsonld_blocks((bundled_site / "claims/index.html").read_text()) == []
