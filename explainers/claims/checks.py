"""Every rule about claims, with its message, and the one place that decides error or warning.

A writer's mistakes about claims are found at three moments, each where the facts are:

    reading the front matter   frontmatter.py   a claim's fields (status, sources, dates, history)
    converting the body        syntax.py        references: undefined, nested, inside a link, ...
    checking the site          site_findings()  after every page is converted: unused claims,
                                                stale `checked` dates, missing notes and evidence

Each message is written once, here (MESSAGES, and the site-wide rules below). Those are
errors wherever they are found. The site-wide rules return Findings (rule, line, message);
`report` turns them into problems with the level LEVELS gives the rule in a build and in
`check`, as Zola's checkers return every message and one place decides.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import ClaimFacts, Page, Problems, Site


# What the front matter and the body can get wrong about a claim, by rule: the message, with
# the values each names. checks.say(rule, **values) writes one.
MESSAGES = {
    # reading the front matter (frontmatter.py)
    "bad-id": "claim id '{cid}' may use only letters, digits, '-' and '_'",
    "id-differs-in-case": "claim id '{cid}' differs from '{other}' only in case; use one spelling",
    "not-a-mapping": "claim '{cid}' must be a mapping with 'status' and 'source'",
    "unknown-status": "claim '{cid}' has unknown status '{status}' (site.yaml has: {known})",
    "both-source-fields": "claim '{cid}' has both 'source' and 'sources': use one",
    "sources-not-a-list": "claim '{cid}': 'sources' must be a list of source keys, like [meduza, newsweek]",
    "source-not-one-key": "claim '{cid}': 'source' must be one source key (use 'sources: [a, b]' for several)",
    "missing-source": "claim '{cid}' is missing 'source'",
    "unknown-source": "claim '{cid}' names unknown source '{key}' (known: {known})",
    "history-not-a-list": "claim '{cid}': 'history' must be a list of earlier verdicts, each '- {{date: YYYY-MM-DD, status: KEY, note: \"...\"}}'",
    "history-entry-not-a-mapping": "claim '{cid}': each history entry must be a mapping with 'date' and 'status'",
    "unknown-history-status": "claim '{cid}': history status '{status}' is unknown (site.yaml has: {known})",
    "history-out-of-order": "claim '{cid}': history entries must be oldest first ({later} is listed after {earlier})",
    "history-without-checked": "claim '{cid}' has a history but no 'checked' date: add 'checked:', the date of its current status",
    "history-after-checked": "claim '{cid}': history entry dated {date} is after 'checked: {checked}'; the current status must be the newest",
    # converting the body (syntax.py, notes.py)
    "undefined-claim": "reference to undefined claim '{cid}': add it under 'claims:' in the front matter",
    "nested-reference": "claim reference '[^{inner}]' sits inside the highlighted text of claim '{cid}'; claims cannot nest",
    "link-in-highlight": "the highlighted text of claim '{cid}' contains a link; move the link outside '[...][^{cid}]'",
    "defined-both-ways": "'{cid}' is defined both as a claim in the front matter and as a footnote '[^{cid}]:' in the body; rename one",
    "reference-inside-link": "claim reference '[^{cid}]' sits inside a link; a button cannot go inside a link, so move it out",
    "note-not-inline": "a note may hold inline Markdown only (no lists, headings or paragraphs)",
    "unsafe-note-link": "the note links to '{href}'; a note may link to http:, https: and mailto: addresses and to this site's pages and claims (other.md, other.md#claim-id, #claim-id)",
    "in-note": "claim '{cid}': {message}",
}


def say(rule: str, **values) -> str:
    """The message of a rule about claims (MESSAGES), with the values it names."""
    return MESSAGES[rule].format(**values)


# --- checking the site --------------------------------------------------------------------

# rule -> (level in a build, level in `check`); None: not reported there. The editorial rules
# (an editor's checklist: evidence, dates, sources) speak only in `check`.
LEVELS: dict[str, tuple[str | None, str | None]] = {
    "unused": ("warning", "error"),
    # a build counts them in one line (Summary), and can only: it reads each page's count (build_findings); `check` lists each
    "stale": ("summary", "warning"),
    "no-note": (None, "warning"),
    "no-evidence": (None, "warning"),
    "not-checked": (None, "warning"),
    "published-after-review": (None, "warning"),
    "changed-after-updated": (None, "warning"),
    "home-page-link": (None, "warning"),
    "repeated-source": (None, "warning"),
    "link-to-draft": ("warning", "error"),  # links.site_findings
    "missing-anchor": ("warning", "error"),
    # a site with `languages:` (translation_findings): an editor's to-do list, never a reason to stop a build or a deploy
    "untranslated": (None, "warning"),
    "stale-translation": (None, "warning"),
}
BUILD_RULES = frozenset(rule for rule, (level, _) in LEVELS.items() if level)  # what a build reports
# What a translation answers for of its claims: the rest (status, evidence, dates, sources) is the original's, reported there once.
TRANSLATION_RULES = frozenset({"unused", "no-note"})
# Statuses that say evidence settled the claim: a reader must be able to follow that evidence.
EVIDENCE_STATUSES = ("verified", "disputed", "refuted")


@dataclass(frozen=True)
class Finding:
    """What a site-wide rule found: the rule, the line and the message (report() gives it its level)."""

    rule: str  # a key of LEVELS
    line: int
    message: str
    days: int = 0  # for "stale": the site's stale_after_days, which its summary names
    count: int = 1  # how many claims it stands for: a build counts a page's stale claims in one (build_findings)


def unused(cid: str, line: int) -> Finding:
    """The finding of a claim defined but never referenced."""
    return Finding("unused", line, f"claim '{cid}' is defined but never referenced in the text")


def claim_findings(site: Site, page: Page, claim: ClaimFacts, today: dt.date) -> list[Finding]:
    """What the site-wide rules say of one claim of a page."""
    found, cid, line = [], claim.id, claim.line
    if not claim.referenced:
        found.append(unused(cid, line))
    if claim.checked and (today - claim.checked).days > site.stale_after_days:
        found.append(Finding("stale", line, f"claim '{cid}' was last checked on {claim.checked}, more than {site.stale_after_days} days ago",
                             site.stale_after_days))
    if not claim.noted:
        found.append(Finding("no-note", line, f"claim '{cid}' has no note telling readers why it is {claim.status}"))
    if claim.status in EVIDENCE_STATUSES and not claim.evidence:
        found.append(Finding("no-evidence", line, f"claim '{cid}' is {claim.status} but has neither 'url' nor 'archive': "
                                                  "link the evidence it was checked against, or choose the status the evidence supports"))
    if not claim.checked:
        found.append(Finding("not-checked", line, f"claim '{cid}' has no 'checked' date: add the day its status was last reviewed"))
    last_update = page.updated or page.date
    if claim.changed and claim.changed > last_update:
        found.append(Finding("changed-after-updated", line, f"claim '{cid}' changed status on {claim.changed}, after the page's "
                                                            f"'updated' date {last_update}: a change of status is a change in substance; set 'updated'"))
    if claim.home_page:
        found.append(Finding("home-page-link", line, f"claim '{cid}' has a site's home page as its 'url': link the page that holds the evidence"))
    if claim.repeated_source:
        found.append(Finding("repeated-source", line, f"claim '{cid}' lists source '{claim.repeated_source}' twice"))
    return found


def site_findings(site: Site, page: Page, today: dt.date, strict: bool = True) -> list[Finding]:
    """The site-wide rules over one page's claims, in the claims' order, then those about the page as a whole.

    `check` (strict) reads every claim of the page whole. A build reports only the rules with
    a level in a build (unused, stale), which need no more than the site index keeps of the
    claims (Facts, build_findings), so an edit loads no other page to check it.
    """
    found = page_findings(site, page, today, strict)
    return [finding for finding in found if finding.rule in TRANSLATION_RULES] if page.lang else found


def page_findings(site: Site, page: Page, today: dt.date, strict: bool) -> list[Finding]:
    """site_findings' rules over any page, a translation's too."""
    if not strict:
        return build_findings(site, page, today)
    used = {ref.claim for ref in page.doc.references}
    claims = [ClaimFacts.of(claim, claim.id in used) for claim in page.claims.values()]
    found = [finding for claim in claims for finding in claim_findings(site, page, claim, today)]
    reviewed = [claim for claim in claims if claim.first_review]
    first = min(reviewed, key=lambda claim: claim.first_review, default=None)
    if first is not None and first.first_review < page.date:
        found.append(Finding("published-after-review", page.date_line,
                             f"'date' {page.date} is after claim '{first.id}' was checked on {first.first_review}: 'date' is the day "
                             "this page was first published on this site, not the date of the story"))
    return found


def build_findings(site: Site, page: Page, today: dt.date) -> list[Finding]:
    """What a build's rules (BUILD_RULES: unused, stale) say of a page's claims, from what the site index keeps of them (Facts).

    Each claim never referenced is a finding, as claim_findings makes it; the page's stale
    claims are one finding that counts them (`count`), since a build only counts them (LEVELS:
    "summary") and the index keeps only their dates: a site with 5,000 stale claims costs an
    edit no more than one with none. tests/claims/test_checks.py holds both to claim_findings.
    """
    days = site.stale_after_days
    found = [unused(cid, line) for cid, line in page.facts.unused]
    count = page.facts.stale_count(today.toordinal() - days)
    if count:
        found.append(Finding("stale", 1, f"{count} of the page's claims were last checked more than {days} days ago", days, count))
    return found


def translation_findings(site: Site, page: Page, by_name: dict[str, Page]) -> list[Finding]:
    """A page in the site's own language with no translation into a language, and a translation older than its original's `updated`."""
    if page.lang:
        original = by_name.get(page.original)
        changed = original and original.updated
        if changed and (page.updated or page.date) < changed:
            return [Finding("stale-translation", page.date_line, f"this translation dates from {page.updated or page.date}, but "
                            f"{original.rel} was updated on {changed}: bring it up to date, then set 'updated'")]
        return []
    missing = [code for code in list(site.languages)[1:] if f"{page.name[:-3]}.{code}.md" not in by_name]
    if page.draft or not missing:
        return []
    return [Finding("untranslated", 1, f"this page has no translation into {', '.join(missing)} "
                                       f"(content/{page.name[:-3]}.{missing[0]}.md); `python build.py new {page.slug or 'index'} --lang {missing[0]}` starts one")]


@dataclass
class Summary:
    """One warning that stands for every finding of a rule in a build ("summary" in LEVELS), printed without a place.

    It sits among the problems where the first such finding was; counting one more is an
    increment, and the message is written when it is read.
    """

    rule: str
    days: int  # for "stale": the site's stale_after_days, which the line names
    count: int = 0
    path: str = ""
    line: int = 0
    level: str = "warning"

    @property
    def message(self) -> str:
        return SUMMARIES[self.rule](self.count, self.days)

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


# rule -> the summary line of its "summary" findings in a build, given how many there are
SUMMARIES = {
    "stale": lambda count, site_days: f"{count:,} claim{'s' if count != 1 else ''} last checked more than {site_days} days ago; "
                                      "`python build.py check` lists them",
}


def report(problems: Problems, path: str, findings: list[Finding], strict: bool) -> None:
    """Record findings as errors or warnings: the one place that decides which (LEVELS).

    A rule whose level is "summary" adds no line per finding: one Summary line, put where
    the first was found, counts them all (tally).
    """
    for finding in findings:
        level = LEVELS[finding.rule][1 if strict else 0]
        if level == "error":
            problems.error(path, finding.line, finding.message)
        elif level == "warning":
            problems.warning(path, finding.line, finding.message)
        elif level == "summary":
            tally(problems, finding)


def tally(problems: Problems, finding: Finding) -> None:
    """Count one more finding in its rule's Summary line, adding the line at the first."""
    summary = next((p for p in problems if isinstance(p, Summary) and p.rule == finding.rule), None)
    if summary is None:
        summary = Summary(finding.rule, finding.days)
        problems.append(summary)
    summary.count += finding.count
