"""Interface strings and dates in the language of the page: Babel's catalogs, compiled in memory, and Babel's date formats.

The site's catalogs are `locales/LANG/LC_MESSAGES/messages.po` (`make translations`
extracts the strings of layouts/ and of the builder into `locales/messages.pot` and
updates them with pybabel). A build compiles each .po in memory (babel.messages.mofile),
once per process and version of the file, so nothing generated is committed and a fresh
clone needs no compile step. The layouts use Jinja2's i18n extension (`_()`,
`ngettext()`); the builder's own HTML (claim panels, endnotes) uses `_` and `ngettext`
here, in the language `speaking()` set. A one-language site speaks "": every string as
written, every date as it always was ("19 May 2022").
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gettext as stdlib_gettext
import hashlib
import io
import re
from pathlib import Path

import jinja2
import jinja2.ext

DOMAIN = "messages"
_speaking = {"lang": "", "root": None, "catalog": None}


@functools.lru_cache(maxsize=None)
def _compiled(path: str, stamp: tuple, lang: str) -> stdlib_gettext.NullTranslations:
    """A .po file compiled in memory (`stamp`, its size and time, makes a changed file compile again)."""
    from babel.messages import mofile, pofile
    from babel.support import Translations

    with open(path, "rb") as f:
        catalog = pofile.read_po(f, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translations(root: Path | None, lang: str) -> stdlib_gettext.NullTranslations:
    """The site's catalog for a language, compiled; no catalog (or English, the language the strings are written in) translates nothing."""
    if not lang or root is None:
        return stdlib_gettext.NullTranslations()
    path = Path(root) / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        st = path.stat()
    except OSError:
        return stdlib_gettext.NullTranslations()
    return _compiled(str(path), (st.st_size, st.st_mtime_ns), lang)


@contextlib.contextmanager
def speaking(lang: str, root: Path | None = None):
    """Within the block, `_`, `ngettext` and `format_date` speak `lang` ("" for a one-language site: as written)."""
    before = dict(_speaking)
    # the catalog found once here: `_` is called a hundred times a page
    _speaking.update(lang=lang, root=root, catalog=translations(root, lang) if lang else None)
    try:
        yield
    finally:
        _speaking.update(before)


def current() -> str:
    """The language `speaking()` set ("" outside it, or on a one-language site)."""
    return _speaking["lang"]


def _(message: str) -> str:
    """A string of the builder's HTML in the current language."""
    catalog = _speaking["catalog"]
    return message if catalog is None else catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form for n in the current language (Russian has three: 1 утверждение, 2 утверждения, 5 утверждений)."""
    catalog = _speaking["catalog"]
    return (singular if n == 1 else plural) if catalog is None else catalog.ngettext(singular, plural, n)


def english_date(value: dt.date) -> str:
    """A date as English readers write it, as the site always has: 19 May 2022."""
    return f"{value.day} {value:%B %Y}"


@functools.lru_cache(maxsize=4096)
def date_in(value: dt.date, lang: str) -> str:
    """A date in a language, as Babel's long format writes it ("27 ноября 2026 г."); English as ever."""
    if not lang or lang == "en" or lang.startswith("en-"):
        return english_date(value)
    from babel.dates import format_date

    return format_date(value, format="long", locale=lang.replace("-", "_"))


def format_date(value: dt.date) -> str:
    """A date in the current language."""
    return date_in(value, _speaking["lang"])


def template_callables(catalog: stdlib_gettext.NullTranslations):
    """`_` and `ngettext` for the layouts: as Jinja2's i18n extension's "newstyle" ones (the result is markup, the values
    put into it escaped, `num` given to ngettext), but plain functions, one call each, for the thousands a build makes."""
    from markupsafe import Markup

    lookup, plural = catalog.gettext, catalog.ngettext
    made: dict[str, Markup] = {}  # each message looked up once per environment

    def gettext(message: str, **values) -> Markup:
        text = made.get(message)
        if text is None:
            text = made[message] = Markup(lookup(message))
        return text % values if values else text

    def ngettext(singular: str, plural_form: str, n: int, **values) -> Markup:
        values.setdefault("num", n)
        return Markup(plural(singular, plural_form, n)) % values

    return gettext, ngettext


def N_(message: str) -> str:
    """Marks a string for the catalog (pybabel extract) without translating it here."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a string with a plural for the catalog (pybabel extract -k Nn_:1,2) without translating it here."""
    return singular, plural


# What static/js/claims.js writes itself; a page not in English carries their translations (script_words).
SCRIPT_WORDS = (N_("Preview"), N_("No preview: follow the link to read it."), N_("Preview of claim {number}"),
                N_("Preview of claim {number} of {page}"), N_("Claim {number} on this page"), N_("Claim {number} of "),
                N_("Preview of {page}"), N_("the page"))
# And what static/js/ledger.js writes, on the ledger's pages: counts take the language's plural forms there (Intl.PluralRules).
LEDGER_WORDS = (N_("No claim matches {which}."), N_("No explainer has claims that match {which}."))
LEDGER_COUNTS = (Nn_("Showing all {total} claim.", "Showing all {total} claims."),
                 Nn_("Showing all {total} explainer.", "Showing all {total} explainers."),
                 Nn_("Showing {shown} of {total} claim ({which}).", "Showing {shown} of {total} claims ({which})."),
                 Nn_("Showing {shown} of {total} explainer with matching claims ({which}).",
                     "Showing {shown} of {total} explainers with matching claims ({which})."))


