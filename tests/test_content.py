"""The bundled explainer: every claim reference carries a known status and a real source."""
from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import REPO, texts_by_id


class _Triggers(HTMLParser):
    def __init__(self):
        super().__init__()
        self.triggers: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "button" and "data-claim" in attrs:
            self.triggers.append(attrs)


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))


def test_every_reference_has_a_known_status_and_a_source(bundled_site: Path):
    site = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    page = front_matter(REPO / "content/contract-soldiers.md")
    sources = {**site["sources"], **page.get("sources", {})}
    html = (bundled_site / "contract-soldiers/index.html").read_text(encoding="utf-8")
    parser = _Triggers()
    parser.feed(html)
    texts = texts_by_id(html)
    assert len(parser.triggers) >= len(page["claims"]) >= 25
    seen = set()
    for trigger in parser.triggers:
        cid, status = trigger["data-claim"], trigger.get("data-status")
        seen.add(cid)
        assert status in site["statuses"], f"claim {cid}: status {status!r} is not in site.yaml"
        claim = page["claims"][cid]
        assert claim["status"] == status
        names = [sources[k]["name"] for k in claim.get("sources", [claim.get("source")]) if k]
        assert names, f"claim {cid} has no source"
        panel = texts[trigger["popovertarget"]]
        assert site["statuses"][status]["label"] in panel, f"panel of {cid} lacks its status label"
        assert all(name in panel for name in names), f"panel of {cid} lacks a source name"
        assert claim.get("note"), f"claim {cid} has no note saying why it has its status"
    assert seen == set(page["claims"]), "every claim is referenced"


def test_statuses_follow_the_sourcing_rules():
    """Nothing rests on a party to the war as verified fact; nothing Meduza-only is verified."""
    page = front_matter(REPO / "content/contract-soldiers.md")
    parties = {"ukraine-officials", "ukraine-military-admin", "russia-mod", "us-dod-official"}
    for cid, claim in page["claims"].items():
        keys = set(claim.get("sources", [claim.get("source")]))
        if keys - {"newsweek"} and keys - {"newsweek"} <= parties:  # a party's claim, as Newsweek relays it
            assert claim["status"] == "attributed", f"{cid}: a party's own claim must be 'attributed'"
        if claim["status"] == "verified":
            assert not keys & {"relatives", "ukraine-officials", "ukraine-military-admin"}, cid
        assert "newsweek.com/20" not in str(claim.get("url", "")), f"{cid}: no Newsweek article URL is known"


# issue 16: the explainer edited to a fact-checker's standard

PAGE = REPO / "content/contract-soldiers.md"
REPORT = Path("/work/shared/story/newsweek-report.txt")
# quotations in the page that are not from Newsweek's report: Meduza's headline, and the page's own former headline
NOT_FROM_THE_REPORT = {
    "‘We have no idea who we’re fighting for’: How Russia threatens contract soldiers who refuse to fight in Ukraine",
    "Contract soldiers say they could not quit",
}


def body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def test_the_page_date_is_our_publication_not_the_reports():
    page = front_matter(PAGE)
    published, updated = page["date"], page.get("updated")
    assert published != dt.date(2022, 5, 19), "19 May 2022 is not a known date of anything in this story"
    assert published.year >= 2026, "'date' is when this site first published the page, not the report's date"
    assert updated is None or updated >= published
    checked = [c["checked"] for c in page["claims"].values()]
    earliest = min([*checked, *(h["date"] for c in page["claims"].values() for h in c.get("history", []))])
    assert published <= earliest, "a page is not published before its claims were first checked"


def test_the_dateline_and_json_ld_use_the_pages_own_dates(bundled_site: Path):
    html = (bundled_site / "contract-soldiers/index.html").read_text(encoding="utf-8")
    assert 'Published <time datetime="2026-11-27">27 November 2026</time>' in html
    head = html.split("</head>", 1)[0]  # meta and ClaimReview JSON-LD
    assert "2022-05-19" not in head and '"datePublished":"2026-11-27"' in head


def test_the_title_says_who_says_it():
    title = front_matter(PAGE)["title"]
    # in the report it is two mothers who say the soldiers could not leave; the soldier quoted says only that they do not know whom they fight
    assert re.match(r"(Mothers|Relatives|Soldiers’ mothers)\b[^.]* say ", title), title


