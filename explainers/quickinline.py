"""A faster inline pass for Python-Markdown: a pattern is tried only on text holding its trigger.

Python-Markdown's inline pass tries every inline pattern, in priority order, on every run
of text, and each try costs a few microseconds of Python before any regular expression
runs. Most runs of prose hold none of the characters a pattern needs (a link needs `[`,
emphasis `*` or `_`, a smart quote `'` or `"`), so on our pages about nine tries in ten
were wasted: the inline and smarty passes were half of a page's conversion time.

`QuickInlineProcessor` is the built-in processor with one change: before trying a pattern
it checks, with `in`, that the text holds one of the pattern's trigger strings, which every
match of that pattern's expression must contain. A pattern not listed in TRIGGERS is always
tried, so an extension's own pattern stays correct without an entry. Skipping a pattern
that cannot match is exactly what the built-in loop does after a failed search, so the
output is the same byte for byte (tests/test_quickinline.py compares both on every page).

Python-Markdown's link and reference patterns begin with a lookbehind, `(?<!\\!)\\[`, which
keeps the regex engine from skipping ahead to the next `[`: it tries every character of
the text (17 us over a 1,500-character paragraph). `install` gives them `\\[(?<!\\!\\[)`: the
lookbehind after the bracket tests the same character before it, so every search finds the
same spans, 16 times faster.

Six block processors get the same treatment (QUICK_BLOCKS): each first checks, with `in`
or `count`, for a character that every match of its expression holds (`>` for a quote,
`#` for a heading, a newline and `=` or `-` for a setext heading, three `-`, `_` or `*`
for a rule, `]:` for a reference or footnote definition); their expressions start with
`(^|\\n)` or `^` and are tried at every character of every block. Each test is the built-in one written out after its check, not a
call to it: a call would be one more stack frame, and the quote processor declines to nest
when the stack nears Python's recursion limit, so the output would change at that depth.

`QuickUnescapeTreeprocessor`, the last tree pass, likewise runs its substitution only on
text that holds the placeholder's first character.

`to_html_string` is Python-Markdown's HTML serializer with a list for its stack, each
tag's lowercase name made once, and text escaped only where it holds `&`, `<` or `>`
(about half the serializer's time went to its deque, per-element checks for comments and
qualified names, and escaping calls that changed nothing). An element whose tag is not a
plain string (a comment, a processing instruction, a QName, None) is written by the
built-in serializer, and so is a whole tree whose text it cannot write.

`NormalizeWhitespace` is the built-in whitespace preprocessor with its blank-line
expression written `\\n +(?=\\n)`: the built-in `(?<=\\n) +\\n` starts with a lookbehind,
which the regex engine tries at every character (60 us of a 7 kB page).
"""
from __future__ import annotations

import re
from xml.etree.ElementTree import HTML_EMPTY, QName
from xml.etree.ElementTree import Element as etree_element

import markdown
from markdown import blockprocessors, inlinepatterns, preprocessors, serializers, treeprocessors, util
from markdown.extensions.footnotes import FootnoteBlockProcessor

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
        # and looks up each time, which alone cost a tenth of a page's conversion.
        registry = self.inlinePatterns
        # What the registry holds, as two tuples made in C (a name-by-name walk cost a tenth
        # of rendering a note): its names and priorities, and its patterns.
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
            # it was; for smarty's pass over a page or a note without quotes or dashes, the
            # walk alone cost as much as the inline pass's real work.
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
    the tree (some 600 on a page); an escaped character's placeholder starts with STX, and
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


class QuickQuoteProcessor(blockprocessors.BlockQuoteProcessor):
    """A quote needs a `>`."""

    def test(self, parent, block: str) -> bool:
        return ">" in block and bool(self.RE.search(block)) and not util.nearing_recursion_limit()


class QuickHashHeaderProcessor(blockprocessors.HashHeaderProcessor):
    """A `#` heading needs a `#`."""

    def test(self, parent, block: str) -> bool:
        return "#" in block and bool(self.RE.search(block))


class QuickSetextHeaderProcessor(blockprocessors.SetextHeaderProcessor):
    """An underlined heading needs a line starting with `=` or `-` after the first."""

    def test(self, parent, block: str) -> bool:
        return ("\n=" in block or "\n-" in block) and bool(self.RE.match(block))


class QuickHRProcessor(blockprocessors.HRProcessor):
    """A rule needs three of `-`, `_` or `*` (the same one)."""

    def test(self, parent, block: str) -> bool:
        if block.count("-") < 3 and block.count("_") < 3 and block.count("*") < 3:
            return False
        m = self.SEARCH_RE.search(block)
        if m:
            self.match = m  # for run(), as the built-in test does
            return True
        return False


class QuickReferenceProcessor(blockprocessors.ReferenceProcessor):
    """A reference definition `[id]: url` needs `]:`; without, run() would put the block back and decline."""

    def test(self, parent, block: str) -> bool:
        return "]:" in block


