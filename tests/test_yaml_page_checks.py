"""The quick paths of load.py's page checks give exactly what the code before them gave.

is_safe_url says yes to plain http(s) URLs without calling urlsplit, and read_page cuts
the body off with one bounded split instead of splitting and joining every line. Frozen
copies of the code before are below; hypothesis compares them on generated URLs (plain,
near plain and hostile) and texts.
"""
from __future__ import annotations

import re
import urllib.parse

from hypothesis import HealthCheck, example, given, settings, strategies as st

from explainers import fields, load

SETTINGS = settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))

URL_PIECES = [
    "http", "https", "HTTP", "Https", "mailto", "ftp", "javascript", ":", "://", "//", "/", "?", "#", "@", "[", "]", "[::1]",
    "a", "example.org", "-", ".", "..", "é", "\u0130", "\uff0f", "%2F", "x:80", ":99999", " ", "\t", "\n", "\x00", "\x1f",
    "\x7f", "\x85", "\u2028", "\u3000", "\\", "~", "a=1&b=2", "'", '"', "<", ">",
]


@st.composite
def url(draw) -> str:
    """A URL: mostly an http(s) one with pieces that might trip the quick check."""
    head = draw(st.sampled_from(["http://", "https://", "", "HTTPS://", "http:/", "https:", "mailto:"]))
    return head + "".join(draw(st.lists(st.sampled_from(URL_PIECES), max_size=6)))


@SETTINGS
@given(st.one_of(url(), st.text(max_size=20), st.text(alphabet="htps:/[]a.-#?@ \x00é", max_size=20)))
@example("https://evidence.example.org/explainer-00000/0")
@example("http://-")
@example("https://a.org/[x")
@example("https://[a.org/")
@example("https://a.org\u2028/x")
def test_is_safe_url_is_the_same(value):
    assert fields.is_safe_url(value) == ref_is_safe_url(value)


@SETTINGS
@given(st.text(alphabet="ab\n\r-", max_size=30), st.integers(1, 12))
def test_text_from_line_is_joining_the_split_lines(text, number):
    assert load.text_from_line(text, number) == "\n".join(text.split("\n")[number - 1 :])


# ---- Frozen copy of load.is_safe_url before the quick path (at a80eee8) ----

REF_URL_BREAK_RE = re.compile(r"[\s\x00-\x1f]")
REF_URL_SCHEMES = ("http", "https", "mailto")


def ref_is_safe_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host, or a mailto: address."""
    if REF_URL_BREAK_RE.search(value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:  # e.g. 'https://[not-an-ipv6-host/'
        return False
    if parts.scheme.lower() not in REF_URL_SCHEMES:
        return False
    return bool(parts.netloc) if parts.scheme.lower() != "mailto" else bool(parts.path)
