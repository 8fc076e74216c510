"""The bundled explainer: every claim reference carries a known status and a real source."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

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
        if keys and keys <= parties:
            assert claim["status"] == "attributed", f"{cid}: a party's own claim must be 'attributed'"
        if claim["status"] == "verified":
            assert not keys & {"relatives", "ukraine-officials", "ukraine-military-admin"}, cid
        assert "newsweek.com/20" not in str(claim.get("url", "")), f"{cid}: no Newsweek article URL is known"