class QuickFootnoteBlockProcessor(FootnoteBlockProcessor):
    """A footnote definition `[^id]: text` needs `]:`; without, run() would put the block back and decline."""

    def test(self, parent, block: str) -> bool:
        return "]:" in block


# Block processor name -> (its quick class, where Python-Markdown registers it).
QUICK_BLOCKS = {
    "hashheader": (QuickHashHeaderProcessor, 70),
    "setextheader": (QuickSetextHeaderProcessor, 60),
    "hr": (QuickHRProcessor, 50),
    "quote": (QuickQuoteProcessor, 20),
    "reference": (QuickReferenceProcessor, 15),
    "footnote": (QuickFootnoteBlockProcessor, 17),  # registered by the footnotes extension
}


UNESCAPE_PRIORITY = 0  # where Python-Markdown registers its unescape pass


def to_html_string(root) -> str:
    """serializers.to_html_string, the same bytes with less work per element (see the module docstring)."""
    if not isinstance(root, etree_element):
        return serializers.to_html_string(root)
    try:
        return "".join(write_html(root))
    except (TypeError, AttributeError):  # text or attributes the built-in one reports its own way
        return serializers.to_html_string(root)


def write_html(root) -> list[str]:
    """The pieces of root's HTML, in order, as serializers._serialize_html writes them."""
    data: list[str] = []
    write = data.append
    stack = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    escape, escape_attrib = serializers._escape_cdata, serializers._escape_attrib_html
    boolean = serializers.BOOLEAN_ATTRIBUTES["html"]
    while stack:
        el = pop()
        if isinstance(el, str):  # an end tag and the tail after it
            write(el)
            continue
        tag = el.tag
        if tag.__class__ is not str:
            serializers._serialize_html(write, el, "html")  # the element and its tail
            continue
        start = "<" + tag
        items = el.items()
        if items:
            if len(items) > 1:
                items.sort()  # lexical order
            for k, v in items:
                if isinstance(k, QName):
                    k = k.text
                if isinstance(v, QName):
                    v = v.text
                if v is None:
                    start += " " + k
                    continue
                if "&" in v or "<" in v or ">" in v or '"' in v:
                    v = escape_attrib(v)
                start += f" {v}" if k == v and k in boolean else f' {k}="{v}"'
        write(start + ">")
        lower = tag.lower()
        text = el.text
        if text:
            if lower == "script" or lower == "style":
                write(text)
            elif "&" in text or "<" in text or ">" in text:
                write(escape(text))
            else:
                write(text)
        tail = el.tail
        if tail and ("&" in tail or "<" in tail or ">" in tail):
            tail = escape(tail)
        end = "" if lower in HTML_EMPTY else f"</{tag}>"
        if len(el):
            if tail:
                end += tail
            if end:
                push(end)
            extend(reversed(el))
        else:
            if end:
                write(end)
            if tail:
                write(tail)
    return data


class NormalizeWhitespace(preprocessors.NormalizeWhitespace):
    """The built-in whitespace preprocessor, its blank-line expression starting with a literal."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(self.md.tab_length)
        source = BLANK_LINE_RE.sub("\n", source)
        return source.split("\n")


# A line of spaces alone, taken with the newline before it (the built-in takes the one after).
BLANK_LINE_RE = re.compile(r"\n +(?=\n)")
NORMALIZE_PRIORITY = 30  # where Python-Markdown registers its whitespace preprocessor


def install(md: markdown.Markdown) -> None:
    """Put the quick passes in place of the built-in inline, smarty and unescape passes, six block processors, the whitespace preprocessor and the serializer."""
    if md.serializer is serializers.to_html_string:
        md.serializer = to_html_string
    if "normalize_whitespace" in md.preprocessors and type(md.preprocessors["normalize_whitespace"]) is preprocessors.NormalizeWhitespace:
        md.preprocessors.register(NormalizeWhitespace(md), "normalize_whitespace", NORMALIZE_PRIORITY)
    for name in ("inline", "smarty"):
        if name in md.treeprocessors:
            old = md.treeprocessors[name]
            quick = QuickInlineProcessor(md)
            quick.inlinePatterns = old.inlinePatterns
            md.treeprocessors.register(quick, name, PRIORITIES[name])
    for pattern in md.inlinePatterns:
        if isinstance(pattern, inlinepatterns.InlineProcessor) and pattern.compiled_re.pattern == NOIMG_BRACKET:
            pattern.compiled_re = re.compile(BRACKET_NOIMG, pattern.compiled_re.flags)
    blocks = md.parser.blockprocessors
    for name, (quick_class, priority) in QUICK_BLOCKS.items():
        if name in blocks and type(blocks[name]) is quick_class.__base__:
            old = blocks[name]
            quick = quick_class(old.footnotes) if isinstance(old, FootnoteBlockProcessor) else quick_class(md.parser)
            blocks.register(quick, name, priority)
    if "unescape" in md.treeprocessors:
        md.treeprocessors.register(QuickUnescapeTreeprocessor(md), "unescape", UNESCAPE_PRIORITY)
