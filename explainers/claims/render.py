"""A claim as HTML: the one writer of its panel and endnote details.

The claims extension (syntax.py) stashes what these functions return as raw HTML, so no
later Markdown pass walks a panel's elements. Everything written here comes from checked
front matter, escaped as Python-Markdown's serializer escapes the rest of the page.
"""
from __future__ import annotations

import re

from ..i18n import _, current, format_date as date_text
from ..model import Claim, Site, Source

# An ampersand that does not start a character reference: Python-Markdown's serializer
# leaves `&amp;` and `&#38;` as they are and escapes a lone `&`; so do we.
LONE_AMPERSAND_RE = re.compile(r"&(?!(?:\#[0-9]+|\#x[0-9a-f]+|[0-9a-z]+);)", re.I)


def escape_text(text: str) -> str:
    """Text as Python-Markdown's serializer escapes element text."""
    if "&" in text:
        text = LONE_AMPERSAND_RE.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    """An attribute value as Python-Markdown's serializer escapes it."""
    return escape_text(text).replace('"', "&quot;")


def format_date(value) -> str:
    """A date as readers of the current language write it: 19 May 2022, 19 мая 2022 г. (i18n.py)."""
    return date_text(value)


def cached_date(value, dates: dict | None) -> str:
    """format_date(value), remembered in `dates` (each claim's dates are written two or three times a page)."""
    if dates is None:
        return format_date(value)
    key = (type(value), value, current())  # a date and a datetime of the same day are different keys
    text = dates.get(key)
    if text is None:
        text = dates[key] = format_date(value)
    return text


def status_meaning_html(description: str, methods_url: str | None, methods_title: str | None = None) -> str:
    """What a status means, in one line, and the link to the methods page: for a panel, under its badge."""
    methods_title = methods_title or _("How we check claims")
    link = f' <a class="methods-ref" href="{escape_attribute(methods_url)}">{escape_text(methods_title)}</a>' if methods_url else ""
    return f'<span class="status-meaning">{escape_text(description)}{link}</span>'


def claim_details_html(claim: Claim, sources: dict[str, Source], site: Site, status_label: str, tag: str, note_placeholder: str,
                       dates: dict | None = None, meaning: str = "") -> list[str]:
    """A claim's status, sources, note (already stashed), evidence, correction and checked date: one HTML string per part.

    The one writer of a claim's details, for its panel (`tag` "span") and its endnote ("p").
    Each element is written as Python-Markdown's serializer would write it (attributes in
    lexical order, escaped as it escapes), so the page reads as one document. Literal
    f-strings, not a general element writer: a page makes two of these per claim.
    `dates` remembers each date's text across pages (see cached_date). `meaning`
    (status_meaning_html) follows the badge and sources: what the status means, where the reader meets it.
    """
    text, attr = escape_text, escape_attribute
    parts = [f'<{tag} class="claim-head"><span class="badge" data-status="{attr(claim.status)}">{text(status_label)}</span></{tag}>']
    names = []
    for key in claim.sources:
        source = sources.get(key)
        if source is None:  # an unknown key, already reported; the build will fail
            continue
        if source.url:
            names.append(f'<a href="{attr(source.url)}">{text(source.name)}</a>')
        else:
            names.append(f'<span class="source-name">{text(source.name)}</span>')
    heading = _("Sources: ") if len(claim.sources) > 1 else _("Source: ")
    parts.append(f'<{tag} class="claim-sources">{heading}{"; ".join(names)}</{tag}>')
    if meaning:
        parts.append(meaning)
    if note_placeholder:
        parts.append(f'<{tag} class="claim-note">{note_placeholder}</{tag}>')
    if claim.url or claim.archive:
        evidence, archived = text(_("Evidence")), text(_("Archived copy"))
        links = [f'<a href="{attr(claim.url)}">{evidence}</a>'] if claim.url else []
        if claim.archive:
            links.append(f'<a href="{attr(claim.archive)}">{archived}</a>')
        parts.append(f'<{tag} class="claim-evidence">{" · ".join(links)}</{tag}>')
    if claim.history:
        last_change = claim.history[-1]
        was = site.statuses.get(last_change.status)
        updated = _("Updated {date}: was {status}").format(date=cached_date(claim.checked or last_change.date, dates),
                                                           status=was.label if was else last_change.status)
        parts.append(f'<{tag} class="claim-history">{text(updated)}</{tag}>')
    if claim.checked:
        time = f'<time datetime="{attr(claim.checked.isoformat())}">{text(cached_date(claim.checked, dates))}</time>'
        checked = text(_("Checked {date}")).format(date=time)
        parts.append(f'<{tag} class="claim-checked">{checked}</{tag}>')
    return parts


def backrefs_html(cid: str, numbers: list[int]) -> str:
    """The endnote's links back to each reference."""
    ref = escape_attribute(f"#ref-{cid}-")
    if len(numbers) == 1:
        back = escape_text(_("↩ Back to the text"))
        return f'<p class="claim-backrefs"><a href="{ref}{numbers[0]}">{back}</a></p>'
    label = _("reference {number}")
    links = "".join(f'<a aria-label="{escape_attribute(label.format(number=n))}" href="{ref}{n}">↩ {n}</a> ' for n in numbers)
    back = escape_text(_("Back to the text: "))
    return f'<p class="claim-backrefs">{back}{links}</p>'


def endnote_html(claim: Claim, sources: dict[str, Source], site: Site, status_label: str, passage: str | None,
                 note_placeholder: str, numbers: list[int], dates: dict | None = None, own_page: bool = False) -> str:
    """An endnote's content: the passage, the claim's details and the links back to each reference.

    `own_page`: the claim has a page of its own (claims/pages.py), at claims/ID/ from the explainer; the endnote links it.
    """
    parts = [f'<p class="claim-text">{escape_text(passage)}</p>'] if passage is not None else []
    parts += claim_details_html(claim, sources, site, status_label, "p", note_placeholder, dates)
    if numbers:
        parts.append(backrefs_html(claim.id, numbers))
    if own_page:
        own, use = escape_text(_("This claim on its own page")), escape_text(_(": link, cite or embed it"))
        parts.append(f'<p class="claim-own-page"><a href="{escape_attribute(f"claims/{claim.id}/")}">{own}</a>{use}</p>')
    # one <p> a line, as Python-Markdown's prettify pass would have laid them out
    return "\n" + "".join(part + "\n" for part in parts)
