"""unstash's quick return (text without STX) gives what its three substitutions give."""
from __future__ import annotations

import html
import os
import re

import markdown
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown import util

from explainers.claims_md import strip_tags, unstash

settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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


@given(TEXTS, st.booleans())
def test_unstash_gives_what_the_substitutions_give(text, atomic):
    if atomic:
        text = util.AtomicString(text)
    got = unstash(MD, text)
    assert got == reference(MD, text)
    assert type(got) is str
