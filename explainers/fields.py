"""Typed values read out of a YAML mapping, each mistake reported at its line.

site.yaml, a page's front matter and each claim are read through `Fields`, so every field
gets the same rules and the same messages: text, dates, flags, http(s)/mailto URLs.
"""
from __future__ import annotations

import datetime as dt
import re
import urllib.parse

from . import yamlfile
from .model import Problems

SAFE_SCHEMES = ("http", "https", "mailto")  # the only links front matter and pages may hold

# \Z, not $: "$" also matches before a final newline, which would let "slug\n" through
KEY_RE = re.compile(r"^[A-Za-z0-9_-]+\Z")

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")

# Control characters other than tab, newline and carriage return, and the noncharacters
# U+FFFE and U+FFFF: one search instead of a Python call per character of every field.
INVISIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

# What no URL may hold: whitespace (as str.isspace sees it, which is what \s matches) or a C0 control.
URL_BREAK_RE = re.compile(r"[\s\x00-\x1f]")


# An http(s) URL whose host is plain ASCII letters, digits, dots and hyphens, then nothing or
# printable ASCII from a '/', '?' or '#' on: urlsplit finds exactly that scheme and a
# non-empty host in it, and cannot raise (only brackets or non-ASCII in a host make it), so
# is_safe_url can say yes without calling it. Anything else takes the full check.
PLAIN_URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?:[/?#][\x21-\x7e]*)?\Z")


class Fields:
    """Reads typed values out of one YAML mapping, reporting mistakes at the right line."""

    def __init__(self, data: yamlfile.Mapping, problems: Problems, path: str, offset: int, what: str):
        self.data, self.problems, self.path, self.offset, self.what = data, problems, path, offset, what

    def line(self, key: str | None = None) -> int:
        return self.offset + (self.data.line_of(key) if key else self.data.line)

    def error(self, key: str | None, message: str) -> None:
        self.problems.error(self.path, self.line(key), message)

    def present(self, key: str, required: bool) -> object | None:
        """The raw value of a field; None (reported if it is required) when it is missing."""
        value = self.data.get(key)
        if value is None and required:
            self.error(None, f"{self.what} is missing '{key}'")
        return value

    def text(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        value = self.present(key, required)
        if value is None:
            return default
        if not isinstance(value, str):
            self.error(key, f"'{key}' must be text, not a {kind(value)}")
            return default
        if required and not value.strip():
            self.error(key, f"'{key}' is empty")
        bad = invisible_control(value)
        if bad is not None:
            # a YAML escape such as "\0" or "\e": invisible to readers, and forbidden in XML feeds
            self.error(key, f"'{key}' contains the control character U+{ord(bad):04X}; delete it")
            return default
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self.text(key, required)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(key, f"'{key}' must be a date written YYYY-MM-DD, not '{value}'")
        return parsed

    def flag(self, key: str) -> bool:
        value = self.text(key)
        if value is None:
            return False
        if value.lower() in ("true", "yes", "on"):
            return True
        if value.lower() not in ("false", "no", "off"):
            self.error(key, f"'{key}' must be true or false, not '{value}'")
        return False

    def url(self, key: str) -> str | None:
        value = self.text(key)
        if value is not None and not is_safe_url(value):
            self.error(key, f"'{key}' must be an http:, https: or mailto: address, not '{value}'")
            return None
        return value

    def mapping(self, key: str, required: bool = False) -> yamlfile.Mapping | None:
        value = self.present(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(key, f"'{key}' must be a mapping of keys to values, not a {kind(value)}")
            return None
        return value

    def unknown(self, allowed: set[str], level: str = "error") -> None:
        for key in self.data:
            if key not in allowed:
                message = f"unknown field '{key}' in {self.what} (expected one of: {', '.join(sorted(allowed))})"
                if level == "error":
                    self.error(key, message)
                else:
                    self.problems.warning(self.path, self.line(key), message)


def invisible_control(value: str) -> str | None:
    """The first control character other than tab and newline, or Unicode noncharacter, in value."""
    m = INVISIBLE_RE.search(value)
    return m.group() if m else None


def kind(value: object) -> str:
    return {dict: "mapping", list: "list", str: "text"}.get(type(value), type(value).__name__)


def parse_date(value: str) -> dt.date | None:
    """The date of a strict YYYY-MM-DD string, or None."""
    if not DATE_RE.match(value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def is_safe_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host, or a mailto: address."""
    if PLAIN_URL_RE.match(value):
        return True
    if URL_BREAK_RE.search(value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:  # e.g. 'https://[not-an-ipv6-host/'
        return False
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return False
    return bool(parts.netloc) if parts.scheme.lower() != "mailto" else bool(parts.path)