def script_words(root: Path | None, lang: str, ledger: bool = False) -> str:
    """The scripts' words in a language, as JSON for <body data-ui> ("" when none is translated: the scripts' own English).

    A count's forms are keyed "SINGULAR|CATEGORY" by CLDR plural category (one, few, many, other), which the
    script finds with Intl.PluralRules; the catalog gives each category's form for a number that has it.
    """
    import json

    if not lang:
        return ""
    catalog = translations(root, lang)
    texts = SCRIPT_WORDS + (LEDGER_WORDS if ledger else ())
    words = {text: catalog.gettext(text) for text in texts if catalog.gettext(text) != text}
    if ledger and words:
        for singular, plural in LEDGER_COUNTS:
            for category, n in plural_samples(lang).items():
                words[f"{singular}|{category}"] = catalog.ngettext(singular, plural, n)
    return json.dumps(words, ensure_ascii=False, separators=(",", ":")) if words else ""


@functools.lru_cache(maxsize=None)
def plural_samples(lang: str) -> dict[str, int]:
    """A whole number of each CLDR plural category of a language: {"one": 1, "few": 2, "many": 5} for Russian."""
    from babel import Locale

    locale, found = Locale.parse(lang.replace("-", "_")), {}
    for n in range(200):
        found.setdefault(locale.plural_form(n), n)
    return found


# A layout's `_("text")` with no values, which a build would call thousands of times for the same few words.
PLAIN_CALL_RE = re.compile(r"""\b_\(\s*(?:"([^"\\\n{}]*)"|'([^'\\\n{}]*)')\s*\)""")
NEEDS_ESCAPING = re.compile(r"""[&<>"'\\{}\n]""")


class Folded(jinja2.ext.Extension):
    """Puts each `_("text")` of a layout with no values in as its translation, a constant, when the layout is compiled.

    The output is the same (the call's result is markup; a constant that holds nothing to escape
    is written as it is), and Jinja2 joins the constant to the text around it: no call is left
    for the words of a page. A translation with a character to escape stays a call, and so does
    one joined with `~`: Jinja2 would join constants into plain text, and escape the markup in it.
    Compiled layouts then differ by language and catalog: `LanguageTemplates` keeps them apart.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        lookup = getattr(self.environment, "i18n_lookup", None)
        if lookup is None:
            return source

        def fold(match: re.Match) -> str:
            text = lookup(match.group(1) if match.group(1) is not None else match.group(2))
            joined = source[: match.start()].rstrip().endswith("~") or source[match.end():].lstrip().startswith("~")
            return match.group(0) if joined or NEEDS_ESCAPING.search(text) else f'"{text}"'
        return PLAIN_CALL_RE.sub(fold, source)


class LanguageTemplates(jinja2.BytecodeCache):
    """A cache of compiled layouts (pieces.DiskTemplates, MemoryTemplates) seen through one language and catalog version."""

    def __init__(self, inner: jinja2.BytecodeCache, tag: str):
        self.inner, self.tag = inner, tag

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha1(f"{self.inner.get_cache_key(name, filename)}:{self.tag}".encode()).hexdigest()

    def load_bytecode(self, bucket) -> None:
        self.inner.load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        self.inner.dump_bytecode(bucket)

    def clear(self) -> None:
        self.inner.clear()


def catalog_tag(root: Path | None, lang: str) -> str:
    """What a language's compiled layouts depend on besides their source: the language and its catalog's bytes."""
    if not lang or root is None:
        return lang
    path = Path(root) / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        return f"{lang}:{hashlib.sha1(path.read_bytes()).hexdigest()}"
    except OSError:
        return lang


class LayoutEnvironment(jinja2.Environment):
    """The layouts' Jinja2 environment: what a `{{ … }}` puts in is compiled as the parts it is made of, where that is the
    same output: `_("text %(name)s", name=EXPR)` as the text in the language with `{{ EXPR }}` in place (escaped, as the
    i18n extension's markup % values escapes it), `A ~ B` as `{{ A }}{{ B }}` (escaping each part is escaping the whole),
    `"<a>"|safe` as the text itself.

    The same bytes as the calls, without a call, a markup % and a join on every page; a translation with
    another % in it, or a value the text does not name, stays a call.
    """

    def _parse(self, source: str, name: str | None, filename: str | None):
        tree = super()._parse(source, name, filename)
        lookup = getattr(self, "i18n_lookup", None)
        if lookup is not None:
            for output in tree.find_all(jinja2.nodes.Output):
                output.nodes = [part for child in output.nodes for part in flattened(child, lookup)]
        return tree


def flattened(node, lookup) -> list:
    """The parts an Output may put in instead of `node`, for the same text (see LayoutEnvironment)."""
    nodes = jinja2.nodes
    if isinstance(node, nodes.Concat):
        return [part for child in node.nodes for part in flattened(child, lookup)]
    if (isinstance(node, nodes.Filter) and node.name == "safe" and isinstance(node.node, nodes.Const) and isinstance(node.node.value, str)
            and not node.args and not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None):
        return [nodes.TemplateData(node.node.value, lineno=node.lineno)]
    if not (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "_" and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
            and node.dyn_args is None and node.dyn_kwargs is None):
        return [node]
    values = {keyword.key: keyword.value for keyword in node.kwargs}
    text = lookup(node.args[0].value)
    if not values:  # markup: put in as it is
        return [nodes.TemplateData(text, lineno=node.lineno)] if text else []
    pieces = PLACEHOLDER_RE.split(text)
    if any("%" in piece for piece in pieces[::2]) or any(name not in values for name in pieces[1::2]):
        return [node]
    return [part for i, piece in enumerate(pieces) if i % 2 or piece
            for part in ([nodes.TemplateData(piece, lineno=node.lineno)] if i % 2 == 0 else flattened(values[piece], lookup))]


PLACEHOLDER_RE = re.compile(r"%\((\w+)\)s")
