"""Python-Markdown's HTML serializer, the same bytes with less work per element.

`to_html_string` keeps a list for its stack, makes each tag's lowercase name once, and
escapes text only where it holds `&`, `<` or `>`: the built-in spends much of its time on
a deque, per-element checks for comments and qualified names, and escaping calls that
change nothing. An element whose tag is not a plain string (a comment, a processing
instruction, a QName, None) is written by the built-in serializer, and so is a whole tree
whose text it cannot write.
"""
from __future__ import annotations

from xml.etree.ElementTree import HTML_EMPTY, QName
from xml.etree.ElementTree import Element as etree_element

import markdown
from markdown import serializers


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


def install(md: markdown.Markdown) -> None:
    """This serializer in place of the built-in HTML one."""
    if md.serializer is serializers.to_html_string:
        md.serializer = to_html_string