def test_every_verified_claim_has_evidence_a_reader_can_follow_and_says_what_was_checked():
    for cid, claim in front_matter(PAGE)["claims"].items():
        assert claim.get("note"), f"{cid}: every claim's note says why it has its status"
        assert claim.get("checked"), f"{cid}: every claim says when its status was last checked"
        if claim["status"] in {"verified", "disputed", "refuted"}:
            assert claim.get("url") or claim.get("archive"), f"{cid}: a {claim['status']} claim links its evidence"
            assert "checked against" in claim["note"].lower(), f"{cid}: the note says what it was checked against"


def test_quotations_are_exact():
    """Every “…” in the explainer's text and notes appears, character for character, in Newsweek's report."""
    if not REPORT.is_file():
        pytest.skip("the report's text is not on this machine")
    report = REPORT.read_text(encoding="utf-8")
    page = front_matter(PAGE)
    texts = [body(PAGE).replace("\\[", "[").replace("\\]", "]"), *(c["note"] for c in page["claims"].values())]
    quotes = [q for text in texts for q in re.findall(r"“([^”]*)”", text)]
    assert len(quotes) >= 10
    for quote in quotes:
        if quote not in NOT_FROM_THE_REPORT:
            assert quote in report, f"not in the report as written: “{quote}”"


def test_claims_are_credited_in_the_sentence_and_absences_are_what_the_report_cites():
    page = front_matter(PAGE)
    text = body(PAGE)
    for unsourced in ("The fighting had cost", "with some 100,000 troops deployed", "Under that threat", "second- or third-hand",
                      "(the report’s wording)", "What the law says", "exactly as Newsweek prints it"):
        assert unsourced not in text, unsourced
    for cid, claim in page["claims"].items():
        note = claim["note"]
        assert not re.search(r"ha(s|ve) (not )?been published|no one outside the family|found no independent evidence", note, re.I), cid
        assert "source notes" not in note.lower() or "## The sources" in text, f"{cid} cites notes that readers cannot see"
    assert "FSB, Russia’s Federal Security Service" in text, "the FSB is explained"
    assert "Kemerovo" not in PAGE.read_text(encoding="utf-8"), "no identifying details beyond what the report prints"


def test_every_source_is_described_on_the_page_and_none_links_a_home_page(bundled_site: Path):
    site = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    section = body(PAGE).split("## The sources", 1)[1].split("\n## ", 1)[0]

    def plain(name: str) -> str:
        return re.sub(r"^(a|the) ", "", name.replace("’", "'").lower())
    described = {plain(name) for name in re.findall(r"^- \*\*(.+?)\*\*", section, re.M)}
    for key, source in site["sources"].items():
        assert plain(source["name"]) in described, f"source {key} is not described under The sources"
        url = source.get("url", "")
        assert not re.fullmatch(r"https?://[^/]+/?", url), f"source {key} links a home page, which JSON-LD would give as where its claims appeared"
    html = (bundled_site / "contract-soldiers/index.html").read_text(encoding="utf-8")
    assert "newsweek.com" not in html


def test_the_methods_page_exists_and_every_explainer_links_it_from_the_legend(bundled_site: Path):
    methods = (bundled_site / "methods/index.html").read_text(encoding="utf-8")
    for heading in ("How we choose the claims", "What each status means, and what it needs", "How we weigh sources",
                    "How to tell us about a mistake", "Corrections policy"):
        assert f">{heading}</h2>" in methods, heading
    html = (bundled_site / "contract-soldiers/index.html").read_text(encoding="utf-8")
    legend = html[html.index('<details class="legend">'):html.index("</details>")]
    assert 'href="../methods/"' in legend
    foot = html[html.index('id="claims-heading"'):]
    assert 'class="methods-link"' in foot and 'href="../methods/"' in foot
    about = (bundled_site / "about/index.html").read_text(encoding="utf-8")
    assert 'href="../methods/"' in about
    assert "By a party to events" not in about and "United States" in about, "Attributed covers interested governments"


def test_status_changes_are_shown_as_corrections(bundled_site: Path):
    html = (bundled_site / "contract-soldiers/index.html").read_text(encoding="utf-8")
    corrections = html[html.index('<section class="corrections"'):]
    for cid in ("named-by-initial", "photo-credit", "could-not-verify"):
        assert f'data-claim="{cid}"' in corrections, cid
    assert "Changes to this page" in html
