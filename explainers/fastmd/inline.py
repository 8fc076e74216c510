"""The inline pass, trying a pattern only on text that holds its trigger.

Python-Markdown's inline pass tries every inline pattern, in priority order, on every run
of text, and each try costs some Python before any regular expression runs. Most runs of
prose hold none of the characters a pattern needs (a link needs `[`, emphasis `*` or `_`,
a smart quote `'` or `"`), so most tries were wasted: the inline and smarty passes were
the largest part of a page's conversion.

`QuickInlineProcessor` is the built-in processor with one change: before trying a pattern
it checks, with `in`, that the text holds one of the pattern's trigger strings, which every
match of that pattern's expression must contain. A pattern not listed in TRIGGERS is always
tried, so an extension's own pattern stays correct without an entry. Skipping a pattern
that cannot match is exactly what the built-in loop does after a failed search, so the
output is the same byte for byte.

Python-Markdown's link and reference patterns begin with a lookbehind, `(?<!\\!)\\[`, which
keeps the regex engine from skipping ahead to the next `[`: it tries every character of
the text. `install` gives them `\\[(?<!\\!\\[)`: the lookbehind after the bracket tests the
same character before it, so every search finds the same spans, and the engine can jump
from bracket to bracket.

`QuickUnescapeTreeprocessor`, the last tree pass, likewise runs its substitution only on
text that holds the placeholder's first character.
"""
from __future__ import annotations

import re

import markdown
from markdown import inlinepatterns, treeprocessors, util

# Pattern name -> strings of which every match holds at least one. Checked against each
# pattern's expression in Python-Markdown 3.11 (and our claim pattern, `\[`).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "claim": ("[",),
    "footnote": ("[",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "smarty-ellipses": ("...",),
    "smarty-em-dashes": ("---",),
    "smarty-en-dashes": ("--",),
    **{f"smarty-quotes-{n}": ("'", '"') for n in range(15)},
}


# The link and reference patterns' expression, and the same with the literal first (see above).
NOIMG_BRACKET = inlinepatterns.NOIMG + r"\["
BRACKET_NOIMG = r"\[(?<!\!\[)"


# Where Python-Markdown (inline) and its smarty extension register their inline passes.
PRIORITIES = {"inline": 20, "smarty": 6}


class QuickInlineProcessor(treeprocessors.InlineProcessor):
    """The built-in inline pass, trying each pattern only on text that holds one of its triggers."""

    def run(self, tree, ancestors=None):
        # The registry may gain patterns after this processor is made (extensions register
        # theirs later), so the list is checked for each document. The registry keeps names
        # only in its private list; indexing it (as the base class does for every try) sorts
        # and looks up each time, so the patterns are taken out once per change.
        registry = self.inlinePatterns
        # What the registry holds, as two tuples made in C rather than a walk name by name:
        # its names and priorities, and its patterns.
        held = (tuple(registry._priority), tuple(registry._data.values()))
        if held != getattr(self, "held", None):
            registry._sort()
            self.held = (tuple(registry._priority), tuple(registry._data.values()))
            names = tuple(item.name for item in registry._priority)
            self.names = names
            self.patterns = [(registry[name], frozenset(TRIGGERS[name]) if name in TRIGGERS else None) for name in names]
            self.trigger_strings = sorted({t for _, triggers in self.patterns if triggers for t in triggers})
            self.orders: dict[frozenset, list[int]] = {}
            self.always_tried = any(triggers is None for _, triggers in self.patterns)
        if not self.always_tried and not self.holds_trigger(tree):
            # No pattern can match anywhere, so the base pass would put every text back as
            # it was; smarty's pass over a page or a note without quotes or dashes is then
            # skipped whole instead of walking the tree for nothing.
            return tree
        return super().run(tree, ancestors)

    def holds_trigger(self, tree) -> bool:
        """True if some text or tail in the tree may hold the trigger of some pattern."""
        # Joined, two texts may make a trigger neither holds ('-' and '-'): that only means
        # the full pass runs, as it always did.
        text = "".join(t for el in tree.iter() for t in (el.text, el.tail) if t)
        return any(t in text for t in self.trigger_strings)

    def candidates(self, data: str) -> list[int]:
        """Indexes of the patterns that could match somewhere in data, in priority order."""
        present = frozenset(t for t in self.trigger_strings if t in data)
        order = self.orders.get(present)
        if order is None:
            order = self.orders[present] = [i for i, (_, triggers) in enumerate(self.patterns) if triggers is None or not triggers.isdisjoint(present)]
        return order

    # The base class calls this by its private (name-mangled) name from three places, so
    # overriding it under that name is the one way to change the loop without copying them.
    # Same loop as the base: each pattern in turn, again from where it last matched until it
    # no longer does. A match only ever replaces text by a placeholder (\x02klzzwxh:N\x03),
    # which holds no trigger, so a pattern ruled out at the start stays ruled out; and
    # one ruled in is checked again before each try, since earlier matches may have taken
    # every trigger (a claim's `[`, the one `*` pair): a try without a trigger finds nothing
    # and has no effect, and half of all tries were such.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern
        patterns = self.patterns
        for index in self.candidates(data):
            if index < patternIndex:
                continue
            pattern, triggers = patterns[index]
            matched, startIndex = True, 0
            while matched:
                if triggers is not None and not holds_any(data, triggers):
                    break
                data, matched, startIndex = apply(pattern, data, index, startIndex)
        return data


def holds_any(data: str, strings) -> bool:
    """True if data holds one of the strings."""
    for t in strings:
        if t in data:
            return True
    return False


class QuickUnescapeTreeprocessor(treeprocessors.UnescapeTreeprocessor):
    """The built-in unescape pass, substituting only in text that holds an escape's placeholder.

    The built-in one calls a regex substitution on every text, tail and attribute value of
    the tree; an escaped character's placeholder starts with STX, and
    a text without it is left as it is.
    """

    def run(self, root) -> None:
        stx = util.STX
        for elem in root.iter():
            text, tail = elem.text, elem.tail
            if text and stx in text and elem.tag != "code":
                elem.text = self.unescape(text)
            if tail and stx in tail:
                elem.tail = self.unescape(tail)
            for key, value in elem.items():
                if value is not None and stx in value:
                    elem.set(key, self.unescape(value))


UNESCAPE_PRIORITY = 0  # where Python-Markdown registers its unescape pass


def install(md: markdown.Markdown) -> None:
    """The quick inline, smarty and unescape passes in place of the built-in ones; the bracket patterns rewritten."""
    for name in ("inline", "smarty"):
        if name in md.treeprocessors:
            old = md.treeprocessors[name]
            quick = QuickInlineProcessor(md)
            quick.inlinePatterns = old.inlinePatterns
            md.treeprocessors.register(quick, name, PRIORITIES[name])
    for pattern in md.inlinePatterns:
        if isinstance(pattern, inlinepatterns.InlineProcessor) and pattern.compiled_re.pattern == NOIMG_BRACKET:
            pattern.compiled_re = re.compile(BRACKET_NOIMG, pattern.compiled_re.flags)
    if "unescape" in md.treeprocessors:
        md.treeprocessors.register(QuickUnescapeTreeprocessor(md), "unescape", UNESCAPE_PRIORITY)
