"""fields.py's character checks find exactly the characters their definitions name, on every code point."""
from explainers import fields

ALL = [chr(c) for c in range(0x110000)]


def test_invisible_control_finds_exactly_the_controls_and_noncharacters():
    # The definition: a control other than tab, newline and carriage return, or U+FFFE/U+FFFF.
    expected = [c for c in ALL if (c < " " and c not in "\t\n\r") or "\x7f" <= c <= "\x9f" or c in "\ufffe\uffff"]
    assert [c for c in ALL if fields.invisible_control(f"ok{c}ok") == c] == expected
    assert fields.invisible_control("tab\tnew\nline\r ok é €") is None
    assert fields.invisible_control("a\x1bb\x00") == "\x1b"  # the first one is reported


def test_a_url_may_hold_no_whitespace_or_c0_control():
    # The definition: whatever str.isspace() calls space, or a character below U+0020.
    assert [c for c in ALL if fields.URL_BREAK_RE.search(c)] == [c for c in ALL if c.isspace() or ord(c) < 32]
    assert not fields.is_safe_url("https://example.org/a\u2003b")
    assert not fields.is_safe_url("https://example.org/a\x1fb")
    assert fields.is_safe_url("https://example.org/é")
