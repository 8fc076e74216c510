"""A claim's front matter, read and checked field by field (the messages live in checks.py)."""
from __future__ import annotations

from ..fields import KEY_RE, Fields, parse_date
from ..model import Claim, HistoryEntry, Page, Site
from . import checks

CLAIM_FIELDS = {"status", "source", "sources", "note", "url", "archive", "checked", "history"}


def read_claims(site: Site, page: Page, f: Fields) -> dict[str, Claim]:
    """Check every claim of a page's front matter against the site's statuses and sources."""
    table = f.mapping("claims")
    claims: dict[str, Claim] = {}
    folded: dict[str, str] = {}
    for cid, entry in (table or {}).items():
        line = f.offset + table.line_of(cid)
        if not KEY_RE.match(cid):
            f.problems.error(f.path, line, checks.say("bad-id", cid=cid))
            continue
        if cid.casefold() in folded:
            f.problems.error(f.path, line, checks.say("id-differs-in-case", cid=cid, other=folded[cid.casefold()]))
            continue
        folded[cid.casefold()] = cid
        if not isinstance(entry, dict):
            f.problems.error(f.path, line, checks.say("not-a-mapping", cid=cid))
            continue
        entry.line = table.line_of(cid)
        c = Fields(entry, f.problems, f.path, f.offset, f"claim '{cid}'")
        c.unknown(CLAIM_FIELDS)
        status = c.text("status", required=True)
        if status is not None and status not in site.statuses:
            c.error("status", checks.say("unknown-status", cid=cid, status=status, known=", ".join(site.statuses) or "no statuses"))
        claims[cid] = Claim(
            id=cid,
            status=status or "",
            sources=read_claim_sources(page, c, cid),
            note=c.text("note"),
            url=c.url("url"),
            archive=c.url("archive"),
            checked=c.date("checked"),
            history=read_history(site, c, cid),
            line=line,
        )
    return claims


def read_claim_sources(page: Page, c: Fields, cid: str) -> tuple[str, ...]:
    """A claim's `source:` or `sources: [...]`, each a known source key."""
    if "source" in c.data and "sources" in c.data:
        c.error("sources", checks.say("both-source-fields", cid=cid))
    if "sources" in c.data:
        value, key = c.data["sources"], "sources"
        keys = value if isinstance(value, list) else None
        if keys is None or not keys or not all(isinstance(k, str) for k in keys):
            c.error(key, checks.say("sources-not-a-list", cid=cid))
            return ()
    elif c.data.get("source") is not None:
        value, key = c.data["source"], "source"
        if not isinstance(value, str):
            c.error(key, checks.say("source-not-one-key", cid=cid))
            return ()
        keys = [value]
    else:
        c.error(None, checks.say("missing-source", cid=cid))
        return ()
    for k in keys:
        if k not in page.sources:
            c.error(key, checks.say("unknown-source", cid=cid, key=k, known=", ".join(sorted(page.sources)) or "none"))
    return tuple(keys)


def read_history(site: Site, c: Fields, cid: str) -> tuple[HistoryEntry, ...]:
    """Earlier verdicts on a claim, oldest first, each dated no later than the current `checked`."""
    value = c.data.get("history")
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        c.error("history", checks.say("history-not-a-list", cid=cid))
        return ()
    entries: list[tuple[HistoryEntry, Fields]] = []
    for item in value:
        if not isinstance(item, dict):
            c.error("history", checks.say("history-entry-not-a-mapping", cid=cid))
            continue
        h = Fields(item, c.problems, c.path, c.offset, f"a history entry of claim '{cid}'")
        h.unknown({"date", "status", "note"})
        date, status, note = h.date("date", required=True), h.text("status", required=True), h.text("note")
        if status is not None and status not in site.statuses:
            h.error("status", checks.say("unknown-history-status", cid=cid, status=status, known=", ".join(site.statuses)))
        elif date is not None and status is not None:
            entries.append((HistoryEntry(date, status, note), h))
    for (a, _), (b, h) in zip(entries, entries[1:]):
        if b.date < a.date:
            h.error("date", checks.say("history-out-of-order", cid=cid, later=b.date, earlier=a.date))
            break
    if entries:
        check_history_against_checked(c, cid, entries[-1])
    return tuple(entry for entry, _ in entries)


def check_history_against_checked(c: Fields, cid: str, newest: tuple[HistoryEntry, Fields]) -> None:
    """The current status dates from `checked`, so every earlier verdict must come before it."""
    entry, h = newest
    checked = parse_date(c.data["checked"]) if isinstance(c.data.get("checked"), str) else None
    if "checked" not in c.data or c.data.get("checked") is None:
        c.error("history", checks.say("history-without-checked", cid=cid))
    elif checked is not None and entry.date > checked:
        h.error("date", checks.say("history-after-checked", cid=cid, date=entry.date, checked=checked))
