"""The raw_html postprocessor, finding placeholders with a plain expression."""
from __future__ import annotations

import re

import markdown
from markdown import util
from markdown.postprocessors import RawHtmlPostprocessor


PLACEHOLDER_RE = re.compile(util.HTML_PLACEHOLDER % r"([0-9]+)")


class QuickRawHtmlPostprocessor(RawHtmlPostprocessor):
    """Python-Markdown's raw_html postprocessor, finding placeholders with a plain regex.

    The built-in one searches for `<p>PLACEHOLDER</p>|PLACEHOLDER`, an alternation the regex
    engine tries at every character of the page, and again inside each stashed piece
    (a page stashes two per claim). This one searches for the placeholder alone (its fixed prefix
    is found quickly) and looks at the three characters before and four after for the
    `<p>`...`</p>` the built-in pattern would have taken with it: the same replacements.
    """

    def run(self, text: str) -> str:
        if not self.md.htmlStash.html_counter:
            return text
        return self.restore(text)

    def restore(self, text: str) -> str:
        """Text with each placeholder replaced by its stashed HTML, itself restored."""
        if util.STX not in text:  # most stashed pieces hold no placeholder
            return text
        stash = self.md.htmlStash
        parts, at = [], 0
        for m in PLACEHOLDER_RE.finditer(text):
            key = int(m.group(1))
            if key >= stash.html_counter:  # the built-in one leaves it (and any <p> around it) as it is
                continue
            start, end = m.span()
            # The <p> cannot belong to an earlier replacement: that ends in \x03 or "</p>".
            wrapped = start - 3 >= at and text.startswith("<p>", start - 3) and text.startswith("</p>", end)
            html = self.stash_to_string(stash.rawHtmlBlocks[key])
            if wrapped:
                start, end = start - 3, end + 4
                if not self.isblocklevel(html):
                    html = f"<p>{html}</p>"
            parts.append(text[at:start])
            parts.append(self.restore(html))
            at = end
        if not parts:
            return text
        parts.append(text[at:])
        return "".join(parts)


def install(md: markdown.Markdown) -> None:
    """The quick raw_html postprocessor in place of the built-in one."""
    if "raw_html" in md.postprocessors and type(md.postprocessors["raw_html"]) is RawHtmlPostprocessor:
        md.postprocessors.register(QuickRawHtmlPostprocessor(md), "raw_html", RAW_HTML_PRIORITY)


RAW_HTML_PRIORITY = 30  # where Python-Markdown registers its raw_html postprocessor
