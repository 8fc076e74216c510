"""schema.org ClaimReview JSON-LD in each explainer: parsed as a browser would, every field checked."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import make_site, run_cli


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
