"""A claim's HTML (claims/render.py) is what Python-Markdown would write for the same elements.

The claims extension stashes each panel's and endnote's content as HTML text instead of
elements. Here the same content is built as elements (the reference builders below, as the
extension once made them) and serialized by Python-Markdown's own serializer: the text
must be equal, for hypothesis's claims made of what escaping, entities and Markdown care
about. Dates remembered across pages must read as format_date writes them.
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as etree
from pathlib import Path

from hypothesis import given, strategies as st
from markdown import serializers, util

from conftest import examples
from explainers.claims.render import (backrefs_html, cached_date, claim_details_html, endnote_html, escape_attribute,
                                      escape_text, format_date)
from explainers.claims.syntax import Context, make_markdown
from explainers.model import Claim, HistoryEntry, Site, Source, Status


def fill_claim_details(parent: etree.Element, claim: Claim, sources: dict, site: Site, status_label: str, tag: str, note: str) -> None:
    """The reference: status, sources, note, evidence, correction and checked date as child elements."""
    head = etree.SubElement(parent, tag, {"class": "claim-head"})
    badge = etree.SubElement(head, "span", {"class": "badge", "data-status": claim.status})
    badge.text = util.AtomicString(status_label)
    listed = etree.SubElement(parent, tag, {"class": "claim-sources"})
    listed.text = util.AtomicString("Sources: " if len(claim.sources) > 1 else "Source: ")
    last = None
    for key in claim.sources:
        source = sources.get(key)
        if source is None:
            continue
        if last is not None:
            last.tail = util.AtomicString("; ")
        last = etree.SubElement(listed, "a", {"href": source.url}) if source.url else etree.SubElement(listed, "span", {"class": "source-name"})
        last.text = util.AtomicString(source.name)
    if note:
        etree.SubElement(parent, tag, {"class": "claim-note"}).text = note
    if claim.url or claim.archive:
        evidence = etree.SubElement(parent, tag, {"class": "claim-evidence"})
        if claim.url:
            link = etree.SubElement(evidence, "a", {"href": claim.url})
            link.text = util.AtomicString("Evidence")
        if claim.archive:
            if claim.url:
                link.tail = util.AtomicString(" · ")
            archived = etree.SubElement(evidence, "a", {"href": claim.archive})
            archived.text = util.AtomicString("Archived copy")
    if claim.history:
        last_change = claim.history[-1]
        was = site.statuses.get(last_change.status)
        updated = etree.SubElement(parent, tag, {"class": "claim-history"})
        updated.text = util.AtomicString(f"Updated {format_date(claim.checked or last_change.date)}: was {was.label if was else last_change.status}")
    if claim.checked:
        checked = etree.SubElement(parent, tag, {"class": "claim-checked"})
        checked.text = util.AtomicString("Checked ")
        time = etree.SubElement(checked, "time", {"datetime": claim.checked.isoformat()})
        time.text = util.AtomicString(format_date(claim.checked))


def fill_endnote(li: etree.Element, claim: Claim, sources: dict, site: Site, status_label: str, passage, note: str, numbers: list[int]) -> None:
    """The reference for an endnote: the passage, the details and the links back, as elements."""
    if passage is not None:
        etree.SubElement(li, "p", {"class": "claim-text"}).text = util.AtomicString(passage)
    fill_claim_details(li, claim, sources, site, status_label, "p", note)
    if not numbers:
        return
    back = etree.SubElement(li, "p", {"class": "claim-backrefs"})
    if len(numbers) == 1:
        etree.SubElement(back, "a", {"href": f"#ref-{claim.id}-{numbers[0]}"}).text = "↩ Back to the text"
        return
    back.text = "Back to the text: "
    for n in numbers:
        a = etree.SubElement(back, "a", {"href": f"#ref-{claim.id}-{n}", "aria-label": f"reference {n}"})
        a.text, a.tail = f"↩ {n}", " "


def serialized(el: etree.Element) -> str:
    return serializers.to_html_string(el)


def make_site(statuses: dict[str, Status], sources: dict[str, Source]) -> Site:
    return Site(root=Path("."), display_root="", title="T", base_url="https://example.org/", language="en",
                output_dir="public", stale_after_days=365, statuses=statuses, sources=sources)


# Texts made of what HTML escaping, entities and Markdown care about.
PIECES = ["&", "&amp;", "&#38;", "&#x26;", "&copy", "&COPY;", "<", ">", "<b>", '"', "'", "*", "_", "`", "[", "]", "[TOC]",
          " ", "  ", "\n", "a", "Word", "·", "é", "\u00a0", ";", "--", "...", "[x](https://x.org/)", "\\"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)
urls = st.one_of(st.none(), st.lists(st.sampled_from(["x", "?a=1", "&b=2", "&amp;", "#f", "%22", '"', "<>", "é"]),
                                     max_size=5).map(lambda parts: "https://x.org/" + "".join(parts)))
dates = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))


@st.composite
def claims(draw):
    """A site and one claim of it, with a status label, sources, note placeholder and history from hypothesis's pieces."""
    statuses = {f"s{i}": Status(f"s{i}", draw(texts), "d") for i in range(draw(st.integers(1, 3)))}
    sources = {f"src{i}": Source(f"src{i}", draw(texts), draw(urls)) for i in range(draw(st.integers(1, 3)))}
    history = tuple(HistoryEntry(draw(st.dates(dt.date(1990, 1, 1))), draw(st.sampled_from(list(statuses) + ["gone"])))
                    for _ in range(draw(st.integers(0, 2))))
    claim = Claim(id=draw(st.sampled_from(["a", "b-2", "C_3"])), status=draw(st.sampled_from(list(statuses))),
                  sources=tuple(draw(st.lists(st.sampled_from(list(sources) + ["unknown"]), min_size=1, max_size=3))),
                  url=draw(urls), archive=draw(urls), checked=draw(dates), history=history)
    note = draw(st.sampled_from(["", "\x02wzxhzdk:7\x03"]))
    return make_site(statuses, sources), claim, draw(texts), note


