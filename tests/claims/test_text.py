"""A claim's passage as plain text: sentences, placeholders put back, tags stripped."""
from __future__ import annotations

from explainers.claims.text import bracketed, split_sentences, strip_tags, unstash
from hypothesis import given, strategies as st
from markdown import util
import html
import markdown
import re
from conftest import examples

# The sentence breaks as a lookbehind split finds them: what split_sentences must equal.
SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")


# --- split_sentences gives exactly what SENTENCE_END_RE.split gives.

CHARS = list(".!?…\"'”’)( \n\t\u00a0\u2003ab") + ["Mr. ", "? ", ".) ", "…” ", ". . ", "\x02"]


@examples(400)
@given(st.lists(st.sampled_from(CHARS), max_size=30).map("".join))
def test_split_sentences_is_the_lookbehind_split(text):
    assert split_sentences(text) == SENTENCE_END_RE.split(text)


@examples(400)
@given(st.text(max_size=60))
def test_split_sentences_on_any_text(text):
    assert split_sentences(text) == SENTENCE_END_RE.split(text)


def test_examples():
    for text in ["", " ", "a. b", "a.  b! c? d… e", "“We left.” Then", "a.) b", ". . .", "end.", "x ."]:
        assert split_sentences(text) == SENTENCE_END_RE.split(text), text


# --- unstash's quick return (text without STX) gives what its three substitutions give.

def reference(md, text: str) -> str:
    """unstash as it was: every substitution on every text."""
    text = util.HTML_PLACEHOLDER_RE.sub(lambda m: html.unescape(strip_tags(md.htmlStash.rawHtmlBlocks[int(m.group(1))])) if int(m.group(1)) < len(md.htmlStash.rawHtmlBlocks) else "", text)
    text = text.replace(util.AMP_SUBSTITUTE, "&")
    return re.sub(f"{util.STX}(\\d+){util.ETX}", lambda m: chr(int(m.group(1))), text)


MD = markdown.Markdown()
MD.htmlStash.store("<b>bold &amp; x</b>")
MD.htmlStash.store("&rsquo;")
PIECES = [util.STX, util.ETX, "wzxhzdk:", "0", "1", "7", "42", util.AMP_SUBSTITUTE, "amp", "a", " ", "&", "<i>",
          util.HTML_PLACEHOLDER % 0, util.HTML_PLACEHOLDER % 1, util.HTML_PLACEHOLDER % 9, f"{util.STX}96{util.ETX}"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)


@examples(200)
@given(TEXTS, st.booleans())
def test_unstash_gives_what_the_substitutions_give(text, atomic):
    if atomic:
        text = util.AtomicString(text)
    got = unstash(MD, text)
    assert got == reference(MD, text)
    assert type(got) is str


# --- bracketed (a claim's label), visiting brackets only, gives what the loop over every character gave.

def reference_bracketed(data: str, index: int) -> tuple[str, int, bool]:
    """bracketed as it was: one step per character."""
    depth = 1
    for pos in range(index, len(data)):
        c = data[pos]
        if c == "\\":
            continue
        if c == "[" and data[pos - 1] != "\\":
            depth += 1
        elif c == "]" and data[pos - 1] != "\\":
            depth -= 1
            if depth == 0:
                return data[index:pos], pos + 1, True
    return "", len(data), False


TEXT = st.lists(st.sampled_from(list("[]\\^a *`") + ["\\[", "\\]", "\\\\", "[^a]", "][^b]"]), max_size=30).map("".join)


@examples(400)
@given(TEXT, st.integers(0, 40))
def test_bracketed_is_the_character_loop(data, index):
    assert bracketed(data, index) == reference_bracketed(data, index)


@examples(400)
@given(st.text(max_size=50), st.integers(0, 55))
def test_bracketed_on_any_text(data, index):
    assert bracketed(data, index) == reference_bracketed(data, index)