@examples(200)
@given(claims(), st.sampled_from(["span", "p"]))
def test_claim_details_are_what_the_serializer_writes(case, tag):
    site, claim, label, note = case
    parent = etree.Element("div")
    fill_claim_details(parent, claim, site.sources, site, label, tag, note)
    assert claim_details_html(claim, site.sources, site, label, tag, note) == [serialized(child) for child in parent]


@examples(200)
@given(claims(), st.one_of(st.none(), texts), st.lists(st.integers(1, 9), max_size=3))
def test_endnotes_are_what_the_serializer_writes(case, passage, numbers):
    site, claim, label, note = case
    li = etree.Element("li")
    fill_endnote(li, claim, site.sources, site, label, passage, note, numbers)
    assert endnote_html(claim, site.sources, site, label, passage, note, numbers) == "\n" + "".join(serialized(child) + "\n" for child in li)


@given(texts)
def test_escaping_is_the_serializer_s(text):
    assert escape_text(text) == serializers._escape_cdata(text)
    assert escape_attribute(text) == serializers._escape_attrib_html(text)


def test_backrefs_name_each_reference():
    assert backrefs_html("a", [1]) == '<p class="claim-backrefs"><a href="#ref-a-1">↩ Back to the text</a></p>'
    assert backrefs_html("a", [1, 2]) == ('<p class="claim-backrefs">Back to the text: <a aria-label="reference 1" href="#ref-a-1">↩ 1</a> '
                                          '<a aria-label="reference 2" href="#ref-a-2">↩ 2</a> </p>')


def test_front_matter_that_looks_like_markdown_stays_text():
    # A source named [TOC] is the name of a source, not the toc extension's marker.
    site = make_site({"ok": Status("ok", "Fine", "d")}, {"toc": Source("toc", "[TOC]", "https://x.org/")})
    claim = Claim("a", "ok", ("toc",), checked=dt.date(2026, 1, 2))
    md, ext = make_markdown()
    doc, errors = ext.convert(Context(site, "page.md", "../", {"a": claim}, site.sources, {"page.md": "page/"}, frozenset()), "Text.[^a]")
    assert errors == []
    assert '<a href="https://x.org/">[TOC]</a>' in doc.html
    assert '<div class="toc">' not in doc.html


# --- dates remembered across pages (cached_date) read exactly as format_date writes them

SHARED: dict = {}  # one dict over every example, as a build keeps it over every page


@examples(150)
@given(st.lists(st.one_of(st.dates(), st.datetimes()), max_size=20))
def test_remembered_dates_read_as_format_date(values):
    for value in values:
        assert cached_date(value, SHARED) == format_date(value)
        assert cached_date(value, None) == format_date(value)


def test_a_date_and_a_datetime_of_one_day_are_kept_apart():
    dates: dict = {}
    day, moment = dt.date(2024, 5, 19), dt.datetime(2024, 5, 19, 12, 30)
    assert cached_date(day, dates) == cached_date(moment, dates) == "19 May 2024"
    assert len(dates) == 2
    assert cached_date(dt.date(2024, 6, 19), dates) == "19 June 2024"
